/* Unit tests of the per-minute notification cap (handler/notify/rate_window.c) with an injected
 * clock: under and at the cap everything is admitted, over it finding-side notifications
 * are suppressed and recorded, drift ones never are, and the first roll after the minute
 * gives exactly one summary (the outbox's summary builder) and resets the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/notify/rate_window.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#define T0 INT64_C(1728518400000) /* 2024-10-10T00:00:00Z */

static void make(struct sw_notification *n, const char *kind, int i)
{
    char subject[64];
    sw_notification_init(n);
    snprintf(subject, sizeof(subject), "[HIGH] CVE-2024-%05d in web/api:1", i);
    sw_notification_set_subject(n, subject);
    assert_int_equal(sw_notification_add_attribute(n, "event_kind", kind), 0);
    assert_int_equal(sw_notification_add_attribute(n, "severity", "HIGH"), 0);
    assert_int_equal(sw_notification_add_attribute(n, "account_id", "123456789012"), 0);
    assert_int_equal(sw_notification_add_attribute(n, "region", "eu-west-1"), 0);
}

/* admit() of a fresh notification of kind at now_ms. */
static bool admit(struct sw_rate_window *w, int64_t now_ms, const char *kind, int i)
{
    struct sw_notification n;
    make(&n, kind, i);
    bool ok = sw_rate_window_admit(w, now_ms, &n,
                                   strcmp(kind, "drift") != 0 && strcmp(kind, "remediation") != 0);
    sw_notification_clear(&n);
    return ok;
}

static bool roll(struct sw_rate_window *w, int64_t now_ms, struct sw_notification *summary)
{
    struct sw_error err = {0};
    bool built = true;
    sw_notification_init(summary);
    assert_int_equal(sw_rate_window_roll(w, now_ms, summary, &built, &err), 0);
    return built;
}

static void under_and_at_the_cap_everything_is_admitted(void **state)
{
    (void)state;
    struct sw_rate_window w;
    struct sw_notification s;
    sw_rate_window_init(&w, 3);
    assert_false(roll(&w, T0, &s)); /* nothing open: nothing to summarise */
    sw_notification_clear(&s);
    for (int i = 0; i < 3; i++)
        assert_true(admit(&w, T0 + i * 1000, "finding", i));
    assert_int_equal(w.published, 3);
    assert_int_equal(w.suppressed, 0);
    assert_false(roll(&w, T0 + 61000, &s)); /* the minute ends with nothing suppressed */
    sw_notification_clear(&s);
    assert_false(w.open);
}

static void over_the_cap_findings_are_suppressed_until_the_minute_ends(void **state)
{
    (void)state;
    struct sw_rate_window w;
    struct sw_notification s;
    sw_rate_window_init(&w, 2);
    assert_true(admit(&w, T0, "finding", 0));
    assert_true(admit(&w, T0 + 10, "scan", 1));
    assert_false(admit(&w, T0 + 20, "coverage", 2));
    assert_false(admit(&w, T0 + 30, "basic-scan", 3));
    assert_false(admit(&w, T0 + 59999, "finding", 4)); /* still the same minute */
    assert_false(roll(&w, T0 + 59999, &s));
    sw_notification_clear(&s);
    assert_int_equal(w.suppressed, 3);
    assert_string_equal(w.records[0].kind, "coverage");
    assert_string_equal(w.records[2].subject, "[HIGH] CVE-2024-00004 in web/api:1");
}

static void drift_notifications_count_but_are_never_suppressed(void **state)
{
    (void)state;
    struct sw_rate_window w;
    sw_rate_window_init(&w, 1);
    assert_true(admit(&w, T0, "drift", 0));
    assert_false(admit(&w, T0 + 1, "finding", 1)); /* the drift one used the minute's cap */
    for (int i = 0; i < 5; i++) {
        assert_true(admit(&w, T0 + 2 + i, "drift", 10 + i));
        assert_true(admit(&w, T0 + 2 + i, "remediation", 20 + i));
    }
    assert_int_equal(w.published, 11);
    assert_int_equal(w.suppressed, 1);
}

static void the_next_minute_releases_one_summary_then_resets(void **state)
{
    (void)state;
    struct sw_rate_window w;
    struct sw_notification s;
    int total = SW_RATE_WINDOW_LISTED_MAX + 7;
    sw_rate_window_init(&w, 2);
    for (int i = 0; i < 2 + total; i++)
        (void)admit(&w, T0 + i, "finding", i);
    assert_int_equal(w.suppressed, (size_t)total);

    assert_true(roll(&w, T0 + 60000, &s));
    assert_string_equal(sw_notification_attribute(&s, "event_kind"), "summary");
    char subject[128];
    snprintf(subject, sizeof(subject),
             "scanwarden: %d notifications in 123456789012/eu-west-1 suppressed (per-minute cap)",
             total);
    assert_string_equal(s.subject, subject);
    const char *msg = sw_buf_cstr(&s.message);
    assert_non_null(strstr(msg, "In the minute from 2024-10-10T00:00:00Z"));
    assert_non_null(strstr(msg, "MAX_NOTIFICATIONS_PER_MINUTE (2)"));
    assert_non_null(strstr(msg, "- [HIGH] CVE-2024-00002 in web/api:1\n")); /* first suppressed */
    assert_null(strstr(msg, "CVE-2024-00001 ")); /* published, not in the summary */
    assert_non_null(strstr(msg, "- ... and 7 more not listed\n"));
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(s.document, "summary");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(sum, "cap")->valuestring,
                        "MAX_NOTIFICATIONS_PER_MINUTE");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(sum, "window_start")->valuestring,
                        "2024-10-10T00:00:00Z");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sum, "items")),
                     SW_RATE_WINDOW_LISTED_MAX);
    sw_notification_clear(&s);

    /* Reset: one summary only, and the new minute has the whole cap again. */
    assert_false(w.open);
    assert_false(roll(&w, T0 + 60001, &s));
    sw_notification_clear(&s);
    assert_true(admit(&w, T0 + 60002, "finding", 100));
    assert_true(admit(&w, T0 + 60003, "finding", 101));
    assert_false(admit(&w, T0 + 60004, "finding", 102));
    assert_int_equal(w.window_start_ms, T0 + 60002);
}

static void a_clock_that_goes_back_closes_the_window(void **state)
{
    (void)state;
    struct sw_rate_window w;
    struct sw_notification s;
    sw_rate_window_init(&w, 1);
    assert_true(admit(&w, T0, "finding", 0));
    assert_false(admit(&w, T0 + 1, "finding", 1));
    assert_true(roll(&w, T0 - 5000, &s));
    sw_notification_clear(&s);
    assert_true(admit(&w, T0 - 4000, "finding", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(under_and_at_the_cap_everything_is_admitted),
        cmocka_unit_test(over_the_cap_findings_are_suppressed_until_the_minute_ends),
        cmocka_unit_test(drift_notifications_count_but_are_never_suppressed),
        cmocka_unit_test(the_next_minute_releases_one_summary_then_resets),
        cmocka_unit_test(a_clock_that_goes_back_closes_the_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
