/* X-Ray trace header and subsegments (docs/operations.md, "Tracing"). */
#include "handler/aws/xray.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

bool sw_xray_header_sendable(const char *value)
{
    if (!value || !*value)
        return false;
    size_t n = 0;
    for (const char *p = value; *p; p++, n++) {
        if (n + 1 >= SW_XRAY_HEADER_MAX || (unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return false;
    }
    return true;
}

/* Root=1-8hex-24hex */
static bool valid_root(const char *v, size_t n)
{
    return n == 35 && v[0] == '1' && v[1] == '-' && is_hex(v + 2, 8) && v[10] == '-' &&
           is_hex(v + 11, 24);
}

void sw_xray_header_parse(const char *value, struct sw_xray_header *out)
{
    memset(out, 0, sizeof(*out));
    if (!sw_xray_header_sendable(value))
        return;
    const char *p = value;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        const char *eq = memchr(p, '=', len);
        if (eq) {
            size_t kl = (size_t)(eq - p), vl = len - kl - 1;
            const char *v = eq + 1;
            if (kl == 4 && memcmp(p, "Root", 4) == 0 && valid_root(v, vl)) {
                memcpy(out->root, v, vl);
                out->root[vl] = '\0';
            } else if (kl == 6 && memcmp(p, "Parent", 6) == 0 && vl == 16 && is_hex(v, 16)) {
                memcpy(out->parent, v, vl);
                out->parent[vl] = '\0';
            } else if (kl == 7 && memcmp(p, "Sampled", 7) == 0) {
                out->sampled = vl == 1 && v[0] == '1';
            }
        }
        if (!end)
            break;
        p = end + 1;
    }
}

bool sw_xray_traced(const struct sw_xray_header *h)
{
    return h && h->sampled && h->root[0] && h->parent[0];
}

/* A JSON string value from a known-plain name: letters, digits, '-', '_', '.'; else NULL. */
static bool plain(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

size_t sw_xray_subsegment(const struct sw_xray_header *h, const struct sw_xray_call *call,
                          const char *id, char *out, size_t cap)
{
    if (!sw_xray_traced(h) || !call || !id || strlen(id) != 16 || !is_hex(id, 16) || !out ||
        !plain(call->service) || !plain(call->operation) || !plain(call->region) ||
        call->end_time < call->start_time)
        return 0;
    long s = call->http_status;
    bool throttle = s == 429;
    bool error = s >= 400 && s < 500;
    bool fault = s >= 500 || (call->failed && s == 0);
    char status[64] = "";
    if (s > 0)
        snprintf(status, sizeof(status), ",\"http\":{\"response\":{\"status\":%ld}}", s);
    int n =
        snprintf(out, cap,
                 "{\"format\":\"json\",\"version\":1}\n"
                 "{\"name\":\"%s\",\"id\":\"%s\",\"trace_id\":\"%s\",\"parent_id\":\"%s\","
                 "\"type\":\"subsegment\",\"start_time\":%.6f,\"end_time\":%.6f,"
                 "\"namespace\":\"aws\",\"aws\":{\"operation\":\"%s\",\"region\":\"%s\","
                 "\"retries\":%d}%s,\"error\":%s,\"throttle\":%s,\"fault\":%s}",
                 call->service, id, h->root, h->parent, call->start_time, call->end_time,
                 call->operation, call->region, call->attempts > 0 ? call->attempts - 1 : 0, status,
                 error ? "true" : "false", throttle ? "true" : "false", fault ? "true" : "false");
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

void sw_xray_send(const char *address, const char *datagram, size_t len)
{
    if (!address || !datagram || !len)
        return;
    const char *colon = strrchr(address, ':');
    if (!colon || colon == address || (size_t)(colon - address) >= 64)
        return;
    char host[64];
    memcpy(host, address, (size_t)(colon - address));
    host[colon - address] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!end || *end || end == colon + 1 || port < 1 || port > 65535)
        return;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    (void)sendto(fd, datagram, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&sa,
                 sizeof(sa));
    close(fd);
}
