/* sw_aws_json: the shared, bounded cJSON plumbing of the JSON-protocol
 * operations, so inspector2.c and ecr.c only say which members they want. */
#include "handler/aws/json.h"

#include "handler/core/text.h"

#include <string.h>

static size_t max_depth(const cJSON *item, size_t depth, size_t limit)
{
    size_t deepest = depth;
    if (depth > limit)
        return depth;
    for (const cJSON *c = item ? item->child : NULL; c; c = c->next) {
        size_t d = max_depth(c, depth + 1, limit);
        if (d > deepest)
            deepest = d;
        if (deepest > limit)
            break;
    }
    return deepest;
}

int sw_aws_json_parse_object(const char *json, size_t len, const char *what, cJSON **out,
                             struct sw_error *err)
{
    *out = NULL;
    if (len > SW_AWS_JSON_MAX_BYTES)
        return sw_error_set(err, SW_ELIMIT, "%s: answer of %zu bytes exceeds %zu", what, len,
                            (size_t)SW_AWS_JSON_MAX_BYTES);
    size_t start = 0;
    while (start < len && (json[start] == ' ' || json[start] == '\n' || json[start] == '\r' ||
                           json[start] == '\t'))
        start++;
    cJSON *root = start == len ? cJSON_CreateObject() : cJSON_ParseWithLength(json, len);
    if (!root)
        return sw_error_set(err, SW_EPARSE, "%s: the answer is not valid JSON", what);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_EPARSE, "%s: the answer is not a JSON object", what);
    }
    if (max_depth(root, 0, SW_AWS_JSON_MAX_DEPTH) > SW_AWS_JSON_MAX_DEPTH) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_ELIMIT, "%s: the answer nests deeper than %d", what,
                            SW_AWS_JSON_MAX_DEPTH);
    }
    *out = root;
    return 0;
}

int sw_aws_json_copy_string(const cJSON *obj, const char *key, char *out, size_t cap,
                            const char *what, struct sw_error *err)
{
    out[0] = '\0';
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return sw_error_set(err, SW_EPARSE, "%s: \"%s\" is not a string", what, key);
    size_t len = strlen(v->valuestring);
    size_t n = sw_text_utf8_prefix(v->valuestring, len, cap - 1);
    memcpy(out, v->valuestring, n);
    out[n] = '\0';
    return 0;
}

int sw_aws_json_get_number(const cJSON *obj, const char *key, double *out, const char *what,
                           struct sw_error *err)
{
    *out = 0;
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v))
        return sw_error_set(err, SW_EPARSE, "%s: \"%s\" is not a number", what, key);
    *out = v->valuedouble;
    return 0;
}

int sw_aws_json_get_object(const cJSON *obj, const char *key, const cJSON **out, const char *what,
                           struct sw_error *err)
{
    *out = NULL;
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsObject(v))
        return sw_error_set(err, SW_EPARSE, "%s: \"%s\" is not an object", what, key);
    *out = v;
    return 0;
}

int sw_aws_json_get_array(const cJSON *obj, const char *key, size_t max_items, const cJSON **out,
                          size_t *count, const char *what, struct sw_error *err)
{
    *out = NULL;
    *count = 0;
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return sw_error_set(err, SW_EPARSE, "%s: \"%s\" is not an array", what, key);
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (++n > max_items)
            return sw_error_set(err, SW_ELIMIT, "%s: \"%s\" has more than %zu items", what, key,
                                max_items);
    }
    *out = v;
    *count = n;
    return 0;
}

int sw_aws_json_print(const cJSON *item, struct sw_buf *out, struct sw_error *err)
{
    sw_buf_reset(out);
    char *text = cJSON_PrintUnformatted(item);
    if (!text)
        return sw_error_set(err, SW_ENOMEM, "out of memory printing a request body");
    int rc = sw_buf_append_str(out, text);
    cJSON_free(text);
    if (rc)
        return sw_error_set(err, rc, "request body larger than %zu bytes", out->max);
    return 0;
}
