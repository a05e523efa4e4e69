/* lr_runtime: the Runtime API loop on one long-lived curl handle.
 *
 * It is the only file of the library that does I/O: GET /next, call the handler,
 * POST /response or /error, with the retry and exit rules of lr_runtime.h. It
 * keeps every buffer (payload, header values, response, error body) across
 * invocations, so a steady loop allocates almost nothing; parsing and JSON are
 * delegated to lr_headers.c and lr_json.c. */
#include "lr_runtime.h"

#include "lr_headers.h"
#include "lr_json.h"
#include "lr_log.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API_PREFIX "/2018-06-01/runtime"
#define ENDPOINT_MAX 256u
#define TARGET_MAX (LR_REQUEST_ID_MAX + 64u)
#define CONNECT_TIMEOUT_MS 1000L
/* Connection errors: first try plus RETRY_COUNT retries, sleeping RETRY_FIRST_MS, doubling. */
#define RETRY_COUNT 5
#define RETRY_FIRST_MS 50L
/* Buffers bigger than this are released after an invocation so that one large event does
 * not pin its memory for the life of the sandbox. */
#define KEEP_BUFFER_MAX (1024u * 1024u)
#define DEFAULT_CONTENT_TYPE "application/json"
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

static int fail(struct lr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lr_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *lr_strerror(int code)
{
    switch (code) {
    case LR_OK:
        return "success";
    case LR_ENOMEM:
        return "out of memory";
    case LR_EINVAL:
        return "invalid argument";
    case LR_ELIMIT:
        return "value over its limit";
    case LR_EPROTO:
        return "Runtime API protocol error";
    case LR_EIO:
        return "Runtime API unreachable";
    case LR_EAPI:
        return "Runtime API asked the runtime to exit";
    default:
        return "unknown error";
    }
}

/* ---- buffers ---- */

static int bytes_reserve(struct bytes *b, size_t want)
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

static int bytes_set(struct bytes *b, const void *data, size_t len)
{
    if (bytes_reserve(b, len) != 0)
        return LR_ENOMEM;
    if (len)
        memcpy(b->data, data, len);
    b->len = len;
    b->data[len] = '\0';
    return 0;
}

static void bytes_trim(struct bytes *b)
{
    b->len = 0;
    if (b->cap > KEEP_BUFFER_MAX) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

static void bytes_free(struct bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- responses ---- */

static void response_clear(struct lr_response *r)
{
    r->kind = RESPONSE_NONE;
    r->body = NULL;
    r->body_len = 0;
    r->content_type[0] = '\0';
    r->error_type[0] = '\0';
    r->error_type_len = 0;
    bytes_trim(&r->own);
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
    if (bytes_set(&out->own, message, mlen) != 0) {
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
        if (bytes_set(&out->own, body, len) != 0)
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

/* ---- time ---- */

static long long now_epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long lr_time_remaining_ms(const struct lr_invocation *inv)
{
    if (!inv)
        return 0;
    return lr_remaining_ms(inv->deadline_ms, now_epoch_ms());
}

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
            else if (bytes_reserve(&rt->payload, (size_t)cl) != 0) {
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
    if (bytes_reserve(&rt->payload, rt->payload.len + len) != 0) {
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
static int perform(struct lr_runtime *rt, const char *what, long *status, struct lr_error *err)
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
            return fail(err, LR_EPROTO,
                        "%s: the Runtime API's answer has headers too large for libcurl (at "
                        "most %d bytes per header line, %d in all; libcurl: %s); the invocation "
                        "cannot be read",
                        what, CURL_MAX_HTTP_HEADER, RESPONSE_HEADERS_MAX, why);
        if (rc == CURLE_WRITE_ERROR || rc == CURLE_OUT_OF_MEMORY)
            return fail(err, LR_ENOMEM, "%s: out of memory receiving the answer: %s", what, why);
        if (!transient(rc) || attempt >= RETRY_COUNT)
            return fail(err, LR_EIO, "%s: Runtime API unreachable after %d attempts: %s", what,
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
static int post(struct lr_runtime *rt, const char *what, const char *body, size_t len,
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
    int rc = perform(rt, what, status, err);
    rt->discard_body = false;
    return rc;
}

/* Builds the error JSON for (type, message) into rt->error_body. */
static int build_error_body(struct lr_runtime *rt, const char *type, size_t tlen, const char *msg,
                            size_t mlen)
{
    size_t need = lr_json_error_body(NULL, 0, type, tlen, msg, mlen);
    if (bytes_reserve(&rt->error_body, need) != 0)
        return LR_ENOMEM;
    rt->error_body.len = lr_json_error_body(rt->error_body.data, need + 1, type, tlen, msg, mlen);
    return 0;
}

/* ---- lifecycle ---- */

struct lr_runtime *lr_runtime_new(const char *endpoint, struct lr_error *err)
{
    struct lr_runtime *rt = NULL;

    lr_log_init_from_env();
    if (!endpoint)
        endpoint = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!endpoint || !*endpoint) {
        fail(err, LR_EINVAL,
             "AWS_LAMBDA_RUNTIME_API is not set: run this under Lambda or "
             "set it to host:port of a Runtime API");
        return NULL;
    }
    size_t elen = strlen(endpoint);
    if (elen > ENDPOINT_MAX || !lr_header_value_safe(endpoint, elen) || strchr(endpoint, '/') ||
        strchr(endpoint, ' ')) {
        fail(err, LR_EINVAL, "AWS_LAMBDA_RUNTIME_API must be host:port (at most %u bytes)",
             ENDPOINT_MAX);
        return NULL;
    }
    rt = calloc(1, sizeof(*rt));
    if (!rt)
        goto out_nomem;
    rt->values[0] = malloc((size_t)LR_HDR_COUNT * (LR_HEADER_VALUE_MAX + 1));
    if (!rt->values[0])
        goto out_free_rt;
    for (int i = 0; i < LR_HDR_COUNT; i++) {
        rt->values[i] = rt->values[0] + (size_t)i * (LR_HEADER_VALUE_MAX + 1);
        rt->values[i][0] = '\0';
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        goto out_free_values;
    rt->curl = curl_easy_init();
    if (!rt->curl)
        goto out_global;
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
    return rt;

out_global:
    curl_global_cleanup();
out_free_values:
    free(rt->values[0]);
out_free_rt:
    free(rt);
out_nomem:
    fail(err, LR_ENOMEM, "out of memory creating the runtime");
    return NULL;
}

void lr_runtime_free(struct lr_runtime *rt)
{
    if (!rt)
        return;
    if (getenv(TRACE_ENV) == rt->trace_env + sizeof(TRACE_ENV_PREFIX) - 1)
        unsetenv(TRACE_ENV); /* environ must not point into freed memory */
    curl_easy_cleanup(rt->curl);
    curl_global_cleanup();
    bytes_free(&rt->payload);
    bytes_free(&rt->resp.own);
    bytes_free(&rt->error_body);
    free(rt->values[0]);
    free(rt);
}

int lr_runtime_init_error(struct lr_runtime *rt, const char *error_type, const char *message,
                          struct lr_error *err)
{
    long status = 0;

    if (!rt)
        return fail(err, LR_EINVAL, "lr_runtime_init_error: no runtime");
    int rc = lr_response_failure(&rt->resp, error_type, message);
    if (rc != 0)
        return fail(err, rc, "init error: out of memory");
    if (build_error_body(rt, rt->resp.error_type, rt->resp.error_type_len, rt->resp.own.data,
                         rt->resp.own.len) != 0)
        return fail(err, LR_ENOMEM, "init error: out of memory");
    snprintf(rt->target, sizeof(rt->target), API_PREFIX "/init/error");
    rc = post(rt, "POST /runtime/init/error", rt->error_body.data, rt->error_body.len,
              DEFAULT_CONTENT_TYPE, rt->resp.error_type, &status, err);
    response_clear(&rt->resp);
    if (rc != 0)
        return rc;
    if (status != 202)
        return fail(err, LR_EAPI, "POST /runtime/init/error: Runtime API answered %ld", status);
    return 0;
}

/* GET /next into rt->payload and rt->values. */
static int next_invocation(struct lr_runtime *rt, struct lr_error *err)
{
    long status = 0;

    snprintf(rt->target, sizeof(rt->target), API_PREFIX "/invocation/next");
    curl_easy_setopt(rt->curl, CURLOPT_REQUEST_TARGET, rt->target);
    curl_easy_setopt(rt->curl, CURLOPT_HTTPGET, 1L);
    rt->get_header.data = (char *)"Accept:";
    rt->get_header.next = NULL;
    curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, &rt->get_header);
    int rc = perform(rt, "GET /invocation/next", &status, err);
    if (rc != 0)
        return rc;
    if (status != 200)
        return fail(err, LR_EAPI, "GET /invocation/next: Runtime API answered %ld; exiting",
                    status);
    if (bytes_reserve(&rt->payload, rt->payload.len) != 0)
        return fail(err, LR_ENOMEM, "out of memory receiving an invocation");
    rt->payload.data[rt->payload.len] = '\0';
    return 0;
}

static const char *header_or_empty(struct lr_runtime *rt, enum lr_header h)
{
    return rt->value_len[h] ? rt->values[h] : "";
}

static void set_trace_env(struct lr_runtime *rt, const char *trace_id)
{
    size_t n = strlen(trace_id); /* <= LR_HEADER_VALUE_MAX */
    memcpy(rt->trace_env, TRACE_ENV_PREFIX, sizeof(TRACE_ENV_PREFIX) - 1);
    memcpy(rt->trace_env + sizeof(TRACE_ENV_PREFIX) - 1, trace_id, n + 1);
    const char *cur = getenv(TRACE_ENV);
    if (cur != rt->trace_env + sizeof(TRACE_ENV_PREFIX) - 1)
        putenv(rt->trace_env); /* not ours yet (first time, or unset since) */
}

/* Fills rt->inv from what /next delivered and decides whether the handler may run: returns
 * 0 (run it), 1 (rt->resp already holds the error answer), or LR_EPROTO (no request id). */
static int prepare_invocation(struct lr_runtime *rt, struct lr_error *err)
{
    struct lr_invocation *inv = &rt->inv;
    size_t id_len = rt->value_len[LR_HDR_REQUEST_ID];

    if (!lr_request_id_valid(rt->values[LR_HDR_REQUEST_ID], id_len, LR_REQUEST_ID_MAX) ||
        rt->value_cut[LR_HDR_REQUEST_ID])
        return fail(err, LR_EPROTO,
                    "GET /invocation/next: %s Lambda-Runtime-Aws-Request-Id; the invocation "
                    "cannot be answered",
                    id_len ? "invalid" : "missing");
    inv->request_id = rt->values[LR_HDR_REQUEST_ID];
    inv->payload = rt->payload.data;
    inv->payload_len = rt->payload.len;
    inv->xray_trace_id = header_or_empty(rt, LR_HDR_TRACE_ID);
    inv->client_context = header_or_empty(rt, LR_HDR_CLIENT_CONTEXT);
    inv->cognito_identity = header_or_empty(rt, LR_HDR_COGNITO);
    inv->function_arn = header_or_empty(rt, LR_HDR_FUNCTION_ARN);
    inv->tenant_id = header_or_empty(rt, LR_HDR_TENANT_ID);
    inv->content_type = header_or_empty(rt, LR_HDR_CONTENT_TYPE);
    inv->deadline_ms = 0;

    lr_log_set_request_id(inv->request_id);
    if (*inv->xray_trace_id)
        set_trace_env(rt, inv->xray_trace_id);
    else
        unsetenv(TRACE_ENV);

    if (rt->payload_too_large) {
        lr_log(LR_LOG_ERROR, "payload larger than %u bytes; answering %s", LR_PAYLOAD_MAX,
               LR_ERROR_PAYLOAD_TOO_LARGE);
        inv->payload = "";
        inv->payload_len = 0;
        lr_response_failure(&rt->resp, LR_ERROR_PAYLOAD_TOO_LARGE,
                            "The invocation payload is larger than the runtime's limit "
                            "(LR_PAYLOAD_MAX, 7 MiB)");
        return 1;
    }
    if (!lr_deadline_parse(rt->values[LR_HDR_DEADLINE], rt->value_len[LR_HDR_DEADLINE],
                           &inv->deadline_ms)) {
        lr_log(LR_LOG_ERROR, "missing or invalid Lambda-Runtime-Deadline-Ms; answering %s",
               LR_ERROR_INVALID_INVOCATION);
        lr_response_failure(&rt->resp, LR_ERROR_INVALID_INVOCATION,
                            "Lambda-Runtime-Deadline-Ms is missing or not a number of "
                            "milliseconds");
        return 1;
    }
    return 0;
}

/* Posts rt->resp for the current invocation. 0 (accepted, or refused with a 4xx that was
 * logged) or a negative code when the function must exit. */
static int send_response(struct lr_runtime *rt, struct lr_error *err)
{
    struct lr_response *r = &rt->resp;
    long status = 0;
    int rc;
    const char *what;

    if (r->kind == RESPONSE_SUCCESS) {
        what = "POST /invocation/response";
        snprintf(rt->target, sizeof(rt->target), API_PREFIX "/invocation/%s/response",
                 rt->inv.request_id);
        rc = post(rt, what, r->body, r->body_len, r->content_type, NULL, &status, err);
    } else {
        what = "POST /invocation/error";
        if (build_error_body(rt, r->error_type, r->error_type_len, r->own.data ? r->own.data : "",
                             r->own.len) != 0)
            return fail(err, LR_ENOMEM, "out of memory building an error response");
        snprintf(rt->target, sizeof(rt->target), API_PREFIX "/invocation/%s/error",
                 rt->inv.request_id);
        rc = post(rt, what, rt->error_body.data, rt->error_body.len, DEFAULT_CONTENT_TYPE,
                  r->error_type, &status, err);
    }
    if (rc != 0)
        return rc;
    if (status == 202 || status == 200)
        return 0;
    if (status == 413) {
        lr_log(LR_LOG_ERROR,
               "%s: 413 Payload Too Large for request %s (%zu bytes); the "
               "invocation fails, the runtime goes on",
               what, rt->inv.request_id,
               r->kind == RESPONSE_SUCCESS ? r->body_len : rt->error_body.len);
        return 0;
    }
    if (status >= 400 && status < 500) {
        lr_log(LR_LOG_ERROR, "%s: Runtime API answered %ld for request %s; going on", what, status,
               rt->inv.request_id);
        return 0;
    }
    return fail(err, LR_EAPI, "%s: Runtime API answered %ld for request %s; exiting", what, status,
                rt->inv.request_id);
}

/* A handler that crashes takes the process down (Lambda then reports Runtime.ExitError);
 * this makes sure the log says so, with the request id, before the signal's default
 * action runs. */
static void on_fatal_signal(int sig)
{
    lr_log_fatal_signal(sig);
    raise(sig); /* SA_RESETHAND restored the default action */
}

/* Installs on_fatal_signal where nobody (a sanitizer, the application) already has. */
static void catch_fatal_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
            !(old.sa_flags & SA_SIGINFO))
            sigaction(sigs[i], &sa, NULL);
    }
}

int lr_runtime_run(struct lr_runtime *rt, lr_handler_fn handler, void *user, struct lr_error *err)
{
    if (!rt || !handler)
        return fail(err, LR_EINVAL, "lr_runtime_run: runtime and handler are required");
    catch_fatal_signals();
    for (;;) {
        int rc = next_invocation(rt, err);
        if (rc != 0)
            return rc;
        response_clear(&rt->resp);
        rc = prepare_invocation(rt, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (lr_log_enabled(LR_LOG_DEBUG))
                lr_log(LR_LOG_DEBUG, "invocation: %zu bytes of %s, %lld ms left",
                       rt->inv.payload_len, rt->inv.content_type, lr_time_remaining_ms(&rt->inv));
            int hrc = handler(&rt->inv, &rt->resp, user);
            if (rt->resp.kind == RESPONSE_NONE) {
                lr_log(LR_LOG_ERROR, "handler returned %d without setting a response", hrc);
                lr_response_failure(&rt->resp, hrc ? LR_ERROR_HANDLER_FAILED : LR_ERROR_NO_RESPONSE,
                                    hrc ? "The handler failed without setting a response"
                                        : "The handler returned without setting a response");
            }
        }
        rc = send_response(rt, err);
        lr_log_set_request_id(NULL);
        response_clear(&rt->resp);
        bytes_trim(&rt->payload);
        bytes_trim(&rt->error_body);
        if (rc != 0)
            return rc;
    }
}

int lr_run_handler(lr_handler_fn handler, void *user)
{
    struct lr_error err = {0};
    struct lr_runtime *rt = lr_runtime_new(NULL, &err);

    if (!rt) {
        lr_log(LR_LOG_FATAL, "%s", err.msg);
        return 1;
    }
    lr_runtime_run(rt, handler, user, &err);
    lr_log(LR_LOG_FATAL, "%s", err.msg);
    lr_runtime_free(rt);
    return 1;
}
