/* sw_notify_drift: writes the one notification of a drift check (docs/contract.md §1.2, §4).
 *
 * Subject, plain-text message for an email reader and attributes, from the plan, the
 * event's account of the change and each action's result. Event and AWS strings are
 * untrusted: each is flattened to one line and bounded before it reaches the message,
 * and absent fields are left out. The docs/contract.md §4 limits are applied by notification.c. */
#include "handler/decide/notify_drift.h"

#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Bytes kept of one event or AWS field in the message. */
#define FIELD_MAX 1024

/* "schedule", "CloudTrail event", "Security Hub finding", "Config compliance change",
 * "ECR scan resource change". */
static const char *trigger_str(enum sw_change_trigger trigger)
{
    switch (trigger) {
    case SW_TRIGGER_SCHEDULE:
        return "schedule";
    case SW_TRIGGER_CLOUDTRAIL:
        return "CloudTrail event";
    case SW_TRIGGER_SECURITY_HUB:
        return "Security Hub finding";
    case SW_TRIGGER_CONFIG:
        return "Config compliance change";
    case SW_TRIGGER_ECR_SCAN_RESOURCE_CHANGE:
        return "ECR scan resource change";
    }
    return "event";
}

static const char *drift_title(enum sw_drift_name name)
{
    switch (name) {
    case SW_DRIFT_INSPECTOR_ECR:
        return "Inspector scanning of ECR";
    case SW_DRIFT_REGISTRY_SCAN_TYPE:
        return "Registry scan type";
    case SW_DRIFT_REGISTRY_RULE:
        return "Registry scanning rules";
    case SW_DRIFT_RESCAN_DURATION:
        return "ECR rescan duration";
    }
    return "State";
}

static bool present(const char *s)
{
    return s && s[0];
}

/* Appends s as one line: control characters (sw_text_control_len) become spaces, at most
 * FIELD_MAX bytes (cut on a UTF-8 boundary, with "..."). */
static int append_flat(struct sw_buf *b, const char *s)
{
    size_t len = strnlen(s, FIELD_MAX + 1);
    size_t keep = sw_text_utf8_prefix(s, len, FIELD_MAX);
    int rc = sw_text_append_line(b, s, keep);
    if (rc)
        return rc;
    return keep < len ? sw_buf_append_str(b, "...") : 0;
}

/* "- Label: value\n" when value is present. */
static int append_line(struct sw_buf *b, const char *label, const char *value)
{
    if (!present(value))
        return 0;
    int rc = sw_buf_appendf(b, "- %s: ", label);
    if (rc == 0)
        rc = append_flat(b, value);
    if (rc == 0)
        rc = sw_buf_append_char(b, '\n');
    return rc;
}

static const struct sw_action_result *find_result(const struct sw_drift_action *a,
                                                  const struct sw_action_result *results, size_t n)
{
    const char *api = sw_drift_api_name(a->api);
    for (size_t i = 0; results && i < n; i++) {
        if (results[i].api && strcmp(results[i].api, api) == 0)
            return &results[i];
    }
    return NULL;
}

bool sw_notify_drift_failed(const struct sw_drift_plan *plan,
                            const struct sw_action_result *results, size_t result_count)
{
    if (!plan->checked || !plan->execute)
        return false;
    for (size_t i = 0; i < plan->action_count; i++) {
        const struct sw_action_result *r = find_result(&plan->actions[i], results, result_count);
        if (!r || !r->ok)
            return true;
    }
    return false;
}

/* Which drifts an action restores, as "inspector_ecr" or "registry_scan_type, registry_rule". */
static void restores(const struct sw_drift_plan *p, const struct sw_drift_action *a, char *out,
                     size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->item_count; i++) {
        enum sw_drift_name n = p->items[i].name;
        bool mine = (a->api == SW_DRIFT_API_INSPECTOR2_ENABLE && n == SW_DRIFT_INSPECTOR_ECR) ||
                    (a->api == SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING &&
                     (n == SW_DRIFT_REGISTRY_SCAN_TYPE || n == SW_DRIFT_REGISTRY_RULE)) ||
                    (a->api == SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION &&
                     n == SW_DRIFT_RESCAN_DURATION);
        if (!mine)
            continue;
        int w = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", sw_drift_name_str(n));
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}

int sw_notify_drift_append_trigger(struct sw_buf *b, const struct sw_change_context *ctx)
{
    int rc = sw_buf_append_str(b, "\nWhat triggered the check\n");
    if (rc == 0)
        rc = append_line(b, "Trigger", trigger_str(ctx->trigger));
    if (rc == 0 && present(ctx->event_name)) {
        char event[FIELD_MAX];
        snprintf(event, sizeof(event), "%.200s%s%.200s%s", ctx->event_name,
                 present(ctx->event_source) ? " (" : "",
                 present(ctx->event_source) ? ctx->event_source : "",
                 present(ctx->event_source) ? ")" : "");
        rc = append_line(b, "API call", event);
    }
    if (rc == 0)
        rc = append_line(b, "Changed by", ctx->actor_arn);
    if (rc == 0)
        rc = append_line(b, "Source IP address", ctx->source_ip);
    if (rc == 0)
        rc = append_line(b, "Time", ctx->event_time);
    if (rc == 0 && present(ctx->error_code)) {
        char denied[FIELD_MAX];
        snprintf(denied, sizeof(denied), "the call was refused by AWS (%.128s%s%.700s)",
                 ctx->error_code, present(ctx->error_message) ? ": " : "",
                 present(ctx->error_message) ? ctx->error_message : "");
        rc = append_line(b, "Call result", denied);
    }
    if (rc == 0)
        rc = append_line(b, "Signal", ctx->signal);
    if (rc == 0 && ctx->trigger == SW_TRIGGER_SCHEDULE)
        rc = sw_buf_append_str(b, "- The periodic check found the drift; CloudTrail names who "
                                  "made the change.\n");
    return rc;
}

static int append_actions(struct sw_buf *b, const struct sw_drift_plan *p,
                          const struct sw_action_result *results, size_t n)
{
    int rc = 0;

    if (!p->execute) {
        rc = sw_buf_append_str(b, "\nWhat scanwarden would do (mode: dry-run, nothing was "
                                  "changed)\n");
        for (size_t i = 0; i < p->action_count && rc == 0; i++) {
            char which[256];
            restores(p, &p->actions[i], which, sizeof(which));
            rc = sw_buf_appendf(b, "- would restore %s: ", which);
            if (rc == 0)
                rc = append_flat(b, p->actions[i].summary);
            if (rc == 0)
                rc = sw_buf_append_char(b, '\n');
        }
        return rc;
    }
    rc = sw_buf_appendf(b, "\nWhat was done (mode: %s)\n", sw_mode_name(p->mode));
    for (size_t i = 0; i < p->action_count && rc == 0; i++) {
        const struct sw_action_result *r = find_result(&p->actions[i], results, n);
        rc = sw_buf_append_str(b, "- ");
        if (rc == 0)
            rc = append_flat(b, p->actions[i].summary);
        if (rc)
            break;
        if (!r)
            rc = sw_buf_append_str(b, ": not attempted\n");
        else if (r->ok)
            rc = sw_buf_append_str(b, ": OK\n");
        else {
            rc = sw_buf_append_str(b, ": FAILED: ");
            if (rc == 0)
                rc = append_flat(b, present(r->error_code) ? r->error_code : "unknown error");
            if (rc == 0 && present(r->error_message)) {
                rc = sw_buf_append_str(b, ": ");
                if (rc == 0)
                    rc = append_flat(b, r->error_message);
            }
            if (rc == 0)
                rc = sw_buf_append_char(b, '\n');
        }
    }
    return rc;
}

/* ---- the machine-readable document (docs/notification.schema.json, "drift") ---- */

static bool doc_str(cJSON *o, const char *key, const char *value)
{
    if (!present(value))
        return true;
    size_t len = strnlen(value, FIELD_MAX + 1);
    char cut[FIELD_MAX + 4];
    size_t keep = sw_text_utf8_prefix(value, len, FIELD_MAX);
    memcpy(cut, value, keep);
    memcpy(cut + keep, keep < len ? "..." : "", keep < len ? 4 : 1);
    return cJSON_AddStringToObject(o, key, cut) != NULL;
}

bool sw_notify_drift_document_trigger(struct cJSON *root, const struct sw_change_context *ctx)
{
    cJSON *t = cJSON_AddObjectToObject(root, "trigger");
    return t && cJSON_AddStringToObject(t, "type", trigger_str(ctx->trigger)) &&
           doc_str(t, "event_name", ctx->event_name) &&
           doc_str(t, "event_source", ctx->event_source) &&
           doc_str(t, "actor_arn", ctx->actor_arn) && doc_str(t, "source_ip", ctx->source_ip) &&
           doc_str(t, "event_time", ctx->event_time) && doc_str(t, "error_code", ctx->error_code) &&
           doc_str(t, "error_message", ctx->error_message) && doc_str(t, "signal", ctx->signal);
}

static bool doc_actions(cJSON *root, const struct sw_drift_plan *p,
                        const struct sw_action_result *results, size_t n)
{
    cJSON *actions = cJSON_AddArrayToObject(root, "actions");
    if (!actions)
        return false;
    for (size_t i = 0; i < p->action_count; i++) {
        const struct sw_drift_action *a = &p->actions[i];
        char which[256];
        restores(p, a, which, sizeof(which));
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(actions, o)) {
            cJSON_Delete(o);
            return false;
        }
        if (!cJSON_AddStringToObject(o, "api", sw_drift_api_name(a->api)) ||
            !doc_str(o, "summary", a->summary) || !doc_str(o, "restores", which))
            return false;
        if (!p->execute) {
            if (!cJSON_AddStringToObject(o, "result", "not-attempted-dry-run"))
                return false;
            continue;
        }
        const struct sw_action_result *r = find_result(a, results, n);
        if (!cJSON_AddStringToObject(o, "result", !r ? "not-attempted" : r->ok ? "ok" : "failed"))
            return false;
        if (r && !r->ok &&
            (!doc_str(o, "error_code", r->error_code) ||
             !doc_str(o, "error_message", r->error_message)))
            return false;
    }
    return true;
}

static int drift_document(const struct sw_drift_plan *plan, const struct sw_change_context *ctx,
                          const struct sw_action_result *results, size_t result_count,
                          const char *outcome, struct sw_notification *n, struct sw_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *body = root ? cJSON_AddObjectToObject(root, "drift") : NULL;
    cJSON *drifts = body ? cJSON_AddArrayToObject(body, "drifts") : NULL;
    bool ok = drifts && cJSON_AddStringToObject(body, "mode", sw_mode_name(plan->mode)) &&
              cJSON_AddStringToObject(body, "outcome", outcome);
    for (size_t i = 0; ok && i < plan->item_count; i++) {
        const struct sw_drift_item *it = &plan->items[i];
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(drifts, o);
        if (!ok) {
            cJSON_Delete(o);
            break;
        }
        ok = cJSON_AddStringToObject(o, "name", sw_drift_name_str(it->name)) &&
             doc_str(o, "title", drift_title(it->name)) && doc_str(o, "before", it->before) &&
             doc_str(o, "after", it->after);
    }
    ok = ok && doc_actions(body, plan, results, result_count) &&
         sw_notify_drift_document_trigger(body, ctx);
    if (!ok) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_ENOMEM, "notify_drift: document: out of memory");
    }
    sw_notification_set_document(n, root);
    return 0;
}

int sw_notify_drift_build(const struct sw_drift_plan *plan, const struct sw_change_context *ctx,
                          const struct sw_action_result *results, size_t result_count,
                          struct sw_notification *n, struct sw_error *err)
{
    static const struct sw_change_context no_context = {0};
    struct sw_buf *b = &n->message;
    char subject[160];
    const char *outcome;
    int rc = 0;

    if (!plan->checked || plan->item_count == 0)
        return sw_error_set(err, SW_EINVAL, "notify_drift: nothing drifted, nothing to notify");
    if (!ctx)
        ctx = &no_context;
    bool failed = sw_notify_drift_failed(plan, results, result_count);
    if (!plan->execute) {
        outcome = "would-restore";
        snprintf(subject, sizeof(subject), "scanwarden: ECR scanning drift in %s/%s (dry-run)",
                 plan->account_id, plan->region);
    } else if (failed) {
        outcome = "failed";
        snprintf(subject, sizeof(subject), "scanwarden: FAILED to restore ECR scanning in %s/%s",
                 plan->account_id, plan->region);
    } else {
        outcome = "restored";
        snprintf(subject, sizeof(subject), "scanwarden: ECR scanning restored in %s/%s",
                 plan->account_id, plan->region);
    }
    sw_notification_set_subject(n, subject);

    sw_buf_reset(b);
    rc = sw_buf_appendf(b,
                        "ECR image scanning in account %s, region %s, drifted from the desired "
                        "state. %s\n\nWhat drifted (before \xe2\x86\x92 after)\n",
                        plan->account_id, plan->region,
                        !plan->execute ? "scanwarden runs in dry-run mode: nothing was changed."
                        : failed       ? "scanwarden could NOT fully restore it; the invocation "
                                         "fails with RemediationFailed so that it is retried."
                                       : "scanwarden restored it.");
    for (size_t i = 0; i < plan->item_count && rc == 0; i++) {
        const struct sw_drift_item *it = &plan->items[i];
        rc = sw_buf_appendf(b, "- %s (%s): ", drift_title(it->name), sw_drift_name_str(it->name));
        if (rc == 0)
            rc = append_flat(b, it->before);
        if (rc == 0)
            rc = sw_buf_append_str(b, " \xe2\x86\x92 ");
        if (rc == 0)
            rc = append_flat(b, it->after);
        if (rc == 0)
            rc = sw_buf_append_char(b, '\n');
    }
    if (rc == 0)
        rc = sw_notify_drift_append_trigger(b, ctx);
    if (rc == 0)
        rc = append_actions(b, plan, results, result_count);
    if (rc)
        return sw_error_set(err, rc, "notify_drift: message: %s", sw_strerror(rc));

    rc = sw_notification_add_attribute(n, "event_kind", plan->execute ? "remediation" : "drift");
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "account_id", plan->account_id);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "region", plan->region);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "mode", sw_mode_name(plan->mode));
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "outcome", outcome);
    if (rc)
        return sw_error_set(err, rc, "notify_drift: attributes: %s", sw_strerror(rc));
    rc = drift_document(plan, ctx, results, result_count, outcome, n, err);
    if (rc)
        return rc;
    sw_notification_finish(n);
    return 0;
}
