/* sw_org: the pure part of organization mode (SCOPE=organization, docs/contract.md §1.4).
 *
 * Which members count, which ECR statuses are drift, how the member list is cut into
 * batches of at most 100 (the Inspector2 limit) starting at a rotating offset, when the
 * invocation deadline says to stop, and the report of a run: its notification text and
 * its summary in the invocation result. The paginated AWS I/O is org_aws_io.c's. */
#ifndef SW_ORG_H
#define SW_ORG_H

#include "handler/core/buf.h"
#include "handler/parse/config.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_ORG_BATCH_MAX 100     /* account ids per BatchGetAccountStatus / Enable (AWS limit) */
#define SW_ORG_MEMBERS_MAX 20000 /* members accepted from ListMembers (Inspector: 10,000) */
#define SW_ORG_PAGES_MAX 1000    /* ListMembers pages followed in one run */
/* Time kept back before the deadline for the notification and the answer: never less than
 * this floor (see sw_org_reserve_ms). */
#define SW_ORG_RESERVE_MS 2000
/* Building the notification and the answer, on top of the publish's own time. */
#define SW_ORG_BUILD_MS 250
#define SW_ORG_ID_MAX 16    /* 12-digit account id + NUL, rounded */
#define SW_ORG_CODE_MAX 128 /* AWS error code kept */
#define SW_ORG_MESSAGE_MAX 512
#define SW_ORG_LISTED_MAX 500 /* accounts listed by name in a notification per region */
#define SW_ORG_JSON_MAX 6144  /* bytes of the summary in the result (SW_RESULT_JSON_MAX 8192) */

/* One member whose ECR scanning was not on. */
struct sw_org_account {
    char account_id[SW_ORG_ID_MAX];
    char before[SW_ORG_CODE_MAX]; /* the ECR status read ("DISABLED" when absent) */
    bool attempted;               /* Enable was called for it (enforce) */
    bool restored;                /* Enable answered it without a failure */
    char error_code[SW_ORG_CODE_MAX];
    char error_message[SW_ORG_MESSAGE_MAX];
};

/* What one region's run found and did. */
struct sw_org_region_report {
    char region[SW_CFG_REGION_MAX + 1];
    size_t member_count; /* associated members listed (the admin itself excluded); when the
                            listing was cut after some were read, those listed so far */
    size_t checked;      /* members whose status was read this run */
    size_t start;        /* where in the sorted member list this run began */
    size_t next_start;   /* where the next run begins */
    bool cut;            /* stopped before the deadline with members left unchecked */
    /* A call that failed for the whole region (listing, or reading a batch's statuses). */
    char failed_api[SW_ORG_CODE_MAX];
    char failed_code[SW_ORG_CODE_MAX];
    char failed_message[SW_ORG_MESSAGE_MAX];
    /* Organization auto-enable for ECR (DescribeOrganizationConfiguration autoEnable.ecr):
     * auto_enable_drifted when it was off; then restored, or the error of the update. */
    bool auto_enable_drifted;
    bool auto_enable_restored;
    char auto_enable_code[SW_ORG_CODE_MAX];
    char auto_enable_message[SW_ORG_MESSAGE_MAX];
    struct sw_org_account *drifted; /* owned */
    size_t drifted_count;
    size_t drifted_cap;
    size_t calls;        /* AWS calls made for this region */
    size_t enable_calls; /* of which inspector2:Enable */
    bool listed;         /* the member list was read (member_count is known) */
    /* Members in EXEMPT_ACCOUNTS: left alone, never read or enabled (owned, sorted). */
    char (*exempt)[SW_ORG_ID_MAX];
    size_t exempt_count;
};

struct sw_org_report {
    bool execute; /* enforce (false: dry-run, nothing written) */
    char admin_account[SW_ORG_ID_MAX];
    struct sw_org_region_report regions[SW_CFG_REGIONS_MAX];
    size_t region_count;
};

/* Frees what the report owns and zeroes it. Safe on a zeroed report. */
void sw_org_report_clear(struct sw_org_report *r);

/* Adds a drifted member to a region's report; returns it (zeroed but for id and before) or
 * NULL when out of memory or past SW_ORG_MEMBERS_MAX. */
struct sw_org_account *sw_org_report_add(struct sw_org_region_report *rr, const char *account_id,
                                         const char *before);

/* True when some member drifted, or a region could not be checked (worth a notification). */
bool sw_org_report_notable(const struct sw_org_report *r);

/* True when, in enforce mode, a drifted member was not restored or a region failed: the
 * invocation answers RemediationFailed. message (reset first) says which. */
bool sw_org_report_failed(const struct sw_org_report *r, struct sw_buf *message);

/* A member listed by ListMembers counts when associated (relationshipStatus ENABLED) and
 * is not the administrator itself (the account check handles that one). */
bool sw_org_member_counts(const char *relationship_status, const char *account_id,
                          const char *admin_account);

/* True when an ECR status (BatchGetAccountStatus resourceState.ecr.status; NULL or "" when
 * the account is absent) is drift: anything but ENABLED or ENABLING. */
bool sw_org_ecr_drifted(const char *status);

/* Where a run over n members begins: offset % n when a previous run in this process left
 * one (have_offset), else a start derived from the hour of now_ms, so that cold starts too
 * move across the list over the day. 0 when n is 0. */
size_t sw_org_start(size_t n, bool have_offset, size_t offset, long long now_ms);

/* The rotation as an account id (docs/organization.md, "Rotation"): a run begins at the first
 * member whose id is at or after its start key, in id order, wrapping around. A warm process
 * keeps the key of the member where the last run stopped; a cold start derives one from the
 * hour of now_ms (hour * 618033988749 mod 10^12: consecutive hours land far apart, so cold
 * starts move across the id space over the day). Writes 12 digits and a NUL into key. */
void sw_org_start_key(long long now_ms, char key[SW_ORG_ID_MAX]);

/* The index in sorted ids (n of them) where a run with start key begins: the first id at or
 * after key, 0 when every id is before it (the rotation wraps) or n is 0. */
size_t sw_org_start_index(char *const *sorted, size_t n, const char *key);

/* The next batch: indices (start + done + k) % n for k < min(max, n - done), written into
 * idx (room for max). Returns how many; 0 when done >= n. max is capped at SW_ORG_BATCH_MAX. */
size_t sw_org_next_batch(size_t n, size_t start, size_t done, size_t max, size_t *idx);

/* The next batch when some members were checked already (skip[i] true: member i was read
 * while the list was still being paged, docs/organization.md "Concurrency"): walks the
 * positions (start + *walked + k) % n, passing over the skipped ones and taking up to max
 * (capped at SW_ORG_BATCH_MAX) others into idx; *walked moves past every position passed
 * or taken, and reaches n when nothing is left. skip NULL: none (sw_org_next_batch).
 * Returns how many were taken; 0 when the walk is over. */
size_t sw_org_next_batch_skipping(size_t n, size_t start, size_t *walked, size_t max,
                                  const bool *skip, size_t *idx);

/* The AWS client's bounds on one call (handler/aws/: its retries and timeouts), for the
 * reserve: what the publish may take at most, besides its own latency. */
struct sw_org_call_bounds {
    int max_attempts;          /* the first included */
    long attempt_max_ms;       /* one attempt's timeout */
    long backoff_base_ms;      /* the publish's wait before its second attempt, doubling after (the
                                  throttling base: SNS refusing with throttling is the slow case) */
    long backoff_max_ms;       /* no wait is longer */
    long park_backoff_base_ms; /* 0: no dead-letter queue; else a publish refused after its
                                  retries is parked (sqs:SendMessage), which may retry too */
};

/* The time kept back before the deadline for the run's notification and answer: the publish
 * under the client's retries (max_attempts attempts, each as slow as the slowest call of this
 * run but at most attempt_max_ms, with the largest backoff between them), the park after it
 * when a dead-letter queue is configured (the same attempts with park_backoff_base_ms), plus
 * SW_ORG_BUILD_MS; never less than SW_ORG_RESERVE_MS. */
long long sw_org_reserve_ms(long long slowest_call_ms, const struct sw_org_call_bounds *b);

/* True when work expected to take need_ms fits: no deadline (0), or now + need + reserve is
 * before the deadline. */
bool sw_org_batch_fits(long long now_ms, long long deadline_ms, long long need_ms,
                       long long reserve_ms);

/* How many of `pending` drifted members (read, not yet enabled) one Enable should carry now:
 * a full batch (SW_ORG_BATCH_MAX) as soon as there is one, and when flush (no more status
 * reads in this run) the rest, up to a batch; else 0, so that batches fill up across
 * status reads. */
size_t sw_org_enable_take(size_t pending, bool flush);

/* Runs needed to reach every one of n members when each run checks at least per_run of them
 * (runs continue where the last stopped): ceil(n / per_run); 0 when n is 0, and 0 too when
 * per_run is 0 (never: no bound). */
size_t sw_org_runs_to_reach_all(size_t n, size_t per_run);

/* Totals of a report over its regions, for the notification and the result. */
struct sw_org_totals {
    size_t regions;           /* regions in the report */
    size_t regions_complete;  /* every member checked, no failed call */
    size_t regions_cut;       /* stopped before the deadline after some members were checked */
    size_t regions_unreached; /* no time before the deadline to check any member */
    size_t members;           /* members listed */
    size_t checked;
    size_t drifted;
    size_t restored;
    size_t failed;      /* enforce: drifted and not restored */
    size_t not_reached; /* listed but not checked in this run */
    bool cut;           /* the deadline stopped the run somewhere */
};
void sw_org_report_totals(const struct sw_org_report *r, struct sw_org_totals *t);

/* The region the next run starts with, after region `cut` (of count) was cut by the deadline
 * having checked `checked` members: the one after it, or itself when it got no time. */
size_t sw_org_next_first_region(size_t cut, size_t checked, size_t count);

/* The region the next run starts with, after a run whose report lists the regions in the
 * order they were started: entry k is region (first + k) % count. Regions run together
 * (ORG_REGION_CONCURRENCY), so several may be cut: the first one that got no time at all
 * (cut with nothing checked, or before its listing ended: the deadline came before it
 * started or while it listed) goes first, and the ones after it follow it; else the one
 * after the first region cut (as sw_org_next_first_region). first (mod count) when nothing
 * was cut. */
size_t sw_org_next_first(const struct sw_org_report *r, size_t first, size_t count);

/* Sorts account ids (strcmp order) and drops duplicates; returns the new count. */
size_t sw_org_sort_ids(char **ids, size_t n);

/* A region's members restored in this run, and those it did not reach (listed, not checked). */
size_t sw_org_region_restored(const struct sw_org_region_report *rr);
size_t sw_org_region_not_reached(const struct sw_org_region_report *rr);

#endif
