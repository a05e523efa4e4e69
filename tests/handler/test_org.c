/* Unit tests for sw_org, the pure part of organization mode: batches of at most 100 that
 * cover every member exactly once from a rotating start, the deadline cut, who counts as a
 * member, what is drift, and what the notification and the result say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/parse/events.h"
#include "handler/decide/org_notify.h"

#include <cjson/cJSON.h>
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
    const long long res = SW_ORG_RESERVE_MS;
    assert_true(sw_org_batch_fits(now, 0, 100000, res)); /* no deadline */
    assert_true(sw_org_batch_fits(now, now + SW_ORG_RESERVE_MS + 501, 500, res));
    assert_false(sw_org_batch_fits(now, now + SW_ORG_RESERVE_MS + 500, 500, res));
    assert_false(sw_org_batch_fits(now, now + 100, 0, res));
    assert_false(sw_org_batch_fits(now, now - 1, 0, res)); /* already past */
    /* A larger reserve (slow calls) stops earlier. */
    assert_false(sw_org_batch_fits(now, now + SW_ORG_RESERVE_MS + 501, 500, 8000));
}

/* The client's bounds as handler/io/org_aws_io.c passes them (3 attempts, 10 s per attempt,
 * standard-mode backoff from 50 ms, at most 20 s). */
static const struct sw_org_call_bounds bounds = {3, 10000, 50, 20000, 0};

static void reserve_covers_the_publish_under_retries(void **state)
{
    (void)state;
    /* Fast calls (50 ms): 250 + 3 * 50 + (50 + 100) = 550 ms, so the floor. */
    assert_int_equal(sw_org_reserve_ms(50, &bounds), SW_ORG_RESERVE_MS);
    assert_int_equal(sw_org_reserve_ms(0, &bounds), SW_ORG_RESERVE_MS);
    assert_int_equal(sw_org_reserve_ms(-5, &bounds), SW_ORG_RESERVE_MS);
    /* Slow calls: three attempts as slow as the slowest call, and the two waits between. */
    assert_int_equal(sw_org_reserve_ms(1000, &bounds), SW_ORG_BUILD_MS + 3 * 1000 + 50 + 100);
    assert_int_equal(sw_org_reserve_ms(2500, &bounds), SW_ORG_BUILD_MS + 3 * 2500 + 150);
    /* An attempt never takes longer than its timeout. */
    assert_int_equal(sw_org_reserve_ms(60000, &bounds), SW_ORG_BUILD_MS + 3 * 10000 + 150);
    /* AWS_MAX_ATTEMPTS=1: no retry, no wait. */
    const struct sw_org_call_bounds one = {1, 10000, 50, 20000, 0};
    assert_int_equal(sw_org_reserve_ms(3000, &one), SW_ORG_BUILD_MS + 3000);
    /* Waits double up to their cap: 10 attempts, 9 waits 50..12800 capped at 1000. */
    const struct sw_org_call_bounds ten = {10, 10000, 50, 1000, 0};
    assert_int_equal(sw_org_reserve_ms(1000, &ten),
                     SW_ORG_BUILD_MS + 10 * 1000 + 50 + 100 + 200 + 400 + 800 + 4 * 1000);
    /* As handler/io/org_aws_io.c passes them: a publish refused with throttling waits 1 s,
     * then 2 s; with a dead-letter queue the park after a refused publish is kept too. */
    const struct sw_org_call_bounds throttled = {3, 10000, 1000, 20000, 0};
    assert_int_equal(sw_org_reserve_ms(50, &throttled), SW_ORG_BUILD_MS + 3 * 50 + 1000 + 2000);
    const struct sw_org_call_bounds parked = {3, 10000, 1000, 20000, 50};
    assert_int_equal(sw_org_reserve_ms(50, &parked),
                     SW_ORG_BUILD_MS + 3 * 50 + 1000 + 2000 + 3 * 50 + 50 + 100);
    assert_true(sw_org_reserve_ms(2500, &parked) > sw_org_reserve_ms(2500, &throttled));
    /* The reserve grows with the latency: never smaller for a slower call. */
    long long last = 0;
    for (long long ms = 0; ms < 20000; ms += 37) {
        long long r = sw_org_reserve_ms(ms, &bounds);
        assert_true(r >= last && r >= SW_ORG_RESERVE_MS);
        last = r;
    }
}

/* Drifted ids gathered over status reads of 100 (d drifted in each) go out in full batches:
 * every Enable but the last carries 100. */
static size_t enables_for(const size_t *drifted_per_read, size_t reads, size_t *sizes)
{
    size_t pending = 0, calls = 0, take;
    for (size_t i = 0; i < reads; i++) {
        pending += drifted_per_read[i];
        while ((take = sw_org_enable_take(pending, false)) > 0) {
            sizes[calls++] = take;
            pending -= take;
        }
    }
    while ((take = sw_org_enable_take(pending, true)) > 0) {
        sizes[calls++] = take;
        pending -= take;
    }
    return calls;
}

static void enable_batches_fill_up_across_status_reads(void **state)
{
    (void)state;
    assert_int_equal(sw_org_enable_take(0, false), 0);
    assert_int_equal(sw_org_enable_take(0, true), 0);
    assert_int_equal(sw_org_enable_take(33, false), 0); /* wait for more */
    assert_int_equal(sw_org_enable_take(33, true), 33); /* the last one */
    assert_int_equal(sw_org_enable_take(100, false), 100);
    assert_int_equal(sw_org_enable_take(199, false), 100);
    assert_int_equal(sw_org_enable_take(250, true), 100);
    /* The case: a third drifted in each read of 100 (2,000 members: 20 reads of 33
     * or 34). Before: 20 Enable calls of ~33; now 7, six of 100 and the rest. */
    size_t per_read[20], sizes[40], total = 0;
    for (size_t i = 0; i < 20; i++) {
        per_read[i] = i % 3 == 0 ? 34 : 33;
        total += per_read[i];
    }
    size_t calls = enables_for(per_read, 20, sizes);
    assert_int_equal(calls, (total + 99) / 100);
    size_t sum = 0;
    for (size_t i = 0; i < calls; i++) {
        if (i + 1 < calls)
            assert_int_equal(sizes[i], 100);
        sum += sizes[i];
    }
    assert_int_equal(sum, total); /* every drifted member once */
    assert_true(total / calls >= 90);
    /* Nothing drifted: no Enable at all. */
    size_t none[3] = {0, 0, 0};
    assert_int_equal(enables_for(none, 3, sizes), 0);
}

static void every_member_is_reached_within_the_bound(void **state)
{
    (void)state;
    assert_int_equal(sw_org_runs_to_reach_all(0, 100), 0);
    assert_int_equal(sw_org_runs_to_reach_all(250, 0), 0);
    assert_int_equal(sw_org_runs_to_reach_all(250, 100), 3);
    assert_int_equal(sw_org_runs_to_reach_all(200, 100), 2);
    assert_int_equal(sw_org_runs_to_reach_all(10000, 2600), 4);
    /* Walk it: runs that each check `per_run` from where the last stopped reach everyone
     * within the bound. */
    const size_t n = 1234, per_run = 300;
    unsigned visits[1234] = {0};
    size_t start = sw_org_start(n, false, 0, 1764150000000LL), runs = 0, seen = 0;
    while (seen < n && runs < 100) {
        size_t idx[SW_ORG_BATCH_MAX], done = 0;
        while (done < per_run) {
            size_t k = sw_org_next_batch(n, start, done, per_run - done, idx);
            for (size_t j = 0; j < k; j++)
                seen += visits[idx[j]]++ == 0;
            done += k;
        }
        start = (start + done) % n;
        runs++;
    }
    assert_int_equal(seen, n);
    assert_int_equal(runs, sw_org_runs_to_reach_all(n, per_run));
}

/* Members read while the list was paged are passed over; the walk covers every member once
 * from the rotating start, and where it stops is where the next run starts. */
static void batches_pass_over_members_read_while_paging(void **state)
{
    (void)state;
    enum { N = 250 };
    bool skip[N] = {false};
    for (size_t i = 0; i < N; i += 3)
        skip[i] = true; /* 84 read while paging */
    size_t idx[SW_ORG_BATCH_MAX], walked = 0, taken = 0, batches = 0;
    unsigned seen[N] = {0};
    size_t k;
    while ((k = sw_org_next_batch_skipping(N, 240, &walked, SW_ORG_BATCH_MAX, skip, idx)) > 0) {
        for (size_t j = 0; j < k; j++) {
            assert_false(skip[idx[j]]);
            seen[idx[j]]++;
        }
        if (batches == 0)
            assert_int_equal(idx[0], 241); /* 240 was read while paging */
        taken += k;
        batches++;
    }
    assert_int_equal(walked, N);
    assert_int_equal(taken, N - 84);
    assert_int_equal(batches, 2);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(seen[i] + skip[i], 1);
    /* a cut after the first batch: the next run starts where the walk stopped, and every
     * member between the start and there was read (while paging or in the batch) */
    walked = 0;
    k = sw_org_next_batch_skipping(N, 240, &walked, SW_ORG_BATCH_MAX, skip, idx);
    assert_int_equal(k, 100);
    unsigned in_batch[N] = {0};
    for (size_t j = 0; j < k; j++)
        in_batch[idx[j]] = 1;
    size_t covered = 0;
    for (size_t w = 0; w < walked; w++) {
        size_t pos = (240 + w) % N;
        assert_true(skip[pos] || in_batch[pos]);
        covered += in_batch[pos];
    }
    assert_int_equal(covered, 100);
    assert_false(skip[(240 + walked) % N]); /* a skipped one right after was passed too */
    /* without skips it is sw_org_next_batch */
    size_t idx2[SW_ORG_BATCH_MAX];
    walked = 0;
    assert_int_equal(sw_org_next_batch_skipping(N, 240, &walked, 7, NULL, idx), 7);
    assert_int_equal(sw_org_next_batch(N, 240, 0, 7, idx2), 7);
    assert_memory_equal(idx, idx2, 7 * sizeof(idx[0]));
    assert_int_equal(walked, 7);
    walked = 0;
    assert_int_equal(sw_org_next_batch_skipping(0, 0, &walked, 7, NULL, idx), 0);
}

/* The rotation's start as an account id: the first member at or after it, wrapping; a cold
 * start's key moves far across the id space from one hour to the next. */
static void the_start_is_the_first_member_at_or_after_the_key(void **state)
{
    (void)state;
    char a[] = "100000000000", b[] = "300000000000", c[] = "500000000000";
    char *ids[] = {a, b, c};
    assert_int_equal(sw_org_start_index(ids, 3, "000000000000"), 0);
    assert_int_equal(sw_org_start_index(ids, 3, "100000000000"), 0);
    assert_int_equal(sw_org_start_index(ids, 3, "100000000001"), 1);
    assert_int_equal(sw_org_start_index(ids, 3, "300000000000"), 1); /* a member that stays */
    assert_int_equal(sw_org_start_index(ids, 3, "400000000000"), 2); /* one that left */
    assert_int_equal(sw_org_start_index(ids, 3, "900000000000"), 0); /* wraps */
    assert_int_equal(sw_org_start_index(ids, 0, "1"), 0);
    char k1[SW_ORG_ID_MAX], k2[SW_ORG_ID_MAX], k1again[SW_ORG_ID_MAX];
    const long long hour = 3600000LL, t = 1764150000000LL;
    sw_org_start_key(t, k1);
    sw_org_start_key(t + 60000, k1again); /* the same hour: the same key */
    sw_org_start_key(t + hour, k2);
    assert_int_equal(strlen(k1), 12);
    assert_string_equal(k1, k1again);
    double d = atof(k1) - atof(k2);
    assert_true(d > 1e11 || d < -1e11); /* an hour later: more than a tenth of the space away */
    /* over a day the 24 keys leave no gap wider than a fifth of the space */
    double keys[24];
    for (int h = 0; h < 24; h++) {
        char k[SW_ORG_ID_MAX];
        sw_org_start_key(t + h * hour, k);
        keys[h] = atof(k);
    }
    for (int i = 0; i < 24; i++) {
        double next = 2e12;
        for (int j = 0; j < 24; j++)
            if (keys[j] > keys[i] && keys[j] < next)
                next = keys[j];
        if (next < 2e12)
            assert_true(next - keys[i] < 2e11);
    }
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

/* Regions run 8 at a time (ORG_REGION_CONCURRENCY) and the deadline lets only the first wave
 * progress: the regions it starved go first next time, so all 17 are reached within
 * ceil(17 / 8) = 3 runs, and again in every 3 runs after that. */
static void concurrent_regions_starved_by_the_deadline_go_first(void **state)
{
    (void)state;
    enum { R = 17, C = 8 };
    size_t first = 5, last_reached[R];
    for (size_t i = 0; i < R; i++)
        last_reached[i] = 0;
    for (size_t run = 1; run <= 12; run++) {
        struct sw_org_report r;
        memset(&r, 0, sizeof(r));
        r.region_count = R;
        for (size_t k = 0; k < R; k++) {
            r.regions[k].cut = true; /* every region has more members than a run checks */
            r.regions[k].checked = k < C ? 100 : 0;
            r.regions[k].listed = k < C;
            if (k < C)
                last_reached[(first + k) % R] = run;
        }
        first = sw_org_next_first(&r, first, R);
        if (run >= 3) {
            for (size_t i = 0; i < R; i++)
                assert_true(run - last_reached[i] < 3);
        }
    }
    /* a run with nothing cut keeps the order; one cut only after progress moves past it */
    struct sw_org_report r;
    memset(&r, 0, sizeof(r));
    r.region_count = 3;
    assert_int_equal(sw_org_next_first(&r, 4, 3), 1);
    r.regions[1].cut = true;
    r.regions[1].checked = 300;
    r.regions[1].listed = true;
    assert_int_equal(sw_org_next_first(&r, 2, 3), 1); /* entry 1 is region 0: next is 1 */
    r.regions[2].cut = true;                          /* region 1, no time at all: it goes first */
    assert_int_equal(sw_org_next_first(&r, 2, 3), 1);
    r.regions[2].checked = 1;
    r.regions[2].listed = true;
    r.regions[0].cut = true; /* region 2 cut while listing, after reads that overlapped it */
    r.regions[0].checked = 100;
    assert_int_equal(sw_org_next_first(&r, 2, 3), 2);
    assert_int_equal(sw_org_next_first(&r, 0, 0), 0);
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
    a->listed = b->listed = true;
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
                                   "restored (run cut)");
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
        "\"restored\":2,\"complete\":true,\"aws_calls\":0,\"enable_calls\":0,\"not_reached\":0,"
        "\"failed\":[{\"account\":\"200000000001\",\"error\":\"AccessDeniedException\"}]},"
        "{\"region\":\"eu-west-1\",\"members\":250,\"checked\":100,\"drifted\":0,"
        "\"restored\":0,\"complete\":false,\"aws_calls\":0,\"enable_calls\":0,"
        "\"not_reached\":150,\"failed\":[]}],\"run\":{\"cut\":true,\"members\":500,"
        "\"checked\":350,\"drifted\":3,\"restored\":2,\"failed\":1,\"not_reached\":150,"
        "\"regions\":2,\"regions_complete\":1,\"regions_cut\":1,\"regions_not_reached\":0,"
        "\"continues\":\"the next scheduled run continues where this one stopped\"}}");
    sw_buf_clear(&json);
    sw_org_report_clear(&r);
    assert_int_equal(r.region_count, 0);
}

static void a_cut_run_says_so_in_every_format(void **state)
{
    (void)state;
    struct sw_org_report r;
    report(&r, true);
    r.region_count = 3; /* a third region got no time at all */
    struct sw_org_region_report *c = &r.regions[2];
    snprintf(c->region, sizeof(c->region), "ap-south-1");
    c->cut = true;
    r.regions[0].listed = r.regions[1].listed = true;
    struct sw_org_totals t;
    sw_org_report_totals(&r, &t);
    assert_true(t.cut);
    assert_int_equal(t.members, 500);
    assert_int_equal(t.checked, 350);
    assert_int_equal(t.restored, 2);
    assert_int_equal(t.failed, 1);
    assert_int_equal(t.not_reached, 150);
    assert_int_equal(t.regions_complete, 1);
    assert_int_equal(t.regions_cut, 1);
    assert_int_equal(t.regions_unreached, 1);

    struct sw_notification n;
    sw_notification_init(&n);
    assert_int_equal(sw_org_notify_build(&r, NULL, &n, NULL), 0);
    assert_non_null(strstr(n.subject, "(run cut)"));
    const char *m = sw_buf_cstr(&n.message);
    assert_non_null(strstr(m, "This run was cut by the invocation deadline: 350 of 500 listed "
                              "member(s) checked, 2 restored, 1 failed, 150 not reached; "
                              "regions: 1 of 3 complete, 1 cut, 1 not reached. The next "
                              "scheduled run continues where this one stopped."));
    assert_non_null(strstr(m, "100 checked this run (stopped before the deadline, 150 not "
                              "reached;"));
    assert_non_null(strstr(m, "Region ap-south-1: 0 member(s), 0 checked this run (not reached"));
    cJSON *run = cJSON_GetObjectItem(cJSON_GetObjectItem(n.document, "organization"), "run");
    assert_non_null(run);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(run, "cut")));
    assert_int_equal(cJSON_GetObjectItem(run, "restored")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(run, "not_reached")->valueint, 150);
    assert_int_equal(cJSON_GetObjectItem(run, "regions_not_reached")->valueint, 1);
    assert_non_null(cJSON_GetObjectItem(run, "continues"));
    sw_notification_clear(&n);

    struct sw_buf json;
    sw_buf_init(&json, 8192);
    assert_int_equal(sw_org_report_json(&r, &json, NULL), 0);
    assert_non_null(strstr(sw_buf_cstr(&json), "\"run\":{\"cut\":true,\"members\":500,"
                                               "\"checked\":350,\"drifted\":3,\"restored\":2,"
                                               "\"failed\":1,\"not_reached\":150"));
    sw_buf_clear(&json);

    /* Cut with nothing drifted: still worth telling (what was not reached). */
    sw_org_report_clear(&r);
    r.execute = true;
    snprintf(r.admin_account, sizeof(r.admin_account), "%s", ADMIN);
    r.region_count = 1;
    snprintf(r.regions[0].region, sizeof(r.regions[0].region), "us-east-1");
    r.regions[0].listed = r.regions[0].cut = true;
    r.regions[0].member_count = 300;
    r.regions[0].checked = 100;
    assert_true(sw_org_report_notable(&r));
    sw_notification_init(&n);
    assert_int_equal(sw_org_notify_build(&r, NULL, &n, NULL), 0);
    assert_string_equal(n.subject, "scanwarden: organization 111111111111: check cut by the "
                                   "deadline, 100 of 300 member(s) checked");
    sw_notification_clear(&n);
    sw_org_report_clear(&r);
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
        cmocka_unit_test(reserve_covers_the_publish_under_retries),
        cmocka_unit_test(enable_batches_fill_up_across_status_reads),
        cmocka_unit_test(every_member_is_reached_within_the_bound),
        cmocka_unit_test(a_cut_run_says_so_in_every_format),
        cmocka_unit_test(regions_rotate_after_a_cut),
        cmocka_unit_test(batches_pass_over_members_read_while_paging),
        cmocka_unit_test(the_start_is_the_first_member_at_or_after_the_key),
        cmocka_unit_test(concurrent_regions_starved_by_the_deadline_go_first),
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
