/* lr_headers: recognises the Runtime API's invocation headers and validates the
 * values the runtime must trust (request id, deadline, content length), and the
 * framing of its HTTP answers (status line, chunk sizes, Transfer-Encoding, Connection).
 *
 * aws-lambda-cpp checks the deadline only with assert() and puts the request id
 * in a URL unchecked; here each has a defined answer for bad input. */
#include "lr_headers.h"

#include <limits.h>
#include <string.h>
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
    KNOWN("Transfer-Encoding", LR_HDR_TRANSFER_ENCODING),
    KNOWN("Connection", LR_HDR_CONNECTION),
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

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool lr_status_line_parse(const char *line, size_t len, int *minor, int *status)
{
    /* "HTTP/1.x NNN" then the end of the line or a space and the reason. */
    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || !is_digit(line[7]) || line[8] != ' ' ||
        !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11]))
        return false;
    if (len > 12 && line[12] != ' ' && line[12] != '\r' && line[12] != '\n')
        return false;
    *minor = line[7] - '0';
    *status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool lr_chunk_size_parse(const char *line, size_t len, unsigned long long *size)
{
    unsigned long long v = 0;
    size_t i = 0;

    for (; i < len && hex_value(line[i]) >= 0; i++) {
        if (i == 15)
            return false; /* 16 digits could overflow: no Runtime API answer is that large */
        v = v * 16 + (unsigned)hex_value(line[i]);
    }
    if (i == 0)
        return false;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] != ';' && line[i] != '\r' && line[i] != '\n')
        return false;
    *size = v;
    return true;
}

bool lr_transfer_chunked(const char *value, size_t len)
{
    while (len > 0 && is_blank(value[len - 1]))
        len--;
    return len >= 7 && strncasecmp(value + len - 7, "chunked", 7) == 0 &&
           (len == 7 || value[len - 8] == ',' || value[len - 8] == ' ' || value[len - 8] == '\t');
}

bool lr_connection_close(const char *value, size_t len)
{
    /* A comma-separated list of options. */
    size_t i = 0;
    while (i < len) {
        while (i < len && (value[i] == ',' || is_blank(value[i])))
            i++;
        size_t start = i;
        while (i < len && value[i] != ',' && !is_blank(value[i]))
            i++;
        if (i - start == 5 && strncasecmp(value + start, "close", 5) == 0)
            return true;
    }
    return false;
}

bool lr_endpoint_split(const char *endpoint, char *host, size_t host_cap, char *port,
                       size_t port_cap)
{
    const char *h = endpoint;
    const char *colon;
    size_t hlen;

    if (endpoint[0] == '[') {
        const char *close = strchr(endpoint, ']');
        if (!close)
            return false;
        h = endpoint + 1;
        hlen = (size_t)(close - h);
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1] != '\0')
            return false;
    } else {
        colon = strrchr(endpoint, ':');
        hlen = colon ? (size_t)(colon - endpoint) : strlen(endpoint);
        if (colon && memchr(endpoint, ':', hlen))
            return false; /* a bare IPv6 address needs brackets */
    }
    const char *p = colon ? colon + 1 : "80";
    size_t plen = strlen(p);
    unsigned long long pv;
    if (hlen == 0 || hlen >= host_cap || plen >= port_cap || !parse_decimal(p, plen, 65535, &pv) ||
        pv == 0)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memcpy(port, p, plen + 1);
    return true;
}

long long lr_remaining_ms(long long deadline_ms, long long now_ms)
{
    if (now_ms < 0 && deadline_ms > LLONG_MAX + now_ms)
        return LLONG_MAX;
    if (now_ms > 0 && deadline_ms < LLONG_MIN + now_ms)
        return LLONG_MIN;
    return deadline_ms - now_ms;
}
