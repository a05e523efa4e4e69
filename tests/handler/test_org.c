/* Unit tests for sw_org, the pure part of organization mode: batches of at most 100 that
 * cover every member exactly once from a rotating start, the deadline cut, who counts as a
 * member, what is drift, and what the notification and the result say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/parse/events.h"
#include "handler/decide/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADMIN "111111111111"

/* Walks n members from start in batches as org_aws_io.c does; counts visits per member. */
static size_t walk(size_t n, size_t start, size_t stop_after_batches, unsigned *visits,
                   size_t *max_batch)
{
    size_t idx[SW_ORG_BATCH_MAX];
    size_t done = 0, batches = 0;
    *max_batch = 0;
    for (size_t guard = 0; guard < 1000 && batches < stop_after_batches; guard++) {
        size_t k = sw_org_next_batch(n, start, done, 1000, idx);
        if (k == 0)
            break;
        if (k > *max_batch)
            *max_batch = k;
        for (size_t i = 0; i < k; i++)
            visits[idx[i]]++;
        done += k;
        batches++;
    }
    return done;
}

static void batches_cover_every_member_once_in_at_most_100(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 99, 100, 101, 250, 1000, 1001};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t n = sizes[s];
        unsigned *visits = calloc(n, sizeof(*visits));
        assert_non_null(visits);
        size_t max_batch = 0;
        size_t start = (n * 7) / 10;
        assert_int_equal(walk(n, start, SIZE_MAX, visits, &max_batch), n);
        assert_true(max_batch <= SW_ORG_BATCH_MAX);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(visits[i], 1);
        free(visits);
    }
    size_t idx[SW_ORG_BATCH_MAX];
    assert_int_equal(sw_org_next_batch(0, 0, 0, 100, idx), 0);
    assert_int_equal(sw_org_next_batch(5, 3, 5, 100, idx), 0);
    /* The first batch starts at the start and wraps around. */
    assert_int_equal(sw_org_next_batch(5, 3, 0, 100, idx), 5);
    assert_int_equal(idx[0], 3);
    assert_int_equal(idx[1], 4);
    assert_int_equal(idx[2], 0);
}

static void a_cut_run_and_the_next_cover_everyone(void **state)
{
    (void)state;
    const size_t n = 250;
    unsigned visits[250] = {0};
    size_t max_batch = 0;
    size_t start = sw_org_start(n, false, 0, 1764150000000LL);
    size_t done = walk(n, start, 1, visits, &max_batch); /* the deadline allowed one batch */
    assert_int_equal(done, 100);
    size_t next = sw_org_start(n, true, (start + done) % n, 0);
    /* The next run begins with the members the cut one left: its first 150 are the rest. */
    size_t idx[SW_ORG_BATCH_MAX];
    size_t k1 = sw_org_next_batch(n, next, 0, SW_ORG_BATCH_MAX, idx);
    assert_int_equal(k1, 100);
    for (size_t i = 0; i < k1; i++)
        visits[idx[i]]++;
    size_t k2 = sw_org_next_batch(n, next, k1, 50, idx);
    assert_int_equal(k2, 50);
    for (size_t i = 0; i < k2; i++)
        visits[idx[i]]++;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(visits[i], 1);
}

static void rotation_start(void **state)
{
    (void)state;
    assert_int_equal(sw_org_start(0, true, 5, 0), 0);
    assert_int_equal(sw_org_start(250, true, 260, 0), 10);
    /* Cold starts: derived from the hour, different hours give different starts. */
    const long long hour = 3600000LL;
    size_t a = sw_org_start(250, false, 0, 1000 * hour);
    size_t b = sw_org_start(250, false, 0, 1001 * hour);
    assert_true(a < 250 && b < 250);
    assert_int_not_equal(a, b);
    assert_int_equal(sw_org_start(250, false, 0, 1000 * hour + 59 * 60000), a);
    /* Over n hours every start is reached (stride coprime with n). */
    bool seen[97] = {false};
    for (long long h = 0; h < 97; h++)
        seen[sw_org_start(97, false, 0, h * hour)] = true;
    for (size_t i = 0; i < 97; i++)
        assert_true(seen[i]);
}

static void deadline_cut(void **state)
{
    (void)state;
    const long long now = 1764150000000LL;
    assert_true(sw_org_batch_fits(now, 0, 100000)); /* no deadline */
    assert_true(sw_org_batch_fits(now, now + SW_ORG_RESERVE_MS + 501, 500));
    assert_false(sw_org_batch_fits(now, now + SW_ORG_RESERVE_MS + 500, 500));
    assert_false(sw_org_batch_fits(now, now + 100, 0));
    assert_false(sw_org_batch_fits(now, now - 1, 0)); /* already past */
}

static void regions_rotate_after_a_cut(void **state)
{
    (void)state;
    assert_int_equal(sw_org_next_first_region(0, 100, 2), 1); /* progress: the next one first */
    assert_int_equal(sw_org_next_first_region(1, 100, 2), 0);
    assert_int_equal(sw_org_next_first_region(1, 0, 3), 1); /* no time at all: itself first */
    assert_int_equal(sw_org_next_first_region(0, 5, 1), 0);
    assert_int_equal(sw_org_next_first_region(0, 5, 0), 0);
}

static void members_and_drift(void **state)
{
    (void)state;
    assert_true(sw_org_member_counts("ENABLED", "222222222222", ADMIN));
    assert_false(sw_org_member_counts("ENABLED", ADMIN, ADMIN));
    assert_false(sw_org_member_counts("DISABLED", "222222222222", ADMIN));
    assert_false(sw_org_member_counts("REMOVED", "222222222222", ADMIN));
    assert_false(sw_org_member_counts(NULL, "222222222222", ADMIN));
    assert_false(sw_org_member_counts("ENABLED", "", ADMIN));
    assert_false(sw_org_ecr_drifted("ENABLED"));
    assert_false(sw_org_ecr_drifted("ENABLING"));
    assert_true(sw_org_ecr_drifted("DISABLED"));
    assert_true(sw_org_ecr_drifted("SUSPENDED"));
    assert_true(sw_org_ecr_drifted(NULL));
    assert_true(sw_org_ecr_drifted(""));
}

static void ids_sorted_and_deduplicated(void **state)
{
    (void)state;
    const char *in[] = {"3", "1", "2", "1", "3"};
    char *ids[5];
    for (size_t i = 0; i < 5; i++)
        ids[i] = strdup(in[i]);
    size_t n = sw_org_sort_ids(ids, 5);
    assert_int_equal(n, 3);
    assert_string_equal(ids[0], "1");
    assert_string_equal(ids[1], "2");
    assert_string_equal(ids[2], "3");
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
}

static void event_triggers(void **state)
{
    (void)state;
    assert_true(sw_event_org_trigger("aws.inspector2", "Inspector2 AutoEnable", NULL));
    assert_true(sw_event_org_trigger("aws.inspector2", "AWS API Call via CloudTrail",
                                     "DisassociateMember"));
    assert_false(
        sw_event_org_trigger("aws.inspector2", "AWS API Call via CloudTrail", "ListMembers"));
    assert_false(sw_event_org_trigger("aws.ecr", "Inspector2 AutoEnable", NULL));
    assert_false(sw_event_org_trigger(NULL, NULL, NULL));
}

/* Two regions: 3 members drifted in the first (one Enable failed), the second cut. */
static void report(struct sw_org_report *r, bool execute)
{
    memset(r, 0, sizeof(*r));
    r->execute = execute;
    snprintf(r->admin_account, sizeof(r->admin_account), "%s", ADMIN);
    r->region_count = 2;
    struct sw_org_region_report *a = &r->regions[0];
    snprintf(a->region, sizeof(a->region), "us-east-1");
    a->member_count = a->checked = 250;
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof(id), "20000000000%d", i);
        struct sw_org_account *m = sw_org_report_add(a, id, i == 0 ? NULL : "DISABLED");
        assert_non_null(m);
        m->attempted = execute;
        m->restored = execute && i != 1;
        if (execute && i == 1) {
            snprintf(m->error_code, sizeof(m->error_code), "AccessDeniedException");
            snprintf(m->error_message, sizeof(m->error_message), "SCP denies inspector2:Enable");
        }
    }
    struct sw_org_region_report *b = &r->regions[1];
    snprintf(b->region, sizeof(b->region), "eu-west-1");
    b->member_count = 250;
    b->checked = 100;
    b->cut = true;
}

static void notification_per_account_and_region(void **state)
{
    (void)state;
    struct sw_org_report r;
    report(&r, true);
    assert_true(sw_org_report_notable(&r));
    struct sw_notification n;
    sw_notification_init(&n);
    struct sw_change_context ctx = {.trigger = SW_TRIGGER_SCHEDULE};
    assert_int_equal(sw_org_notify_build(&r, &ctx, &n, NULL), 0);
    assert_string_equal(n.subject, "scanwarden: organization 111111111111: 1 of 3 member(s) NOT "
                                   "restored");
    const char *m = sw_buf_cstr(&n.message);
    assert_non_null(strstr(m, "Region us-east-1: 250 member(s), 250 checked this run\n"));
    assert_non_null(strstr(m, "  200000000000: DISABLED -> ENABLED: restored\n"));
    assert_non_null(strstr(m, "  200000000001: DISABLED: NOT restored: AccessDeniedException: "
                              "SCP denies inspector2:Enable\n"));
    assert_non_null(strstr(m, "Region eu-west-1: 250 member(s), 100 checked this run (stopped "
                              "before the deadline"));
    assert_non_null(strstr(m, "Trigger: schedule"));
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "remediation");
    assert_string_equal(sw_notification_attribute(&n, "account_id"), ADMIN);
    assert_string_equal(sw_notification_attribute(&n, "scope"), "organization");
    sw_notification_clear(&n);

    struct sw_buf msg;
    sw_buf_init(&msg, 1024);
    assert_true(sw_org_report_failed(&r, &msg));
    assert_non_null(strstr(sw_buf_cstr(&msg), "1 member(s) in us-east-1 not restored (first: "
                                              "200000000001: AccessDeniedException"));
    sw_buf_clear(&msg);

    struct sw_buf json;
    sw_buf_init(&json, 8192);
    assert_int_equal(sw_org_report_json(&r, &json, NULL), 0);
    assert_string_equal(
        sw_buf_cstr(&json),
        "{\"regions\":[{\"region\":\"us-east-1\",\"members\":250,\"checked\":250,\"drifted\":3,"
        "\"restored\":2,\"complete\":true,\"aws_calls\":0,\"failed\":[{\"account\":"
        "\"200000000001\",\"error\":\"AccessDeniedException\"}]},{\"region\":\"eu-west-1\","
        "\"members\":250,\"checked\":100,\"drifted\":0,\"restored\":0,\"complete\":false,"
        "\"aws_calls\":0,\"failed\":[]}]}");
    sw_buf_clear(&json);
    sw_org_report_clear(&r);
    assert_int_equal(r.region_count, 0);
}

static void result_summary_stays_bounded(void **state)
{
    (void)state;
    struct sw_org_report r = {0};
    r.execute = true;
    r.region_count = SW_CFG_REGIONS_MAX;
    for (size_t i = 0; i < r.region_count; i++) {
        struct sw_org_region_report *rr = &r.regions[i];
        snprintf(rr->region, sizeof(rr->region), "ap-southeast-%d", (int)(i % 99) + 1);
        for (int k = 0; k < 50; k++) {
            char id[16];
            snprintf(id, sizeof(id), "3%011d", k);
            struct sw_org_account *a = sw_org_report_add(rr, id, "DISABLED");
            assert_non_null(a);
            snprintf(a->error_code, sizeof(a->error_code), "ACCESS_DENIED");
        }
    }
    struct sw_buf json;
    sw_buf_init(&json, 8192);
    assert_int_equal(sw_org_report_json(&r, &json, NULL), 0);
    assert_true(json.len <= SW_ORG_JSON_MAX);
    assert_non_null(strstr(sw_buf_cstr(&json), "\"region\":\"ap-southeast-32\""));
    sw_buf_clear(&json);
    sw_org_report_clear(&r);
}

static void dry_run_writes_would(void **state)
{
    (void)state;
    struct sw_org_report r;
    report(&r, false);
    struct sw_notification n;
    sw_notification_init(&n);
    assert_int_equal(sw_org_notify_build(&r, NULL, &n, NULL), 0);
    assert_non_null(strstr(n.subject, "ECR scanning off in 3 member(s) (dry-run)"));
    assert_non_null(strstr(sw_buf_cstr(&n.message), "would run inspector2:Enable"));
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "drift");
    assert_false(sw_org_report_failed(&r, NULL));
    sw_notification_clear(&n);
    sw_org_report_clear(&r);
}

static void nothing_drifted_nothing_to_notify(void **state)
{
    (void)state;
    struct sw_org_report r = {0};
    r.execute = true;
    r.region_count = 1;
    r.regions[0].member_count = r.regions[0].checked = 1000;
    assert_false(sw_org_report_notable(&r));
    assert_false(sw_org_report_failed(&r, NULL));
    struct sw_notification n;
    sw_notification_init(&n);
    struct sw_error err = {0};
    assert_int_equal(sw_org_notify_build(&r, NULL, &n, &err), SW_EINVAL);
    sw_notification_clear(&n);
    /* A region that could not be listed is notable and a failure. */
    snprintf(r.regions[0].failed_api, sizeof(r.regions[0].failed_api), "inspector2:ListMembers");
    assert_true(sw_org_report_notable(&r));
    assert_true(sw_org_report_failed(&r, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batches_cover_every_member_once_in_at_most_100),
        cmocka_unit_test(a_cut_run_and_the_next_cover_everyone),
        cmocka_unit_test(rotation_start),
        cmocka_unit_test(deadline_cut),
        cmocka_unit_test(regions_rotate_after_a_cut),
        cmocka_unit_test(members_and_drift),
        cmocka_unit_test(ids_sorted_and_deduplicated),
        cmocka_unit_test(event_triggers),
        cmocka_unit_test(notification_per_account_and_region),
        cmocka_unit_test(result_summary_stays_bounded),
        cmocka_unit_test(dry_run_writes_would),
        cmocka_unit_test(nothing_drifted_nothing_to_notify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
