/* The runtime's own parts, shared by its three files and by nothing outside runtime/:
 * lr_runtime.c (the invocation loop and its lifecycle), lr_http.c (the Runtime API over
 * one curl handle) and lr_response.c (the handler's answer and the growable buffers).
 * The public surface stays lr_runtime.h. */
#ifndef LR_RUNTIME_INTERNAL_H
#define LR_RUNTIME_INTERNAL_H

#include "lr_headers.h"
#include "lr_runtime.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#define ENDPOINT_MAX 256u
#define DEFAULT_CONTENT_TYPE "application/json"
#define TARGET_MAX (LR_REQUEST_ID_MAX + 64u)
#define TRACE_ENV "_X_AMZN_TRACE_ID"
#define TRACE_ENV_PREFIX TRACE_ENV "="

/* A growable byte buffer, NUL-terminated once allocated; callers check their LR_*_MAX first. */
struct bytes {
    char *data;
    size_t len;
    size_t cap;
};

enum response_kind { RESPONSE_NONE = 0, RESPONSE_SUCCESS, RESPONSE_FAILURE };

struct lr_response {
    enum response_kind kind;
    const char *body; /* success: own.data or a borrowed pointer */
    size_t body_len;
    struct bytes own; /* copied success body, or the failure message */
    char content_type[LR_CONTENT_TYPE_MAX + 1];
    char error_type[LR_ERROR_TYPE_MAX + 1];
    size_t error_type_len;
};

struct lr_runtime {
    CURL *curl;
    /* CURLOPT_URL is set once to base; each request only sets its path as
     * CURLOPT_REQUEST_TARGET, so curl parses and re-encodes a short URL instead of the
     * whole one (about 15% of curl's instructions per invocation). */
    char base[ENDPOINT_MAX + 16]; /* "http://host:port/" */
    char target[TARGET_MAX];      /* "/2018-06-01/runtime/invocation/<id>/response" */
    char curl_err[CURL_ERROR_SIZE];

    /* The answer being received. */
    struct bytes payload;
    bool payload_too_large;
    bool discard_body;          /* a post's answer body: read and dropped */
    bool out_of_memory;         /* a callback could not allocate: the transfer was aborted */
    char *values[LR_HDR_COUNT]; /* one block, LR_HEADER_VALUE_MAX + 1 bytes per header */
    size_t value_len[LR_HDR_COUNT];
    bool value_cut[LR_HDR_COUNT];

    struct lr_invocation inv;
    struct lr_response resp;
    struct bytes error_body;

    /* Request headers, built in place (curl only reads the list). */
    char hdr_content_type[sizeof("Content-Type: ") + LR_CONTENT_TYPE_MAX];
    char hdr_error_type[sizeof("Lambda-Runtime-Function-Error-Type: ") + LR_ERROR_TYPE_MAX];
    struct curl_slist hdr_nodes[4];
    struct curl_slist get_header;

    /* "_X_AMZN_TRACE_ID=<id>", handed to putenv and rewritten in place per invocation:
     * setenv would keep every past value (glibc never frees them), a leak per invocation. */
    char trace_env[sizeof(TRACE_ENV_PREFIX) + LR_HEADER_VALUE_MAX];
};

/* Fills err (when not NULL) and returns code. */
int lr_fail(struct lr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Buffers (lr_response.c): room for want bytes plus the NUL; a copy; release of a buffer
 * grown past the keep limit; release. Return 0 or LR_ENOMEM. */
int lr_bytes_reserve(struct bytes *b, size_t want);
int lr_bytes_set(struct bytes *b, const void *data, size_t len);
void lr_bytes_trim(struct bytes *b);
void lr_bytes_free(struct bytes *b);
/* Empties the answer for the next invocation, keeping its buffer (lr_response.c). */
void lr_response_reset(struct lr_response *r);

/* The transport (lr_http.c): the curl options of the one handle, once; one request on it
 * with the connection retries (status: the HTTP status); one POST of body to rt->target. */
void lr_http_setup(struct lr_runtime *rt, const char *endpoint);
int lr_http_perform(struct lr_runtime *rt, const char *what, long *status, struct lr_error *err);
int lr_http_post(struct lr_runtime *rt, const char *what, const char *body, size_t len,
                 const char *content_type, const char *error_type, long *status,
                 struct lr_error *err);

#endif
