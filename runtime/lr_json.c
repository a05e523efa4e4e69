/* lr_json: JSON string escaping and the Runtime API error body.
 *
 * aws-lambda-cpp compares plain char with 31 and so turns every non-ASCII byte
 * into \uffff; this validates UTF-8 (RFC 3629 table) and keeps it, so error
 * messages in any language reach CloudWatch and the caller intact. */
#include "lr_json.h"

#include <string.h>

struct out {
    char *p;
    size_t cap;
    size_t len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->p + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void finish(struct out *o)
{
    if (o->cap == 0)
        return;
    o->p[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

/* Length of the valid UTF-8 sequence at s[0..len), or, when invalid, minus the length of
 * its maximal invalid subpart (at least 1), so the caller skips exactly that. */
static long utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0;
        if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return -1;
    }
    for (size_t i = 1; i < need; i++) {
        unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xbf;
        if (i >= len || s[i] < min || s[i] > max)
            return -(long)i;
    }
    return (long)need;
}

static void escape_into(struct out *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t run = i;
        /* Copy the longest run of bytes that need no escaping in one go. */
        while (run < len && u[run] >= 0x20 && u[run] < 0x7f && u[run] != '"' && u[run] != '\\')
            run++;
        if (run > i) {
            put(o, s + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = u[i];
        if (c >= 0x80) {
            long n = utf8_seq(u + i, len - i);
            if (n > 0) {
                put(o, s + i, (size_t)n);
                i += (size_t)n;
            } else {
                put(o, "\\ufffd", 6);
                i += (size_t)-n;
            }
            continue;
        }
        switch (c) {
        case '"':
            put(o, "\\\"", 2);
            break;
        case '\\':
            put(o, "\\\\", 2);
            break;
        case '\b':
            put(o, "\\b", 2);
            break;
        case '\f':
            put(o, "\\f", 2);
            break;
        case '\n':
            put(o, "\\n", 2);
            break;
        case '\r':
            put(o, "\\r", 2);
            break;
        case '\t':
            put(o, "\\t", 2);
            break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            put(o, esc, sizeof(esc));
        }
        }
        i++;
    }
}

size_t lr_json_escape(char *out, size_t cap, const char *s, size_t len)
{
    struct out o = {out, cap, 0};
    escape_into(&o, s, len);
    finish(&o);
    return o.len;
}

#define LIT(o, s) put(o, s, sizeof(s) - 1)

size_t lr_json_error_body(char *out, size_t cap, const char *error_type, size_t type_len,
                          const char *message, size_t message_len)
{
    struct out o = {out, cap, 0};
    LIT(&o, "{\"errorMessage\":\"");
    escape_into(&o, message, message_len);
    LIT(&o, "\",\"errorType\":\"");
    escape_into(&o, error_type, type_len);
    LIT(&o, "\",\"stackTrace\":[]}");
    finish(&o);
    return o.len;
}

long lr_utf8_seq(const char *s, size_t len)
{
    return utf8_seq((const unsigned char *)s, len);
}

size_t lr_utf8_prefix(const char *s, size_t len, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    if (len <= max)
        return len;
    while (i < max) {
        long n = utf8_seq(u + i, len - i);
        size_t step = n > 0 ? (size_t)n : (size_t)-n;
        if (n > 0 && i + step > max)
            break;
        if (n < 0 && i + step > max)
            step = max - i; /* invalid bytes are escaped one by one anyway */
        i += step;
    }
    return i;
}
