/* sw_function: the per-invocation pipeline of scanwarden (docs/contract.md §1-§5).
 *
 * classify -> drift check or finding -> result. It wires the parts together and holds no
 * policy of its own: events.c parses and classifies (scope included), scope.c says where
 * it may act, drift.c decides, notify_*.c write the text, delivery.c caps and publishes,
 * org_run.c and regions_run.c add the organization and REGIONS sides, result.c and
 * outcome.c answer, and the I/O callbacks (aws_io.c against AWS) read, write and publish.
 * What it does decide is the order: read before deciding, act before notifying, notify
 * once. Per-invocation state lives in struct invocation, never in struct sw_function. */
#include "handler/function.h"

#include "handler/parse/events.h"
#include "handler/core/ids.h"
#include "handler/delivery.h"
#include "handler/notify/notify_document.h"
#include "handler/notify/notify_text.h"
#include "handler/decide/notify_drift.h"
#include "handler/org_run.h"
#include "handler/regions_run.h"
#include "handler/decide/result.h"
#include "handler/decide/scope.h"
#include "handler/core/text.h"
#include "runtime/lr_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNAL_MAX 512

int sw_function_init(struct sw_function *fn, const struct sw_config *cfg, const char *region,
                     const struct sw_function_wiring *w, struct sw_error *err)
{
    memset(fn, 0, sizeof(*fn));
    if (!sw_region_ok(region) || strlen(region) > SW_CFG_REGION_MAX) {
        return sw_error_set(err, SW_EINVAL,
                            "AWS_REGION: \"%s\" is not a region name (e.g. eu-west-1)",
                            region ? region : "");
    }
    if (w->region_count > SW_CFG_REGIONS_MAX) {
        return sw_error_set(err, SW_EINVAL, "REGIONS: %zu regions, more than the %d accepted",
                            w->region_count, SW_CFG_REGIONS_MAX);
    }
    fn->cfg = cfg;
    fn->io = w->io;
    fn->org_io = w->org;
    for (size_t i = 0; i < w->region_count; i++)
        fn->extra[i] = w->regions[i];
    fn->extra_count = w->region_count;
    memcpy(fn->region, region, strlen(region) + 1);
    for (size_t i = 0; i < cfg->repository_filter_count && i < SW_CFG_FILTERS_MAX; i++) {
        fn->filters[i] = cfg->repository_filters[i];
    }
    sw_finding_cache_init(&fn->seen);
    sw_rate_window_init(&fn->rate, cfg->max_notifications_per_minute);
    return SW_OK;
}

/* One invocation's state (lives on the stack of sw_function_handle). */
struct invocation {
    const struct sw_function *fn;
    const struct sw_event *ev;
    const char *account; /* the account checked (drift check only) */
    long long now_ms;
    long long deadline_ms;           /* AWS calls keep it (0 = none) */
    struct sw_delivery send;         /* every notification goes out through this */
    struct sw_regions_hold hold;     /* REGIONS: the check's held notifications */
    struct sw_change_context change; /* what made us look (drift check only) */
    char signal[SIGNAL_MAX];         /* text change.signal points into */
};

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

/* Whom the run concerned (account, else the event's) and, for a CloudTrail event, who made
 * the change: the result's account, actor_arn and source_ip (docs/contract.md §5.1). */
static void result_who(const struct sw_event *ev, const char *account, struct sw_result *r)
{
    r->account = account != NULL && account[0] != '\0' ? account : ev->env.account;
    if (ev->kind == SW_EVENT_CLOUDTRAIL) {
        r->actor_arn = ev->cloudtrail.user_arn;
        r->source_ip = ev->cloudtrail.source_ip;
    }
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

static void desired_state(const struct sw_function *fn, const char *region, const char *account,
                          struct sw_desired_state *d)
{
    const struct sw_config *cfg = fn->cfg;
    memset(d, 0, sizeof(*d));
    d->mode = cfg->mode;
    d->scan_frequency = cfg->scan_frequency;
    d->filters = fn->filters;
    d->filter_count = cfg->repository_filter_count;
    d->rescan_duration = cfg->rescan_duration == SW_RESCAN_UNMANAGED
                             ? NULL
                             : sw_rescan_duration_name(cfg->rescan_duration);
    d->account_id = account;
    d->region = region;
}

/* Reads the state of account in where->region through where->io and decides: the one
 * read-and-decide step of the drift check and the operator's --check. *read_failed says
 * which step failed (err set either way). */
static int read_and_decide(const struct sw_function *fn, const struct sw_function_region *where,
                           const char *account, struct sw_actual_state *actual,
                           struct sw_drift_plan *plan, struct sw_action_result *read_failure,
                           bool *read_failed, struct sw_error *err)
{
    struct sw_desired_state desired;
    desired_state(fn, where->region, account, &desired);
    *read_failed = false;
    int rc = where->io.read_state(where->io.ctx, account, desired.rescan_duration != NULL, actual,
                                  read_failure);
    if (rc != SW_OK) {
        *read_failed = true;
        return sw_error_set(err, rc, "%s failed: %s: %s",
                            read_failure->api ? read_failure->api : "reading the state",
                            read_failure->error_code ? read_failure->error_code : "error",
                            read_failure->error_message ? read_failure->error_message : "");
    }
    return sw_drift_decide(&desired, actual, plan, err);
}

int sw_function_drift_plan(const struct sw_function *fn, const char *account,
                           struct sw_actual_state *actual, struct sw_drift_plan *plan,
                           struct sw_action_result *read_failure, struct sw_error *err)
{
    struct sw_function_region home = {.io = fn->io};
    bool read_failed;
    memcpy(home.region, fn->region, sizeof(home.region));
    return read_and_decide(fn, &home, account, actual, plan, read_failure, &read_failed, err);
}

/* The account's drift notification: held for the organization run (*org_held), held for
 * the other regions' (REGIONS), else published. True when it is (or will be) sent. */
static bool drift_notify(struct invocation *inv, struct sw_notification *n, bool org_home,
                         bool *org_held)
{
    struct sw_error err = {0};
    if (org_home) {
        *org_held = true; /* sw_org_run sends it, with the members' summary when there is one */
        return false;
    }
    if (sw_regions_take(&inv->hold, n))
        return true; /* sw_regions_deliver sends it, with the other regions' */
    if (sw_delivery_send(&inv->send, n, false, NULL, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
        return false;
    }
    return true;
}

/* After the account's check (r; n its notification when held for it): in organization
 * scope in the function's region, the members' run; else the answer for the account. */
static void check_answer(struct invocation *inv, bool org_home, struct sw_result *r,
                         struct sw_notification *n, struct sw_org_report *report,
                         struct sw_outcome *out)
{
    const struct sw_function *fn = inv->fn;
    if (!org_home) {
        sw_outcome_check(out, r);
        return;
    }
    struct sw_org_run run = {.io = &fn->org_io,
                             .execute = fn->cfg->mode == SW_MODE_ENFORCE,
                             .deadline_ms = inv->deadline_ms,
                             .change = &inv->change,
                             .send = &inv->send,
                             .hold = &inv->hold,
                             .report = report};
    sw_org_run(&run, inv->account, r, n, out);
}

/* A check triggered by a Security Hub finding, in the function's own region: writes back on
 * the finding what was restored (RESOLVED), would be (dry-run: NOTIFIED) or failed (a note
 * only), docs/contract.md "Security Hub findings". Its failure never fails the check: it is
 * logged and put in the result (r->securityhub_*, which may point into c and error). */
static void close_finding(const struct invocation *inv, const struct sw_function_region *where,
                          const struct sw_drift_plan *plan, struct sw_result *r,
                          struct sw_sechub_close *c, char *error, size_t error_cap)
{
    const struct sw_securityhub *sh = &inv->ev->securityhub;
    if (inv->ev->kind != SW_EVENT_SECURITYHUB || !sh->finding_id || !sh->product_arn ||
        !where->io.close_finding || strcmp(where->region, inv->fn->region) != 0)
        return;
    sw_sechub_close_decide(plan, r->results, r->result_count, c);
    if (!c->due)
        return;
    struct sw_error err = {0};
    r->securityhub_due = true;
    r->securityhub_workflow = c->workflow;
    if (where->io.close_finding(where->io.ctx, sh->finding_id, sh->product_arn, c, &err) == SW_OK) {
        r->securityhub_updated = true;
        lr_log(LR_LOG_INFO, "Security Hub finding %s: %s, note added", sh->finding_id,
               c->workflow ? c->workflow : "status left");
        return;
    }
    snprintf(error, error_cap, "%s", err.msg[0] ? err.msg : "the update failed");
    r->securityhub_error = error;
    lr_log(LR_LOG_ERROR, "Security Hub finding %s not updated: %s", sh->finding_id, error);
}

/* The drift check of the account (the function's own, see scope_gate) in where->region,
 * through where->io; org (NULL outside the function's region or organization scope)
 * receives the members' run report. */
static void drift_check(struct invocation *inv, const struct sw_function_region *where,
                        struct sw_org_report *org, struct sw_outcome *out)
{
    struct sw_result r = {.handled = true, .event_kind = sw_event_kind_name(inv->ev->kind)};
    result_who(inv->ev, inv->account, &r);
    struct sw_actual_state actual = {0};
    struct sw_action_result read_failure = {0};
    struct sw_drift_plan plan = {0};
    struct sw_action_result results[SW_DRIFT_ACTIONS_MAX] = {{0}};
    struct sw_notification n;
    struct sw_error err = {0};
    bool read_failed = false, held = false;
    struct sw_sechub_close sh_close;
    char sh_error[SW_ERROR_MSG_MAX];
    sw_notification_init(&n);
    if (read_and_decide(inv->fn, where, inv->account, &actual, &plan, &read_failure, &read_failed,
                        &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift check for %s/%s: %s", inv->account, where->region, err.msg);
        if (!read_failed) {
            sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
            goto out_plan;
        }
        r.read_failure = &read_failure;
        goto out_result;
    }
    r.plan = &plan;
    if (plan.item_count == 0) {
        lr_log(LR_LOG_INFO, "drift check for %s/%s: nothing drifted", inv->account, where->region);
        goto out_result;
    }
    if (plan.execute) {
        where->io.perform(where->io.ctx, &plan, results);
        r.results = results;
        r.result_count = plan.action_count;
    }
    close_finding(inv, where, &plan, &r, &sh_close, sh_error, sizeof(sh_error));
    if (sw_notify_drift_build(&plan, &inv->change, r.results, r.result_count, &n, &err) != SW_OK)
        lr_log(LR_LOG_ERROR, "drift notification not built: %s", err.msg);
    else
        r.notified = drift_notify(inv, &n, org != NULL, &held);
    lr_log(LR_LOG_INFO, "drift check for %s/%s: %zu drift(s), %zu action(s), mode %s%s",
           inv->account, where->region, plan.item_count, r.result_count, sw_mode_name(plan.mode),
           r.notified ? ", notified" : "");
out_result:
    check_answer(inv, org != NULL, &r, held ? &n : NULL, org, out);
out_plan:
    sw_drift_plan_clear(&plan);
    sw_notification_clear(&n);
}

/* The account check in the function's region (with the members' run in organization
 * scope), then in every REGIONS one, each through its own I/O; their notifications are
 * held and sent as one. The answer stays the home region's, unless another region failed:
 * then the first failure is the answer (RemediationFailed names the region). */
static void drift_checks(struct sw_function *fn, struct invocation *inv, struct sw_outcome *out)
{
    struct sw_result r = {.handled = true, .event_kind = sw_event_kind_name(inv->ev->kind)};
    result_who(inv->ev, inv->account, &r);
    if (fn->cfg->mode == SW_MODE_OFF) {
        r.reason = "REMEDIATION_MODE is off: no drift check";
        lr_log(LR_LOG_INFO, "%s event: remediation mode off, drift check skipped", r.event_kind);
        sw_outcome_succeed(out, &r);
        return;
    }
    struct sw_function_region home = {.io = fn->io};
    memcpy(home.region, fn->region, sizeof(home.region));
    bool org_home = fn->cfg->scope == SW_SCOPE_ORGANIZATION && fn->org_io.check != NULL;
    change_context(inv->ev, inv->signal, &inv->change);
    sw_regions_hold_begin(&inv->hold, fn->extra_count);
    struct sw_org_report *org = org_home ? calloc(1, sizeof(*org)) : NULL;
    if (org_home && org == NULL) {
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, "organization check: out of memory");
        return;
    }
    drift_check(inv, &home, org, out);
    for (size_t i = 0; i < fn->extra_count; i++) {
        struct sw_outcome o;
        sw_outcome_init(&o);
        drift_check(inv, &fn->extra[i], NULL, &o);
        if (o.failed && !out->failed)
            sw_outcome_fail(out, o.error_type, sw_buf_cstr(&o.body));
        sw_outcome_clear(&o);
    }
    sw_regions_deliver(&inv->hold, &inv->send);
    if (org != NULL)
        sw_org_report_clear(org);
    free(org);
}

/* The account the function manages (the invoked function ARN's, else io.own_account), and
 * whether ev may make it act there (handler/decide/scope.c; in organization scope an account that
 * is not the administrator's is looked up among the current members). False, with *out
 * answered, when it may not: handled:false with the reason, or RemediationFailed when the
 * account or a membership could not be told. No other AWS call is made before this says yes. */
static bool scope_gate(struct sw_function *fn, const struct invocation *inv,
                       const char *function_arn, char account[SW_FUNCTION_ACCOUNT_MAX + 1],
                       char *reason, struct sw_outcome *out)
{
    const struct sw_event *ev = inv->ev;
    long long deadline_ms = inv->deadline_ms;
    struct sw_error err = {0};
    char msg[SW_SCOPE_REASON_MAX + sizeof(err.msg)];
    if (!sw_function_arn_account(function_arn, account) &&
        (fn->io.own_account == NULL || fn->io.own_account(fn->io.ctx, account, &err) != SW_OK)) {
        snprintf(msg, sizeof(msg), "no account to check: the invoked function ARN has none%s%s",
                 err.msg[0] ? ", and " : "", err.msg);
        lr_log(LR_LOG_ERROR, "%s", msg);
        sw_outcome_fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, msg);
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
        if (fn->org_io.member == NULL || fn->org_io.member(fn->org_io.ctx, account, ask[i],
                                                           deadline_ms, &member, &err) != SW_OK) {
            snprintf(msg, sizeof(msg),
                     "organization: cannot tell whether account %s is a member: %s", ask[i],
                     err.msg[0] ? err.msg : "no member lookup");
            lr_log(LR_LOG_ERROR, "%s", msg);
            sw_outcome_fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, msg);
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
        result_who(ev, NULL, &r);
        lr_log(LR_LOG_WARN, "%s event not acted on: %s", r.event_kind, reason);
        sw_outcome_succeed(out, &r);
        return false;
    }
    return true;
}

/* "Running in ..." for an image finding (AFFECTED_WORKLOADS=on): fail-soft, a failed or
 * denied lookup becomes a note in the notification, never a missing notification. */
static void affected_workloads(struct sw_function *fn, long long deadline_ms,
                               const struct sw_finding *f, struct sw_notification *n)
{
    struct sw_workloads *w = calloc(1, sizeof(*w));
    struct sw_error err = {0};
    const char *failure = NULL;
    if (w == NULL) {
        failure = "out of memory";
    } else if (fn->io.workloads(fn->io.ctx, f->resource_id, deadline_ms, w, &err) != SW_OK) {
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

static void notify_event(struct sw_function *fn, struct invocation *inv, struct sw_outcome *out)
{
    const struct sw_event *ev = inv->ev;
    long long now_ms = inv->now_ms;
    struct sw_result r = {.handled = true, .event_kind = sw_event_kind_name(ev->kind)};
    result_who(ev, ev->kind == SW_EVENT_FINDING ? ev->finding.account_id : NULL, &r);
    if (ev->kind == SW_EVENT_FINDING) /* what the metrics count it by (docs/operations.md) */
        r.severity = sw_severity_name(sw_notify_rank(ev->finding.severity));
    enum sw_notify_verdict v = sw_notify_event_verdict(ev, fn->cfg->min_severity);
    bool finding = ev->kind == SW_EVENT_FINDING;
    if (v == SW_NOTIFY_YES && finding) /* the security team's filters, docs/configuration.md */
        v = sw_notify_finding_filter(&ev->finding, fn->cfg->finding_repository_filters,
                                     fn->cfg->finding_repository_filter_count,
                                     fn->cfg->finding_fix_available_only);
    if (v == SW_NOTIFY_YES && finding && sw_finding_cache_contains(&fn->seen, &ev->finding)) {
        v = SW_NOTIFY_DUPLICATE;
    }
    if (v != SW_NOTIFY_YES) {
        r.reason = sw_notify_verdict_name(v);
        lr_log(LR_LOG_INFO, "%s event: not notified (%s)", r.event_kind, r.reason);
        sw_outcome_succeed(out, &r);
        return;
    }

    struct sw_notification n;
    struct sw_error err = {0};
    sw_notification_init(&n);
    if (sw_notify_event_build(ev, fn->cfg->min_severity, now_ms, &n, &err) != SW_OK) {
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_free;
    }
    if (finding && sw_notify_mark_priority(&ev->finding, fn->cfg->epss_alert, &n, &err) != SW_OK) {
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
        goto out_free;
    }
    if (finding && fn->cfg->affected_workloads && fn->io.workloads &&
        sw_workloads_wanted(&ev->finding)) {
        affected_workloads(fn, inv->deadline_ms, &ev->finding, &n);
    }
    char subject[sizeof(n.subject)];
    memcpy(subject, n.subject, sizeof(subject));
    if (sw_delivery_send(&inv->send, &n, true, &r.rate_limited, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "%s notification not published: %s", r.event_kind, err.msg);
        sw_outcome_fail(out, SW_FUNCTION_ERROR_NOTIFICATION_FAILED, err.msg);
        goto out_free;
    }
    if (finding) { /* a suppressed one too: it is in the summary, and no flood repeats it */
        sw_finding_cache_add(&fn->seen, &ev->finding);
    }
    r.notified = !r.rate_limited;
    lr_log(LR_LOG_INFO, "%s event: %s: %s", r.event_kind,
           r.rate_limited ? "rate limited (summarised later)" : "notified", subject);
    sw_outcome_succeed(out, &r);
out_free:
    sw_notification_clear(&n);
}

void sw_function_handle(struct sw_function *fn, const struct sw_function_call *call,
                        struct sw_outcome *out)
{
    struct sw_event ev;
    struct sw_error err = {0};
    struct invocation inv = {
        .fn = fn, .ev = &ev, .now_ms = call->now_ms, .deadline_ms = call->deadline_ms};
    out->failed = false;
    out->error_type[0] = '\0';
    sw_buf_reset(&out->body);

    sw_delivery_begin(&inv.send, &fn->rate, fn->cfg->max_notifications_per_invocation,
                      fn->io.publish, fn->io.park, fn->io.ctx, call->now_ms);
    int rc = sw_event_parse_scoped(call->payload, call->len,
                                   fn->cfg->scope == SW_SCOPE_ORGANIZATION, &ev, &err);
    if (rc == SW_OK)
        inv.send.event_id = ev.env.id;
    if (rc != SW_OK) {
        if (rc != SW_ENOMEM)
            lr_log(LR_LOG_WARN, "invalid event: %s", err.msg);
        sw_outcome_fail(
            out, rc == SW_ENOMEM ? SW_FUNCTION_ERROR_INTERNAL : SW_FUNCTION_ERROR_INVALID_EVENT,
            err.msg);
    } else if (ev.cls == SW_CLASS_DRIFT_CHECK) {
        char account[SW_FUNCTION_ACCOUNT_MAX + 1] = "";
        char reason[SW_SCOPE_REASON_MAX];
        inv.account = account;
        if (fn->cfg->mode == SW_MODE_OFF ||
            scope_gate(fn, &inv, call->function_arn, account, reason, out))
            drift_checks(fn, &inv, out);
    } else if (ev.cls == SW_CLASS_NOTIFY) {
        notify_event(fn, &inv, out);
    } else {
        struct sw_result r = {.handled = false,
                              .event_kind = sw_event_kind_name(ev.kind),
                              .reason = ev.unhandled_reason};
        result_who(&ev, NULL, &r);
        lr_log(LR_LOG_INFO, "unhandled event: source %s, detail-type %s: %s",
               ev.env.source ? ev.env.source : "(none)",
               ev.env.detail_type ? ev.env.detail_type : "(none)",
               ev.unhandled_reason ? ev.unhandled_reason : "matches no rule");
        sw_outcome_succeed(out, &r);
    }
    sw_delivery_end(&inv.send);
    /* Parked is not lost, but a notification neither published nor parked is: the answer is
     * an error, so Lambda retries the event (docs/operations.md). */
    if (inv.send.park_failed && !out->failed)
        sw_outcome_fail(out, SW_FUNCTION_ERROR_NOTIFICATION_FAILED, inv.send.park_error);
    else if (inv.send.parked > 0)
        sw_outcome_parked(out, inv.send.parked, inv.send.published);
    sw_event_clear(&ev);
}
