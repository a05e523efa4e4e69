/* Unit tests for sw_retry: classification, backoff, quota, hints, deadline, AWS_MAX_ATTEMPTS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/aws/retry.h"

#include <string.h>

static enum sw_retry_class classify_http(long status, const char *code)
{
    struct sw_retry_failure f = {.transport_rc = 0, .http_status = status, .error_code = code};
    return sw_retry_classify(&f);
}

static void classifies_status_codes_and_error_codes(void **state)
{
    assert_int_equal(classify_http(429, ""), SW_RETRY_CLASS_THROTTLING);
    assert_int_equal(classify_http(429, "Throttled"), SW_RETRY_CLASS_THROTTLING); /* SNS */
    assert_int_equal(classify_http(400, "ThrottlingException"), SW_RETRY_CLASS_THROTTLING);
    assert_int_equal(classify_http(400, "Throttling"), SW_RETRY_CLASS_THROTTLING);
    assert_int_equal(classify_http(400, "SlowDown"), SW_RETRY_CLASS_THROTTLING);
    assert_int_equal(classify_http(500, "InternalServerException"), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(classify_http(502, NULL), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(classify_http(503, ""), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(classify_http(504, ""), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(classify_http(400, "RequestTimeout"), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(classify_http(501, ""), SW_RETRY_CLASS_NONE);
    assert_int_equal(classify_http(403, "AccessDeniedException"), SW_RETRY_CLASS_NONE);
    assert_int_equal(classify_http(400, "ValidationException"), SW_RETRY_CLASS_NONE);
    assert_int_equal(classify_http(403, "ExpiredToken"), SW_RETRY_CLASS_NONE);
    assert_int_equal(classify_http(403, "SignatureDoesNotMatch"), SW_RETRY_CLASS_NONE);
    assert_int_equal(classify_http(404, "NotFound"), SW_RETRY_CLASS_NONE);

    struct sw_retry_failure io = {.transport_rc = SW_EIO};
    struct sw_retry_failure to = {.transport_rc = SW_ETIMEOUT};
    struct sw_retry_failure big = {.transport_rc = SW_ELIMIT};
    assert_int_equal(sw_retry_classify(&io), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(sw_retry_classify(&to), SW_RETRY_CLASS_TRANSIENT);
    assert_int_equal(sw_retry_classify(&big), SW_RETRY_CLASS_NONE);
}

static struct sw_retry_input input(enum sw_retry_class cls, int attempt, double r)
{
    struct sw_retry_input in = {
        .cls = cls,
        .attempt = attempt,
        .max_attempts = 3,
        .quota_tokens = SW_RETRY_QUOTA_MAX,
        .hint_ms = -1,
        .random = r,
        .now_ms = 1000000,
        .deadline_ms = 0,
    };
    return in;
}

static void backoff_is_full_jitter_with_class_bases(void **state)
{
    struct sw_retry_input in = input(SW_RETRY_CLASS_TRANSIENT, 1, 0.5);
    struct sw_retry_decision d = sw_retry_decide(&in);
    assert_int_equal(d.verdict, SW_RETRY_AGAIN);
    assert_int_equal(d.delay_ms, 25); /* 0.5 * 50 */
    assert_int_equal(d.cost, SW_RETRY_COST);

    in.attempt = 2;
    d = sw_retry_decide(&in);
    assert_int_equal(d.delay_ms, 50); /* 0.5 * 100 */

    in = input(SW_RETRY_CLASS_THROTTLING, 1, 0.5);
    d = sw_retry_decide(&in);
    assert_int_equal(d.delay_ms, 500);
    assert_int_equal(d.cost, SW_RETRY_THROTTLING_COST);
    in.attempt = 2;
    d = sw_retry_decide(&in);
    assert_int_equal(d.delay_ms, 1000);

    in = input(SW_RETRY_CLASS_THROTTLING, 0, 0.0);
    in.random = 0.0;
    in.attempt = 1;
    assert_int_equal(sw_retry_decide(&in).delay_ms, 0);
}

static void backoff_is_capped_at_20_seconds_before_jitter(void **state)
{
    struct sw_retry_input in = input(SW_RETRY_CLASS_THROTTLING, 9, 0.999);
    in.max_attempts = 10;
    struct sw_retry_decision d = sw_retry_decide(&in);
    assert_int_equal(d.verdict, SW_RETRY_AGAIN);
    assert_true(d.delay_ms <= SW_RETRY_MAX_BACKOFF_MS);
    assert_true(d.delay_ms >= 19900);
    in.random = 0.5;
    assert_int_equal(sw_retry_decide(&in).delay_ms, 10000);
}

static void stops_in_the_documented_order(void **state)
{
    struct sw_retry_input in = input(SW_RETRY_CLASS_NONE, 3, 0.5);
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_STOP_NOT_RETRYABLE);
    in.cls = SW_RETRY_CLASS_TRANSIENT;
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_STOP_ATTEMPTS);
    in.attempt = 2;
    in.quota_tokens = SW_RETRY_COST - 1;
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_STOP_QUOTA);
    in.cls = SW_RETRY_CLASS_THROTTLING; /* cheaper: 5 tokens */
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_AGAIN);
    in.quota_tokens = SW_RETRY_THROTTLING_COST - 1;
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_STOP_QUOTA);
    in.max_attempts = 1;
    in.attempt = 1;
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_STOP_ATTEMPTS);
}

static void never_waits_past_the_deadline(void **state)
{
    struct sw_retry_input in = input(SW_RETRY_CLASS_THROTTLING, 1, 0.5); /* 500 ms */
    in.deadline_ms = in.now_ms + 500 + SW_RETRY_MIN_ATTEMPT_MS;
    assert_int_equal(sw_retry_decide(&in).verdict, SW_RETRY_AGAIN);
    in.deadline_ms -= 1;
    struct sw_retry_decision d = sw_retry_decide(&in);
    assert_int_equal(d.verdict, SW_RETRY_STOP_DEADLINE);
    assert_int_equal(d.delay_ms, 500);
    assert_int_equal(d.cost, 0);
}

static void server_hint_raises_the_delay_within_5_seconds(void **state)
{
    struct sw_retry_input in = input(SW_RETRY_CLASS_THROTTLING, 1, 0.5); /* 500 computed */
    in.hint_ms = 2000;
    assert_int_equal(sw_retry_decide(&in).delay_ms, 2000);
    in.hint_ms = 60000;
    assert_int_equal(sw_retry_decide(&in).delay_ms, 5500);
    in.hint_ms = 100; /* a hint never shortens the wait */
    assert_int_equal(sw_retry_decide(&in).delay_ms, 500);
}

static void quota_refunds_and_caps(void **state)
{
    struct sw_retry_quota q;
    sw_retry_quota_init(&q);
    assert_int_equal(q.tokens, 500);
    q.tokens -= SW_RETRY_COST;
    sw_retry_quota_on_success(&q, SW_RETRY_COST);
    assert_int_equal(q.tokens, 500);
    sw_retry_quota_on_success(&q, 0);
    assert_int_equal(q.tokens, 500);
    q.tokens = 100;
    sw_retry_quota_on_success(&q, 0);
    assert_int_equal(q.tokens, 101);
}

static void parses_retry_hints(void **state)
{
    int64_t now = (int64_t)1445412480 * 1000; /* Wed, 21 Oct 2015 07:28:00 GMT */
    assert_int_equal(sw_retry_parse_hint("1500", NULL, now), 1500);
    assert_int_equal(sw_retry_parse_hint("1500", "9", now), 1500);
    assert_int_equal(sw_retry_parse_hint(NULL, "3", now), 3000);
    assert_int_equal(sw_retry_parse_hint("", "Wed, 21 Oct 2015 07:28:04 GMT", now), 4000);
    assert_int_equal(sw_retry_parse_hint("", "Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
    assert_int_equal(sw_retry_parse_hint("-5", "soon", now), -1);
    assert_int_equal(sw_retry_parse_hint("12abc", NULL, now), -1);
    assert_int_equal(sw_retry_parse_hint(NULL, NULL, now), -1);
}

static void max_attempts_from_environment(void **state)
{
    struct sw_error err = {0};
    int n = 0;
    assert_int_equal(sw_retry_max_attempts_from_env(NULL, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(sw_retry_max_attempts_from_env("5", &n, &err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(sw_retry_max_attempts_from_env("1000", &n, &err), 0);
    assert_int_equal(n, SW_RETRY_MAX_ATTEMPTS_LIMIT);
    assert_int_equal(sw_retry_max_attempts_from_env("0", &n, &err), SW_ECONFIG);
    assert_int_equal(sw_retry_max_attempts_from_env("three", &n, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_MAX_ATTEMPTS"));
    assert_non_null(strstr(err.msg, "three"));
}

static void only_the_standard_retry_mode(void **state)
{
    (void)state;
    struct sw_error err = {0};
    assert_int_equal(sw_retry_mode_from_env(NULL, &err), 0);
    assert_int_equal(sw_retry_mode_from_env("", &err), 0);
    assert_int_equal(sw_retry_mode_from_env("Standard", &err), 0);
    assert_int_equal(sw_retry_mode_from_env("adaptive", &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_RETRY_MODE=adaptive"));
    assert_int_equal(sw_retry_mode_from_env("legacy", &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_RETRY_MODE=legacy"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classifies_status_codes_and_error_codes),
        cmocka_unit_test(backoff_is_full_jitter_with_class_bases),
        cmocka_unit_test(backoff_is_capped_at_20_seconds_before_jitter),
        cmocka_unit_test(stops_in_the_documented_order),
        cmocka_unit_test(never_waits_past_the_deadline),
        cmocka_unit_test(server_hint_raises_the_delay_within_5_seconds),
        cmocka_unit_test(quota_refunds_and_caps),
        cmocka_unit_test(parses_retry_hints),
        cmocka_unit_test(max_attempts_from_environment),
        cmocka_unit_test(only_the_standard_retry_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
