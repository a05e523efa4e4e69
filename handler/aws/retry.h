/* sw_retry: the AWS SDKs' "standard" retry mode, 2026 constants, as pure functions.
 *
 * Which failures are worth another attempt, how long to wait (full-jitter
 * exponential backoff, server hints), when the retry quota or the invocation
 * deadline says stop. Nothing here sleeps, reads a clock or draws a random
 * number: the caller (sw_aws_call) passes them in, so every decision is a unit
 * test. See docs/contract.md §9.5. */
#ifndef SW_RETRY_H
#define SW_RETRY_H

#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_RETRY_MAX_ATTEMPTS_DEFAULT 3 /* counts the first attempt */
#define SW_RETRY_MAX_ATTEMPTS_LIMIT 10  /* AWS_MAX_ATTEMPTS above this is clamped */
#define SW_RETRY_BASE_MS 50L            /* transient errors (2026 standard mode) */
#define SW_RETRY_THROTTLING_BASE_MS 1000L
#define SW_RETRY_MAX_BACKOFF_MS 20000L /* cap, applied before jitter */
#define SW_RETRY_HINT_EXTRA_MS 5000L   /* a server hint may add at most this much */
#define SW_RETRY_QUOTA_MAX 500
#define SW_RETRY_COST 14              /* tokens per retry of a transient error */
#define SW_RETRY_THROTTLING_COST 5    /* tokens per retry of a throttling error */
#define SW_RETRY_NO_RETRY_INCREMENT 1 /* refund when a request succeeded first time */
#define SW_RETRY_MIN_ATTEMPT_MS 100L  /* do not retry when less would remain after the wait */

enum sw_retry_class {
    SW_RETRY_CLASS_NONE = 0,   /* not retryable: 4xx other than the lists, parse errors, limits */
    SW_RETRY_CLASS_TRANSIENT,  /* connection error, timeout, 500/502/503/504, transient codes */
    SW_RETRY_CLASS_THROTTLING, /* 429, throttling codes */
};

/* What one failed attempt looked like. */
struct sw_retry_failure {
    int transport_rc;       /* 0 when an HTTP answer arrived, else sw_http_send's SW_E* */
    long http_status;       /* when transport_rc == 0 */
    const char *error_code; /* sanitized AWS error code, or NULL/"" */
};

enum sw_retry_class sw_retry_classify(const struct sw_retry_failure *f);

/* True for the SDK throttling codes (Throttling, ThrottlingException, SlowDown, ...). */
bool sw_retry_is_throttling_code(const char *code);
/* True for RequestTimeout, RequestTimeoutException, PriorRequestNotComplete, InternalError... */
bool sw_retry_is_transient_code(const char *code);

/* The client's retry token bucket (one per client, i.e. per process). */
struct sw_retry_quota {
    int tokens; /* starts at SW_RETRY_QUOTA_MAX */
};
void sw_retry_quota_init(struct sw_retry_quota *q);
/* After a 2xx: refund last_retry_cost (the cost of the retry that succeeded), or
 * SW_RETRY_NO_RETRY_INCREMENT when the first attempt succeeded; never above the max. */
void sw_retry_quota_on_success(struct sw_retry_quota *q, int last_retry_cost);

enum sw_retry_verdict {
    SW_RETRY_AGAIN = 0,
    SW_RETRY_STOP_NOT_RETRYABLE,
    SW_RETRY_STOP_ATTEMPTS, /* max_attempts reached */
    SW_RETRY_STOP_QUOTA,    /* the token bucket cannot pay */
    SW_RETRY_STOP_DEADLINE, /* waiting would run past the invocation deadline */
};

struct sw_retry_input {
    enum sw_retry_class cls;
    int attempt;         /* 1-based number of the attempt that just failed */
    int max_attempts;    /* 1..SW_RETRY_MAX_ATTEMPTS_LIMIT */
    int quota_tokens;    /* tokens in the bucket now */
    long hint_ms;        /* server retry hint in ms, < 0 when none */
    double random;       /* uniform in [0, 1) */
    int64_t now_ms;      /* epoch ms */
    int64_t deadline_ms; /* epoch ms, 0 = none */
};

struct sw_retry_decision {
    enum sw_retry_verdict verdict;
    long delay_ms; /* wait before the next attempt (also set when stopping at the deadline) */
    int cost;      /* tokens to take from the quota when retrying */
};

/* Decision order: retryable? -> attempts left? -> quota? -> fits before the deadline?
 * delay = random * min(base * 2^(attempt-1), SW_RETRY_MAX_BACKOFF_MS), base by class;
 * with a hint: max(delay, min(hint, delay + SW_RETRY_HINT_EXTRA_MS)). */
struct sw_retry_decision sw_retry_decide(const struct sw_retry_input *in);

/* Server hint in ms from x-amz-retry-after (integer ms) or else Retry-After (integer seconds
 * or an IMF-fixdate "Wed, 21 Oct 2015 07:28:00 GMT", relative to now_ms). Either may be NULL
 * or "". Invalid or negative values are ignored. Returns -1 when there is no usable hint. */
long sw_retry_parse_hint(const char *amz_retry_after, const char *retry_after, int64_t now_ms);

/* AWS_MAX_ATTEMPTS: NULL/"" -> SW_RETRY_MAX_ATTEMPTS_DEFAULT; an integer >= 1, clamped to
 * SW_RETRY_MAX_ATTEMPTS_LIMIT. Returns 0 and *out, or SW_ECONFIG with a message. */
int sw_retry_max_attempts_from_env(const char *value, int *out, struct sw_error *err);

/* AWS_RETRY_MODE: NULL, "" or "standard" (any case) -> 0. "legacy" and "adaptive" are refused
 * with SW_ECONFIG naming the variable: the client implements the SDKs' standard mode only
 * (docs/configuration.md, AWS client variables), and quietly running another mode than the
 * one asked for would hide it (legacy retries other errors, adaptive adds client-side rate
 * limiting). */
int sw_retry_mode_from_env(const char *value, struct sw_error *err);

/* "not retryable", "attempts exhausted", ... */
const char *sw_retry_verdict_name(enum sw_retry_verdict v);

#endif
