/* lr_runtime: the Runtime API loop and the runtime's lifecycle.
 *
 * GET /next, call the handler, POST /response or /error, with the retry and exit rules
 * of lr_runtime.h. It keeps every buffer (payload, header values, response, error body)
 * across invocations, so a steady loop allocates almost nothing. The requests on the one
 * connection are lr_http.c's (where the transfers happen); the answer
 * is lr_response.c's; parsing and JSON are lr_headers.c's and lr_json.c's. */
#include "lr_runtime.h"

#include "lr_json.h"
#include "lr_log.h"
#include "lr_runtime_internal.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define API_PREFIX "/2018-06-01/runtime"

/* ---- time ---- */

/* The runtime's own clock: runtime/ is a separate library that knows nothing of handler/,
 * so it does not use the product's clock (handler/core/clock.c). Both read CLOCK_REALTIME
 * in Unix epoch milliseconds, the clock of the Lambda-Runtime-Deadline-Ms header. */
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

static int build_error_body(struct lr_runtime *rt, const char *type, size_t tlen, const char *msg,
                            size_t mlen)
{
    size_t need = lr_json_error_body(NULL, 0, type, tlen, msg, mlen);
    if (lr_bytes_reserve(&rt->error_body, need) != 0)
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
        lr_fail(err, LR_EINVAL,
                "AWS_LAMBDA_RUNTIME_API is not set: run this under Lambda or "
                "set it to host:port of a Runtime API");
        return NULL;
    }
    size_t elen = strlen(endpoint);
    char host[ENDPOINT_MAX + 1], port[8];
    if (elen > ENDPOINT_MAX || !lr_header_value_safe(endpoint, elen) || strchr(endpoint, '/') ||
        strchr(endpoint, ' ') ||
        !lr_endpoint_split(endpoint, host, sizeof(host), port, sizeof(port))) {
        lr_fail(err, LR_EINVAL, "AWS_LAMBDA_RUNTIME_API must be host:port (at most %u bytes)",
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
    lr_http_setup(rt, endpoint); /* the endpoint is checked above */
    return rt;

out_free_rt:
    free(rt);
out_nomem:
    lr_fail(err, LR_ENOMEM, "out of memory creating the runtime");
    return NULL;
}

void lr_runtime_free(struct lr_runtime *rt)
{
    if (!rt)
        return;
    if (getenv(TRACE_ENV) == rt->trace_env + sizeof(TRACE_ENV_PREFIX) - 1)
        unsetenv(TRACE_ENV); /* environ must not point into freed memory */
    lr_http_close(rt);
    lr_bytes_free(&rt->in);
    lr_bytes_free(&rt->payload);
    lr_bytes_free(&rt->resp.own);
    lr_bytes_free(&rt->error_body);
    free(rt->values[0]);
    free(rt);
}

int lr_runtime_init_error(struct lr_runtime *rt, const char *error_type, const char *message,
                          struct lr_error *err)
{
    long status = 0;

    if (!rt)
        return lr_fail(err, LR_EINVAL, "lr_runtime_init_error: no runtime");
    int rc = lr_response_failure(&rt->resp, error_type, message);
    if (rc != 0)
        return lr_fail(err, rc, "init error: out of memory");
    if (build_error_body(rt, rt->resp.error_type, rt->resp.error_type_len, rt->resp.own.data,
                         rt->resp.own.len) != 0)
        return lr_fail(err, LR_ENOMEM, "init error: out of memory");
    snprintf(rt->target, sizeof(rt->target), API_PREFIX "/init/error");
    rc = lr_http_post(rt, "POST /runtime/init/error", rt->error_body.data, rt->error_body.len,
                      DEFAULT_CONTENT_TYPE, rt->resp.error_type, &status, err);
    lr_response_reset(&rt->resp);
    if (rc != 0)
        return rc;
    if (status != 202)
        return lr_fail(err, LR_EAPI, "POST /runtime/init/error: Runtime API answered %ld", status);
    return 0;
}

/* GET /next into rt->payload and rt->values. */
static int next_invocation(struct lr_runtime *rt, struct lr_error *err)
{
    long status = 0;

    int rc = lr_http_next(rt, &status, err);
    if (rc != 0)
        return rc;
    if (status != 200)
        return lr_fail(err, LR_EAPI, "GET /invocation/next: Runtime API answered %ld; exiting",
                       status);
    if (lr_bytes_reserve(&rt->payload, rt->payload.len) != 0)
        return lr_fail(err, LR_ENOMEM, "out of memory receiving an invocation");
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
        return lr_fail(err, LR_EPROTO,
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
        rc = lr_http_post(rt, what, r->body, r->body_len, r->content_type, NULL, &status, err);
    } else {
        what = "POST /invocation/error";
        if (build_error_body(rt, r->error_type, r->error_type_len, r->own.data ? r->own.data : "",
                             r->own.len) != 0)
            return lr_fail(err, LR_ENOMEM, "out of memory building an error response");
        snprintf(rt->target, sizeof(rt->target), API_PREFIX "/invocation/%s/error",
                 rt->inv.request_id);
        rc = lr_http_post(rt, what, rt->error_body.data, rt->error_body.len, DEFAULT_CONTENT_TYPE,
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
    return lr_fail(err, LR_EAPI, "%s: Runtime API answered %ld for request %s; exiting", what,
                   status, rt->inv.request_id);
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
        return lr_fail(err, LR_EINVAL, "lr_runtime_run: runtime and handler are required");
    catch_fatal_signals();
    for (;;) {
        int rc = next_invocation(rt, err);
        if (rc != 0)
            return rc;
        lr_response_reset(&rt->resp);
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
        lr_response_reset(&rt->resp);
        lr_bytes_trim(&rt->payload);
        lr_bytes_trim(&rt->error_body);
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
