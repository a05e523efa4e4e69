/* lr_http: the Runtime API over one kept-alive TCP connection, in HTTP/1.1 written and
 * read here: the request heads, the answer's status line, headers and body
 * (Content-Length, chunked, or up to the close) into the runtime's buffers within their
 * limits, and the connection retries. A plain socket rather than libcurl: the Runtime API
 * is plain HTTP to a local address, and libcurl's start-up (OpenSSL's initialisation) and
 * per-request machinery (three polls a request) were most of the runtime's cost
 * (docs/benchmarks.md "Runtime"). What to request and when is lr_runtime.c's; parsing a
 * line is lr_headers.c's. */
#include "lr_runtime_internal.h"

#include "lr_log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define API_PREFIX "/2018-06-01/runtime"
#define CONNECT_TIMEOUT_MS 1000
/* Connection errors: first try plus RETRY_COUNT retries, sleeping RETRY_FIRST_MS, doubling. */
#define RETRY_COUNT 5
#define RETRY_FIRST_MS 50L
/* The answer's header section: at most HEADER_LINE_MAX bytes per line and HEADERS_MAX in
 * all (libcurl's limits, which the runtime had before: CURL_MAX_HTTP_HEADER and
 * MAX_HTTP_RESP_HEADER_SIZE). */
#define HEADER_LINE_MAX (100 * 1024)
#define HEADERS_MAX (300 * 1024)
#define CHUNK_LINE_MAX 4096u /* a chunk-size line with its extensions */
#define IN_FIRST 16384u      /* the receive buffer's first size: one /next answer of 4 KB */
/* A connection error (connect, send, receive, the connection closed early): retried.
 * NET_EOF is the connection's close, which ends a body framed by it and is an error
 * anywhere else. */
#define NET_RETRY 1
#define NET_EOF 2

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

__attribute__((format(printf, 2, 3))) static int net_fail(struct lr_runtime *rt, const char *fmt,
                                                          ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rt->net_err, sizeof(rt->net_err), fmt, ap);
    va_end(ap);
    return NET_RETRY;
}

static int headers_too_large(struct lr_error *err, const char *what)
{
    return lr_fail(err, LR_EPROTO,
                   "%s: the Runtime API's answer has headers too large (at most %d bytes per "
                   "header line, %d in all); the invocation cannot be read",
                   what, HEADER_LINE_MAX, HEADERS_MAX);
}

/* ---- the connection ---- */

void lr_http_close(struct lr_runtime *rt)
{
    if (rt->fd >= 0)
        close(rt->fd);
    rt->fd = -1;
    rt->in.len = 0;
    rt->in_pos = 0;
}

/* Connects fd to a within CONNECT_TIMEOUT_MS. 0, or NET_RETRY with rt->net_err. */
static int connect_within(struct lr_runtime *rt, int fd, const struct addrinfo *a)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return net_fail(rt, "fcntl: %s", strerror(errno));
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        if (errno != EINPROGRESS)
            return net_fail(rt, "connect to %s: %s", rt->endpoint, strerror(errno));
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do
            n = poll(&p, 1, CONNECT_TIMEOUT_MS);
        while (n < 0 && errno == EINTR);
        if (n == 0)
            return net_fail(rt, "connect to %s: no answer within %d ms", rt->endpoint,
                            CONNECT_TIMEOUT_MS);
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            return net_fail(rt, "connect to %s: %s", rt->endpoint, strerror(errno));
        if (soerr != 0)
            return net_fail(rt, "connect to %s: %s", rt->endpoint, strerror(soerr));
    }
    /* Blocking from here on, with no timeout: /next waits while the sandbox is frozen. */
    if (fcntl(fd, F_SETFL, flags) != 0)
        return net_fail(rt, "fcntl: %s", strerror(errno));
    return 0;
}

static int open_connection(struct lr_runtime *rt)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int one = 1;

    int gai = getaddrinfo(rt->host, rt->port, &hints, &res);
    if (gai != 0)
        return net_fail(rt, "cannot resolve %s: %s", rt->host, gai_strerror(gai));
    int rc = net_fail(rt, "cannot resolve %s: no address", rt->host);
    for (const struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            rc = net_fail(rt, "socket: %s", strerror(errno));
            continue;
        }
        rc = connect_within(rt, fd, a);
        if (rc == 0) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            rt->fd = fd;
            break;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return rc;
}

/* Sends the iovecs whole. 0, or NET_RETRY. */
static int send_all(struct lr_runtime *rt, struct iovec *iov, int n)
{
    while (n > 0) {
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
        ssize_t w = sendmsg(rt->fd, &m, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return net_fail(rt, "send: %s", strerror(errno));
        }
        size_t left = (size_t)w;
        while (n > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

/* ---- receiving ---- */

/* Receives more into rt->in, after what is buffered. 0, LR_ENOMEM, NET_EOF (the Runtime
 * API closed the connection) or NET_RETRY (it failed). */
static int fill(struct lr_runtime *rt)
{
    struct bytes *in = &rt->in;

    if (rt->in_pos == in->len) {
        rt->in_pos = 0;
        in->len = 0;
    } else if (rt->in_pos > 0 && in->len + 1 >= in->cap) { /* full: drop what was read */
        memmove(in->data, in->data + rt->in_pos, in->len - rt->in_pos);
        in->len -= rt->in_pos;
        rt->in_pos = 0;
    }
    /* Still full (or never allocated): grow. read_line bounds what must stay buffered. */
    if (in->len + 1 >= in->cap && lr_bytes_reserve(in, in->cap ? in->cap * 2 : IN_FIRST) != 0)
        return LR_ENOMEM;
    for (;;) {
        ssize_t n = recv(rt->fd, in->data + in->len, in->cap - 1 - in->len, 0);
        if (n > 0) {
            in->len += (size_t)n;
            rt->got_bytes = true;
            return 0;
        }
        if (n == 0) {
            net_fail(rt, "the Runtime API closed the connection%s",
                     rt->got_bytes ? " in the middle of an answer" : "");
            return NET_EOF;
        }
        if (errno != EINTR)
            return net_fail(rt, "receive: %s", strerror(errno));
    }
}

/* Keeps len body bytes of a /next answer in rt->payload, within LR_PAYLOAD_MAX (past it:
 * read on, keep nothing, answer with an error). 0 or LR_ENOMEM. */
static int keep_body(struct lr_runtime *rt, const char *data, size_t len)
{
    if (rt->discard_body || rt->payload_too_large)
        return 0;
    if (rt->payload.len + len > LR_PAYLOAD_MAX) {
        rt->payload_too_large = true;
        rt->payload.len = 0;
        return 0;
    }
    if (lr_bytes_reserve(&rt->payload, rt->payload.len + len) != 0)
        return LR_ENOMEM;
    memcpy(rt->payload.data + rt->payload.len, data, len);
    rt->payload.len += len;
    return 0;
}

/* Reads n body bytes: what is buffered first, then straight into the payload when it is
 * kept (no copy through rt->in), else through rt->in. 0, LR_ENOMEM or NET_RETRY. */
static int read_body(struct lr_runtime *rt, unsigned long long n)
{
    while (n > 0) {
        size_t avail = rt->in.len - rt->in_pos;
        if (avail == 0 && !rt->discard_body && !rt->payload_too_large &&
            rt->payload.len + n <= LR_PAYLOAD_MAX) {
            if (lr_bytes_reserve(&rt->payload, rt->payload.len + (size_t)n) != 0)
                return LR_ENOMEM;
            ssize_t r = recv(rt->fd, rt->payload.data + rt->payload.len, (size_t)n, 0);
            if (r > 0) {
                rt->payload.len += (size_t)r;
                n -= (unsigned long long)r;
                continue;
            }
            if (r == 0)
                return net_fail(rt, "the Runtime API closed the connection in the middle of "
                                    "an answer");
            if (errno == EINTR)
                continue;
            return net_fail(rt, "receive: %s", strerror(errno));
        }
        if (avail == 0) {
            int rc = fill(rt);
            if (rc != 0)
                return rc;
            continue;
        }
        size_t take = avail < n ? avail : (size_t)n;
        if (keep_body(rt, rt->in.data + rt->in_pos, take) != 0)
            return LR_ENOMEM;
        rt->in_pos += take;
        n -= take;
    }
    return 0;
}

/* Sets *line and *len to the next line in rt->in (with its "\n"), receiving as needed;
 * consumes it. 0, LR_ENOMEM, NET_RETRY, or LR_EPROTO when a line is longer than max. */
static int read_line(struct lr_runtime *rt, size_t max, const char **line, size_t *len)
{
    size_t scanned = 0;
    for (;;) {
        const char *start = rt->in.data ? rt->in.data + rt->in_pos : NULL;
        size_t avail = rt->in.len - rt->in_pos;
        const char *nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;
        if (nl) {
            *line = start;
            *len = (size_t)(nl - start) + 1;
            rt->in_pos += *len;
            return *len > max ? LR_EPROTO : 0;
        }
        if (avail > max)
            return LR_EPROTO;
        scanned = avail;
        int rc = fill(rt);
        if (rc != 0)
            return rc;
    }
}

/* Reads a chunked body: chunk sizes, data, trailers. */
static int read_chunked(struct lr_runtime *rt, const char *what, struct lr_error *err)
{
    const char *line;
    size_t len;
    unsigned long long size;

    for (;;) {
        int rc = read_line(rt, CHUNK_LINE_MAX, &line, &len);
        if (rc == LR_EPROTO || (rc == 0 && !lr_chunk_size_parse(line, len, &size)))
            return lr_fail(err, LR_EPROTO, "%s: the Runtime API sent an invalid chunk size", what);
        if (rc != 0)
            return rc;
        if (size == 0)
            break;
        rc = read_body(rt, size);
        if (rc == 0)
            rc = read_line(rt, 2, &line, &len); /* the CRLF after the data */
        if (rc == LR_EPROTO || (rc == 0 && line[0] != '\r' && line[0] != '\n'))
            return lr_fail(err, LR_EPROTO, "%s: the Runtime API sent a chunk longer than its size",
                           what);
        if (rc != 0)
            return rc;
    }
    /* Trailers, up to the empty line; dropped. */
    for (size_t total = 0;;) {
        int rc = read_line(rt, HEADER_LINE_MAX, &line, &len);
        if (rc == LR_EPROTO || (rc == 0 && (total += len) > HEADERS_MAX))
            return headers_too_large(err, what);
        if (rc != 0)
            return rc;
        if (line[0] == '\r' || line[0] == '\n')
            return 0;
    }
}

/* Reads the whole body up to the connection's close (an answer with neither
 * Content-Length nor chunked framing). */
static int read_to_close(struct lr_runtime *rt)
{
    for (;;) {
        if (rt->in_pos < rt->in.len) {
            if (keep_body(rt, rt->in.data + rt->in_pos, rt->in.len - rt->in_pos) != 0)
                return LR_ENOMEM;
            rt->in_pos = rt->in.len;
        }
        int rc = fill(rt);
        if (rc == NET_EOF)
            return 0; /* the end of this body */
        if (rc != 0)
            return rc;
    }
}

/* How the answer's body is framed, from its headers. */
struct framing {
    bool chunked;
    bool has_length;
    unsigned long long length;
    bool close; /* Connection: close, or HTTP/1.0 */
};

/* Starts a new answer's headers: the earlier ones (an interim 1xx, a failed attempt) are
 * forgotten. A post's answer leaves the invocation's headers as they are. */
static void forget_headers(struct lr_runtime *rt)
{
    if (rt->discard_body)
        return;
    memset(rt->value_len, 0, sizeof(rt->value_len));
    memset(rt->value_cut, 0, sizeof(rt->value_cut));
    rt->payload.len = 0;
    rt->payload_too_large = false;
}

/* Takes one header line: a kept Runtime API header into rt->values, framing into *f. */
static int take_header(struct lr_runtime *rt, const char *line, size_t len, struct framing *f,
                       const char *what, struct lr_error *err)
{
    const char *value;
    size_t vlen;
    enum lr_header h = lr_header_parse(line, len, &value, &vlen);

    switch (h) {
    case LR_HDR_UNKNOWN:
        return 0;
    case LR_HDR_CONTENT_LENGTH: {
        unsigned long long cl;
        if (!lr_content_length_parse(value, vlen, &cl) || (f->has_length && cl != f->length))
            return lr_fail(err, LR_EPROTO, "%s: the Runtime API sent an invalid Content-Length",
                           what);
        f->has_length = true;
        f->length = cl;
        return 0;
    }
    case LR_HDR_TRANSFER_ENCODING:
        if (!lr_transfer_chunked(value, vlen))
            return lr_fail(err, LR_EPROTO,
                           "%s: the Runtime API sent a Transfer-Encoding other than chunked", what);
        f->chunked = true;
        return 0;
    case LR_HDR_CONNECTION:
        if (lr_connection_close(value, vlen))
            f->close = true;
        return 0;
    default:
        break;
    }
    if (rt->discard_body)
        return 0; /* a post's answer: the invocation's headers must stay as they are */
    if (vlen > LR_HEADER_VALUE_MAX) {
        vlen = LR_HEADER_VALUE_MAX;
        rt->value_cut[h] = true;
    }
    memcpy(rt->values[h], value, vlen);
    rt->values[h][vlen] = '\0';
    rt->value_len[h] = vlen;
    return 0;
}

/* Reads one answer's status line and headers (after any interim 1xx answers) into
 * *status and *f. 0, LR_ENOMEM, LR_EPROTO or NET_RETRY. */
static int read_head(struct lr_runtime *rt, const char *what, long *status, struct framing *f,
                     struct lr_error *err)
{
    const char *line;
    size_t len;

    for (;;) {
        int minor, code;
        size_t total = 0;
        int rc = read_line(rt, HEADER_LINE_MAX, &line, &len);
        if (rc == LR_EPROTO)
            return headers_too_large(err, what);
        if (rc != 0)
            return rc;
        if (!lr_status_line_parse(line, len, &minor, &code))
            return lr_fail(err, LR_EPROTO, "%s: the Runtime API's answer is not HTTP/1.x", what);
        forget_headers(rt);
        *f = (struct framing){.close = minor == 0};
        for (;;) {
            rc = read_line(rt, HEADER_LINE_MAX, &line, &len);
            if (rc == LR_EPROTO || (rc == 0 && (total += len) > HEADERS_MAX))
                return headers_too_large(err, what);
            if (rc != 0)
                return rc;
            if (line[0] == '\r' || line[0] == '\n')
                break;
            rc = take_header(rt, line, len, f, what, err);
            if (rc != 0)
                return rc;
        }
        if (code == 101)
            return lr_fail(err, LR_EPROTO, "%s: the Runtime API switched protocols", what);
        if (code >= 200) {
            *status = code;
            return 0;
        }
        /* An interim answer (100 Continue, 103 Early Hints): the real one follows. */
    }
}

/* Reads one whole answer. 0 (*status set), LR_ENOMEM, LR_EPROTO or NET_RETRY. */
static int read_answer(struct lr_runtime *rt, const char *what, long *status, struct lr_error *err)
{
    struct framing f = {0};
    int rc = read_head(rt, what, status, &f, err);
    if (rc != 0)
        return rc;
    if (!rt->discard_body && !f.chunked && f.has_length) {
        if (f.length > LR_PAYLOAD_MAX)
            rt->payload_too_large = true;
        else if (lr_bytes_reserve(&rt->payload, (size_t)f.length) != 0)
            return LR_ENOMEM;
    }
    if (*status == 204 || *status == 304)
        rc = 0;
    else if (f.chunked)
        rc = read_chunked(rt, what, err);
    else if (f.has_length)
        rc = read_body(rt, f.length);
    else {
        rc = read_to_close(rt);
        f.close = true;
    }
    if (rc == 0 && f.close)
        lr_http_close(rt);
    else if (rc == 0 && rt->in_pos == rt->in.len)
        rt->in_pos = rt->in.len = 0;
    return rc;
}

/* ---- requests ---- */

/* Sends the request in iov and reads its answer, retrying connection errors with backoff.
 * A kept connection that the Runtime API had closed is replaced at once, as libcurl did. */
static int exchange(struct lr_runtime *rt, const char *what, const struct iovec *req, int n,
                    long *status, struct lr_error *err)
{
    long delay = RETRY_FIRST_MS;
    bool replaced = false;

    for (int attempt = 0;;) {
        struct iovec iov[2];
        memcpy(iov, req, (size_t)n * sizeof(iov[0]));
        bool reused = rt->fd >= 0;
        rt->got_bytes = false;
        int rc = reused ? 0 : open_connection(rt);
        if (rc == 0)
            rc = send_all(rt, iov, n);
        if (rc == 0)
            rc = read_answer(rt, what, status, err);
        if (rc == 0)
            return 0;
        lr_http_close(rt);
        if (rc == LR_ENOMEM)
            return lr_fail(err, LR_ENOMEM, "%s: out of memory receiving the answer", what);
        if (rc != NET_RETRY && rc != NET_EOF)
            return rc;
        if (reused && !rt->got_bytes && !replaced) {
            replaced = true; /* closed while idle: not a failure of the Runtime API */
            continue;
        }
        if (attempt >= RETRY_COUNT)
            return lr_fail(err, LR_EIO, "%s: Runtime API unreachable after %d attempts: %s", what,
                           attempt + 1, rt->net_err);
        lr_log(LR_LOG_WARN, "%s: %s; retrying in %ld ms", what, rt->net_err, delay);
        sleep_ms(delay);
        delay *= 2;
        attempt++;
    }
}

int lr_http_next(struct lr_runtime *rt, long *status, struct lr_error *err)
{
    struct iovec iov = {.iov_base = rt->next_request, .iov_len = rt->next_request_len};
    return exchange(rt, "GET /invocation/next", &iov, 1, status, err);
}

/* POSTs body to rt->target. Returns 0 with *status, or a negative code. No "Expect:
 * 100-continue" (a round trip on large bodies) and no Accept (nothing reads it). */
int lr_http_post(struct lr_runtime *rt, const char *what, const char *body, size_t len,
                 const char *content_type, const char *error_type, long *status,
                 struct lr_error *err)
{
    char token[LR_ERROR_TYPE_MAX + 1];
    if (error_type)
        lr_header_token_copy(token, sizeof(token), error_type);
    int h = snprintf(rt->head, sizeof(rt->head),
                     "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n%s%s%sContent-Length: "
                     "%zu\r\n\r\n",
                     rt->target, rt->endpoint, content_type,
                     error_type ? "Lambda-Runtime-Function-Error-Type: " : "",
                     error_type ? token : "", error_type ? "\r\n" : "", len);
    if (h < 0 || (size_t)h >= sizeof(rt->head))
        return lr_fail(err, LR_ELIMIT, "%s: request head longer than %zu bytes", what,
                       sizeof(rt->head));
    struct iovec iov[2] = {{.iov_base = rt->head, .iov_len = (size_t)h},
                           {.iov_base = (void *)(body ? body : ""), .iov_len = len}};
    rt->discard_body = true;
    int rc = exchange(rt, what, iov, len ? 2 : 1, status, err);
    rt->discard_body = false;
    return rc;
}

int lr_http_setup(struct lr_runtime *rt, const char *endpoint)
{
    rt->fd = -1;
    if (strlen(endpoint) > ENDPOINT_MAX ||
        !lr_endpoint_split(endpoint, rt->host, sizeof(rt->host), rt->port, sizeof(rt->port)))
        return LR_EINVAL;
    snprintf(rt->endpoint, sizeof(rt->endpoint), "%s", endpoint);
    /* Fits: ENDPOINT_MAX leaves 96 bytes for the rest. */
    int n = snprintf(rt->next_request, sizeof(rt->next_request),
                     "GET " API_PREFIX "/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", endpoint);
    rt->next_request_len = (size_t)n;
    return 0;
}
