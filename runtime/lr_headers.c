/* lr_headers: recognises the Runtime API's invocation headers and validates the
 * values the runtime must trust (request id, deadline, content length).
 *
 * aws-lambda-cpp checks the deadline only with assert() and puts the request id
 * in a URL unchecked; here each has a defined answer for bad input. */
#include "lr_headers.h"

#include <limits.h>
#include <strings.h>

struct known_header {
    const char *name;
    size_t len;
    enum lr_header id;
};

#define KNOWN(s, id)                                                                               \
    {                                                                                              \
        s, sizeof(s) - 1, id                                                                       \
    }
static const struct known_header known[] = {
    KNOWN("Lambda-Runtime-Aws-Request-Id", LR_HDR_REQUEST_ID),
    KNOWN("Lambda-Runtime-Deadline-Ms", LR_HDR_DEADLINE),
    KNOWN("Lambda-Runtime-Invoked-Function-Arn", LR_HDR_FUNCTION_ARN),
    KNOWN("Lambda-Runtime-Trace-Id", LR_HDR_TRACE_ID),
    KNOWN("Lambda-Runtime-Client-Context", LR_HDR_CLIENT_CONTEXT),
    KNOWN("Lambda-Runtime-Cognito-Identity", LR_HDR_COGNITO),
    KNOWN("Lambda-Runtime-Aws-Tenant-Id", LR_HDR_TENANT_ID),
    KNOWN("Content-Type", LR_HDR_CONTENT_TYPE),
    KNOWN("Content-Length", LR_HDR_CONTENT_LENGTH),
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum lr_header lr_header_parse(const char *line, size_t len, const char **value, size_t *value_len)
{
    size_t colon = 0;

    while (colon < len && line[colon] != ':')
        colon++;
    if (colon == 0 || colon == len)
        return LR_HDR_UNKNOWN;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (known[i].len != colon || strncasecmp(line, known[i].name, colon) != 0)
            continue;
        size_t start = colon + 1;
        size_t end = len;
        while (start < end && is_blank(line[start]))
            start++;
        while (end > start && is_blank(line[end - 1]))
            end--;
        *value = line + start;
        *value_len = end - start;
        return known[i].id;
    }
    return LR_HDR_UNKNOWN;
}

bool lr_request_id_valid(const char *id, size_t len, size_t max_len)
{
    if (len == 0 || len > max_len)
        return false;
    /* An alphanumeric first byte rules out "." and ".." path segments. */
    unsigned char first = (unsigned char)id[0];
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
          (first >= '0' && first <= '9')))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

static bool parse_decimal(const char *s, size_t len, unsigned long long max,
                          unsigned long long *out)
{
    unsigned long long v = 0;

    if (len == 0 || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool lr_deadline_parse(const char *s, size_t len, long long *out)
{
    unsigned long long v;

    if (!parse_decimal(s, len, (unsigned long long)LLONG_MAX, &v))
        return false;
    *out = (long long)v;
    return true;
}

bool lr_content_length_parse(const char *s, size_t len, unsigned long long *out)
{
    return parse_decimal(s, len, ULLONG_MAX, out);
}

bool lr_header_value_safe(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

size_t lr_header_token_copy(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    if (cap == 0)
        return 0;
    for (; s && s[n] && n + 1 < cap; n++) {
        unsigned char c = (unsigned char)s[n];
        out[n] = (c > 0x20 && c < 0x7f) ? (char)c : '_';
    }
    out[n] = '\0';
    return n;
}

long long lr_remaining_ms(long long deadline_ms, long long now_ms)
{
    if (now_ms < 0 && deadline_ms > LLONG_MAX + now_ms)
        return LLONG_MAX;
    if (now_ms > 0 && deadline_ms < LLONG_MIN + now_ms)
        return LLONG_MIN;
    return deadline_ms - now_ms;
}
