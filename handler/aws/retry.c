/* sw_retry: pure retry decisions for the AWS client (standard mode, 2026
 * constants: 50 ms / 1 s bases, 20 s cap, 500-token quota costing 14 / 5).
 * The loop that sleeps and re-signs lives in client.c; here are only the
 * rules, so tests can walk every branch without a clock or a network. */
#include "handler/aws/retry.h"

#include "handler/core/timeparse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* botocore's transient codes plus the modeled retryable server errors of our services
 * (Inspector2 InternalServerException, ECR ServerException, SNS InternalError), which
 * arrive as HTTP 500 anyway. */
static const char *const transient_codes[] = {
    "RequestTimeout",          "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalServerException", "ServerException",         "InternalError",
    "InternalFailure",         "ServiceUnavailable",
};

static bool in_list(const char *code, const char *const *list, size_t n)
{
    if (!code || !*code)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(code, list[i]) == 0)
            return true;
    }
    return false;
}

bool sw_retry_is_throttling_code(const char *code)
{
    return in_list(code, throttling_codes, sizeof(throttling_codes) / sizeof(throttling_codes[0]));
}

bool sw_retry_is_transient_code(const char *code)
{
    return in_list(code, transient_codes, sizeof(transient_codes) / sizeof(transient_codes[0]));
}

enum sw_retry_class sw_retry_classify(const struct sw_retry_failure *f)
{
    if (f->transport_rc != 0)
        return (f->transport_rc == SW_EIO || f->transport_rc == SW_ETIMEOUT)
                   ? SW_RETRY_CLASS_TRANSIENT
                   : SW_RETRY_CLASS_NONE;
    if (f->http_status == 429 || sw_retry_is_throttling_code(f->error_code))
        return SW_RETRY_CLASS_THROTTLING;
    if (f->http_status == 500 || f->http_status == 502 || f->http_status == 503 ||
        f->http_status == 504 || sw_retry_is_transient_code(f->error_code))
        return SW_RETRY_CLASS_TRANSIENT;
    return SW_RETRY_CLASS_NONE;
}

void sw_retry_quota_init(struct sw_retry_quota *q)
{
    q->tokens = SW_RETRY_QUOTA_MAX;
}

void sw_retry_quota_on_success(struct sw_retry_quota *q, int last_retry_cost)
{
    q->tokens += last_retry_cost > 0 ? last_retry_cost : SW_RETRY_NO_RETRY_INCREMENT;
    if (q->tokens > SW_RETRY_QUOTA_MAX)
        q->tokens = SW_RETRY_QUOTA_MAX;
}

struct sw_retry_decision sw_retry_decide(const struct sw_retry_input *in)
{
    struct sw_retry_decision d = {.verdict = SW_RETRY_STOP_NOT_RETRYABLE, .delay_ms = 0, .cost = 0};

    if (in->cls == SW_RETRY_CLASS_NONE)
        return d;
    if (in->attempt >= in->max_attempts) {
        d.verdict = SW_RETRY_STOP_ATTEMPTS;
        return d;
    }
    d.cost = in->cls == SW_RETRY_CLASS_THROTTLING ? SW_RETRY_THROTTLING_COST : SW_RETRY_COST;
    if (in->quota_tokens < d.cost) {
        d.verdict = SW_RETRY_STOP_QUOTA;
        d.cost = 0;
        return d;
    }
    double base = in->cls == SW_RETRY_CLASS_THROTTLING ? (double)SW_RETRY_THROTTLING_BASE_MS
                                                       : (double)SW_RETRY_BASE_MS;
    int exponent = in->attempt - 1; /* 0 for the first retry */
    if (exponent < 0)
        exponent = 0;
    if (exponent > 30)
        exponent = 30;
    double ceiling = base * (double)(1L << exponent);
    if (ceiling > (double)SW_RETRY_MAX_BACKOFF_MS)
        ceiling = (double)SW_RETRY_MAX_BACKOFF_MS;
    double r = in->random;
    if (!(r >= 0.0) || r >= 1.0)
        r = 0.0;
    long delay = (long)(r * ceiling);
    if (in->hint_ms >= 0) {
        long bounded = in->hint_ms < delay + SW_RETRY_HINT_EXTRA_MS
                           ? in->hint_ms
                           : delay + SW_RETRY_HINT_EXTRA_MS;
        if (bounded > delay)
            delay = bounded;
    }
    d.delay_ms = delay;
    if (in->deadline_ms > 0 && in->now_ms + delay + SW_RETRY_MIN_ATTEMPT_MS > in->deadline_ms) {
        d.verdict = SW_RETRY_STOP_DEADLINE;
        d.cost = 0;
        return d;
    }
    d.verdict = SW_RETRY_AGAIN;
    return d;
}

static bool parse_nonneg_long(const char *s, long *out)
{
    if (!s || !*s || !isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (errno || !end || *end != '\0' || v < 0)
        return false;
    *out = v;
    return true;
}

long sw_retry_parse_hint(const char *amz_retry_after, const char *retry_after, int64_t now_ms)
{
    long v;
    if (parse_nonneg_long(amz_retry_after, &v))
        return v;
    if (parse_nonneg_long(retry_after, &v))
        return v > LONG_MAX / 1000 ? LONG_MAX / 1000 * 1000 : v * 1000;
    if (retry_after && *retry_after) {
        int64_t when = sw_time_parse_http_date(retry_after, strlen(retry_after));
        if (when != SW_TIME_NONE) {
            int64_t ms = when - now_ms;
            return ms > 0 ? (long)ms : 0;
        }
    }
    return -1;
}

int sw_retry_max_attempts_from_env(const char *value, int *out, struct sw_error *err)
{
    long v;
    if (!value || !*value) {
        *out = SW_RETRY_MAX_ATTEMPTS_DEFAULT;
        return 0;
    }
    if (!parse_nonneg_long(value, &v) || v < 1)
        return sw_error_set(err, SW_ECONFIG,
                            "AWS_MAX_ATTEMPTS: \"%.40s\" is not a whole number of attempts >= 1",
                            value);
    *out = v > SW_RETRY_MAX_ATTEMPTS_LIMIT ? SW_RETRY_MAX_ATTEMPTS_LIMIT : (int)v;
    return 0;
}

int sw_retry_mode_from_env(const char *value, struct sw_error *err)
{
    if (!value || !*value || strcasecmp(value, "standard") == 0)
        return 0;
    return sw_error_set(err, SW_ECONFIG,
                        "AWS_RETRY_MODE=%.40s is not supported: scanwarden retries in the SDKs' "
                        "standard mode only; unset AWS_RETRY_MODE or set it to standard",
                        value);
}

const char *sw_retry_verdict_name(enum sw_retry_verdict v)
{
    switch (v) {
    case SW_RETRY_AGAIN:
        return "retrying";
    case SW_RETRY_STOP_NOT_RETRYABLE:
        return "not retryable";
    case SW_RETRY_STOP_ATTEMPTS:
        return "attempts exhausted";
    case SW_RETRY_STOP_QUOTA:
        return "retry quota exhausted";
    case SW_RETRY_STOP_DEADLINE:
        return "no time left before the invocation deadline";
    }
    return "unknown";
}
