/* sw_aws_client: the loop every AWS call goes through: resolve the endpoint,
 * get credentials, sign with a fresh X-Amz-Date, send, and on failure ask
 * sw_retry whether and how long to wait. Waiting uses an injectable sleep and
 * random source (tests run fast and deterministic) and never runs past the
 * invocation deadline. Operation files build bodies; this knows no operation.
 * Sibling clients (sw_aws_client_new_sibling) send from other threads over their own
 * connections; what they share with their parent is in struct shared, behind its locks. */
#include "handler/aws/client.h"

#include "handler/aws/credentials.h"
#include "handler/aws/endpoints.h"
#include "handler/aws/rate_gate.h"
#include "handler/aws/redact.h"
#include "handler/aws/retry.h"
#include "handler/aws/sigv4.h"
#include "handler/aws/xray.h"
#include "handler/core/clock.h"
#include "lr_log.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define USER_AGENT "scanwarden/" SW_VERSION /* SW_VERSION: CMake project(VERSION) */

/* What a client shares with its siblings (docs/internals.md, "What concurrent tasks may
 * share"): owned by the first client, borrowed by the siblings made from it. */
struct shared {
    pthread_mutex_t creds_lock; /* one sw_creds_get at a time: a refresh happens once */
    struct sw_creds_provider *creds;
    pthread_mutex_t quota_lock; /* the decision to retry and its cost are one step */
    struct sw_retry_quota quota;
    _Atomic int64_t deadline_ms; /* written between invocations, read by every call */
};

struct sw_aws_client {
    char region[SW_ENDPOINT_MAX_REGION + 1];
    int max_attempts;
    struct sw_http *http;  /* this client's own connections */
    struct shared *shared; /* &own, or the parent's */
    struct shared own;     /* unused in a sibling */
    struct sw_endpoint endpoints[SW_AWS_SERVICE_SECURITYHUB + 1];
    struct sw_aws_client_options opt;
    struct sw_aws_call_info last;
    /* The credentials of this client's last call, copied from the provider under its lock
     * (another client may replace the provider's at any time); wiped when replaced or freed. */
    struct sw_creds_slot signing;
    struct sw_sigv4_credentials last_creds; /* points into signing, for scrubbing */
};

static const char *const service_names[] = {
    [SW_AWS_SERVICE_INSPECTOR2] = "inspector2",
    [SW_AWS_SERVICE_ECR] = "ecr",
    [SW_AWS_SERVICE_SNS] = "sns",
    [SW_AWS_SERVICE_STS] = "sts",
    [SW_AWS_SERVICE_SQS] = "sqs",
    [SW_AWS_SERVICE_SECURITYHUB] = "securityhub",
};

/* ------------------------------------------------------------ client */

static void default_sleep(void *ctx, long ms)
{
    (void)ctx;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double default_random(void *ctx)
{
    uint64_t r = 0;
    (void)ctx;
    if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
        return 0.5;
    return (double)(r >> 11) / (double)(UINT64_C(1) << 53);
}

struct sw_aws_client *sw_aws_client_new(const struct sw_aws_client_options *opt,
                                        struct sw_error *err)
{
    struct sw_aws_client *c = calloc(1, sizeof(*c));
    if (!c) {
        sw_error_set(err, SW_ENOMEM, "out of memory creating the AWS client");
        return NULL;
    }
    if (opt)
        c->opt = *opt;
    if (c->opt.region && *c->opt.region) {
        if (strlen(c->opt.region) >= sizeof(c->region)) {
            sw_error_set(err, SW_ECONFIG, "region \"%.80s\" is too long", c->opt.region);
            goto out_free;
        }
        snprintf(c->region, sizeof(c->region), "%s", c->opt.region);
    } else if (sw_endpoint_region(NULL, c->region, err)) {
        goto out_free;
    }
    if (c->opt.max_attempts > 0) {
        c->max_attempts = c->opt.max_attempts > SW_RETRY_MAX_ATTEMPTS_LIMIT
                              ? SW_RETRY_MAX_ATTEMPTS_LIMIT
                              : c->opt.max_attempts;
    } else if (sw_retry_max_attempts_from_env(getenv("AWS_MAX_ATTEMPTS"), &c->max_attempts, err)) {
        goto out_free;
    }
    if (sw_retry_mode_from_env(getenv("AWS_RETRY_MODE"), err))
        goto out_free;
    if (!c->opt.sleep_ms)
        c->opt.sleep_ms = default_sleep;
    if (!c->opt.random)
        c->opt.random = default_random;
    for (size_t i = 0; i < sizeof(service_names) / sizeof(service_names[0]); i++) {
        if (sw_endpoint_resolve(service_names[i], c->region, NULL, &c->endpoints[i], err))
            goto out_free;
    }
    struct sw_http_options hopt = {
        .connect_timeout_ms = c->opt.connect_timeout_ms,
        .request_timeout_ms = c->opt.request_timeout_ms,
        .no_connection_reuse = c->opt.no_connection_reuse,
        .ca_store = c->opt.ca_store,
    };
    c->opt.ca_store = NULL; /* borrowed for sw_http_new only */
    c->http = sw_http_new(&hopt, err);
    if (!c->http)
        goto out_free;
    struct sw_creds_options copt = {.env = c->opt.creds_env};
    c->own.creds = sw_creds_provider_new(&copt, err);
    if (!c->own.creds)
        goto out_free_http;
    if (pthread_mutex_init(&c->own.creds_lock, NULL) != 0)
        goto out_free_creds;
    if (pthread_mutex_init(&c->own.quota_lock, NULL) != 0)
        goto out_destroy_creds_lock;
    sw_retry_quota_init(&c->own.quota);
    atomic_init(&c->own.deadline_ms, SW_AWS_NO_DEADLINE);
    c->shared = &c->own;
    return c;

out_destroy_creds_lock:
    pthread_mutex_destroy(&c->own.creds_lock);
out_free_creds:
    sw_error_set(err, SW_EINTERNAL, "cannot create the AWS client's locks");
    sw_creds_provider_free(c->own.creds);
out_free_http:
    sw_http_free(c->http);
out_free:
    free(c);
    return NULL;
}

struct sw_aws_client *sw_aws_client_new_sibling(struct sw_aws_client *parent, struct sw_error *err)
{
    struct sw_aws_client *c = calloc(1, sizeof(*c));
    if (!c) {
        sw_error_set(err, SW_ENOMEM, "out of memory creating an AWS client");
        return NULL;
    }
    memcpy(c->region, parent->region, sizeof(c->region));
    c->max_attempts = parent->max_attempts;
    memcpy(c->endpoints, parent->endpoints, sizeof(c->endpoints));
    c->opt = parent->opt;
    c->shared = parent->shared; /* a sibling's sibling shares the first client's too */
    struct sw_http_options hopt = {
        .connect_timeout_ms = c->opt.connect_timeout_ms,
        .request_timeout_ms = c->opt.request_timeout_ms,
        .no_connection_reuse = c->opt.no_connection_reuse,
        .ca_store = sw_http_ca_store(parent->http),
    };
    c->http = sw_http_new(&hopt, err);
    if (!c->http) {
        free(c);
        return NULL;
    }
    return c;
}

void sw_aws_client_free(struct sw_aws_client *c)
{
    if (!c)
        return;
    if (c->shared == &c->own) {
        sw_creds_provider_free(c->own.creds);
        pthread_mutex_destroy(&c->own.creds_lock);
        pthread_mutex_destroy(&c->own.quota_lock);
    }
    sw_creds_slot_wipe(&c->signing);
    sw_http_free(c->http);
    free(c);
}

void sw_aws_client_set_rate_gate(struct sw_aws_client *c, struct sw_rate_gate *gate)
{
    c->opt.rate_gate = gate;
}

struct sw_ca_store *sw_aws_client_ca_store(const struct sw_aws_client *c)
{
    return sw_http_ca_store(c->http);
}

void sw_aws_client_set_deadline(struct sw_aws_client *c, int64_t deadline_ms)
{
    atomic_store(&c->shared->deadline_ms, deadline_ms);
}

static int64_t deadline_of(const struct sw_aws_client *c)
{
    return atomic_load(&c->shared->deadline_ms);
}

int sw_aws_client_retry_tokens(struct sw_aws_client *c)
{
    pthread_mutex_lock(&c->shared->quota_lock);
    int tokens = c->shared->quota.tokens;
    pthread_mutex_unlock(&c->shared->quota_lock);
    return tokens;
}

/* The provider's current credentials, copied into c->signing under the lock: out points
 * there and stays valid until c's next call, whatever other clients do meanwhile. */
static int get_credentials(struct sw_aws_client *c, struct sw_sigv4_credentials *out,
                           struct sw_error *err)
{
    struct sw_sigv4_credentials b;
    struct shared *sh = c->shared;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&sh->creds_lock);
    int rc = sw_creds_get(sh->creds, time(NULL), &b, err);
    if (rc == 0) {
        sw_creds_slot_wipe(&c->signing);
        /* the provider's buffers have the slot's sizes: nothing is cut */
        (void)sw_creds_copy_secret(c->signing.access_key_id, sizeof(c->signing.access_key_id),
                                   b.access_key_id);
        (void)sw_creds_copy_secret(c->signing.secret, sizeof(c->signing.secret),
                                   b.secret_access_key);
        if (b.session_token)
            (void)sw_creds_copy_secret(c->signing.token, sizeof(c->signing.token), b.session_token);
    }
    pthread_mutex_unlock(&sh->creds_lock);
    if (rc == 0) {
        out->access_key_id = c->signing.access_key_id;
        out->secret_access_key = c->signing.secret;
        out->session_token = b.session_token ? c->signing.token : NULL;
    }
    return rc;
}

/* The deadline as sw_http and sw_retry read it, where 0 is "none": a spent budget (a deadline
 * at or below 0) becomes SW_AWS_DEADLINE_EXPIRED, a positive instant long past. */
static int64_t wire_deadline(int64_t deadline_ms)
{
    if (deadline_ms == SW_AWS_NO_DEADLINE)
        return 0;
    return deadline_ms > 0 ? deadline_ms : SW_AWS_DEADLINE_EXPIRED;
}

const char *sw_aws_client_region(const struct sw_aws_client *c)
{
    return c->region;
}

int sw_aws_client_max_attempts(const struct sw_aws_client *c)
{
    return c->max_attempts;
}

const struct sw_aws_call_info *sw_aws_client_last_call(const struct sw_aws_client *c)
{
    return &c->last;
}

/* Takes every run of the credentials out of what a failed call hands back or logs: the AWS
 * error (code, message, request id) and the error message. An AWS message can quote the
 * signed request, a transport error the URL; callers then never see a credential. */
static void scrub(const struct sw_sigv4_credentials *creds, struct sw_aws_error *ae,
                  struct sw_error *err)
{
    const char *secrets[] = {creds->access_key_id, creds->secret_access_key, creds->session_token};
    struct sw_redactor r;
    sw_redactor_init(&r, secrets, sizeof(secrets) / sizeof(secrets[0]));
    if (ae) {
        sw_redactor_apply(&r, ae->code);
        sw_redactor_apply(&r, ae->message);
        sw_redactor_apply(&r, ae->request_id);
    }
    if (err)
        sw_redactor_apply(&r, err->msg);
    sw_redactor_clear(&r);
}

void sw_aws_client_redactor(const struct sw_aws_client *c, struct sw_redactor *r)
{
    const char *secrets[] = {c->last_creds.access_key_id, c->last_creds.secret_access_key,
                             c->last_creds.session_token};
    sw_redactor_init(r, secrets, sizeof(secrets) / sizeof(secrets[0]));
}

/* Signs and sends one attempt. Returns sw_http_send's result, or a signing/credential error
 * (*fatal set: not worth retrying). */
static int attempt(struct sw_aws_client *c, const struct sw_aws_request *req,
                   const struct sw_endpoint *ep, struct sw_http_response *resp, bool *fatal,
                   struct sw_sigv4_credentials *used, const char *trace, struct sw_error *err)
{
    char url[SW_HTTP_URL_MAX];
    char path[SW_ENDPOINT_MAX_BASE_PATH + 256];
    struct sw_sigv4_credentials creds;
    struct sw_sigv4_signed sig = {0};
    struct sw_http_header headers[SW_HTTP_HEADERS_MAX];
    struct sw_sigv4_header to_sign[3];
    size_t nh = 0, ns = 0;
    int rc;

    *fatal = true;
    if ((size_t)snprintf(path, sizeof(path), "%s%s", ep->base_path, req->path) >= sizeof(path) ||
        (size_t)snprintf(url, sizeof(url), "%s%s", ep->url_base, req->path) >= sizeof(url))
        return sw_error_set(err, SW_EINVAL, "%s: endpoint URL too long", req->operation);
    time_t now = c->opt.signing_time ? c->opt.signing_time(c->opt.hook_ctx) : time(NULL);
    /* this client's copy, wiped when replaced or freed; nothing to clean here */
    rc = get_credentials(c, &creds, err);
    if (rc) {
        sw_error_wrap(err, "%s: not sent", req->operation);
        return rc;
    }
    *used = creds;

    to_sign[ns++] = (struct sw_sigv4_header){SW_STR_LIT("Host"), sw_str_from_cstr(ep->host_header)};
    to_sign[ns++] =
        (struct sw_sigv4_header){SW_STR_LIT("Content-Type"), sw_str_from_cstr(req->content_type)};
    if (req->target)
        to_sign[ns++] =
            (struct sw_sigv4_header){SW_STR_LIT("X-Amz-Target"), sw_str_from_cstr(req->target)};
    struct sw_sigv4_request sreq = {
        .method = sw_str_from_cstr(req->method ? req->method : "POST"),
        .path = sw_str_from_cstr(path),
        .query = {"", 0},
        .headers = to_sign,
        .header_count = ns,
        .body = (const unsigned char *)req->body,
        .body_len = req->body_len,
    };
    struct sw_sigv4_config cfg = {
        .region = ep->signing_region,
        .service = ep->signing_name,
        .time = now, /* fresh for every attempt */
    };
    rc = sw_sigv4_sign(&sreq, &creds, &cfg, &sig, err);
    if (rc) {
        sw_error_wrap(err, "%s: signing failed", req->operation);
        goto out_clear_signature;
    }
    headers[nh++] = (struct sw_http_header){"Host", ep->host_header};
    headers[nh++] = (struct sw_http_header){"Content-Type", req->content_type};
    if (req->target)
        headers[nh++] = (struct sw_http_header){"X-Amz-Target", req->target};
    headers[nh++] = (struct sw_http_header){"User-Agent", USER_AGENT};
    if (trace) /* not signed: SigV4 leaves x-amzn-trace-id out (sigv4_canonical.c) */
        headers[nh++] = (struct sw_http_header){"X-Amzn-Trace-Id", trace};
    for (size_t i = 0; i < sig.count; i++)
        headers[nh++] =
            (struct sw_http_header){sig.headers[i].name, sw_buf_cstr(&sig.headers[i].value)};
    struct sw_http_request hreq = {
        .method = req->method ? req->method : "POST",
        .url = url,
        .headers = headers,
        .header_count = nh,
        .body = req->body,
        .body_len = req->body_len,
        .deadline_ms = wire_deadline(deadline_of(c)),
    };
    *fatal = false;
    rc = sw_http_send(c->http, &hreq, resp, err);

out_clear_signature:
    sw_sigv4_signed_clear(&sig);
    return rc;
}

/* The request id of a 2xx answer, at debug level (scrubbed like an error message). */
static void log_attempt(const struct sw_aws_request *req, int n,
                        const struct sw_http_response *resp,
                        const struct sw_sigv4_credentials *used)
{
    const char *rid = resp->amzn_request_id[0] ? resp->amzn_request_id : resp->amz_request_id;
    struct sw_error text = {0}; /* scrub() cleans an error message; borrow one */
    snprintf(text.msg, sizeof(text.msg), "%s", rid[0] ? rid : "none");
    scrub(used, NULL, &text);
    lr_log(LR_LOG_DEBUG, "aws: %s attempt %d: HTTP %ld, request id %s", req->operation, n,
           resp->status, text.msg);
}

/* Whether and when to retry attempt n, which failed with rc (transport) or an AWS error
 * answer (rc 0; parsed into ae); a retry's cost is taken from the shared quota in the same
 * step. what gets a short description of the failure. */
static struct sw_retry_decision decide(struct sw_aws_client *c, const struct sw_aws_request *req,
                                       const struct sw_http_response *resp, int rc, int n,
                                       struct sw_aws_error *ae,
                                       const struct sw_sigv4_credentials *used, char *what,
                                       size_t what_cap, bool *throttled)
{
    struct sw_retry_failure f = {.transport_rc = rc};
    long hint = -1;
    if (rc == 0) {
        sw_aws_error_parse(req->protocol, resp, ae);
        scrub(used, ae, NULL); /* before anything logs or classifies it */
        f.http_status = resp->status;
        f.error_code = ae->code;
        hint = sw_retry_parse_hint(resp->amz_retry_after, resp->retry_after, sw_clock_now_ms());
    }
    struct sw_retry_input in = {
        .cls = sw_retry_classify(&f),
        .attempt = n,
        .max_attempts = c->max_attempts,
        .hint_ms = hint,
        .random = c->opt.random(c->opt.hook_ctx),
        .now_ms = sw_clock_now_ms(),
        .deadline_ms = wire_deadline(deadline_of(c)),
    };
    *throttled = in.cls == SW_RETRY_CLASS_THROTTLING;
    if (rc != 0)
        snprintf(what, what_cap, "%s", sw_strerror(rc));
    else if (strncmp(ae->code, "HTTP ", 5) == 0)
        snprintf(what, what_cap, "%s", ae->code);
    else
        snprintf(what, what_cap, "%s, HTTP %ld", ae->code, resp->status);
    pthread_mutex_lock(&c->shared->quota_lock);
    in.quota_tokens = c->shared->quota.tokens;
    struct sw_retry_decision d = sw_retry_decide(&in);
    if (d.verdict == SW_RETRY_AGAIN)
        c->shared->quota.tokens -= d.cost;
    pthread_mutex_unlock(&c->shared->quota_lock);
    return d;
}

/* The final error of a call that stops after attempt n: what happened, how often, and why
 * it stopped. Returns the status to return. */
static int give_up(const struct sw_aws_request *req, int rc, int n,
                   const struct sw_retry_decision *d, const struct sw_aws_error *ae,
                   const struct sw_sigv4_credentials *used, const char *what, struct sw_error *err)
{
    char detail[SW_ERROR_MSG_MAX];
    if (rc == 0) {
        sw_aws_error_format(ae, detail, sizeof(detail));
        rc = SW_EAWS;
    } else {
        snprintf(detail, sizeof(detail), "%s", err ? err->msg : sw_strerror(rc));
    }
    if (d->verdict == SW_RETRY_STOP_DEADLINE) {
        sw_error_set(err, SW_ETIMEOUT,
                     "%s: %s; gave up after %d attempt%s: the next attempt (in %ld ms) would "
                     "not finish before the invocation deadline",
                     req->operation, detail, n, n == 1 ? "" : "s", d->delay_ms);
        rc = SW_ETIMEOUT;
    } else if (d->verdict == SW_RETRY_STOP_NOT_RETRYABLE) {
        sw_error_set(err, rc, "%s: %s", req->operation, detail);
    } else {
        sw_error_set(err, rc, "%s: %s; gave up after %d attempt%s (%s)", req->operation, detail, n,
                     n == 1 ? "" : "s", sw_retry_verdict_name(d->verdict));
    }
    scrub(used, NULL, err); /* a transport error's text, too */
    lr_log(LR_LOG_WARN, "aws: %s failed after %d attempt%s: %s", req->operation, n,
           n == 1 ? "" : "s", what);
    return rc;
}

static int call_attempts(struct sw_aws_client *c, const struct sw_aws_request *req,
                         struct sw_http_response *resp, struct sw_aws_error *aerr,
                         const char *trace, struct sw_error *err)
{
    struct sw_aws_error local = {0};
    struct sw_aws_error *ae = aerr ? aerr : &local;
    struct sw_sigv4_credentials used = {0}; /* borrowed from the provider for this call */
    int last_cost = 0;

    sw_aws_error_clear(ae);
    memset(&c->last, 0, sizeof(c->last));
    if ((size_t)req->service >= sizeof(service_names) / sizeof(service_names[0]) || !req->path ||
        req->path[0] != '/' || !req->content_type || !req->operation)
        return sw_error_set(err, SW_EINVAL, "sw_aws_call: incomplete request");
    const struct sw_endpoint *ep = &c->endpoints[req->service];
    int64_t deadline = deadline_of(c);
    if (deadline != SW_AWS_NO_DEADLINE && deadline <= sw_clock_now_ms())
        return sw_error_set(err, SW_ETIMEOUT,
                            "%s: not sent: the invocation deadline has passed (no time was left "
                            "for AWS calls)",
                            req->operation);

    for (int n = 1;; n++) {
        bool fatal = false;
        bool throttled = false;
        /* The region's ceiling and shared backoff (rate_gate.h), before every attempt. */
        if (c->opt.rate_gate && sw_rate_gate_wait(c->opt.rate_gate, (unsigned)req->service,
                                                  deadline > 0 ? deadline : 0) < 0)
            return sw_error_set(err, SW_ETIMEOUT,
                                "%s: not sent: the region's request rate (MAX_AWS_REQUESTS_PER_"
                                "SECOND) leaves no slot before the invocation deadline",
                                req->operation);
        c->last.attempts = n;
        sw_aws_error_clear(ae); /* describes the last attempt only */
        int rc = attempt(c, req, ep, resp, &fatal, &used, trace, err);
        c->last_creds = used;
        c->last.new_connections += resp->new_connections;
        if (rc == 0 && lr_log_enabled(LR_LOG_DEBUG))
            log_attempt(req, n, resp, &used);
        if (fatal) {
            scrub(&used, NULL, err);
            return rc;
        }
        if (rc == 0 && resp->status >= 200 && resp->status < 300) {
            pthread_mutex_lock(&c->shared->quota_lock);
            sw_retry_quota_on_success(&c->shared->quota, last_cost);
            pthread_mutex_unlock(&c->shared->quota_lock);
            return 0;
        }
        char what[SW_AWS_ERROR_CODE_MAX + 32];
        struct sw_retry_decision d =
            decide(c, req, resp, rc, n, ae, &used, what, sizeof(what), &throttled);
        if (throttled && c->opt.rate_gate) /* the others of the service wait with this one */
            sw_rate_gate_throttled(c->opt.rate_gate, (unsigned)req->service, d.delay_ms);
        if (d.verdict != SW_RETRY_AGAIN)
            return give_up(req, rc, n, &d, ae, &used, what, err);
        last_cost = d.cost;
        if ((size_t)n - 1 < sizeof(c->last.waits_ms) / sizeof(c->last.waits_ms[0]))
            c->last.waits_ms[n - 1] = d.delay_ms;
        lr_log(LR_LOG_WARN, "aws: %s attempt %d of %d failed (%s); retrying in %ld ms",
               req->operation, n, c->max_attempts, what, d.delay_ms);
        c->opt.sleep_ms(c->opt.hook_ctx, d.delay_ms);
    }
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The call as one X-Ray subsegment, sent to the daemon (docs/operations.md, "Tracing"). */
static void send_subsegment(const struct sw_aws_client *c, const struct sw_aws_request *req,
                            const struct sw_xray_header *xh, const struct sw_http_response *resp,
                            int rc, double start)
{
    const char *daemon = getenv("AWS_XRAY_DAEMON_ADDRESS"); /* set by Lambda */
    unsigned char raw[8];
    char id[17];
    if (!daemon || !*daemon || RAND_bytes(raw, sizeof(raw)) != 1)
        return;
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(id + 2 * i, 3, "%02x", raw[i]);
    const char *op = strchr(req->operation, ':'); /* "inspector2:Enable" names Enable */
    double end = wall_seconds();
    struct sw_xray_call call = {
        .service = service_names[req->service],
        .operation = op ? op + 1 : req->operation,
        .region = c->region,
        .http_status = resp->status,
        .attempts = c->last.attempts,
        .start_time = start,
        .end_time = end < start ? start : end, /* the wall clock may step back */
        .failed = rc != 0,
    };
    char doc[SW_XRAY_DOC_MAX];
    size_t len = sw_xray_subsegment(xh, &call, id, doc, sizeof(doc));
    if (len)
        sw_xray_send(daemon, doc, len);
}

int sw_aws_call(struct sw_aws_client *c, const struct sw_aws_request *req,
                struct sw_http_response *resp, struct sw_aws_error *aerr, struct sw_error *err)
{
    /* runtime/ sets it for each invocation from Lambda-Runtime-Trace-Id */
    const char *trace = getenv("_X_AMZN_TRACE_ID");
    if (!sw_xray_header_sendable(trace))
        return call_attempts(c, req, resp, aerr, NULL, err);
    struct sw_xray_header xh;
    sw_xray_header_parse(trace, &xh);
    if (!sw_xray_traced(&xh))
        return call_attempts(c, req, resp, aerr, trace, err);
    double start = wall_seconds();
    int rc = call_attempts(c, req, resp, aerr, trace, err);
    if ((size_t)req->service < sizeof(service_names) / sizeof(service_names[0]) && req->operation)
        send_subsegment(c, req, &xh, resp, rc, start);
    return rc;
}

void sw_aws_op_init(struct sw_aws_op *op, size_t body_max, struct sw_aws_error *aerr)
{
    if (aerr)
        sw_aws_error_clear(aerr);
    sw_buf_init(&op->body, body_max);
    sw_http_response_init(&op->resp);
}

int sw_aws_op_run(struct sw_aws_client *c, struct sw_aws_op *op, int rc, struct sw_aws_request *req,
                  sw_aws_parse_fn parse, void *out, struct sw_aws_error *aerr, struct sw_error *err)
{
    if (!rc && !req->body) {
        req->body = sw_buf_cstr(&op->body);
        req->body_len = op->body.len;
    }
    if (!rc)
        rc = sw_aws_call(c, req, &op->resp, aerr, err);
    if (!rc && parse)
        rc = parse(op->resp.body.data, op->resp.body.len, out, err);
    sw_http_response_clear(&op->resp);
    sw_buf_clear(&op->body);
    return rc;
}
