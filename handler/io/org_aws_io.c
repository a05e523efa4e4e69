/* sw_org_aws_io: lists, reads and enables organization members, region by region.
 *
 * Thin I/O over handler/aws/inspector2.c: every decision (who counts, what drifted, the
 * next batch, whether it fits before the deadline) is asked of org.c. A failed Enable
 * or a failedAccounts entry is recorded for its accounts and the run goes on; a failed
 * listing or status read stops that region only (deciding on a guess could skip members). */
#include "handler/io/org_aws_io.h"

#include "handler/core/clock.h"
#include "handler/core/parallel.h"
#include "handler/aws/http.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/retry.h"
#include "runtime/lr_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One region's clock for the deadline (docs/organization.md, "Deadline"): the slowest call of
 * each kind so far in the region, for the time its next batch needs; and the slowest call of
 * the whole run (every region's, shared), for the reserve kept for the notification. */
struct run_clock {
    struct sw_aws_client *client;
    long long deadline_ms; /* the AWS calls' deadline, 0 = none */
    struct sw_org_call_bounds bounds;
    long long slowest_call_ms;
    long long slowest_status_ms;
    long long slowest_enable_ms;
    atomic_llong *run_slowest_ms; /* shared by the regions of the run */
};

static long long clock_reserve(const struct run_clock *k)
{
    long long run = atomic_load(k->run_slowest_ms);
    return sw_org_reserve_ms(run > k->slowest_call_ms ? run : k->slowest_call_ms, &k->bounds);
}

/* True when work expected to take need_ms still fits before the reserve; then the client's
 * deadline is set to the reserve's start, so that no call of the check eats into it. */
static bool clock_fits(const struct run_clock *k, long long need_ms)
{
    long long reserve = clock_reserve(k);
    if (!sw_org_batch_fits(sw_clock_now_ms(), k->deadline_ms, need_ms, reserve))
        return false;
    if (k->deadline_ms > 0)
        sw_aws_client_set_deadline(k->client, k->deadline_ms - reserve);
    return true;
}

/* Records how long a call that began at t0 took; returns it. */
static long long clock_took(struct run_clock *k, long long t0, long long *slowest_of_kind)
{
    long long took = sw_clock_now_ms() - t0;
    if (took > k->slowest_call_ms)
        k->slowest_call_ms = took;
    long long run = atomic_load(k->run_slowest_ms);
    while (took > run && !atomic_compare_exchange_weak(k->run_slowest_ms, &run, took)) {
    }
    if (slowest_of_kind != NULL && took > *slowest_of_kind)
        *slowest_of_kind = took;
    return took;
}

/* The expected time of a call of a kind not seen yet: the slowest call so far. */
static long long clock_expect(const struct run_clock *k, long long slowest_of_kind)
{
    return slowest_of_kind > 0 ? slowest_of_kind : k->slowest_call_ms;
}

int sw_org_aws_io_init(struct sw_org_aws_io *s, const struct sw_config *cfg,
                       struct sw_aws_client *home, struct sw_error *err)
{
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    s->home = home;
    const char *home_region = sw_aws_client_region(home);
    size_t n = cfg->region_count > 0 ? cfg->region_count : 1;
    for (size_t i = 0; i < n && i < SW_CFG_REGIONS_MAX; i++) {
        const char *r = cfg->region_count > 0 ? cfg->regions[i] : home_region;
        snprintf(s->regions[i], sizeof(s->regions[i]), "%s", r);
        if (sw_rate_gate_init(&s->gates[i], cfg->max_aws_requests_per_second) != 0) {
            sw_org_aws_io_clear(s);
            return sw_error_set(err, SW_ENOMEM, "REGIONS: no rate gate for %s", r);
        }
        s->gate_count++;
        if (strcmp(r, home_region) == 0) {
            s->clients[i] = home;
            sw_aws_client_set_rate_gate(home, &s->gates[i]);
        } else {
            /* The CA bundle decoded once for every region (aws/ca_store.c). */
            struct sw_aws_client_options opt = {.region = s->regions[i],
                                                .rate_gate = &s->gates[i],
                                                .ca_store = sw_aws_client_ca_store(home)};
            s->clients[i] = sw_aws_client_new(&opt, err);
            if (s->clients[i] == NULL) {
                sw_error_wrap(err, "REGIONS: client for %s", r);
                sw_org_aws_io_clear(s);
                return err ? err->code : SW_EINVAL;
            }
            s->owned[i] = true;
        }
        s->region_count++;
        /* The second connection of the region (docs/organization.md, "Concurrency"), made
         * here on the main thread as every client is; without it the region has one. */
        struct sw_error serr = {0};
        s->siblings[i] = sw_aws_client_new_sibling(s->clients[i], &serr);
        if (s->siblings[i] == NULL)
            lr_log(LR_LOG_WARN, "organization check in %s: one connection only: %s", r, serr.msg);
    }
    s->bounds = (struct sw_org_call_bounds){
        .max_attempts = sw_aws_client_max_attempts(home),
        .attempt_max_ms = SW_HTTP_REQUEST_TIMEOUT_MS_DEFAULT,
        .backoff_base_ms = SW_RETRY_THROTTLING_BASE_MS,
        .backoff_max_ms = SW_RETRY_MAX_BACKOFF_MS,
        .park_backoff_base_ms = cfg->dead_letter_queue_url[0] ? SW_RETRY_BASE_MS : 0};
    for (size_t i = 0; i < s->region_count; i++) {
        if (s->clients[i] == home) {
            s->member_region = i;
            break;
        }
    }
    return SW_OK;
}

static void free_ids(char **ids, size_t n);

/* Replaces the kept member list with ids (taken). */
static void keep_members(struct sw_org_aws_io *s, char **ids, size_t n)
{
    free_ids(s->members, s->member_count);
    s->members = ids;
    s->member_count = n;
}

void sw_org_aws_io_clear(struct sw_org_aws_io *s)
{
    for (size_t i = 0; i < s->region_count && i < SW_CFG_REGIONS_MAX; i++) {
        sw_aws_client_free(s->siblings[i]); /* before the client they share */
        if (s->owned[i])
            sw_aws_client_free(s->clients[i]);
    }
    if (s->home != NULL)
        sw_aws_client_set_rate_gate(s->home, NULL); /* its gate goes with s */
    for (size_t i = 0; i < s->gate_count && i < SW_CFG_REGIONS_MAX; i++)
        sw_rate_gate_destroy(&s->gates[i]);
    keep_members(s, NULL, 0);
    memset(s, 0, sizeof(*s));
}

static void set_error(char *code, size_t code_cap, char *msg, size_t msg_cap, int rc,
                      const struct sw_aws_error *aerr, const struct sw_error *err)
{
    if (rc == SW_EAWS && aerr->code[0] != '\0') {
        snprintf(code, code_cap, "%s", aerr->code);
        snprintf(msg, msg_cap, "%.*s", (int)msg_cap - 1, aerr->message);
    } else {
        snprintf(code, code_cap, "%s",
                 rc == SW_ETIMEOUT ? "Timeout"
                 : rc == SW_EIO    ? "NetworkError"
                                   : "ClientError");
        snprintf(msg, msg_cap, "%.*s", (int)msg_cap - 1, err->msg);
    }
}

static void region_failed(struct sw_org_region_report *rr, const char *api, int rc,
                          const struct sw_aws_error *aerr, const struct sw_error *err)
{
    snprintf(rr->failed_api, sizeof(rr->failed_api), "%s", api);
    set_error(rr->failed_code, sizeof(rr->failed_code), rr->failed_message,
              sizeof(rr->failed_message), rc, aerr, err);
    lr_log(LR_LOG_ERROR, "organization check in %s: %s failed: %s: %s", rr->region, api,
           rr->failed_code, rr->failed_message);
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; ids != NULL && i < n; i++)
        free(ids[i]);
    free(ids);
}

struct stream;
static void stream_offer(struct stream *st, char *const *ids, size_t n);
static bool stream_enables(const struct stream *st);

/* Every associated member but the admin, sorted, into *ids_out (owned by the caller). With a
 * clock (k), a page that does not fit before the reserve stops the listing: SW_ETIMEOUT with
 * rr->cut set (the region was not reached). With a stream (st), each page's members are
 * offered to its reader as they come, and the list is left unsorted (the caller sorts it
 * once the reader has stopped). */
static int list_members(struct sw_aws_client *c, const char *admin, struct sw_org_region_report *rr,
                        struct run_clock *k, struct stream *st, char ***ids_out, size_t *n_out)
{
    char **ids = NULL;
    size_t n = 0, cap = 0;
    char token[SW_INSPECTOR2_NEXT_TOKEN_MAX] = "";
    int rc = SW_OK;
    for (size_t page = 0; page < SW_ORG_PAGES_MAX; page++) {
        struct sw_member_list l = {0};
        struct sw_aws_error aerr;
        struct sw_error err = {0};
        /* With a reader, room is kept for the Enable of what it found (its flush). */
        long long need = k != NULL ? k->slowest_call_ms : 0;
        if (k != NULL && st != NULL && stream_enables(st))
            need += clock_expect(k, k->slowest_enable_ms);
        if (k != NULL && !clock_fits(k, need)) {
            rr->cut = true;
            rc = SW_ETIMEOUT;
            break;
        }
        long long t0 = sw_clock_now_ms();
        size_t before = n;
        rr->calls++;
        rc = sw_inspector2_list_members(c, true, token, &l, &aerr, &err);
        if (k != NULL)
            (void)clock_took(k, t0, NULL);
        if (rc != SW_OK) {
            region_failed(rr, "inspector2:ListMembers", rc, &aerr, &err);
            sw_member_list_clear(&l);
            break;
        }
        for (size_t i = 0; i < l.count && rc == SW_OK; i++) {
            /* moto ignores onlyAssociated: filter here too (docs/emulator-notes.md §14). */
            if (!sw_org_member_counts(l.members[i].relationship_status, l.members[i].account_id,
                                      admin))
                continue;
            if (n >= SW_ORG_MEMBERS_MAX) {
                rc = SW_ELIMIT;
                break;
            }
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                char **p = realloc(ids, ncap * sizeof(*p));
                if (p == NULL) {
                    rc = SW_ENOMEM;
                    break;
                }
                ids = p;
                cap = ncap;
            }
            ids[n] = strdup(l.members[i].account_id);
            if (ids[n] == NULL) {
                rc = SW_ENOMEM;
                break;
            }
            n++;
        }
        snprintf(token, sizeof(token), "%s", l.next_token);
        sw_member_list_clear(&l);
        if (st != NULL && rc == SW_OK)
            stream_offer(st, ids + before, n - before);
        if (rc != SW_OK || token[0] == '\0')
            break;
    }
    if (rr->cut)
        lr_log(LR_LOG_WARN, "organization check in %s: no time left to list the members",
               rr->region);
    if (rc == SW_ELIMIT) {
        struct sw_error err = {0};
        sw_error_set(&err, rc, "more than %d members", SW_ORG_MEMBERS_MAX);
        region_failed(rr, "inspector2:ListMembers", rc, &(struct sw_aws_error){0}, &err);
    }
    if (rc != SW_OK) {
        if (st != NULL) /* members read while paging count against those listed */
            rr->member_count = n;
        free_ids(ids, n);
        return rc;
    }
    *ids_out = ids;
    *n_out = st != NULL ? n : sw_org_sort_ids(ids, n);
    return SW_OK;
}

static const struct sw_failed_account *find_failed(const struct sw_failed_account *f, size_t n,
                                                   const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f[i].account_id, id) == 0)
            return &f[i];
    }
    return NULL;
}

/* Enables ECR for the next `take` drifted members not yet attempted (from *from on, which
 * moves past them) and records each result. */
static void enable_batch(struct run_clock *k, struct sw_org_region_report *rr, size_t *from,
                         size_t take)
{
    const char *ids[SW_ORG_BATCH_MAX];
    size_t at[SW_ORG_BATCH_MAX];
    const char *types[] = {"ECR"};
    size_t n = 0, i = *from;
    for (; i < rr->drifted_count && n < take && n < SW_ORG_BATCH_MAX; i++) {
        if (rr->drifted[i].error_code[0] == '\0' && !rr->drifted[i].attempted) {
            at[n] = i;
            ids[n++] = rr->drifted[i].account_id;
        }
    }
    *from = i;
    if (n == 0)
        return;
    struct sw_enable_result res = {0};
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    long long t0 = sw_clock_now_ms();
    rr->calls++;
    rr->enable_calls++;
    int rc = sw_inspector2_enable(k->client, ids, n, types, 1, &res, &aerr, &err);
    (void)clock_took(k, t0, &k->slowest_enable_ms);
    for (size_t j = 0; j < n; j++) {
        struct sw_org_account *a = &rr->drifted[at[j]];
        a->attempted = true;
        const struct sw_failed_account *f =
            rc == SW_OK ? find_failed(res.failed, res.failed_count, a->account_id) : NULL;
        if (rc != SW_OK) {
            set_error(a->error_code, sizeof(a->error_code), a->error_message,
                      sizeof(a->error_message), rc, &aerr, &err);
        } else if (f != NULL) {
            snprintf(a->error_code, sizeof(a->error_code), "%s",
                     f->error_code[0] ? f->error_code : "InternalError");
            snprintf(a->error_message, sizeof(a->error_message), "%s", f->error_message);
        } else {
            a->restored = true;
        }
        if (!a->restored)
            lr_log(LR_LOG_WARN, "inspector2:Enable for %s in %s failed: %s: %s", a->account_id,
                   rr->region, a->error_code, a->error_message);
    }
    sw_enable_result_clear(&res);
}

/* Reads one batch's statuses and records the drifted members; *pending counts those to
 * enable (a member whose status could not be read is reported, not written). */
static int check_batch(struct run_clock *k, struct sw_org_region_report *rr, const char *const *ids,
                       size_t n, size_t *pending)
{
    struct sw_account_status_list st = {0};
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    long long t0 = sw_clock_now_ms();
    rr->calls++;
    int rc = sw_inspector2_batch_get_account_status(k->client, ids, n, &st, &aerr, &err);
    (void)clock_took(k, t0, &k->slowest_status_ms);
    if (rc != SW_OK) {
        region_failed(rr, "inspector2:BatchGetAccountStatus", rc, &aerr, &err);
        sw_account_status_list_clear(&st);
        return rc == SW_ENOMEM ? rc : SW_EAWS;
    }
    rc = SW_OK;
    for (size_t i = 0; i < n && rc == SW_OK; i++) {
        const struct sw_failed_account *f = find_failed(st.failed, st.failed_count, ids[i]);
        const struct sw_account_status *s = sw_account_status_find(&st, ids[i]);
        const char *ecr = s != NULL && s->ecr.status[0] != '\0' ? s->ecr.status : NULL;
        if (f == NULL && !sw_org_ecr_drifted(ecr))
            continue;
        struct sw_org_account *a = sw_org_report_add(rr, ids[i], f ? "UNKNOWN" : ecr);
        if (a == NULL) {
            rc = SW_ENOMEM;
            break;
        }
        if (f != NULL) { /* its status could not be read: reported, not written */
            snprintf(a->error_code, sizeof(a->error_code), "%s",
                     f->error_code[0] ? f->error_code : "InternalError");
            snprintf(a->error_message, sizeof(a->error_message), "%s", f->error_message);
        } else {
            (*pending)++;
        }
    }
    rr->checked += n;
    sw_account_status_list_clear(&st);
    return rc;
}

/* Organization auto-enable for ECR is part of the desired state: new members get it. */
static void check_auto_enable(struct run_clock *k, bool execute, struct sw_org_region_report *rr)
{
    struct sw_inspector2_auto_enable ae;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    long long t0 = sw_clock_now_ms();
    rr->calls++;
    int rc = sw_inspector2_describe_organization_configuration(k->client, &ae, &aerr, &err);
    (void)clock_took(k, t0, NULL);
    if (rc != SW_OK) {
        region_failed(rr, "inspector2:DescribeOrganizationConfiguration", rc, &aerr, &err);
        return;
    }
    if (ae.ecr)
        return;
    rr->auto_enable_drifted = true;
    if (!execute)
        return;
    ae.ecr = true; /* the other resource types stay as the user set them */
    t0 = sw_clock_now_ms();
    rr->calls++;
    rc = sw_inspector2_update_organization_configuration(k->client, &ae, &aerr, &err);
    (void)clock_took(k, t0, NULL);
    if (rc == SW_OK) {
        rr->auto_enable_restored = true;
        lr_log(LR_LOG_INFO, "organization auto-enable for ECR in %s: restored", rr->region);
    } else {
        set_error(rr->auto_enable_code, sizeof(rr->auto_enable_code), rr->auto_enable_message,
                  sizeof(rr->auto_enable_message), rc, &aerr, &err);
        lr_log(LR_LOG_WARN, "inspector2:UpdateOrganizationConfiguration in %s failed: %s: %s",
               rr->region, rr->auto_enable_code, rr->auto_enable_message);
    }
}

/* Enables the pending members: full batches while status reads go on, the rest (flush) at
 * the end, each only when it fits before the reserve; what does not is reported as not
 * attempted. */
static void enable_pending(struct run_clock *k, struct sw_org_region_report *rr, size_t *from,
                           size_t *pending, bool flush)
{
    size_t take;
    while ((take = sw_org_enable_take(*pending, flush)) > 0) {
        if (!clock_fits(k, clock_expect(k, k->slowest_enable_ms))) {
            rr->cut = true;
            lr_log(LR_LOG_WARN,
                   "organization check in %s: %zu drifted member(s) not enabled: no time left "
                   "before the deadline; the next run continues",
                   rr->region, *pending);
            return;
        }
        enable_batch(k, rr, from, take);
        *pending -= take;
    }
}

/* The member list of region ri: the one this invocation's membership lookup read (reuse), or
 * a fresh listing. The caller does not own a reused list. */
static int region_members(struct sw_org_aws_io *s, size_t ri, bool reuse, const char *admin,
                          struct run_clock *k, struct sw_org_region_report *rr, char ***ids,
                          size_t *n)
{
    if (reuse && ri == s->member_region) {
        *ids = s->members;
        *n = s->member_count;
        return SW_OK;
    }
    return list_members(k->client, admin, rr, k, NULL, ids, n);
}

/* Reads the members' statuses in batches from the rotating start, passing over those read
 * while the list was paged (skip, may be NULL), while a batch (and the Enable it may need)
 * fits before the reserve; pending: drifted members read already and not yet enabled.
 * Returns how far the walk got (every member before it was checked in this run). */
static size_t check_members(struct run_clock *k, bool execute, struct sw_org_region_report *rr,
                            char **ids, size_t n, const bool *skip, size_t pending, int *rc)
{
    size_t done = 0, from = 0;
    while (skip != NULL && done < n && skip[(rr->start + done) % n])
        done++; /* read while paging, from the start on: passed */
    while (done < n && *rc == SW_OK) {
        long long need = clock_expect(k, k->slowest_status_ms);
        if (execute) /* the Enable this batch fills, and the flush of the rest */
            need += clock_expect(k, k->slowest_enable_ms) * (pending > 0 ? 2 : 1);
        if (!clock_fits(k, need)) {
            rr->cut = true;
            lr_log(LR_LOG_WARN,
                   "organization check in %s: stopping before the deadline, %zu of %zu "
                   "members checked; the next run continues",
                   rr->region, rr->checked, n);
            break;
        }
        size_t idx[SW_ORG_BATCH_MAX];
        const char *batch[SW_ORG_BATCH_MAX];
        size_t walked = done;
        size_t count =
            sw_org_next_batch_skipping(n, rr->start, &walked, SW_ORG_BATCH_MAX, skip, idx);
        if (count == 0) { /* the rest was read while paging */
            done = walked;
            break;
        }
        for (size_t j = 0; j < count; j++)
            batch[j] = ids[idx[j]];
        *rc = check_batch(k, rr, batch, count, &pending);
        if (*rc == SW_OK)
            done = walked;
        if (execute && *rc != SW_ENOMEM)
            enable_pending(k, rr, &from, &pending, false);
    }
    if (execute && *rc != SW_ENOMEM) /* what the status reads gathered: the last batch */
        enable_pending(k, rr, &from, &pending, true);
    return done;
}

/* Status reads while the member list is paged (docs/organization.md, "Concurrency"): the
 * listing offers each page's members (copies, not exempt); the reader, on the region's
 * sibling client (its own connection), reads the status of every full batch of 100 and
 * enables the full batches of drifted members until the listing ends. The reader records into
 * its own report and clock, merged into the region's after both have returned. */
struct stream {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char **queue; /* offered members (owned); [0, read) were read */
    size_t queued, cap, head, read;
    bool listing_done;
    bool broken;     /* an offer ran out of memory: the reader stops, the rest is read after */
    const char *key; /* the run's start key: only members at or after it are read here */
    /* the listing's side */
    const struct sw_config *cfg;
    struct sw_aws_client *client;
    const char *admin;
    struct run_clock *k;
    struct sw_org_region_report *rr;
    char **ids;
    size_t n;
    int list_rc;
    /* the reader's side */
    bool execute;
    struct run_clock clock;
    struct sw_org_region_report rrr;
    size_t pending;
    int read_rc;
};

static void stream_offer(struct stream *st, char *const *ids, size_t n)
{
    (void)pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < n && !st->broken; i++) {
        if (strcmp(ids[i], st->key) < 0 || sw_cfg_exempt(st->cfg, ids[i]))
            continue; /* before the start: read after the listing, in the rotating order */
        if (st->queued == st->cap) {
            size_t ncap = st->cap ? st->cap * 2 : 256;
            char **p = realloc(st->queue, ncap * sizeof(*p));
            if (p == NULL) {
                st->broken = true;
                break;
            }
            st->queue = p;
            st->cap = ncap;
        }
        if ((st->queue[st->queued] = strdup(ids[i])) == NULL) {
            st->broken = true;
            break;
        }
        st->queued++;
    }
    (void)pthread_cond_signal(&st->changed);
    (void)pthread_mutex_unlock(&st->lock);
}

static int list_members(struct sw_aws_client *c, const char *admin, struct sw_org_region_report *rr,
                        struct run_clock *k, struct stream *st, char ***ids_out, size_t *n_out);

static bool stream_enables(const struct stream *st)
{
    return st->execute; /* set before the tasks start, read-only after */
}

static void stream_reader(struct stream *st)
{
    size_t from = 0;
    for (;;) {
        const char *batch[SW_ORG_BATCH_MAX];
        (void)pthread_mutex_lock(&st->lock);
        while (!st->listing_done && !st->broken && st->queued - st->head < SW_ORG_BATCH_MAX)
            (void)pthread_cond_wait(&st->changed, &st->lock);
        bool full = !st->broken && !st->listing_done && st->queued - st->head >= SW_ORG_BATCH_MAX;
        for (size_t j = 0; full && j < SW_ORG_BATCH_MAX; j++)
            batch[j] = st->queue[st->head + j]; /* the queue may move, the strings do not */
        (void)pthread_mutex_unlock(&st->lock);
        if (!full) /* the listing ended: the rest is read in the rotating order */
            return;
        long long need = clock_expect(&st->clock, st->clock.slowest_status_ms);
        if (st->execute) /* as check_members: the Enable this batch fills, and the flush */
            need += clock_expect(&st->clock, st->clock.slowest_enable_ms) * (st->pending ? 2 : 1);
        if (!clock_fits(&st->clock, need))
            return; /* the region's own walk decides about the cut */
        st->read_rc = check_batch(&st->clock, &st->rrr, batch, SW_ORG_BATCH_MAX, &st->pending);
        if (st->read_rc != SW_OK)
            return;
        (void)pthread_mutex_lock(&st->lock);
        st->head += SW_ORG_BATCH_MAX;
        st->read = st->head;
        (void)pthread_mutex_unlock(&st->lock);
        if (st->execute)
            enable_pending(&st->clock, &st->rrr, &from, &st->pending, false);
    }
}

static void stream_task(void *ctx, size_t index)
{
    struct stream *st = ctx;
    if (index == 1) {
        stream_reader(st);
        return;
    }
    st->list_rc = list_members(st->client, st->admin, st->rr, st->k, st, &st->ids, &st->n);
    (void)pthread_mutex_lock(&st->lock);
    st->listing_done = true;
    (void)pthread_cond_signal(&st->changed);
    (void)pthread_mutex_unlock(&st->lock);
}

static int compare_ids(const void *a, const void *b);

/* Folds the reader's report and clock into the region's; returns SW_ENOMEM or 0. */
static int stream_merge(struct stream *st, struct run_clock *k, struct sw_org_region_report *rr)
{
    int rc = SW_OK;
    rr->calls += st->rrr.calls;
    rr->enable_calls += st->rrr.enable_calls;
    rr->checked += st->rrr.checked;
    if (rr->drifted_count == 0) { /* the listing finds none: take the reader's, no copy */
        free(rr->drifted);
        rr->drifted = st->rrr.drifted;
        rr->drifted_count = st->rrr.drifted_count;
        rr->drifted_cap = st->rrr.drifted_cap;
        st->rrr.drifted = NULL;
    }
    for (size_t i = 0; st->rrr.drifted != NULL && i < st->rrr.drifted_count && rc == SW_OK; i++) {
        struct sw_org_account *a = sw_org_report_add(rr, st->rrr.drifted[i].account_id, "");
        if (a == NULL)
            rc = SW_ENOMEM;
        else
            *a = st->rrr.drifted[i];
    }
    if (st->rrr.failed_api[0] != '\0' && rr->failed_api[0] == '\0') {
        memcpy(rr->failed_api, st->rrr.failed_api, sizeof(rr->failed_api));
        memcpy(rr->failed_code, st->rrr.failed_code, sizeof(rr->failed_code));
        memcpy(rr->failed_message, st->rrr.failed_message, sizeof(rr->failed_message));
    }
    free(st->rrr.drifted);
    st->rrr.drifted = NULL;
    if (st->clock.slowest_call_ms > k->slowest_call_ms)
        k->slowest_call_ms = st->clock.slowest_call_ms;
    if (st->clock.slowest_status_ms > k->slowest_status_ms)
        k->slowest_status_ms = st->clock.slowest_status_ms;
    if (st->clock.slowest_enable_ms > k->slowest_enable_ms)
        k->slowest_enable_ms = st->clock.slowest_enable_ms;
    if (st->read > 0) /* sorted for the skip lookup */
        qsort(st->queue, st->read, sizeof(*st->queue), compare_ids);
    return rc;
}

static void stream_clear(struct stream *st)
{
    for (size_t i = 0; i < st->queued; i++)
        free(st->queue[i]);
    free(st->queue);
    free(st->rrr.drifted);
    (void)pthread_cond_destroy(&st->changed);
    (void)pthread_mutex_destroy(&st->lock);
}

/* The region's members, listed with status reads overlapping the paging on the region's
 * sibling (when it has one): *st is set up here, cleared by the caller (stream_clear). */
static int list_streaming(struct sw_org_aws_io *s, size_t ri, const char *admin, bool execute,
                          const char *key, struct run_clock *k, struct sw_org_region_report *rr,
                          struct stream *st, char ***ids, size_t *n)
{
    memset(st, 0, sizeof(*st));
    (void)pthread_mutex_init(&st->lock, NULL);
    (void)pthread_cond_init(&st->changed, NULL);
    st->cfg = s->cfg;
    st->client = k->client;
    st->admin = admin;
    st->k = k;
    st->rr = rr;
    st->execute = execute;
    st->key = key;
    st->clock = (struct run_clock){.client = s->siblings[ri],
                                   .deadline_ms = k->deadline_ms,
                                   .bounds = k->bounds,
                                   .run_slowest_ms = k->run_slowest_ms};
    snprintf(st->rrr.region, sizeof(st->rrr.region), "%s", rr->region);
    (void)sw_parallel_run(2, 2, stream_task, st);
    int rc = st->list_rc;
    int mrc = stream_merge(st, k, rr);
    if (mrc == SW_OK && st->read_rc == SW_ENOMEM)
        mrc = SW_ENOMEM;
    if (rc == SW_OK && mrc != SW_OK) {
        free_ids(st->ids, st->n);
        rc = mrc;
    }
    if (rc != SW_OK)
        return rc;
    *ids = st->ids;
    *n = sw_org_sort_ids(st->ids, st->n);
    return SW_OK;
}

/* Region ri's second client (made at init): NULL when it could not be made, and the region
 * is then read on one connection. */
static struct sw_aws_client *region_sibling(const struct sw_org_aws_io *s, size_t ri)
{
    return s->siblings[ri];
}

/* One region's check: touches only rr, region ri's client, offset and rate gate, and (the
 * membership region's task alone) the kept member list; so regions run together. */
static int check_region(struct sw_org_aws_io *s, size_t ri, const char *admin, bool execute,
                        bool reuse, long long deadline_ms, struct run_clock *k,
                        struct sw_org_region_report *rr)
{
    char **ids = NULL;
    size_t n = 0;
    reuse = reuse && ri == s->member_region;
    snprintf(rr->region, sizeof(rr->region), "%s", s->regions[ri]);
    k->client = s->clients[ri];
    sw_aws_client_set_deadline(k->client, deadline_ms);
    if (!clock_fits(k, k->slowest_call_ms)) {
        rr->cut = true; /* no time left for this region: the next run starts with it */
        lr_log(LR_LOG_WARN, "organization check in %s: no time left before the deadline",
               rr->region);
        return SW_OK;
    }
    check_auto_enable(k, execute, rr);
    char key[SW_ORG_ID_MAX]; /* where this run starts */
    if (s->have_offset[ri])
        memcpy(key, s->offset[ri], sizeof(key));
    else
        sw_org_start_key(sw_clock_now_ms(), key);
    struct stream st;
    bool streamed =
        !reuse && !(s->have_offset[ri] && s->last_cut[ri]) && region_sibling(s, ri) != NULL;
    int rc = streamed ? list_streaming(s, ri, admin, execute, key, k, rr, &st, &ids, &n)
                      : region_members(s, ri, reuse, admin, k, rr, &ids, &n);
    if (rc != SW_OK) {
        if (streamed && rc != SW_ENOMEM && execute) { /* enable what was read and found off */
            size_t from = 0;
            enable_pending(k, rr, &from, &st.pending, true);
        }
        if (streamed)
            stream_clear(&st);
        return rc == SW_ENOMEM ? rc : SW_OK;
    }
    rr->listed = true;
    rr->member_count = n;
    char **todo = NULL; /* the members not exempt (borrowed from ids) */
    bool *skip = NULL;  /* read while the list was paged */
    size_t m = 0;
    if (n > 0 && ((todo = malloc(n * sizeof(*todo))) == NULL ||
                  (streamed && (skip = calloc(n, sizeof(*skip))) == NULL)))
        rc = SW_ENOMEM;
    if (rc == SW_OK && s->cfg->exempt_account_count > 0 &&
        (rr->exempt = calloc(s->cfg->exempt_account_count, sizeof(*rr->exempt))) == NULL)
        rc = SW_ENOMEM;
    for (size_t i = 0; rc == SW_OK && i < n; i++) {
        if (sw_cfg_exempt(s->cfg, ids[i])) {
            if (rr->exempt_count < s->cfg->exempt_account_count) /* a repeated id once */
                snprintf(rr->exempt[rr->exempt_count++], SW_ORG_ID_MAX, "%s", ids[i]);
            continue;
        }
        if (skip != NULL)
            skip[m] = st.read > 0 &&
                      bsearch(&ids[i], st.queue, st.read, sizeof(*st.queue), compare_ids) != NULL;
        todo[m++] = ids[i];
    }
    rr->start = sw_org_start_index(todo, m, key);
    size_t done = 0;
    if (rc == SW_OK && streamed && st.read_rc != SW_OK) { /* a status read failed: stop */
        size_t from = 0;
        if (execute)
            enable_pending(k, rr, &from, &st.pending, true);
    } else if (rc == SW_OK) {
        done = check_members(k, execute, rr, todo, m, skip, streamed ? st.pending : 0, &rc);
    }
    free(skip);
    if (streamed)
        stream_clear(&st);
    rr->next_start = m ? (rr->start + done) % m : 0;
    if (m > 0 && rc == SW_OK) {
        s->have_offset[ri] = true;
        snprintf(s->offset[ri], sizeof(s->offset[ri]), "%s", todo[rr->next_start]);
    }
    s->last_cut[ri] = rr->cut;
    free(todo);
    if (rr->drifted_cap > rr->drifted_count && rr->drifted_count > 0) { /* kept till the end */
        struct sw_org_account *p = realloc(rr->drifted, rr->drifted_count * sizeof(*p));
        if (p != NULL) {
            rr->drifted = p;
            rr->drifted_cap = rr->drifted_count;
        }
    }
    lr_log(LR_LOG_INFO,
           "organization check in %s: %zu members, %zu checked from #%zu, %zu drifted, %zu AWS "
           "calls (%zu Enable), reserve %lld ms%s",
           rr->region, n, rr->checked, rr->start, rr->drifted_count, rr->calls, rr->enable_calls,
           clock_reserve(k), rr->cut ? ", cut by the deadline" : "");
    if (ri == s->member_region) {
        if (!reuse)
            keep_members(s, ids, n); /* for the next membership lookup */
    } else {
        free_ids(ids, n);
    }
    return rc == SW_ENOMEM ? rc : SW_OK;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool kept_member(const struct sw_org_aws_io *s, const char *account)
{
    return s->members != NULL &&
           bsearch(&account, s->members, s->member_count, sizeof(*s->members), compare_ids) != NULL;
}

int sw_org_aws_io_member(void *ctx, const char *admin_account, const char *account,
                         long long deadline_ms, bool *is_member, struct sw_error *err)
{
    struct sw_org_aws_io *s = ctx;
    *is_member = kept_member(s, account);
    if (*is_member || s->region_count == 0 ||
        (s->members_looked_up && s->members_deadline_ms == deadline_ms))
        return SW_OK; /* listed in this invocation already: the answer stands */
    struct sw_org_region_report rr;
    memset(&rr, 0, sizeof(rr));
    snprintf(rr.region, sizeof(rr.region), "%s", s->regions[s->member_region]);
    struct sw_aws_client *c = s->clients[s->member_region];
    char **ids = NULL;
    size_t n = 0;
    sw_aws_client_set_deadline(c, deadline_ms);
    int rc = list_members(c, admin_account, &rr, NULL, NULL, &ids, &n);
    if (rc != SW_OK)
        return sw_error_set(err, rc == SW_ENOMEM ? rc : SW_EAWS, "%s failed in %s: %s: %s",
                            rr.failed_api[0] ? rr.failed_api : "inspector2:ListMembers", rr.region,
                            rr.failed_code, rr.failed_message);
    keep_members(s, ids, n);
    s->members_looked_up = true;
    s->members_deadline_ms = deadline_ms;
    *is_member = kept_member(s, account);
    return SW_OK;
}

/* The regions of one run, shared read-only by their tasks but for each task's own slots. */
struct check_run {
    struct sw_org_aws_io *s;
    const char *admin;
    bool execute;
    bool reuse; /* the membership lookup of this invocation listed the members already */
    long long deadline_ms;
    size_t first;
    struct sw_org_report *out;
    int rc[SW_CFG_REGIONS_MAX];
    atomic_llong slowest_ms; /* the slowest call of the run, every region's */
};

static void check_task(void *ctx, size_t k)
{
    struct check_run *run = ctx;
    struct sw_org_aws_io *s = run->s;
    size_t i = (run->first + k) % s->region_count;
    struct run_clock clock = {
        .deadline_ms = run->deadline_ms, .bounds = s->bounds, .run_slowest_ms = &run->slowest_ms};
    run->rc[k] = check_region(s, i, run->admin, run->execute, run->reuse, run->deadline_ms, &clock,
                              &run->out->regions[k]);
    /* The reserve is the notification's: its publish may use the whole deadline. */
    sw_aws_client_set_deadline(s->clients[i], run->deadline_ms);
}

int sw_org_aws_io_check(void *ctx, const char *admin_account, bool execute, long long deadline_ms,
                        struct sw_org_report *out)
{
    struct sw_org_aws_io *s = ctx;
    sw_org_report_clear(out);
    out->execute = execute;
    snprintf(out->admin_account, sizeof(out->admin_account), "%s", admin_account);
    /* Regions rotate too (docs/organization.md, "Rotation"): they start in order from
     * first_region, ORG_REGION_CONCURRENCY at a time; after a cut run the regions that got no
     * time go first next time, so a large region cannot starve the others. */
    struct check_run run = {
        .s = s,
        .admin = admin_account,
        .execute = execute,
        .reuse = s->members_looked_up && s->members_deadline_ms == deadline_ms,
        .deadline_ms = deadline_ms,
        .first = s->region_count ? s->first_region % s->region_count : 0,
        .out = out,
    };
    atomic_init(&run.slowest_ms, 0);
    s->members_looked_up = false;
    s->members_deadline_ms = 0;
    out->region_count = s->region_count;
    (void)sw_parallel_run(s->region_count, s->cfg->org_region_concurrency, check_task, &run);
    int rc = SW_OK;
    for (size_t k = 0; k < s->region_count; k++) {
        if (run.rc[k] != SW_OK)
            rc = run.rc[k];
    }
    s->first_region = sw_org_next_first(out, run.first, s->region_count);
    return rc;
}
