/* lr_response: the handler's answer (success body or error type and message) and the
 * growable buffers the runtime keeps across invocations. No I/O: lr_runtime.c sends it. */
#include "lr_runtime_internal.h"

#include "lr_json.h"
#include "lr_log.h"

#include <stdlib.h>
#include <string.h>

/* Buffers bigger than this are released after an invocation so that one large event does
 * not pin its memory for the life of the sandbox. */
#define KEEP_BUFFER_MAX (1024u * 1024u)

/* ---- buffers ---- */

int lr_bytes_reserve(struct bytes *b, size_t want)
{
    if (want + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < want + 1)
        cap = cap * 2 > want + 1 ? cap * 2 : want + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return LR_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int lr_bytes_set(struct bytes *b, const void *data, size_t len)
{
    if (lr_bytes_reserve(b, len) != 0)
        return LR_ENOMEM;
    if (len)
        memcpy(b->data, data, len);
    b->len = len;
    b->data[len] = '\0';
    return 0;
}

void lr_bytes_trim(struct bytes *b)
{
    b->len = 0;
    if (b->cap > KEEP_BUFFER_MAX) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

void lr_bytes_free(struct bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- responses ---- */

void lr_response_reset(struct lr_response *r)
{
    r->kind = RESPONSE_NONE;
    r->body = NULL;
    r->body_len = 0;
    r->content_type[0] = '\0';
    r->error_type[0] = '\0';
    r->error_type_len = 0;
    lr_bytes_trim(&r->own);
}

int lr_response_failure(struct lr_response *out, const char *error_type, const char *message)
{
    if (!out)
        return LR_EINVAL;
    if (!error_type || !*error_type)
        error_type = "Runtime.Unknown";
    if (!message)
        message = "";
    size_t tlen = lr_utf8_prefix(error_type, strlen(error_type), LR_ERROR_TYPE_MAX);
    memcpy(out->error_type, error_type, tlen);
    out->error_type[tlen] = '\0';
    out->error_type_len = tlen;
    size_t mlen = strnlen(message, LR_ERROR_MESSAGE_MAX + 4);
    mlen = lr_utf8_prefix(message, mlen, LR_ERROR_MESSAGE_MAX);
    out->kind = RESPONSE_FAILURE;
    out->body = NULL;
    out->body_len = 0;
    if (lr_bytes_set(&out->own, message, mlen) != 0) {
        out->own.len = 0;
        return LR_ENOMEM; /* still a failure, with an empty message */
    }
    return 0;
}

static int invalid_response(struct lr_response *out, int code, const char *why)
{
    lr_log(LR_LOG_ERROR, "handler response rejected: %s", why);
    lr_response_failure(out, LR_ERROR_INVALID_RESPONSE, why);
    return code;
}

static int set_success(struct lr_response *out, const void *body, size_t len,
                       const char *content_type, bool copy)
{
    if (!out)
        return LR_EINVAL;
    if (!body && len > 0)
        return invalid_response(out, LR_EINVAL, "success body is NULL with a non-zero length");
    if (len > LR_PAYLOAD_MAX)
        return invalid_response(out, LR_ELIMIT, "response body is larger than LR_PAYLOAD_MAX");
    if (!content_type)
        content_type = DEFAULT_CONTENT_TYPE;
    size_t ctlen = strnlen(content_type, LR_CONTENT_TYPE_MAX + 1);
    if (ctlen > LR_CONTENT_TYPE_MAX)
        return invalid_response(out, LR_ELIMIT, "content type is longer than 256 bytes");
    if (ctlen == 0 || !lr_header_value_safe(content_type, ctlen))
        return invalid_response(out, LR_EINVAL, "content type is empty or not printable ASCII");
    if (copy) {
        if (lr_bytes_set(&out->own, body, len) != 0)
            return invalid_response(out, LR_ENOMEM, "out of memory copying the response body");
        out->body = out->own.data;
    } else {
        out->body = len ? body : "";
    }
    out->body_len = len;
    memcpy(out->content_type, content_type, ctlen + 1);
    out->kind = RESPONSE_SUCCESS;
    return 0;
}

int lr_response_success(struct lr_response *out, const void *body, size_t len,
                        const char *content_type)
{
    return set_success(out, body, len, content_type, true);
}

int lr_response_success_borrowed(struct lr_response *out, const void *body, size_t len,
                                 const char *content_type)
{
    return set_success(out, body, len, content_type, false);
}
