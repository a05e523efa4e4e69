/* sw_aws_json: small cJSON helpers shared by the JSON protocols (Inspector2, ECR).
 *
 * Bounded parsing of an answer and copying typed members into fixed-size
 * struct fields: a present member of the wrong type is a parse error, an
 * absent one leaves the field empty, a too-long string is cut on a UTF-8
 * boundary (enum values are kept as strings, never rejected). */
#ifndef SW_AWS_JSON_H
#define SW_AWS_JSON_H

#include "handler/core/buf.h"
#include "handler/core/error.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define SW_AWS_JSON_MAX_BYTES ((size_t)8 * 1024 * 1024)
#define SW_AWS_JSON_MAX_DEPTH 32

/* Parses json[0..len) as an object (empty body = {}), checking size and nesting depth.
 * *out is owned by the caller (cJSON_Delete). what names the answer in messages. */
int sw_aws_json_parse_object(const char *json, size_t len, const char *what, cJSON **out,
                             struct sw_error *err);

/* Copies obj[key] (a string) into out; "" when absent or null. SW_EPARSE when another type. */
int sw_aws_json_copy_string(const cJSON *obj, const char *key, char *out, size_t cap,
                            const char *what, struct sw_error *err);

/* obj[key] as a number (epoch seconds etc.); 0 when absent. SW_EPARSE when another type. */
int sw_aws_json_get_number(const cJSON *obj, const char *key, double *out, const char *what,
                           struct sw_error *err);

/* obj[key] when it is an object / array, NULL when absent or null; SW_EPARSE otherwise. */
int sw_aws_json_get_object(const cJSON *obj, const char *key, const cJSON **out, const char *what,
                           struct sw_error *err);
int sw_aws_json_get_array(const cJSON *obj, const char *key, size_t max_items, const cJSON **out,
                          size_t *count, const char *what, struct sw_error *err);

/* Prints item compactly into out (reset first). */
int sw_aws_json_print(const cJSON *item, struct sw_buf *out, struct sw_error *err);

/* Runs expr into the caller's int rc and jumps to its out: label on an error (the parsers'
 * one cleanup path). */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        rc = (expr);                                                                               \
        if (rc)                                                                                    \
            goto out;                                                                              \
    } while (0)

#endif
