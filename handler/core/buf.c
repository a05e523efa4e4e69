/* sw_buf: bounded growable buffers (see buf.h for the contract). */
#include "handler/core/buf.h"

#include "handler/core/error.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SW_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

void sw_buf_init(struct sw_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void sw_buf_clear(struct sw_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sw_buf_free_secure(struct sw_buf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    sw_buf_clear(b);
}

void sw_buf_reset(struct sw_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(struct sw_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : SW_BUF_DEFAULT_MAX;
    if (extra > max || b->len > max - extra)
        return SW_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return SW_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int sw_buf_append(struct sw_buf *b, const void *data, size_t len)
{
    int rc = reserve(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int sw_buf_append_str(struct sw_buf *b, const char *s)
{
    return sw_buf_append(b, s, strlen(s));
}

int sw_buf_append_char(struct sw_buf *b, char c)
{
    return sw_buf_append(b, &c, 1);
}

int sw_buf_appendf(struct sw_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return SW_EINVAL;
    if ((size_t)n < sizeof(small))
        return sw_buf_append(b, small, (size_t)n);

    int rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *sw_buf_detach(struct sw_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

const char *sw_buf_cstr(const struct sw_buf *b)
{
    return b->data ? b->data : "";
}

struct sw_str sw_str_from_cstr(const char *s)
{
    struct sw_str v = {s, s ? strlen(s) : 0};
    return v;
}
