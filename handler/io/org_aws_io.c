/* sw_org_aws_io: lists, reads and enables organization members, region by region.
 *
 * Thin I/O over handler/aws/inspector2.c: every decision (who counts, what drifted, the
 * next batch, whether it fits before the deadline) is asked of org.c. A failed Enable
 * or a failedAccounts entry is recorded for its accounts and the run goes on; a failed
 * listing or status read stops that region only (deciding on a guess could skip members). */
#include "handler/io/org_aws_io.h"

#include "handler/core/clock.h"
#include "handler/aws/inspector2.h"
#include "runtime/lr_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sw_org_aws_io_init(struct sw_org_aws_io *s, const struct sw_config *cfg,
                       struct sw_aws_client *home, struct sw_error *err)
{
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    const char *home_region = sw_aws_client_region(home);
    size_t n = cfg->region_count > 0 ? cfg->region_count : 1;
    for (size_t i = 0; i < n && i < SW_CFG_REGIONS_MAX; i++) {
        const char *r = cfg->region_count > 0 ? cfg->regions[i] : home_region;
        snprintf(s->regions[i], sizeof(s->regions[i]), "%s", r);
        if (strcmp(r, home_region) == 0) {
            s->clients[i] = home;
        } else {
            struct sw_aws_client_options opt = {.region = s->regions[i]};
            s->clients[i] = sw_aws_client_new(&opt, err);
            if (s->clients[i] == NULL) {
                sw_error_wrap(err, "REGIONS: client for %s", r);
                sw_org_aws_io_clear(s);
                return err ? err->code : SW_EINVAL;
            }
            s->owned[i] = true;
        }
        s->region_count++;
    }
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
        if (s->owned[i])
            sw_aws_client_free(s->clients[i]);
    }
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

/* Every associated member but the admin, sorted, into *ids_out (owned by the caller). */
static int list_members(struct sw_aws_client *c, const char *admin, struct sw_org_region_report *rr,
                        char ***ids_out, size_t *n_out)
{
    char **ids = NULL;
    size_t n = 0, cap = 0;
    char token[SW_INSPECTOR2_NEXT_TOKEN_MAX] = "";
    int rc = SW_OK;
    for (size_t page = 0; page < SW_ORG_PAGES_MAX; page++) {
        struct sw_member_list l = {0};
        struct sw_aws_error aerr;
        struct sw_error err = {0};
        rr->calls++;
        rc = sw_inspector2_list_members(c, true, token, &l, &aerr, &err);
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
        if (rc != SW_OK || token[0] == '\0')
            break;
    }
    if (rc == SW_ELIMIT) {
        struct sw_error err = {0};
        sw_error_set(&err, rc, "more than %d members", SW_ORG_MEMBERS_MAX);
        region_failed(rr, "inspector2:ListMembers", rc, &(struct sw_aws_error){0}, &err);
    }
    if (rc != SW_OK) {
        free_ids(ids, n);
        return rc;
    }
    *ids_out = ids;
    *n_out = sw_org_sort_ids(ids, n);
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

/* Enables ECR for the batch's drifted members (report entries first..end) and records
 * each result. */
static int enable_batch(struct sw_aws_client *c, struct sw_org_region_report *rr, size_t first)
{
    const char *ids[SW_ORG_BATCH_MAX];
    const char *types[] = {"ECR"};
    size_t n = 0;
    for (size_t i = first; i < rr->drifted_count && n < SW_ORG_BATCH_MAX; i++) {
        if (rr->drifted[i].error_code[0] == '\0')
            ids[n++] = rr->drifted[i].account_id;
    }
    if (n == 0)
        return SW_OK;
    struct sw_enable_result res = {0};
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    rr->calls++;
    int rc = sw_inspector2_enable(c, ids, n, types, 1, &res, &aerr, &err);
    for (size_t i = first; i < rr->drifted_count; i++) {
        struct sw_org_account *a = &rr->drifted[i];
        if (a->error_code[0] != '\0')
            continue;
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
    return SW_OK;
}

/* Reads one batch's statuses, records the drifted members, enables them. */
static int check_batch(struct sw_aws_client *c, bool execute, struct sw_org_region_report *rr,
                       const char *const *ids, size_t n)
{
    struct sw_account_status_list st = {0};
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    rr->calls++;
    int rc = sw_inspector2_batch_get_account_status(c, ids, n, &st, &aerr, &err);
    if (rc != SW_OK) {
        region_failed(rr, "inspector2:BatchGetAccountStatus", rc, &aerr, &err);
        sw_account_status_list_clear(&st);
        return rc == SW_ENOMEM ? rc : SW_EAWS;
    }
    size_t first = rr->drifted_count;
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
        }
    }
    rr->checked += n;
    sw_account_status_list_clear(&st);
    if (rc == SW_OK && execute)
        rc = enable_batch(c, rr, first);
    return rc;
}

/* Organization auto-enable for ECR is part of the desired state: new members get it. */
static void check_auto_enable(struct sw_aws_client *c, bool execute,
                              struct sw_org_region_report *rr)
{
    struct sw_inspector2_auto_enable ae;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    rr->calls++;
    int rc = sw_inspector2_describe_organization_configuration(c, &ae, &aerr, &err);
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
    rr->calls++;
    rc = sw_inspector2_update_organization_configuration(c, &ae, &aerr, &err);
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

static int check_region(struct sw_org_aws_io *s, size_t ri, const char *admin, bool execute,
                        long long deadline_ms, struct sw_org_region_report *rr)
{
    struct sw_aws_client *c = s->clients[ri];
    char **ids = NULL;
    size_t n = 0;
    snprintf(rr->region, sizeof(rr->region), "%s", s->regions[ri]);
    sw_aws_client_set_deadline(c, deadline_ms);
    if (!sw_org_batch_fits(sw_clock_now_ms(), deadline_ms, 0)) {
        rr->cut = true; /* no time left for this region: the next run starts with it */
        lr_log(LR_LOG_WARN, "organization check in %s: no time left before the deadline",
               rr->region);
        return SW_OK;
    }
    check_auto_enable(c, execute, rr);
    /* The membership lookup of this invocation listed them already: not twice. */
    bool reuse =
        ri == s->member_region && deadline_ms != 0 && s->members_deadline_ms == deadline_ms;
    int rc = SW_OK;
    s->members_deadline_ms = 0;
    if (reuse) {
        ids = s->members;
        n = s->member_count;
    } else {
        rc = list_members(c, admin, rr, &ids, &n);
    }
    if (rc != SW_OK)
        return rc == SW_ENOMEM ? rc : SW_OK;
    rr->member_count = n;
    size_t start = sw_org_start(n, s->have_offset[ri], s->offset[ri], sw_clock_now_ms());
    rr->start = start;
    size_t done = 0;
    long long slowest = 0;
    while (done < n) {
        long long t0 = sw_clock_now_ms();
        if (!sw_org_batch_fits(t0, deadline_ms, slowest)) {
            rr->cut = true;
            lr_log(LR_LOG_WARN,
                   "organization check in %s: stopping before the deadline, %zu of %zu "
                   "members checked; the next run continues",
                   rr->region, done, n);
            break;
        }
        size_t idx[SW_ORG_BATCH_MAX];
        const char *batch[SW_ORG_BATCH_MAX];
        size_t count = sw_org_next_batch(n, start, done, SW_ORG_BATCH_MAX, idx);
        for (size_t k = 0; k < count; k++)
            batch[k] = ids[idx[k]];
        rc = check_batch(c, execute, rr, batch, count);
        if (rc != SW_OK)
            break;
        done += count;
        long long took = sw_clock_now_ms() - t0;
        if (took > slowest)
            slowest = took;
    }
    rr->next_start = n ? (start + done) % n : 0;
    s->have_offset[ri] = true;
    s->offset[ri] = rr->next_start;
    lr_log(LR_LOG_INFO,
           "organization check in %s: %zu members, %zu checked from #%zu, %zu drifted, %zu AWS "
           "calls%s",
           rr->region, n, rr->checked, start, rr->drifted_count, rr->calls,
           rr->cut ? ", cut by the deadline" : "");
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
        (deadline_ms != 0 && s->members_deadline_ms == deadline_ms))
        return SW_OK; /* listed in this invocation already: the answer stands */
    struct sw_org_region_report rr;
    memset(&rr, 0, sizeof(rr));
    snprintf(rr.region, sizeof(rr.region), "%s", s->regions[s->member_region]);
    struct sw_aws_client *c = s->clients[s->member_region];
    char **ids = NULL;
    size_t n = 0;
    sw_aws_client_set_deadline(c, deadline_ms);
    int rc = list_members(c, admin_account, &rr, &ids, &n);
    if (rc != SW_OK)
        return sw_error_set(err, rc == SW_ENOMEM ? rc : SW_EAWS, "%s failed in %s: %s: %s",
                            rr.failed_api[0] ? rr.failed_api : "inspector2:ListMembers", rr.region,
                            rr.failed_code, rr.failed_message);
    keep_members(s, ids, n);
    s->members_deadline_ms = deadline_ms;
    *is_member = kept_member(s, account);
    return SW_OK;
}

int sw_org_aws_io_check(void *ctx, const char *admin_account, bool execute, long long deadline_ms,
                        struct sw_org_report *out)
{
    struct sw_org_aws_io *s = ctx;
    sw_org_report_clear(out);
    out->execute = execute;
    snprintf(out->admin_account, sizeof(out->admin_account), "%s", admin_account);
    int rc = SW_OK;
    /* Regions rotate too: after a run cut by the deadline, the next one starts with the
     * region after the one that was cut (with that one when it got no time at all), so a
     * large region cannot starve the others; it continues from its own offset later. */
    size_t first = s->region_count ? s->first_region % s->region_count : 0;
    bool cut = false;
    for (size_t k = 0; k < s->region_count && rc == SW_OK; k++) {
        size_t i = (first + k) % s->region_count;
        struct sw_org_region_report *rr = &out->regions[out->region_count++];
        rc = check_region(s, i, admin_account, execute, deadline_ms, rr);
        if (rr->cut && !cut) {
            cut = true;
            s->first_region = sw_org_next_first_region(i, rr->checked, s->region_count);
        }
    }
    return rc;
}
