/* sw_org: the decisions of organization mode, with no I/O.
 *
 * org_aws_io.c lists the members and reads and writes their status; everything it
 * needs to decide (who counts, what drifted, which batch is next, whether another
 * batch fits before the deadline, where the next run starts) and everything a person
 * reads afterwards (notification, result summary) is here, so it is unit-tested
 * without a network (tests/handler/test_org.c). */
#include "handler/decide/org.h"

#include "handler/core/mode.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000LL
/* Cold starts move the start by this stride per hour (a prime, so every start is reached). */
#define HOUR_STRIDE 7919u

void sw_org_report_clear(struct sw_org_report *r)
{
    for (size_t i = 0; i < r->region_count && i < SW_CFG_REGIONS_MAX; i++) {
        free(r->regions[i].drifted);
        free(r->regions[i].exempt);
    }
    memset(r, 0, sizeof(*r));
}

static void copy(char *dst, size_t cap, const char *s)
{
    size_t len = s ? strnlen(s, cap - 1) : 0;
    size_t keep = sw_text_utf8_prefix(s ? s : "", len, cap - 1);
    memcpy(dst, s ? s : "", keep);
    dst[keep] = '\0';
}

struct sw_org_account *sw_org_report_add(struct sw_org_region_report *rr, const char *account_id,
                                         const char *before)
{
    if (rr->drifted_count >= SW_ORG_MEMBERS_MAX)
        return NULL;
    if (rr->drifted_count == rr->drifted_cap) {
        size_t cap = rr->drifted_cap ? rr->drifted_cap * 2 : 64;
        struct sw_org_account *p = realloc(rr->drifted, cap * sizeof(*p));
        if (p == NULL)
            return NULL;
        rr->drifted = p;
        rr->drifted_cap = cap;
    }
    struct sw_org_account *a = &rr->drifted[rr->drifted_count++];
    memset(a, 0, sizeof(*a));
    copy(a->account_id, sizeof(a->account_id), account_id);
    copy(a->before, sizeof(a->before), before && before[0] ? before : "DISABLED");
    return a;
}

size_t sw_org_region_restored(const struct sw_org_region_report *rr)
{
    size_t n = 0;
    for (size_t i = 0; i < rr->drifted_count; i++)
        n += rr->drifted[i].restored;
    return n;
}

size_t sw_org_region_not_reached(const struct sw_org_region_report *rr)
{
    return rr->member_count > rr->checked ? rr->member_count - rr->checked : 0;
}

bool sw_org_report_notable(const struct sw_org_report *r)
{
    for (size_t i = 0; i < r->region_count; i++) {
        if (r->regions[i].drifted_count > 0 || r->regions[i].failed_api[0] != '\0' ||
            r->regions[i].auto_enable_drifted || r->regions[i].cut)
            return true;
    }
    return false;
}

bool sw_org_report_failed(const struct sw_org_report *r, struct sw_buf *message)
{
    bool failed = false;
    if (message)
        sw_buf_reset(message);
    for (size_t i = 0; i < r->region_count; i++) {
        const struct sw_org_region_report *rr = &r->regions[i];
        size_t unrestored = r->execute ? rr->drifted_count - sw_org_region_restored(rr) : 0;
        bool auto_failed = r->execute && rr->auto_enable_drifted && !rr->auto_enable_restored;
        if (rr->failed_api[0] == '\0' && unrestored == 0 && !auto_failed)
            continue;
        if (message && failed)
            (void)sw_buf_append_str(message, "; ");
        failed = true;
        if (message == NULL)
            continue;
        if (rr->failed_api[0] != '\0')
            (void)sw_buf_appendf(message, "organization check in %s: %s failed: %s: %.300s",
                                 rr->region, rr->failed_api, rr->failed_code, rr->failed_message);
        if (auto_failed)
            (void)sw_buf_appendf(message,
                                 "%sorganization auto-enable for ECR in %s not restored: "
                                 "inspector2:UpdateOrganizationConfiguration: %s: %.300s",
                                 rr->failed_api[0] ? ", " : "", rr->region, rr->auto_enable_code,
                                 rr->auto_enable_message);
        if (unrestored > 0) {
            const struct sw_org_account *first = NULL;
            for (size_t j = 0; j < rr->drifted_count && first == NULL; j++) {
                if (!rr->drifted[j].restored)
                    first = &rr->drifted[j];
            }
            (void)sw_buf_appendf(
                message, "%s%zu member(s) in %s not restored (first: %s: %s: %.300s)",
                rr->failed_api[0] ? ", " : "", unrestored, rr->region, first->account_id,
                first->error_code[0] ? first->error_code : "NotAttempted", first->error_message);
        }
    }
    return failed;
}

bool sw_org_member_counts(const char *relationship_status, const char *account_id,
                          const char *admin_account)
{
    if (relationship_status == NULL || strcmp(relationship_status, "ENABLED") != 0)
        return false;
    if (account_id == NULL || account_id[0] == '\0')
        return false;
    return admin_account == NULL || strcmp(account_id, admin_account) != 0;
}

bool sw_org_ecr_drifted(const char *status)
{
    return status == NULL || (strcmp(status, "ENABLED") != 0 && strcmp(status, "ENABLING") != 0);
}

size_t sw_org_start(size_t n, bool have_offset, size_t offset, long long now_ms)
{
    if (n == 0)
        return 0;
    if (have_offset)
        return offset % n;
    unsigned long long hour = now_ms > 0 ? (unsigned long long)(now_ms / HOUR_MS) : 0;
    return (size_t)((hour * HOUR_STRIDE) % n);
}

void sw_org_start_key(long long now_ms, char key[SW_ORG_ID_MAX])
{
    unsigned long long hour = now_ms > 0 ? (unsigned long long)(now_ms / HOUR_MS) : 0;
    unsigned long long k = (hour % 1000000000000ULL) * 618033988749ULL % 1000000000000ULL;
    snprintf(key, SW_ORG_ID_MAX, "%012llu", k);
}

size_t sw_org_start_index(char *const *sorted, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? lo : 0;
}

size_t sw_org_next_batch(size_t n, size_t start, size_t done, size_t max, size_t *idx)
{
    if (done >= n || n == 0)
        return 0;
    if (max > SW_ORG_BATCH_MAX)
        max = SW_ORG_BATCH_MAX;
    size_t count = n - done < max ? n - done : max;
    for (size_t k = 0; k < count; k++)
        idx[k] = (start % n + done + k) % n;
    return count;
}

size_t sw_org_next_batch_skipping(size_t n, size_t start, size_t *walked, size_t max,
                                  const bool *skip, size_t *idx)
{
    if (max > SW_ORG_BATCH_MAX)
        max = SW_ORG_BATCH_MAX;
    size_t count = 0;
    while (*walked < n && count < max) {
        size_t pos = (start % n + *walked) % n;
        (*walked)++;
        if (skip == NULL || !skip[pos])
            idx[count++] = pos;
    }
    while (*walked < n && skip != NULL && skip[(start % n + *walked) % n])
        (*walked)++; /* skipped ones right after the batch count as passed */
    return count;
}

/* One call under the client's retries: attempts as slow as attempt_ms, and the waits between
 * them from base_ms, doubling, each at most max_ms. */
static long long retried_call_ms(int attempts, long long attempt_ms, long long base_ms,
                                 long long max_ms)
{
    long long total = (long long)attempts * attempt_ms;
    long long backoff = base_ms > 0 ? base_ms : 0;
    for (int k = 1; k < attempts; k++) { /* the wait before attempt k + 1, at most */
        total += max_ms > 0 && backoff > max_ms ? max_ms : backoff;
        backoff *= 2;
    }
    return total;
}

long long sw_org_reserve_ms(long long slowest_call_ms, const struct sw_org_call_bounds *b)
{
    int attempts = b->max_attempts < 1 ? 1 : b->max_attempts > 16 ? 16 : b->max_attempts;
    long long attempt = slowest_call_ms < 0 ? 0 : slowest_call_ms;
    if (b->attempt_max_ms > 0 && attempt > b->attempt_max_ms)
        attempt = b->attempt_max_ms;
    long long total =
        SW_ORG_BUILD_MS + retried_call_ms(attempts, attempt, b->backoff_base_ms, b->backoff_max_ms);
    if (b->park_backoff_base_ms > 0)
        total += retried_call_ms(attempts, attempt, b->park_backoff_base_ms, b->backoff_max_ms);
    return total > SW_ORG_RESERVE_MS ? total : SW_ORG_RESERVE_MS;
}

bool sw_org_batch_fits(long long now_ms, long long deadline_ms, long long need_ms,
                       long long reserve_ms)
{
    if (deadline_ms <= 0)
        return true;
    return now_ms + need_ms + reserve_ms < deadline_ms;
}

size_t sw_org_enable_take(size_t pending, bool flush)
{
    if (pending >= SW_ORG_BATCH_MAX)
        return SW_ORG_BATCH_MAX;
    return flush ? pending : 0;
}

size_t sw_org_runs_to_reach_all(size_t n, size_t per_run)
{
    if (n == 0 || per_run == 0)
        return 0;
    return n / per_run + (n % per_run != 0);
}

void sw_org_report_totals(const struct sw_org_report *r, struct sw_org_totals *t)
{
    memset(t, 0, sizeof(*t));
    t->regions = r->region_count;
    for (size_t i = 0; i < r->region_count; i++) {
        const struct sw_org_region_report *rr = &r->regions[i];
        size_t restored = sw_org_region_restored(rr);
        t->members += rr->member_count;
        t->checked += rr->checked;
        t->drifted += rr->drifted_count;
        t->restored += r->execute ? restored : 0;
        t->failed += r->execute ? rr->drifted_count - restored : 0;
        t->not_reached += sw_org_region_not_reached(rr);
        if (rr->cut) {
            t->cut = true;
            if (rr->checked > 0) /* listed, or read while a cut listing went on */
                t->regions_cut++;
            else
                t->regions_unreached++;
        } else if (rr->failed_api[0] == '\0') {
            t->regions_complete++;
        }
    }
}

size_t sw_org_next_first_region(size_t cut, size_t checked, size_t count)
{
    if (count == 0)
        return 0;
    return checked > 0 ? (cut + 1) % count : cut % count;
}

size_t sw_org_next_first(const struct sw_org_report *r, size_t first, size_t count)
{
    if (count == 0)
        return 0;
    size_t n = r->region_count < count ? r->region_count : count;
    for (size_t k = 0; k < n; k++) { /* a starved region first */
        if (r->regions[k].cut && (r->regions[k].checked == 0 || !r->regions[k].listed))
            return (first + k) % count;
    }
    for (size_t k = 0; k < n; k++) {
        if (r->regions[k].cut)
            return sw_org_next_first_region((first + k) % count, r->regions[k].checked, count);
    }
    return first % count;
}

static int cmp_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t sw_org_sort_ids(char **ids, size_t n)
{
    if (n == 0)
        return 0;
    qsort(ids, n, sizeof(*ids), cmp_ids);
    size_t out = 1;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(ids[i], ids[out - 1]) == 0) {
            free(ids[i]);
            continue;
        }
        ids[out++] = ids[i];
    }
    return out;
}
