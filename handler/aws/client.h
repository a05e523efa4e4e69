/* sw_aws_client: one signed, retried AWS API call, and the long-lived state it needs.
 *
 * The client lives as long as the process (created at init, like the runtime's
 * handle): credentials provider, endpoints, region, the keep-alive HTTP
 * handles and the retry quota. sw_aws_call() serializes nothing itself: the
 * operation files (inspector2.c, ecr.c, sns.c, sts.c, sqs.c) build the body; this signs it
 * (a fresh X-Amz-Date per attempt), sends it, and retries by sw_retry's rules
 * without ever sleeping past the invocation deadline.
 *
 * One client sends one call at a time. Calls that go out together (sw_parallel_run) use
 * one client each: the first one and siblings made from it, which have their own HTTP
 * connections and last-call info and share the first one's credentials provider, retry
 * quota, options, endpoints and deadline (docs/internals.md, "What concurrent tasks may
 * share"). */
#ifndef SW_AWS_CLIENT_H
#define SW_AWS_CLIENT_H

#include "handler/aws/aws_error.h"
#include "handler/aws/env.h"
#include "handler/aws/http.h"
#include "handler/aws/redact.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SW_AWS_ENUM_MAX 64       /* enum values are kept as strings, cut here */
#define SW_AWS_ACCOUNT_ID_MAX 32 /* 12 digits; room for surprises */
#define SW_AWS_REGION_MAX 64

enum sw_aws_service {
    SW_AWS_SERVICE_INSPECTOR2 = 0,
    SW_AWS_SERVICE_ECR,
    SW_AWS_SERVICE_SNS,
    SW_AWS_SERVICE_STS,
    SW_AWS_SERVICE_SQS,
    SW_AWS_SERVICE_SECURITYHUB,
};

struct sw_aws_client_options {
    const char *region;             /* NULL: AWS_REGION, else AWS_DEFAULT_REGION */
    int max_attempts;               /* 0: AWS_MAX_ATTEMPTS, else SW_RETRY_MAX_ATTEMPTS_DEFAULT */
    long connect_timeout_ms;        /* 0: SW_HTTP_CONNECT_TIMEOUT_MS_DEFAULT */
    long request_timeout_ms;        /* per attempt, 0: SW_HTTP_REQUEST_TIMEOUT_MS_DEFAULT */
    bool no_connection_reuse;       /* benchmarks only */
    const struct sw_env *creds_env; /* credentials' environment; NULL: the process's */
    /* The region's requests-per-second ceiling and shared backoff (rate_gate.h), borrowed,
     * shared with the other clients of the region; NULL: none. */
    struct sw_rate_gate *rate_gate;
    /* The CA bundle, decoded once and shared: another client's sw_aws_client_ca_store (a
     * reference is taken). NULL: this client picks the bundle (AWS_CA_BUNDLE, ...) and
     * decodes it on its first TLS handshake. */
    struct sw_ca_store *ca_store;
    /* Test hooks. NULL: nanosleep / OpenSSL RAND_bytes. */
    void (*sleep_ms)(void *ctx, long ms);
    double (*random)(void *ctx);       /* uniform in [0, 1) */
    time_t (*signing_time)(void *ctx); /* NULL: time(NULL), read for every attempt */
    void *hook_ctx;
};

struct sw_aws_client;
struct sw_rate_gate;

/* Creates the client: region, endpoints (AWS_ENDPOINT_URL[_<SERVICE>], AWS_USE_FIPS_ENDPOINT),
 * credentials provider (environment, then container), HTTP handles, retry quota. Returns NULL
 * with err set (SW_ECONFIG naming the variable, SW_ENOMEM). Credentials are fetched on the
 * first call, not here. */
struct sw_aws_client *sw_aws_client_new(const struct sw_aws_client_options *opt,
                                        struct sw_error *err);

/* Creates a sibling of parent for calls sent at the same time as parent's (from another
 * thread): same region, options, endpoints and CA store; its own HTTP connections (kept alive like
 * parent's) and its own sw_aws_client_last_call / redactor; parent's credentials provider
 * (one refresh, under a lock, serves them all), retry quota (thread-safe), deadline and
 * trace header (each call reads the invocation's, as parent's do). A sibling of a sibling
 * shares the same first client's. parent must outlive its siblings. Returns NULL with err
 * set (SW_ENOMEM, or the HTTP layer's error). */
struct sw_aws_client *sw_aws_client_new_sibling(struct sw_aws_client *parent, struct sw_error *err);

/* Frees c (NULL-safe): a sibling frees its connections only, never what it shares. */
void sw_aws_client_free(struct sw_aws_client *c);

/* Attaches gate (borrowed; NULL: none) to c: every later attempt waits for its slot there and
 * a throttled one pauses the gate's lane of its service (rate_gate.h). Not while c is in a call. */
void sw_aws_client_set_rate_gate(struct sw_aws_client *c, struct sw_rate_gate *gate);

#define SW_AWS_NO_DEADLINE INT64_C(0)      /* the operator's command line: calls are unbounded */
#define SW_AWS_DEADLINE_EXPIRED INT64_C(1) /* an instant long past: the budget is spent */

/* Sets the deadline (Unix epoch ms) for every request until the next call: set it from the
 * invocation's deadline at the start of each invocation, and not while calls are under way.
 * It is shared: setting it on a client sets it for its siblings. SW_AWS_NO_DEADLINE (0) is the only
 * "none"; any other value is a deadline, and one at or before now (negative included) makes
 * every call return SW_ETIMEOUT without sending anything. */
void sw_aws_client_set_deadline(struct sw_aws_client *c, int64_t deadline_ms);

const char *sw_aws_client_region(const struct sw_aws_client *c);

/* Attempts per call, the first included (AWS_MAX_ATTEMPTS or the default). */
int sw_aws_client_max_attempts(const struct sw_aws_client *c);

/* The client's CA store, for sw_aws_client_options.ca_store of a client made for another
 * region: then all of them decode the CA bundle once. NULL when libcurl's default is used. */
struct sw_ca_store *sw_aws_client_ca_store(const struct sw_aws_client *c);

/* Tokens left in the retry quota c shares with its siblings (tests, logs). */
int sw_aws_client_retry_tokens(struct sw_aws_client *c);

/* One AWS API request, borrowed for the duration of the call. */
struct sw_aws_request {
    enum sw_aws_service service;
    enum sw_aws_protocol protocol;
    const char *method;       /* NULL: POST; "PATCH" (Security Hub's batch update) */
    const char *operation;    /* "Enable": for messages and logs */
    const char *path;         /* "/enable"; "/" for awsJson1_1 and awsQuery */
    const char *content_type; /* "application/json", ... */
    const char *target;       /* X-Amz-Target (awsJson1_1) or NULL */
    const char *body;         /* the exact bytes to send and sign */
    size_t body_len;
};

/* What the last sw_aws_call did (tests, logs). */
struct sw_aws_call_info {
    int attempts;
    long waits_ms[16];    /* backoff before attempt 2, 3, ... (SW_RETRY_MAX_ATTEMPTS_LIMIT fits) */
    long new_connections; /* connections opened over all attempts */
};

/* Signs, sends and retries req. Returns 0 on a 2xx answer (resp holds it; resp must be
 * initialised with sw_http_response_init and is owned by the caller). Otherwise:
 * SW_EAWS when AWS answered with an error (aerr holds code, message, request id, HTTP
 * status); SW_ETIMEOUT / SW_EIO for transport failures after the retries, and SW_ETIMEOUT
 * also when the next retry would not fit before the deadline (aerr then keeps the last AWS
 * error, if the last attempt got one); SW_ECREDS when no credentials could be had; err
 * always says which operation failed and how many attempts were made. aerr is cleared
 * first and may be NULL. */
int sw_aws_call(struct sw_aws_client *c, const struct sw_aws_request *req,
                struct sw_http_response *resp, struct sw_aws_error *aerr, struct sw_error *err);

/* Parses a 2xx answer body into out (an operation's result struct). */
typedef int (*sw_aws_parse_fn)(const char *body, size_t len, void *out, struct sw_error *err);

/* One operation's request body and answer: the scaffolding the operation wrappers share
 * (init, build the body, call, parse, free). */
struct sw_aws_op {
    struct sw_buf body;
    struct sw_http_response resp;
};

/* Clears aerr (may be NULL) and readies op with an empty body of at most body_max bytes. */
void sw_aws_op_init(struct sw_aws_op *op, size_t body_max, struct sw_aws_error *aerr);

/* When rc (the status of building the body) is 0: sends req (with op's body unless req->body
 * is set) through sw_aws_call and, when parse is not NULL, parses the 2xx answer into out.
 * Frees op on every path. Returns rc, the call's status or the parser's. */
int sw_aws_op_run(struct sw_aws_client *c, struct sw_aws_op *op, int rc, struct sw_aws_request *req,
                  sw_aws_parse_fn parse, void *out, struct sw_aws_error *aerr,
                  struct sw_error *err);

/* Builds r (release it with sw_redactor_clear) over the credentials the last sw_aws_call
 * signed with, so that an operation can clean free text it copies from a successful answer
 * (failedAccounts' errorMessage) as sw_aws_call cleans its own messages. */
void sw_aws_client_redactor(const struct sw_aws_client *c, struct sw_redactor *r);

/* The info of the last sw_aws_call. */
const struct sw_aws_call_info *sw_aws_client_last_call(const struct sw_aws_client *c);

#endif
