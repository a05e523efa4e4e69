/* sw_result: the compact JSON an invocation answers with, and the RemediationFailed call.
 *
 * Lambda gets a short summary (docs/contract.md §5) that a person reading the invocation log or a
 * test can check: what kind of event, what drifted, which writes ran and how they ended,
 * whether a notification went out. Strings from events and AWS are bounded here; cJSON
 * escapes them. */
#include "handler/decide/result.h"

#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <string.h>

/* Adds s (at most SW_RESULT_FIELD_MAX bytes, cut on a UTF-8 boundary) under name. */
static bool add_bounded(cJSON *obj, const char *name, const char *s)
{
    char tmp[SW_RESULT_FIELD_MAX + 1];
    size_t len = strnlen(s, SW_RESULT_FIELD_MAX + 1);
    size_t keep = sw_text_utf8_prefix(s, len, SW_RESULT_FIELD_MAX);
    memcpy(tmp, s, keep);
    tmp[keep] = '\0';
    return cJSON_AddStringToObject(obj, name, tmp) != NULL;
}

/* As add_bounded, for a string an event carries as it came (a CloudTrail actor may hold any
 * bytes): invalid UTF-8 and control characters become '?', so the answer stays valid UTF-8. */
static bool add_sanitized(cJSON *obj, const char *name, const char *s)
{
    char tmp[SW_RESULT_FIELD_MAX + 1];
    size_t len = strnlen(s, SW_RESULT_FIELD_MAX);
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    len = sw_text_sanitize_utf8(tmp, len);
    tmp[len] = '\0';
    return cJSON_AddStringToObject(obj, name, tmp) != NULL;
}

static bool add_string_to_array(cJSON *arr, const char *s)
{
    cJSON *item = cJSON_CreateString(s);
    if (!item)
        return false;
    cJSON_AddItemToArray(arr, item);
    return true;
}

static const struct sw_action_result *find_result(const struct sw_result *r, const char *api)
{
    for (size_t i = 0; r->results && i < r->result_count; i++) {
        if (r->results[i].api && strcmp(r->results[i].api, api) == 0)
            return &r->results[i];
    }
    return NULL;
}

static bool add_actions(cJSON *root, const struct sw_result *r)
{
    const struct sw_drift_plan *p = r->plan;

    if (!p->execute) {
        cJSON *planned = cJSON_AddArrayToObject(root, "planned");
        for (size_t i = 0; planned && i < p->action_count; i++) {
            if (!add_string_to_array(planned, sw_drift_api_name(p->actions[i].api)))
                return false;
        }
        return planned != NULL;
    }
    cJSON *actions = cJSON_AddArrayToObject(root, "actions");
    if (!actions)
        return false;
    for (size_t i = 0; i < p->action_count; i++) {
        const char *api = sw_drift_api_name(p->actions[i].api);
        const struct sw_action_result *res = find_result(r, api);
        cJSON *a = cJSON_CreateObject();
        if (!a)
            return false;
        cJSON_AddItemToArray(actions, a);
        if (!cJSON_AddStringToObject(a, "api", api) ||
            !cJSON_AddBoolToObject(a, "ok", res && res->ok))
            return false;
        if (!res && !cJSON_AddBoolToObject(a, "attempted", false))
            return false;
        if (res && !res->ok && res->error_code && !add_bounded(a, "error", res->error_code))
            return false;
    }
    return true;
}

static cJSON *build(const struct sw_result *r)
{
    cJSON *root = cJSON_CreateObject();
    if (!root || !cJSON_AddBoolToObject(root, "handled", r->handled))
        goto out_delete;
    if (r->event_kind && !add_bounded(root, "event_kind", r->event_kind))
        goto out_delete;
    if (r->severity && !add_bounded(root, "severity", r->severity))
        goto out_delete;
    if (r->reason && !add_bounded(root, "reason", r->reason))
        goto out_delete;
    if ((r->account && !add_sanitized(root, "account", r->account)) ||
        (r->actor_arn && !add_sanitized(root, "actor_arn", r->actor_arn)) ||
        (r->source_ip && !add_sanitized(root, "source_ip", r->source_ip)))
        goto out_delete;
    if (r->plan && r->plan->mode != SW_MODE_ENFORCE &&
        !cJSON_AddStringToObject(root, "mode", sw_mode_name(r->plan->mode)))
        goto out_delete;
    if (r->plan && r->plan->checked) {
        cJSON *drift = cJSON_AddArrayToObject(root, "drift");
        if (!drift)
            goto out_delete;
        for (size_t i = 0; i < r->plan->item_count; i++) {
            if (!add_string_to_array(drift, sw_drift_name_str(r->plan->items[i].name)))
                goto out_delete;
        }
        if (!add_actions(root, r))
            goto out_delete;
    }
    if (r->read_failure) {
        cJSON *rf = cJSON_AddObjectToObject(root, "read_error");
        if (!rf || (r->read_failure->api && !add_bounded(rf, "api", r->read_failure->api)) ||
            (r->read_failure->error_code && !add_bounded(rf, "error", r->read_failure->error_code)))
            goto out_delete;
    }
    if (r->organization_json && !cJSON_AddRawToObject(root, "organization", r->organization_json))
        goto out_delete;
    if (!cJSON_AddBoolToObject(root, "notified", r->notified))
        goto out_delete;
    if (r->rate_limited && !cJSON_AddBoolToObject(root, "rate_limited", true))
        goto out_delete;
    if (r->securityhub_due) {
        cJSON *sh = cJSON_AddObjectToObject(root, "securityhub");
        if (!sh ||
            !(r->securityhub_workflow ? add_bounded(sh, "workflow", r->securityhub_workflow)
                                      : cJSON_AddNullToObject(sh, "workflow") != NULL) ||
            !cJSON_AddBoolToObject(sh, "updated", r->securityhub_updated) ||
            (r->securityhub_error && !add_bounded(sh, "error", r->securityhub_error)))
            goto out_delete;
    }
    return root;

out_delete:
    cJSON_Delete(root);
    return NULL;
}

int sw_result_json(const struct sw_result *r, struct sw_buf *out, struct sw_error *err)
{
    int rc = SW_ENOMEM;
    char *text = NULL;
    cJSON *root = build(r);

    if (!root)
        goto out_error;
    text = cJSON_PrintUnformatted(root);
    if (!text)
        goto out_error;
    sw_buf_reset(out);
    rc = sw_buf_append_str(out, text);
    if (rc == 0 && out->len > SW_RESULT_JSON_MAX)
        rc = SW_ELIMIT;
    if (rc) {
        sw_buf_reset(out);
        goto out_error;
    }
    cJSON_free(text);
    cJSON_Delete(root);
    return 0;

out_error:
    cJSON_free(text);
    cJSON_Delete(root);
    return sw_error_set(err, rc, "result: cannot build the response JSON: %s", sw_strerror(rc));
}

/* Appends "<api>: <code>: <message>" with the AWS strings flattened and bounded. */
static void append_failure(struct sw_buf *m, const char *api, const struct sw_action_result *res)
{
    char code[SW_RESULT_FIELD_MAX], msg[SW_RESULT_FIELD_MAX];
    sw_text_ascii_line(res && res->error_code ? res->error_code : "", code, sizeof(code),
                       sizeof(code) - 1);
    sw_text_ascii_line(res && res->error_message ? res->error_message : "", msg, sizeof(msg),
                       sizeof(msg) - 1);
    if (!res)
        (void)sw_buf_appendf(m, "; %s: not attempted", api);
    else
        (void)sw_buf_appendf(m, "; %s: %s%s%s", api, code[0] ? code : "unknown error",
                             msg[0] ? ": " : "", msg);
}

bool sw_result_remediation_failed(const struct sw_result *r, struct sw_buf *message)
{
    const struct sw_drift_plan *p = r->plan;
    struct sw_buf m;
    bool failed = false;

    sw_buf_init(&m, SW_RESULT_MESSAGE_MAX);
    if (r->read_failure && !r->read_failure->ok) {
        failed = true;
        (void)sw_buf_append_str(&m, "the ECR scanning state could not be read");
        append_failure(&m, r->read_failure->api ? r->read_failure->api : "read", r->read_failure);
    } else if (p && p->checked && p->execute) {
        for (size_t i = 0; i < p->action_count; i++) {
            const char *api = sw_drift_api_name(p->actions[i].api);
            const struct sw_action_result *res = find_result(r, api);
            if (res && res->ok)
                continue;
            if (!failed)
                (void)sw_buf_appendf(&m, "ECR scanning not restored in %s/%s", p->account_id,
                                     p->region);
            failed = true;
            append_failure(&m, api, res);
        }
    }
    if (failed && message) {
        sw_buf_reset(message);
        (void)sw_buf_append(message, m.data ? m.data : "", m.len);
    }
    sw_buf_clear(&m);
    return failed;
}
