/* sw_metrics: counts from the invocation's answer and the EMF record that carries them
 * (the CloudWatch Embedded Metric Format specification; docs/emf.schema.json). */
#include "handler/decide/metrics.h"

#include "handler/decide/result.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *const NAMES[SW_METRIC_COUNT] = {
    "DriftDetected",
    "Restored",
    "RemediationFailed",
    "NotificationsPublished",
    "NotificationsSuppressed",
    "NotificationsParked",
    "MembersChecked",
    "MembersRestored",
    "MembersFailed",
    "ScheduledCheck",
    "FindingsNotified",
    "FindingsNotifiedCritical",
    "FindingsNotifiedHigh",
    "FindingsNotifiedMedium",
    "FindingsNotifiedLow",
    "FindingsNotifiedInformational",
    "FindingsNotifiedUntriaged",
};

/* The result's severity names (handler/decide/result.h), in the order of the per-severity
 * metrics from SW_METRIC_FINDINGS_NOTIFIED_CRITICAL. */
static const char *const SEVERITIES[] = {"CRITICAL", "HIGH",          "MEDIUM",
                                         "LOW",      "INFORMATIONAL", "UNTRIAGED"};
_Static_assert(sizeof(SEVERITIES) / sizeof(SEVERITIES[0]) ==
                   SW_METRIC_COUNT - SW_METRIC_FINDINGS_NOTIFIED_CRITICAL,
               "one per-severity metric per severity");

/* Whether metric i is in the record: always, or (per severity) only when non-zero. */
static bool emitted(const struct sw_metrics *m, size_t i)
{
    return i < SW_METRIC_FINDINGS_NOTIFIED_CRITICAL || (i < SW_METRIC_COUNT && m->value[i] != 0);
}

const char *sw_metric_name(enum sw_metric m)
{
    return (unsigned)m < SW_METRIC_COUNT ? NAMES[m] : "";
}

static bool ns_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SW_METRICS_NAMESPACE_MAX || strncmp(s, "AWS/", 4) == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("._-/#:", c) != NULL;
        if (!ok)
            return false;
    }
    return true;
}

int sw_metrics_config_parse(const char *metrics, const char *ns, struct sw_metrics_config *out,
                            struct sw_error *err)
{
    memset(out, 0, sizeof(*out));
    out->enabled = true;
    if (metrics && metrics[0]) {
        if (strcmp(metrics, "on") == 0) {
            out->enabled = true;
        } else if (strcmp(metrics, "off") == 0) {
            out->enabled = false;
        } else {
            return sw_error_set(err, SW_ECONFIG, "METRICS must be on or off");
        }
    }
    if (ns == NULL || ns[0] == '\0')
        ns = SW_METRICS_NAMESPACE_DEFAULT;
    if (!ns_valid(ns)) {
        return sw_error_set(err, SW_ECONFIG,
                            "METRICS_NAMESPACE must be 1 to %d characters of letters, digits and "
                            "._-/#: and not start with AWS/",
                            SW_METRICS_NAMESPACE_MAX);
    }
    snprintf(out->ns, sizeof(out->ns), "%s", ns);
    return SW_OK;
}

static double number(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
}

static bool flag(const cJSON *obj, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

static void from_body(const cJSON *root, struct sw_metrics *m, char *kind, size_t kind_cap)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "event_kind");
    if (cJSON_IsString(k) && kind_cap > 0)
        snprintf(kind, kind_cap, "%s", k->valuestring);
    const cJSON *drift = cJSON_GetObjectItemCaseSensitive(root, "drift");
    if (cJSON_IsArray(drift))
        m->value[SW_METRIC_DRIFT_DETECTED] = cJSON_GetArraySize(drift);
    const cJSON *actions = cJSON_GetObjectItemCaseSensitive(root, "actions");
    if (cJSON_IsArray(actions) && cJSON_GetArraySize(actions) > 0) {
        bool all_ok = true;
        const cJSON *a;
        cJSON_ArrayForEach(a, actions) all_ok = all_ok && flag(a, "ok");
        m->value[SW_METRIC_RESTORED] = all_ok ? 1 : 0;
    }
    double parked = number(root, "parked_count");
    m->value[SW_METRIC_NOTIFICATIONS_PARKED] = parked;
    m->value[SW_METRIC_NOTIFICATIONS_PUBLISHED] = flag(root, "notified") ? 1 : 0;
    m->value[SW_METRIC_NOTIFICATIONS_SUPPRESSED] = flag(root, "rate_limited") ? 1 : 0;
    const cJSON *org = cJSON_GetObjectItemCaseSensitive(root, "organization");
    const cJSON *run = cJSON_GetObjectItemCaseSensitive(org, "run");
    if (cJSON_IsObject(run)) {
        m->value[SW_METRIC_MEMBERS_CHECKED] = number(run, "checked");
        m->value[SW_METRIC_MEMBERS_RESTORED] = number(run, "restored");
        m->value[SW_METRIC_MEMBERS_FAILED] = number(run, "failed");
    }
    bool handled = flag(root, "handled");
    m->value[SW_METRIC_SCHEDULED_CHECK] =
        handled && cJSON_IsString(k) && strcmp(k->valuestring, "schedule") == 0 ? 1 : 0;
    if (!(cJSON_IsString(k) && strcmp(k->valuestring, "finding") == 0 && flag(root, "notified")))
        return;
    m->value[SW_METRIC_FINDINGS_NOTIFIED] = 1;
    const cJSON *sev = cJSON_GetObjectItemCaseSensitive(root, "severity");
    for (size_t i = 0; cJSON_IsString(sev) && i < sizeof(SEVERITIES) / sizeof(SEVERITIES[0]); i++) {
        if (strcmp(sev->valuestring, SEVERITIES[i]) == 0)
            m->value[SW_METRIC_FINDINGS_NOTIFIED_CRITICAL + i] = 1;
    }
}

void sw_metrics_from_outcome(const struct sw_outcome *o, struct sw_metrics *m, char *kind,
                             size_t kind_cap)
{
    memset(m, 0, sizeof(*m));
    if (kind_cap > 0)
        kind[0] = '\0';
    if (o->failed) {
        if (strcmp(o->error_type, SW_RESULT_ERROR_REMEDIATION_FAILED) == 0)
            m->value[SW_METRIC_REMEDIATION_FAILED] = 1;
        return;
    }
    if (o->body.len == 0)
        return;
    cJSON *root = cJSON_ParseWithLength(sw_buf_cstr(&o->body), o->body.len);
    if (root == NULL)
        return;
    from_body(root, m, kind, kind_cap);
    cJSON_Delete(root);
}

/* The directive's metrics: every name the record carries, unit Count (constant, so written
 * once here). */
static int append_directive(struct sw_buf *out, const struct sw_metrics *m, const char *ns,
                            long long timestamp_ms)
{
    int rc = sw_buf_appendf(out,
                            "{\"_aws\":{\"Timestamp\":%lld,\"CloudWatchMetrics\":[{\"Namespace\":"
                            "\"%s\",\"Dimensions\":[[\"Mode\",\"Scope\"]],\"Metrics\":[",
                            timestamp_ms, ns);
    for (size_t i = 0; rc == SW_OK && i < SW_METRIC_COUNT; i++) {
        if (emitted(m, i))
            rc = sw_buf_appendf(out, "%s{\"Name\":\"%s\",\"Unit\":\"Count\"}", i ? "," : "",
                                NAMES[i]);
    }
    return rc == SW_OK ? sw_buf_append_str(out, "]}]}") : rc;
}

/* A name written into the record as it is: letters, digits and - _ . / : only (the event
 * kinds, modes and scopes are; anything else becomes _), at most 63 bytes. */
static void plain(const char *s, char out[64])
{
    size_t n = 0;
    for (; s && s[n] && n < 63; n++) {
        unsigned char c = (unsigned char)s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("-_./:", c) != NULL;
        out[n] = ok ? (char)c : '_';
    }
    out[n] = '\0';
}

int sw_metrics_emf(const struct sw_metrics *m, const char *ns, const char *mode, const char *scope,
                   const char *event_kind, long long timestamp_ms, struct sw_buf *out,
                   struct sw_error *err)
{
    char mode_s[64], scope_s[64], kind_s[64], ns_s[SW_METRICS_NAMESPACE_MAX + 1];
    sw_buf_reset(out);
    /* The namespace was checked by sw_metrics_config_parse; a caller's other value is cut to
     * the plain characters too, so the record stays valid JSON. */
    snprintf(ns_s, sizeof(ns_s), "%s", ns_valid(ns) ? ns : SW_METRICS_NAMESPACE_DEFAULT);
    plain(mode, mode_s);
    plain(scope, scope_s);
    plain(event_kind && event_kind[0] ? event_kind : "none", kind_s);
    int rc = append_directive(out, m, ns_s, timestamp_ms);
    if (rc == SW_OK)
        rc = sw_buf_appendf(out, ",\"Mode\":\"%s\",\"Scope\":\"%s\",\"EventKind\":\"%s\"", mode_s,
                            scope_s, kind_s);
    for (size_t i = 0; rc == SW_OK && i < SW_METRIC_COUNT; i++) {
        if (emitted(m, i))
            rc = sw_buf_appendf(out, ",\"%s\":%.0f", NAMES[i], m->value[i]);
    }
    if (rc == SW_OK)
        rc = sw_buf_append_char(out, '}');
    if (rc != SW_OK)
        return sw_error_set(err, rc, "metrics: cannot build the EMF record");
    return SW_OK;
}

int sw_metrics_run_record(const struct sw_outcome *o, const char *region, const char *mode,
                          const char *scope, struct sw_buf *out, struct sw_error *err)
{
    sw_buf_reset(out);
    cJSON *root = cJSON_CreateObject();
    bool ok = root && cJSON_AddStringToObject(root, "record", "invocation") &&
              cJSON_AddStringToObject(root, "outcome", o->failed ? o->error_type : "ok");
    if (ok && o->failed) {
        char msg[SW_RESULT_MESSAGE_MAX + 1];
        snprintf(msg, sizeof(msg), "%s", o->body.len ? sw_buf_cstr(&o->body) : "");
        ok = cJSON_AddStringToObject(root, "error", msg) != NULL;
    }
    cJSON *body = ok && !o->failed && o->body.len
                      ? cJSON_ParseWithLength(sw_buf_cstr(&o->body), o->body.len)
                      : NULL;
    if (cJSON_IsObject(body)) {
        while (ok && body->child) {
            cJSON *item = cJSON_DetachItemViaPointer(body, body->child);
            if (cJSON_HasObjectItem(root, item->string))
                cJSON_Delete(item);
            else if (!cJSON_AddItemToObject(root, item->string, item)) {
                cJSON_Delete(item);
                ok = false;
            }
        }
    }
    cJSON_Delete(body);
    ok = ok && cJSON_AddStringToObject(root, "region", region) &&
         (cJSON_HasObjectItem(root, "mode") || cJSON_AddStringToObject(root, "mode", mode)) &&
         cJSON_AddStringToObject(root, "scope", scope);
    char *s = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (s == NULL)
        return sw_error_set(err, SW_ENOMEM, "run record: out of memory");
    int rc = sw_buf_append_str(out, s);
    cJSON_free(s);
    if (rc != SW_OK)
        return sw_error_set(err, rc, "run record: cannot be written");
    return SW_OK;
}
