/* sw_function: the per-invocation pipeline of scanwarden (docs/contract.md §1-§5).
 *
 * It wires the parts together and holds no policy of its own: events.c parses and
 * classifies, drift.c decides, notify_*.c write the text, result.c summarises, and
 * the I/O callbacks (state.c against AWS) read, write and publish. What it does
 * decide is the order: read before deciding, act before notifying, notify once. */
#include "handler/function.h"

#include "handler/events.h"
#include "handler/ids.h"
#include "handler/notify_document.h"
#include "handler/notify_drift.h"
#include "handler/notify_regions.h"
#include "handler/outbox.h"
#include "handler/result.h"
#include "handler/scope.h"
#include "handler/text.h"
#include "runtime/lr_log.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNAL_MAX 512

int sw_function_init(struct sw_function *fn, const struct sw_config *cfg, const char *region,
                     const struct sw_function_io *io, struct sw_error *err)
{
    memset(fn, 0, sizeof(*fn));
    if (!sw_region_ok(region) || strlen(region) > SW_CFG_REGION_MAX) {
        return sw_error_set(err, SW_EINVAL,
                            "AWS_REGION: \"%s\" is not a region name (e.g. eu-west-1)",
                            region ? region : "");
    }
    fn->cfg = cfg;
    fn->io = *io;
    memcpy(fn->region, region, strlen(region) + 1);
    for (size_t i = 0; i < cfg->repository_filter_count && i < SW_CFG_FILTERS_MAX; i++) {
        fn->filters[i] = cfg->repository_filters[i];
    }
    sw_finding_cache_init(&fn->seen);
    sw_rate_window_init(&fn->rate, cfg->max_notifications_per_minute);
    return SW_OK;
}

void sw_outcome_init(struct sw_outcome *out)
{
    memset(out, 0, sizeof(*out));
    sw_buf_init(&out->body, SW_RESULT_JSON_MAX > SW_FUNCTION_ERROR_MESSAGE_MAX
                                ? SW_RESULT_JSON_MAX
                                : SW_FUNCTION_ERROR_MESSAGE_MAX);
}

void sw_outcome_free(struct sw_outcome *out)
{
    sw_buf_free(&out->body);
    out->failed = false;
    out->error_type[0] = '\0';
}

static void fail(struct sw_outcome *out, const char *type, const char *msg)
{
    out->failed = true;
    snprintf(out->error_type, sizeof(out->error_type), "%s", type);
    sw_buf_reset(&out->body);
    size_t len = sw_text_utf8_prefix(msg, strlen(msg), SW_FUNCTION_ERROR_MESSAGE_MAX);
    if (sw_buf_append(&out->body, msg, len) != SW_OK) {
        sw_buf_reset(&out->body);
    }
}

static void succeed(struct sw_outcome *out, const struct sw_result *r)
{
    struct sw_error err = {0};
    if (sw_result_json(r, &out->body, &err) != SW_OK) {
        fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
    }
}

bool sw_function_arn_account(const char *arn, char out[SW_FUNCTION_ACCOUNT_MAX + 1])
{
    /* arn:partition:lambda:region:account:function:name */
    const char *p = arn;
    out[0] = '\0';
    if (p == NULL || strncmp(p, "arn:", 4) != 0) {
        return false;
    }
    for (int colons = 0; colons < 4; colons++) {
        p = strchr(p, ':');
        if (p == NULL) {
            return false;
        }
        p++;
    }
    const char *end = strchr(p, ':');
    if (end == NULL || !sw_account_id_valid(p, (size_t)(end - p))) {
        return false;
    }
    memcpy(out, p, SW_ACCOUNT_ID_LEN);
    out[SW_ACCOUNT_ID_LEN] = '\0';
    return true;
}

/* What made us look, for the notification (docs/contract.md §1.2: who changed it, when). */
static void change_context(const struct sw_event *ev, char *signal, struct sw_change_context *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    signal[0] = '\0';
    ctx->event_time = ev->env.time;
    switch (ev->kind) {
    case SW_EVENT_CLOUDTRAIL:
        ctx->trigger = SW_TRIGGER_CLOUDTRAIL;
        ctx->event_source = ev->cloudtrail.event_source;
        ctx->event_name = ev->cloudtrail.event_name;
        ctx->actor_arn = ev->cloudtrail.user_arn;
        ctx->source_ip = ev->cloudtrail.source_ip;
        if (ev->cloudtrail.event_time != NULL) {
            ctx->event_time = ev->cloudtrail.event_time;
        }
        ctx->error_code = ev->cloudtrail.error_code;
        ctx->error_message = ev->cloudtrail.error_message;
        break;
    case SW_EVENT_SECURITYHUB:
        ctx->trigger = SW_TRIGGER_SECURITY_HUB;
        snprintf(signal, SIGNAL_MAX, "Security Hub control %s FAILED%s%s",
                 ev->securityhub.control_id ? ev->securityhub.control_id : "(unknown)",
                 ev->securityhub.finding_id ? ": " : "",
                 ev->securityhub.finding_id ? ev->securityhub.finding_id : "");
        ctx->signal = signal;
        break;
    case SW_EVENT_CONFIG_COMPLIANCE:
        ctx->trigger = SW_TRIGGER_CONFIG;
        snprintf(signal, SIGNAL_MAX, "Config rule %s is %s",
                 ev->config_compliance.rule_name ? ev->config_compliance.rule_name : "(unknown)",
                 ev->config_compliance.compliance_type ? ev->config_compliance.compliance_type
                                                       : "NON_COMPLIANT");
        ctx->signal = signal;
        break;
    case SW_EVENT_ECR_SCAN_RESOURCE_CHANGE:
        ctx->trigger = SW_TRIGGER_ECR_SCAN_RESOURCE_CHANGE;
        snprintf(signal, SIGNAL_MAX, "ECR %s on %s (scan type %s)",
                 ev->scan_change.action_type ? ev->scan_change.action_type : "scan change",
                 ev->scan_change.resource_type ? ev->scan_change.resource_type : "registry",
                 ev->scan_change.scan_type ? ev->scan_change.scan_type : "unknown");
        ctx->signal = signal;
        break;
    default:
        ctx->trigger = SW_TRIGGER_SCHEDULE;
        break;
    }
}

static void desired_state(const struct sw_function *fn, const char *account,
                          struct sw_desired_state *d)
{
    const struct sw_config *cfg = fn->cfg;
    memset(d, 0, sizeof(*d));
    d->mode = cfg->mode == SW_MODE_DRY_RUN ? SW_DRIFT_MODE_DRY_RUN
              : cfg->mode == SW_MODE_OFF   ? SW_DRIFT_MODE_OFF
                                           : SW_DRIFT_MODE_ENFORCE;
    d->scan_frequency = cfg->scan_frequency == SW_SCAN_FREQUENCY_SCAN_ON_PUSH
                            ? SW_DRIFT_SCAN_ON_PUSH
                            : SW_DRIFT_CONTINUOUS_SCAN;
    d->filters = fn->filters;
    d->filter_count = cfg->repository_filter_count;
    d->rescan_duration = cfg->rescan_duration == SW_RESCAN_UNMANAGED
                             ? NULL
                             : sw_rescan_duration_name(cfg->rescan_duration);
    d->account_id = account;
    d->region = fn->region;
}

/* The answer to a drift check: RemediationFailed when the state was not restored (or
 * could not be read), else the summary. */
static void finish_check(const struct sw_result *r, struct sw_outcome *out)
{
    struct sw_buf msg;
    sw_buf_init(&msg, SW_RESULT_MESSAGE_MAX);
    if (sw_result_remediation_failed(r, &msg)) {
        lr_log(LR_LOG_ERROR, "%s", sw_buf_cstr(&msg));
        fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, sw_buf_cstr(&msg));
    } else {
        succeed(out, r);
    }
    sw_buf_free(&msg);
}

int sw_function_drift_plan(struct sw_function *fn, const char *account,
                           struct sw_actual_state *actual, struct sw_drift_plan *plan,
                           struct sw_action_result *read_failure, struct sw_error *err)
{
    struct sw_desired_state desired;
    desired_state(fn, account, &desired);
    int rc = fn->io.read_state(fn->io.ctx, account, desired.rescan_duration != NULL, actual,
                               read_failure);
    if (rc != SW_OK) {
        return sw_error_set(err, rc, "%s failed: %s: %s",
                            read_failure->api ? read_failure->api : "reading the state",
                            read_failure->error_code ? read_failure->error_code : "error",
                            read_failure->error_message ? read_failure->error_message : "");
    }
    return sw_drift_decide(&desired, actual, plan, err);
}

/* The one point every notification of an invocation goes through. Rate cap first: a
 * finding-side notification (suppressible) past MAX_NOTIFICATIONS_PER_MINUTE is only
 * recorded (*suppressed set) for the summary rate_begin publishes after the minute; drift
 * and remediation ones count but always go on. Then storm control: the first
 * MAX_NOTIFICATIONS_PER_INVOCATION are published at once, later ones are recorded and
 * folded into one summary when the invocation ends (storm_end). Returns 0 (published, or
 * recorded for a summary) or the publish failure (err set). */
static int deliver(struct sw_function *fn, struct sw_notification *n, long long now_ms,
                   bool suppressible, bool *suppressed, struct sw_error *err)
{
    n->generated_ms = now_ms;
    if (!sw_rate_window_admit(&fn->rate, now_ms, n, suppressible)) {
        if (suppressed)
            *suppressed = true;
        lr_log(LR_LOG_WARN, "notification suppressed: over MAX_NOTIFICATIONS_PER_MINUTE (%zu): %s",
               fn->rate.max, n->subject);
        return SW_OK;
    }
    return sw_outbox_offer(&fn->storm, n, fn->io.publish, fn->io.ctx, err);
}

/* The first invocation after a minute in which notifications were suppressed publishes
 * their one summary before anything else. A failed publish is logged; the summary is not
 * kept (its count is in the log line). */
static void rate_begin(struct sw_function *fn, long long now_ms)
{
    struct sw_notification summary;
    struct sw_error err = {0};
    bool built = false;
    size_t suppressed = fn->rate.suppressed;
    sw_notification_init(&summary);
    if (sw_rate_window_roll(&fn->rate, now_ms, &summary, &built, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu rate-limited notification(s) not built: %s",
               suppressed, err.msg);
    } else if (built && fn->io.publish(fn->io.ctx, &summary, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu rate-limited notification(s) not published: %s",
               suppressed, err.msg);
    } else if (built) {
        lr_log(LR_LOG_WARN,
               "published the summary of %zu notification(s) suppressed by "
               "MAX_NOTIFICATIONS_PER_MINUTE",
               suppressed);
    }
    sw_notification_free(&summary);
}

/* Publishes the summary of what deliver() recorded past the cap, if anything. */
static void storm_end(struct sw_function *fn, long long now_ms)
{
    struct sw_error err = {0};
    size_t held = fn->storm.total;
    size_t published = 0;
    if (sw_outbox_finish(&fn->storm, now_ms, fn->io.publish, fn->io.ctx, &published, &err) !=
        SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu folded notification(s) not published: %s", held,
               err.msg);
    } else if (published) {
        lr_log(LR_LOG_WARN,
               "%zu notification(s) past MAX_NOTIFICATIONS_PER_INVOCATION folded "
               "into one summary",
               held);
    }
}

/* The administrator's own drift notification in organization mode, when the members' one
 * does not carry it: held for regions_deliver (hold), else published. True when it is
 * (or will be) sent. */
static bool admin_deliver(struct sw_function *fn, struct sw_notification *account_n, bool hold,
                          long long now_ms)
{
    struct sw_error err = {0};
    if (hold) {
        sw_notification_move(&fn->region_notes[fn->region_note_count++], account_n);
        return true;
    }
    if (deliver(fn, account_n, now_ms, false, NULL, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
        return false;
    }
    return true;
}

/* SCOPE=organization: after the administrator's own account check (r), the members'
 * check, its one notification, and the answer for both. */
static void org_check(struct sw_function *fn, const struct sw_event *ev, const char *account,
                      struct sw_result *r, struct sw_notification *account_n, long long now_ms,
                      struct sw_outcome *out)
{
    struct sw_org_report *rep = &fn->org;
    struct sw_buf json, msg, org_msg;
    struct sw_notification n;
    struct sw_error err = {0};
    sw_buf_init(&json, SW_RESULT_JSON_MAX);
    sw_buf_init(&msg, SW_RESULT_MESSAGE_MAX);
    sw_buf_init(&org_msg, SW_RESULT_MESSAGE_MAX);
    sw_notification_init(&n);

    /* REGIONS: the other regions' administrator drift is not known yet, so both this
     * region's and the members' notification are held for regions_deliver to fold. */
    bool hold = fn->region_notes != NULL && fn->region_note_count < fn->region_note_cap;

    if (fn->org_io.check(fn->org_io.ctx, account, fn->cfg->mode == SW_MODE_ENFORCE, fn->deadline_ms,
                         rep) != SW_OK) {
        if (account_n != NULL)
            (void)admin_deliver(fn, account_n, hold, now_ms);
        fail(out, SW_FUNCTION_ERROR_INTERNAL, "organization check: out of memory");
        goto out_free;
    }
    bool org_built = false;
    if (sw_org_report_notable(rep)) {
        char signal[SIGNAL_MAX];
        struct sw_change_context ctx;
        change_context(ev, signal, &ctx);
        if (sw_org_notify_build(rep, &ctx, &n, &err) != SW_OK ||
            (!hold && account_n != NULL &&
             sw_org_notify_add_account(&n, account_n, &err) != SW_OK)) {
            lr_log(LR_LOG_ERROR, "organization notification not built: %s", err.msg);
        } else if (hold) {
            org_built = true;
            sw_notification_move(&fn->org_note, &n);
            fn->org_note_held = true;
            if (account_n != NULL)
                (void)admin_deliver(fn, account_n, true, now_ms);
            r->notified = true; /* regions_deliver sends it, with every region's admin drift */
        } else {
            org_built = true;
            if (deliver(fn, &n, now_ms, false, NULL, &err) != SW_OK) {
                lr_log(LR_LOG_ERROR, "organization notification not published: %s", err.msg);
            } else {
                r->notified = true;
            }
        }
    }
    if (!org_built && account_n != NULL) /* only the administrator's own account drifted */
        r->notified = admin_deliver(fn, account_n, hold, now_ms);
    if (sw_org_report_json(rep, &json, &err) == SW_OK) {
        r->organization_json = sw_buf_cstr(&json);
    }
    bool account_failed = sw_result_remediation_failed(r, &msg);
    bool members_failed = sw_org_report_failed(rep, &org_msg);
    if (account_failed || members_failed) {
        if (account_failed && members_failed) {
            (void)sw_buf_append_str(&msg, "; ");
        }
        (void)sw_buf_append_str(&msg, sw_buf_cstr(&org_msg));
        lr_log(LR_LOG_ERROR, "%s", sw_buf_cstr(&msg));
        fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, sw_buf_cstr(&msg));
    } else {
        succeed(out, r);
    }
out_free:
    sw_notification_free(&n);
    sw_buf_free(&org_msg);
    sw_buf_free(&msg);
    sw_buf_free(&json);
}

/* The account the function manages (the invoked function ARN's, else io.own_account), and
 * whether ev may make it act there (handler/scope.c; in organization scope an account that
 * is not the administrator's is looked up among the current members). False, with *out
 * answered, when it may not: handled:false with the reason, or RemediationFailed when the
 * account or a membership could not be told. No other AWS call is made before this says yes. */
static bool scope_gate(struct sw_function *fn, const struct sw_event *ev, const char *function_arn,
                       char account[SW_FUNCTION_ACCOUNT_MAX + 1], char *reason,
                       struct sw_outcome *out)
{
    struct sw_error err = {0};
    char msg[SW_SCOPE_REASON_MAX + sizeof(err.msg)];
    if (!sw_function_arn_account(function_arn, account) &&
        (fn->io.own_account == NULL || fn->io.own_account(fn->io.ctx, account, &err) != SW_OK)) {
        snprintf(msg, sizeof(msg), "no account to check: the invoked function ARN has none%s%s",
                 err.msg[0] ? ", and " : "", err.msg);
        lr_log(LR_LOG_ERROR, "%s", msg);
        fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, msg);
        return false;
    }
    const char *others[SW_CFG_REGIONS_MAX];
    size_t other_count =
        fn->extra_count < SW_CFG_REGIONS_MAX ? fn->extra_count : SW_CFG_REGIONS_MAX;
    for (size_t i = 0; i < other_count; i++)
        others[i] = fn->extra[i].region;
    struct sw_scope_rule sc = {account, fn->region, others, other_count,
                               fn->cfg->scope == SW_SCOPE_ORGANIZATION};
    const char *ask[SW_SCOPE_ASK_MAX];
    size_t ask_count = 0;
    enum sw_scope_verdict v =
        sw_scope_decide(ev, &sc, ask, &ask_count, reason, SW_SCOPE_REASON_MAX);
    for (size_t i = 0; v == SW_SCOPE_ASK_MEMBER && i < ask_count; i++) {
        bool member = false;
        if (fn->org_io.member == NULL ||
            fn->org_io.member(fn->org_io.ctx, account, ask[i], fn->deadline_ms, &member, &err) !=
                SW_OK) {
            snprintf(msg, sizeof(msg),
                     "organization: cannot tell whether account %s is a member: %s", ask[i],
                     err.msg[0] ? err.msg : "no member lookup");
            lr_log(LR_LOG_ERROR, "%s", msg);
            fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, msg);
            return false;
        }
        if (!member) {
            sw_scope_not_member(ask[i], &sc, reason, SW_SCOPE_REASON_MAX);
            v = SW_SCOPE_REFUSE;
        }
    }
    if (v == SW_SCOPE_REFUSE) {
        struct sw_result r = {
            .handled = false, .event_kind = sw_event_kind_name(ev->kind), .reason = reason};
        lr_log(LR_LOG_WARN, "%s event not acted on: %s", r.event_kind, reason);
        succeed(out, &r);
        return false;
    }
    return true;
}

/* The drift check of account (the function's own, see scope_gate) in fn->region. */
static void drift_check(struct sw_function *fn, const struct sw_event *ev, const char *account,
                        long long now_ms, struct sw_outcome *out)
{
    struct sw_result r = {.handled = true, .event_kind = sw_event_kind_name(ev->kind)};
    if (fn->cfg->mode == SW_MODE_OFF) {
        r.reason = "REMEDIATION_MODE is off: no drift check";
        lr_log(LR_LOG_INFO, "%s event: remediation mode off, drift check skipped", r.event_kind);
        succeed(out, &r);
        return;
    }

    struct sw_desired_state desired;
    desired_state(fn, account, &desired);
    struct sw_actual_state actual = {0};
    struct sw_action_result read_failure = {0};
    struct sw_drift_plan plan = {0};
    struct sw_action_result results[SW_DRIFT_ACTIONS_MAX] = {{0}};
    struct sw_notification n;
    struct sw_error err = {0};
    sw_notification_init(&n);
    /* Organization mode: the account's notification goes out inside the members' one. */
    bool org_home =
        fn->cfg->scope == SW_SCOPE_ORGANIZATION && fn->org_io.check != NULL && !fn->in_extra_region;
    bool held = false;

    if (fn->io.read_state(fn->io.ctx, account, desired.rescan_duration != NULL, &actual,
                          &read_failure) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift check for %s/%s: %s failed: %s: %s", account, fn->region,
               read_failure.api ? read_failure.api : "reading the state",
               read_failure.error_code ? read_failure.error_code : "error",
               read_failure.error_message ? read_failure.error_message : "");
        r.read_failure = &read_failure;
        goto out_result;
    }
    if (sw_drift_decide(&desired, &actual, &plan, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift check for %s/%s: %s", account, fn->region, err.msg);
        fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_plan;
    }
    r.plan = &plan;
    if (plan.item_count == 0) {
        lr_log(LR_LOG_INFO, "drift check for %s/%s: nothing drifted", account, fn->region);
        goto out_result;
    }
    if (plan.execute) {
        fn->io.perform(fn->io.ctx, &plan, results);
        r.results = results;
        r.result_count = plan.action_count;
    }

    char signal[SIGNAL_MAX];
    struct sw_change_context ctx;
    change_context(ev, signal, &ctx);
    if (sw_notify_drift_build(&plan, &ctx, r.results, r.result_count, &n, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift notification not built: %s", err.msg);
    } else if (org_home) {
        held = true; /* org_check sends it, with the members' summary when there is one */
    } else if (fn->region_notes != NULL && fn->region_note_count < fn->region_note_cap) {
        sw_notification_move(&fn->region_notes[fn->region_note_count++], &n);
        r.notified = true; /* regions_deliver sends it, with the other regions' */
    } else if (deliver(fn, &n, now_ms, false, NULL, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
    } else {
        r.notified = true;
    }
    lr_log(LR_LOG_INFO, "drift check for %s/%s: %zu drift(s), %zu action(s), mode %s%s", account,
           fn->region, plan.item_count, r.result_count, sw_drift_mode_str(plan.mode),
           r.notified ? ", notified" : "");

out_result:
    if (org_home) {
        org_check(fn, ev, account, &r, held ? &n : NULL, now_ms, out);
    } else {
        finish_check(&r, out);
    }
out_plan:
    sw_drift_plan_clear(&plan);
    sw_notification_free(&n);
}

/* "Running in ..." for an image finding (AFFECTED_WORKLOADS=on): fail-soft, a failed or
 * denied lookup becomes a note in the notification, never a missing notification. */
static void affected_workloads(struct sw_function *fn, const struct sw_finding *f,
                               struct sw_notification *n)
{
    struct sw_workloads *w = calloc(1, sizeof(*w));
    struct sw_error err = {0};
    const char *failure = NULL;
    if (w == NULL) {
        failure = "out of memory";
    } else if (fn->io.workloads(fn->io.ctx, f->resource_id, fn->deadline_ms, w, &err) != SW_OK) {
        lr_log(LR_LOG_WARN, "affected workloads of %s not known: %s", f->resource_id, err.msg);
        failure = err.msg;
    }
    struct sw_workloads none = {0};
    struct sw_error aerr = {0};
    if (sw_workloads_annotate(n, w ? w : &none, failure, &aerr) != SW_OK) {
        lr_log(LR_LOG_WARN, "affected workloads not added: %s", aerr.msg);
    }
    free(w);
}

/* REGIONS: hold the (administrator's) account drift notifications of this check and, in
 * organization scope, the members' one (regions_deliver sends them as one). Without
 * REGIONS, or when out of memory, each goes out by itself. */
static void regions_hold(struct sw_function *fn)
{
    fn->region_note_count = 0;
    fn->region_note_cap = 0;
    fn->region_notes = NULL;
    fn->org_note_held = false;
    sw_notification_init(&fn->org_note);
    if (fn->extra_count == 0)
        return;
    size_t cap = 1 + (fn->extra_count < SW_CFG_REGIONS_MAX ? fn->extra_count : SW_CFG_REGIONS_MAX);
    fn->region_notes = calloc(cap, sizeof(*fn->region_notes));
    if (fn->region_notes == NULL) {
        lr_log(LR_LOG_WARN, "REGIONS: out of memory: one notification per drifted region");
        return;
    }
    for (size_t i = 0; i < cap; i++)
        sw_notification_init(&fn->region_notes[i]);
    fn->region_note_cap = cap;
}

/* Organization scope: the administrator's drift in every region (parts, home first when it
 * drifted) into the members' notification, then that one notification out. Two or more
 * regions are combined first (notify_regions.c): the administrator section is then over
 * all of them, with each region's own under organization.administrator_regions. */
static void org_fold_deliver(struct sw_function *fn, struct sw_notification *parts, size_t count,
                             long long now_ms)
{
    struct sw_notification all;
    struct sw_error err = {0};
    sw_notification_init(&all);
    struct sw_notification *admin = count == 1 ? &parts[0] : NULL;
    if (count >= 2 && sw_notify_regions_build(parts, count, &all, &err) == SW_OK)
        admin = &all;
    else if (count >= 2)
        lr_log(LR_LOG_ERROR, "administrator regions not combined: %s", err.msg);
    if (admin != NULL) {
        cJSON *per_region = admin == &all && all.document != NULL
                                ? cJSON_DetachItemFromObjectCaseSensitive(all.document, "regions")
                                : NULL;
        if (sw_org_notify_add_account(&fn->org_note, admin, &err) != SW_OK) {
            lr_log(LR_LOG_ERROR,
                   "administrator drift not added to the organization "
                   "notification: %s",
                   err.msg);
            cJSON_Delete(per_region);
        } else {
            cJSON *org =
                fn->org_note.document
                    ? cJSON_GetObjectItemCaseSensitive(fn->org_note.document, "organization")
                    : NULL;
            if (org == NULL || per_region == NULL ||
                !cJSON_AddItemToObject(org, "administrator_regions", per_region))
                cJSON_Delete(per_region);
            else
                sw_notification_finish(&fn->org_note);
        }
    }
    if (deliver(fn, &fn->org_note, now_ms, false, NULL, &err) != SW_OK)
        lr_log(LR_LOG_ERROR, "organization notification not published: %s", err.msg);
    sw_notification_free(&all);
}

/* One notification for the drifted regions: one as it is, two or more combined (or, if the
 * combined one cannot be built, each by itself); in organization scope, folded into the
 * members' one when there is one. */
static void regions_deliver(struct sw_function *fn, long long now_ms)
{
    struct sw_notification *parts = fn->region_notes;
    size_t count = fn->region_note_count;
    struct sw_notification all;
    struct sw_error err = {0};
    fn->region_notes = NULL;
    sw_notification_init(&all);
    if (fn->org_note_held) {
        org_fold_deliver(fn, parts, count, now_ms);
        count = 0;
    }
    if (count >= 2) {
        if (sw_notify_regions_build(parts, count, &all, &err) == SW_OK) {
            if (deliver(fn, &all, now_ms, false, NULL, &err) != SW_OK)
                lr_log(LR_LOG_ERROR, "regions notification not published: %s", err.msg);
            count = 0;
        } else {
            lr_log(LR_LOG_ERROR, "regions notification not built (one per region): %s", err.msg);
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (deliver(fn, &parts[i], now_ms, false, NULL, &err) != SW_OK)
            lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
    }
    for (size_t i = 0; i < fn->region_note_cap; i++)
        sw_notification_free(&parts[i]);
    free(parts);
    sw_notification_free(&all);
    sw_notification_free(&fn->org_note);
    fn->org_note_held = false;
    fn->region_note_count = 0;
    fn->region_note_cap = 0;
}

/* REGIONS: the same account check in every other region, each with its own I/O (client);
 * their notifications are held for one (regions_deliver). The answer stays the home
 * region's, unless a region failed: then the first failure is the answer
 * (RemediationFailed names the region). */
static void extra_regions_check(struct sw_function *fn, const struct sw_event *ev,
                                const char *account, long long now_ms, struct sw_outcome *out)
{
    char home[sizeof(fn->region)];
    struct sw_function_io home_io = fn->io;
    memcpy(home, fn->region, sizeof(home));
    for (size_t i = 0; i < fn->extra_count && i < SW_CFG_REGIONS_MAX; i++) {
        struct sw_outcome o;
        sw_outcome_init(&o);
        memcpy(fn->region, fn->extra[i].region, sizeof(fn->region));
        fn->io = fn->extra[i].io;
        fn->in_extra_region = true;
        drift_check(fn, ev, account, now_ms, &o);
        fn->in_extra_region = false;
        fn->io = home_io;
        memcpy(fn->region, home, sizeof(home));
        if (o.failed && !out->failed) {
            fail(out, o.error_type, sw_buf_cstr(&o.body));
        }
        sw_outcome_free(&o);
    }
}

static void notify_event(struct sw_function *fn, const struct sw_event *ev, long long now_ms,
                         struct sw_outcome *out)
{
    struct sw_result r = {.handled = true, .event_kind = sw_event_kind_name(ev->kind)};
    enum sw_notify_verdict v = sw_notify_event_verdict(ev, fn->cfg->min_severity);
    bool finding = ev->kind == SW_EVENT_FINDING;
    if (v == SW_NOTIFY_YES && finding && sw_finding_cache_contains(&fn->seen, &ev->finding)) {
        v = SW_NOTIFY_DUPLICATE;
    }
    if (v != SW_NOTIFY_YES) {
        r.reason = sw_notify_verdict_name(v);
        lr_log(LR_LOG_INFO, "%s event: not notified (%s)", r.event_kind, r.reason);
        succeed(out, &r);
        return;
    }

    struct sw_notification n;
    struct sw_error err = {0};
    sw_notification_init(&n);
    if (sw_notify_event_build(ev, fn->cfg->min_severity, now_ms, &n, &err) != SW_OK) {
        fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_free;
    }
    if (finding && sw_notify_mark_priority(&ev->finding, fn->cfg->epss_alert, &n, &err) != SW_OK) {
        fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_free;
    }
    if (finding && fn->cfg->affected_workloads && fn->io.workloads &&
        sw_workloads_wanted(&ev->finding)) {
        affected_workloads(fn, &ev->finding, &n);
    }
    char subject[sizeof(n.subject)];
    memcpy(subject, n.subject, sizeof(subject));
    if (deliver(fn, &n, now_ms, true, &r.rate_limited, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "%s notification not published: %s", r.event_kind, err.msg);
        fail(out, SW_FUNCTION_ERROR_NOTIFICATION_FAILED, err.msg);
        goto out_free;
    }
    if (finding) { /* a suppressed one too: it is in the summary, and no flood repeats it */
        sw_finding_cache_add(&fn->seen, &ev->finding);
    }
    r.notified = !r.rate_limited;
    lr_log(LR_LOG_INFO, "%s event: %s: %s", r.event_kind,
           r.rate_limited ? "rate limited (summarised later)" : "notified", subject);
    succeed(out, &r);
out_free:
    sw_notification_free(&n);
}

void sw_function_handle(struct sw_function *fn, const char *payload, size_t len,
                        const char *function_arn, long long now_ms, struct sw_outcome *out)
{
    struct sw_event ev;
    struct sw_error err = {0};
    out->failed = false;
    out->error_type[0] = '\0';
    sw_buf_reset(&out->body);

    sw_outbox_init(&fn->storm, fn->cfg->max_notifications_per_invocation);
    rate_begin(fn, now_ms);
    int rc = sw_event_parse(payload, len, &ev, &err);
    if (rc == SW_ENOMEM) {
        fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_clear;
    }
    if (rc != SW_OK) {
        lr_log(LR_LOG_WARN, "invalid event: %s", err.msg);
        fail(out, SW_FUNCTION_ERROR_INVALID_EVENT, err.msg);
        goto out_clear;
    }

    /* Member changes matter in organization mode only (docs/contract.md §2.5). */
    if (ev.cls == SW_CLASS_UNHANDLED && fn->cfg->scope == SW_SCOPE_ORGANIZATION &&
        sw_org_event_triggers(ev.env.source, ev.env.detail_type,
                              ev.kind == SW_EVENT_CLOUDTRAIL ? ev.cloudtrail.event_name : NULL)) {
        ev.cls = SW_CLASS_DRIFT_CHECK;
        ev.unhandled_reason = NULL;
    }
    switch (ev.cls) {
    case SW_CLASS_DRIFT_CHECK: {
        char account[SW_FUNCTION_ACCOUNT_MAX + 1] = "";
        char reason[SW_SCOPE_REASON_MAX];
        if (fn->cfg->mode != SW_MODE_OFF &&
            !scope_gate(fn, &ev, function_arn, account, reason, out))
            break;
        regions_hold(fn);
        drift_check(fn, &ev, account, now_ms, out);
        extra_regions_check(fn, &ev, account, now_ms, out);
        regions_deliver(fn, now_ms);
        break;
    }
    case SW_CLASS_NOTIFY:
        notify_event(fn, &ev, now_ms, out);
        break;
    default: {
        struct sw_result r = {.handled = false,
                              .event_kind = sw_event_kind_name(ev.kind),
                              .reason = ev.unhandled_reason};
        lr_log(LR_LOG_INFO, "unhandled event: source %s, detail-type %s: %s",
               ev.env.source ? ev.env.source : "(none)",
               ev.env.detail_type ? ev.env.detail_type : "(none)",
               ev.unhandled_reason ? ev.unhandled_reason : "matches no rule");
        succeed(out, &r);
        break;
    }
    }
out_clear:
    storm_end(fn, now_ms);
    sw_event_clear(&ev);
}
