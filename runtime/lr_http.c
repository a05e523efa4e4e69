/* lr_http: the Runtime API over one long-lived curl handle: the options set once, the
 * header and body callbacks that fill the runtime's buffers within their limits, one
 * request with the connection retries, one POST. What to request and when is
 * lr_runtime.c's; header parsing is lr_headers.c's. */
#include "lr_runtime_internal.h"

#include "lr_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define API_PREFIX "/2018-06-01/runtime"
#define CONNECT_TIMEOUT_MS 1000L
/* Connection errors: first try plus RETRY_COUNT retries, sleeping RETRY_FIRST_MS, doubling. */
#define RETRY_COUNT 5
#define RETRY_FIRST_MS 50L

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- curl callbacks ---- */

static size_t on_header(char *line, size_t size, size_t n, void *ctx)
{
    struct lr_runtime *rt = ctx;
    size_t len = size * n;
    const char *value;
    size_t vlen;

    if (rt->discard_body)
        return len; /* a post's answer: the invocation's headers must stay as they are */
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* A new answer (also after an interim 1xx): forget earlier headers. */
        memset(rt->value_len, 0, sizeof(rt->value_len));
        memset(rt->value_cut, 0, sizeof(rt->value_cut));
        rt->payload.len = 0;
        rt->payload_too_large = false;
        return len;
    }
    enum lr_header h = lr_header_parse(line, len, &value, &vlen);
    if (h == LR_HDR_UNKNOWN)
        return len;
    if (h == LR_HDR_CONTENT_LENGTH) {
        unsigned long long cl;
        if (lr_content_length_parse(value, vlen, &cl)) {
            if (cl > LR_PAYLOAD_MAX)
                rt->payload_too_large = true;
            else if (lr_bytes_reserve(&rt->payload, (size_t)cl) != 0) {
                rt->out_of_memory = true;
                return 0; /* abort this transfer */
            }
        }
        return len;
    }
    if (vlen > LR_HEADER_VALUE_MAX) {
        vlen = LR_HEADER_VALUE_MAX;
        rt->value_cut[h] = true;
    }
    memcpy(rt->values[h], value, vlen);
    rt->values[h][vlen] = '\0';
    rt->value_len[h] = vlen;
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct lr_runtime *rt = ctx;
    size_t len = size * n;

    if (rt->discard_body || rt->payload_too_large)
        return len;
    if (rt->payload.len + len > LR_PAYLOAD_MAX) {
        /* No (or a lying) Content-Length: read on, keep nothing, answer with an error. */
        rt->payload_too_large = true;
        rt->payload.len = 0;
        return len;
    }
    if (lr_bytes_reserve(&rt->payload, rt->payload.len + len) != 0) {
        rt->out_of_memory = true;
        return 0;
    }
    memcpy(rt->payload.data + rt->payload.len, data, len);
    rt->payload.len += len;
    return len;
}

/* ---- requests ---- */

static bool transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return true;
    default:
        return false;
    }
}

/* True when libcurl refused the answer for an oversized header rather than for lack of memory.
 * libcurl keeps each header line in a buffer capped at CURL_MAX_HTTP_HEADER (100 KiB); past it
 * 7.x fails with CURLE_OUT_OF_MEMORY and no error text, 8.6 and later with CURLE_TOO_LARGE.
 * Our own callbacks flag their allocation failures (our_oom), so an out-of-memory that is not
 * ours, while an answer arrives, is that cap. Response headers over 300 KiB in all (the
 * CVE-2023-38039 fix) are reported with "header" in the error text. */
#define RESPONSE_HEADERS_MAX (300 * 1024) /* libcurl's MAX_HTTP_RESP_HEADER_SIZE */

static bool header_refused(CURLcode rc, bool our_oom, const char *curl_err)
{
#if LIBCURL_VERSION_NUM >= 0x080600
    if (rc == CURLE_TOO_LARGE)
        return true;
#endif
    if (our_oom)
        return false;
    if (rc == CURLE_OUT_OF_MEMORY)
        return true;
    return rc == CURLE_RECV_ERROR && (strstr(curl_err, "header") || strstr(curl_err, "Header"));
}

/* Performs the request set up on rt->curl, retrying connection errors with backoff.
 * Returns 0 with *status set, or LR_EIO / LR_ENOMEM. */
int lr_http_perform(struct lr_runtime *rt, const char *what, long *status, struct lr_error *err)
{
    long delay = RETRY_FIRST_MS;

    for (int attempt = 0;; attempt++) {
        rt->curl_err[0] = '\0';
        rt->out_of_memory = false;
        CURLcode rc = curl_easy_perform(rt->curl);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, status);
            return 0;
        }
        const char *why = rt->curl_err[0] ? rt->curl_err : curl_easy_strerror(rc);
        if (header_refused(rc, rt->out_of_memory, rt->curl_err))
            return lr_fail(err, LR_EPROTO,
                           "%s: the Runtime API's answer has headers too large for libcurl (at "
                           "most %d bytes per header line, %d in all; libcurl: %s); the invocation "
                           "cannot be read",
                           what, CURL_MAX_HTTP_HEADER, RESPONSE_HEADERS_MAX, why);
        if (rc == CURLE_WRITE_ERROR || rc == CURLE_OUT_OF_MEMORY)
            return lr_fail(err, LR_ENOMEM, "%s: out of memory receiving the answer: %s", what, why);
        if (!transient(rc) || attempt >= RETRY_COUNT)
            return lr_fail(err, LR_EIO, "%s: Runtime API unreachable after %d attempts: %s", what,
                           attempt + 1, why);
        lr_log(LR_LOG_WARN, "%s: %s; retrying in %ld ms", what, why, delay);
        sleep_ms(delay);
        delay *= 2;
    }
}

/* Points the POST header list at the given lines (b may be NULL). "Accept:" and "Expect:"
 * remove curl's defaults: nothing here reads Accept, and Expect: 100-continue would cost a
 * round trip on large bodies. */
static struct curl_slist *post_headers(struct lr_runtime *rt, const char *a, const char *b)
{
    struct curl_slist *n = rt->hdr_nodes;
    n[0].data = (char *)"Accept:";
    n[0].next = &n[1];
    n[1].data = (char *)"Expect:";
    n[1].next = &n[2];
    n[2].data = (char *)a;
    n[2].next = b ? &n[3] : NULL;
    n[3].data = (char *)b;
    n[3].next = NULL;
    return n;
}

/* POSTs body to url. Returns 0 with *status, or a negative code. */
int lr_http_post(struct lr_runtime *rt, const char *what, const char *body, size_t len,
                 const char *content_type, const char *error_type, long *status,
                 struct lr_error *err)
{
    snprintf(rt->hdr_content_type, sizeof(rt->hdr_content_type), "Content-Type: %s", content_type);
    const char *et_line = NULL;
    if (error_type) {
        char token[LR_ERROR_TYPE_MAX + 1];
        lr_header_token_copy(token, sizeof(token), error_type);
        snprintf(rt->hdr_error_type, sizeof(rt->hdr_error_type),
                 "Lambda-Runtime-Function-Error-Type: %s", token);
        et_line = rt->hdr_error_type;
    }
    curl_easy_setopt(rt->curl, CURLOPT_REQUEST_TARGET, rt->target);
    curl_easy_setopt(rt->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, post_headers(rt, rt->hdr_content_type, et_line));
    rt->discard_body = true;
    int rc = lr_http_perform(rt, what, status, err);
    rt->discard_body = false;
    return rc;
}

/* Builds the error JSON for (type, message) into rt->error_body. */

void lr_http_setup(struct lr_runtime *rt, const char *endpoint)
{
    snprintf(rt->base, sizeof(rt->base), "http://%s/", endpoint);
    curl_easy_setopt(rt->curl, CURLOPT_URL, rt->base);

    CURL *c = rt->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L); /* the sandbox freezes inside /next */
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, rt->curl_err);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, rt);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, rt);
}
