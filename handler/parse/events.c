/* sw_event: bounds, parses and classifies one invocation payload (docs/contract.md §2).
 *
 * A single pass over the raw bytes enforces the size, depth and value-count limits
 * before cJSON allocates anything; then each kind's fields are copied, capped, into a
 * small arena owned by the event, so one sw_event_clear frees everything. Fields of the
 * wrong JSON type count as missing: the event's sender is not trusted to follow its schema.
 * Here: the envelope, the limits, the classification and the change events; the Inspector2
 * kinds are event_finding.c's, the bounded reading is event_read.c's. */
#include "handler/parse/events.h"

#include "handler/parse/event_finding.h"
#include "handler/parse/event_read.h"

#include "handler/core/ids.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int prescan(const char *buf, size_t len, struct sw_error *err)
{
    size_t depth = 0;
    size_t values = 1;
    bool in_str = false;
    bool esc = false;

    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            break;
        case '[':
        case '{':
            if (++depth > SW_EVENT_MAX_DEPTH)
                return sw_error_set(err, SW_ELIMIT,
                                    "the event nests JSON deeper than %d levels (at byte %zu)",
                                    SW_EVENT_MAX_DEPTH, i);
            values++;
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        case ',':
            values++;
            break;
        default:
            break;
        }
        if (values > SW_EVENT_MAX_VALUES)
            return sw_error_set(err, SW_ELIMIT, "the event holds more than %d JSON values",
                                SW_EVENT_MAX_VALUES);
    }
    return 0;
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "not an object";
}

/* ---- compact JSON summary (CloudTrail requestParameters) ---- */

struct out {
    char *buf;
    size_t cap; /* usable bytes, excluding the NUL */
    size_t len;
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    if (o->len + n > o->cap) {
        n = o->cap - o->len;
        o->full = true;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void put_json_string(struct out *o, const char *s)
{
    put(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p && !o->full; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(o, esc, 2);
        } else if (*p < 0x20) {
            int n = snprintf(esc, sizeof(esc), "\\u%04x", *p);
            put(o, esc, (size_t)n);
        } else {
            put(o, (const char *)p, 1);
        }
    }
    put(o, "\"", 1);
}

static void put_json(struct out *o, const cJSON *v)
{
    char tmp[40];
    if (o->full)
        return;
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        bool objmode = cJSON_IsObject(v);
        put(o, objmode ? "{" : "[", 1);
        for (const cJSON *c = v->child; c && !o->full; c = c->next) {
            if (c != v->child)
                put(o, ",", 1);
            if (objmode) {
                put_json_string(o, c->string ? c->string : "");
                put(o, ":", 1);
            }
            put_json(o, c);
        }
        put(o, objmode ? "}" : "]", 1);
    } else if (cJSON_IsString(v)) {
        put_json_string(o, v->valuestring ? v->valuestring : "");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        int n;
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
            n = snprintf(tmp, sizeof(tmp), "%.0f", d);
        else
            n = snprintf(tmp, sizeof(tmp), "%.17g", d);
        put(o, tmp, (size_t)n);
    } else if (cJSON_IsTrue(v)) {
        put(o, "true", 4);
    } else if (cJSON_IsFalse(v)) {
        put(o, "false", 5);
    } else {
        put(o, "null", 4);
    }
}

static const char *summary(struct sw_evr *px, const cJSON *v)
{
    char buf[SW_EVENT_SUMMARY_MAX + 1];
    struct out o = {buf, SW_EVENT_SUMMARY_MAX, 0, false};
    if (!v || cJSON_IsNull(v))
        return NULL;
    put_json(&o, v);
    size_t len = o.len;
    if (o.full) {
        len = sw_text_utf8_prefix(buf, o.len,
                                  SW_EVENT_SUMMARY_MAX - (sizeof(SW_EVENT_CUT_MARKER) - 1));
        memcpy(buf + len, SW_EVENT_CUT_MARKER, sizeof(SW_EVENT_CUT_MARKER) - 1);
        len += sizeof(SW_EVENT_CUT_MARKER) - 1;
    }
    return sw_evr_keep(px, buf, len, SW_EVENT_SUMMARY_MAX);
}

/* ---- per-kind parsers ---- */

static const char *const inspector2_watched[] = {"Disable", "UpdateConfiguration",
                                                 "DisableDelegatedAdminAccount",
                                                 "UpdateOrganizationConfiguration"};
static const char *const ecr_watched[] = {"PutRegistryScanningConfiguration",
                                          "PutImageScanningConfiguration"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (sw_evr_eq(s, list[i]))
            return true;
    }
    return false;
}

static void parse_cloudtrail(struct sw_evr *px, const cJSON *d, bool inspector)
{
    struct sw_cloudtrail *ct = &px->ev->cloudtrail;
    const cJSON *who = sw_evr_obj(d, "userIdentity");
    ct->event_source = sw_evr_str(px, d, "eventSource", SW_EVENT_STR_MAX);
    ct->event_name = sw_evr_str(px, d, "eventName", SW_EVENT_STR_MAX);
    ct->event_time = sw_evr_str(px, d, "eventTime", SW_EVENT_STR_MAX);
    ct->event_time_ms = sw_evr_time(ct->event_time);
    ct->user_arn = sw_evr_str(px, who, "arn", SW_EVENT_STR_MAX);
    ct->user_type = sw_evr_str(px, who, "type", SW_EVENT_STR_MAX);
    ct->invoked_by = sw_evr_str(px, who, "invokedBy", SW_EVENT_STR_MAX);
    ct->source_ip = sw_evr_str(px, d, "sourceIPAddress", SW_EVENT_STR_MAX);
    ct->user_agent = sw_evr_str(px, d, "userAgent", SW_EVENT_STR_MAX);
    ct->aws_region = sw_evr_region(px, d, "awsRegion");
    ct->error_code = sw_evr_str(px, d, "errorCode", SW_EVENT_STR_MAX);
    ct->error_message = sw_evr_str(px, d, "errorMessage", SW_EVENT_TEXT_MAX);
    ct->request_summary = summary(px, sw_evr_get(d, "requestParameters"));

    bool watched = inspector ? in_list(ct->event_name, inspector2_watched, 4)
                             : in_list(ct->event_name, ecr_watched, 2);
    if (watched) {
        px->ev->cls = SW_CLASS_DRIFT_CHECK;
    } else {
        px->ev->unhandled_reason =
            inspector ? "the CloudTrail eventName is not Disable, UpdateConfiguration, "
                        "DisableDelegatedAdminAccount or UpdateOrganizationConfiguration"
                      : "the CloudTrail eventName is not PutRegistryScanningConfiguration or "
                        "PutImageScanningConfiguration";
    }
}

static void parse_scan_change(struct sw_evr *px, const cJSON *d)
{
    struct sw_ecr_scan_resource_change *sc = &px->ev->scan_change;
    sc->action_type = sw_evr_str(px, d, "action-type", SW_EVENT_STR_MAX);
    sc->scan_type = sw_evr_str(px, d, "scan-type", SW_EVENT_STR_MAX);
    sc->resource_type = sw_evr_str(px, d, "resource-type", SW_EVENT_STR_MAX);
    const cJSON *repos = sw_evr_arr(d, "repositories");
    size_t n = (size_t)cJSON_GetArraySize(repos);
    size_t take = n < SW_EVENT_REPOSITORIES_MAX ? n : SW_EVENT_REPOSITORIES_MAX;
    if (take) {
        sc->repositories = sw_evr_alloc(px->arena, take * sizeof(*sc->repositories));
        if (!sc->repositories) {
            px->oom = true;
            return;
        }
        memset(sc->repositories, 0, take * sizeof(*sc->repositories));
    }
    size_t i = 0;
    for (const cJSON *r = repos ? repos->child : NULL; r && i < take; r = r->next) {
        struct sw_ecr_repository_change *rc = &sc->repositories[i++];
        rc->name = sw_evr_str(px, r, "repository-name", SW_EVENT_STR_MAX);
        rc->arn = sw_evr_str(px, r, "repository-arn", SW_EVENT_STR_MAX);
        rc->scan_frequency = sw_evr_str(px, r, "scan-frequency", SW_EVENT_STR_MAX);
        rc->previous_scan_frequency =
            sw_evr_str(px, r, "previous-scan-frequency", SW_EVENT_STR_MAX);
    }
    sc->repository_count = i;
    sc->repositories_omitted = n - i;
    px->ev->cls = SW_CLASS_DRIFT_CHECK;
}

static void parse_securityhub(struct sw_evr *px, const cJSON *d)
{
    struct sw_securityhub *sh = &px->ev->securityhub;
    const cJSON *findings = sw_evr_arr(d, "findings");
    size_t examined = 0;
    for (const cJSON *f = findings ? findings->child : NULL;
         f && examined < SW_EVENT_SECHUB_FINDINGS_MAX; f = f->next) {
        examined++;
        const cJSON *compliance = sw_evr_obj(f, "Compliance");
        const char *control = sw_evr_raw_str(sw_evr_get(compliance, "SecurityControlId"));
        if (!control)
            control = sw_evr_raw_str(sw_evr_get(sw_evr_obj(f, "ProductFields"), "ControlId"));
        if (!sw_evr_eq(control, "Inspector.2") && !sw_evr_eq(control, "ECR.1"))
            continue;
        if (!sw_evr_eq(sw_evr_raw_str(sw_evr_get(compliance, "Status")), "FAILED"))
            continue;
        if (!sh->control_id) {
            sh->control_id = sw_evr_keep(px, control, strlen(control), SW_EVENT_STR_MAX);
            sh->finding_id = sw_evr_str(px, f, "Id", SW_EVENT_STR_MAX);
            sh->product_arn = sw_evr_str(px, f, "ProductArn", SW_EVENT_STR_MAX);
            sh->account_id = sw_evr_account(px, f, "AwsAccountId");
            sh->title = sw_evr_str(px, f, "Title", SW_EVENT_STR_MAX);
        }
    }
    sh->finding_count = examined;
    if (sh->control_id)
        px->ev->cls = SW_CLASS_DRIFT_CHECK;
    else
        px->ev->unhandled_reason = "no Security Hub finding for control Inspector.2 or ECR.1 "
                                   "with compliance FAILED";
}

static void parse_config_compliance(struct sw_evr *px, const cJSON *d)
{
    struct sw_config_compliance *cc = &px->ev->config_compliance;
    const cJSON *result = sw_evr_obj(d, "newEvaluationResult");
    cc->rule_name = sw_evr_str(px, d, "configRuleName", SW_EVENT_STR_MAX);
    if (!cc->rule_name) {
        const cJSON *q = sw_evr_obj(sw_evr_obj(result, "evaluationResultIdentifier"),
                                    "evaluationResultQualifier");
        cc->rule_name = sw_evr_str(px, q, "configRuleName", SW_EVENT_STR_MAX);
    }
    cc->compliance_type = sw_evr_str(px, result, "complianceType", SW_EVENT_STR_MAX);
    cc->old_compliance_type =
        sw_evr_str(px, sw_evr_obj(d, "oldEvaluationResult"), "complianceType", SW_EVENT_STR_MAX);
    cc->resource_type = sw_evr_str(px, d, "resourceType", SW_EVENT_STR_MAX);
    cc->resource_id = sw_evr_str(px, d, "resourceId", SW_EVENT_STR_MAX);
    cc->account_id = sw_evr_account(px, d, "awsAccountId");
    cc->aws_region = sw_evr_region(px, d, "awsRegion");

    bool rule = cc->rule_name &&
                (sw_evr_contains_nocase(cc->rule_name, "inspector-ecr-scan-enabled") ||
                 sw_evr_contains_nocase(cc->rule_name, "ecr-private-image-scanning-enabled"));
    if (rule && sw_evr_eq(cc->compliance_type, "NON_COMPLIANT"))
        px->ev->cls = SW_CLASS_DRIFT_CHECK;
    else if (!rule)
        px->ev->unhandled_reason = "the Config rule is not inspector-ecr-scan-enabled or "
                                   "ecr-private-image-scanning-enabled";
    else
        px->ev->unhandled_reason = "the Config rule did not become NON_COMPLIANT";
}

static void classify_kind(struct sw_evr *px, const cJSON *root);

bool sw_event_org_trigger(const char *source, const char *detail_type, const char *event_name)
{
    if (!sw_evr_eq(source, "aws.inspector2"))
        return false;
    if (sw_evr_eq(detail_type, "Inspector2 AutoEnable"))
        return true;
    return sw_evr_eq(detail_type, "AWS API Call via CloudTrail") &&
           (sw_evr_eq(event_name, "DisassociateMember") ||
            sw_evr_eq(event_name, "AssociateMember"));
}

/* What the event is and what it asks for; organization: SCOPE=organization, where member
 * changes ask for a drift check too (docs/contract.md §2.5). */
static void classify(struct sw_evr *px, const cJSON *root, bool organization)
{
    classify_kind(px, root);
    struct sw_event *ev = px->ev;
    if (organization && ev->cls == SW_CLASS_UNHANDLED &&
        sw_event_org_trigger(ev->env.source, ev->env.detail_type,
                             ev->kind == SW_EVENT_CLOUDTRAIL ? ev->cloudtrail.event_name : NULL)) {
        ev->cls = SW_CLASS_DRIFT_CHECK;
        ev->unhandled_reason = NULL;
    }
}

static void classify_kind(struct sw_evr *px, const cJSON *root)
{
    struct sw_event *ev = px->ev;
    const char *source = ev->env.source;
    const char *type = ev->env.detail_type;
    const cJSON *d = sw_evr_obj(root, "detail");

    ev->kind = SW_EVENT_UNKNOWN;
    ev->cls = SW_CLASS_UNHANDLED;
    ev->unhandled_reason = NULL;

    if (!source && !type) {
        if (sw_evr_eq(sw_evr_raw_str(sw_evr_get(root, "trigger")), "schedule")) {
            ev->kind = SW_EVENT_SCHEDULE;
            ev->schedule.constant_input = true;
            ev->cls = SW_CLASS_DRIFT_CHECK;
            return;
        }
        ev->unhandled_reason = "the event has no source and detail-type, and is not "
                               "{\"trigger\":\"schedule\"}";
        return;
    }
    if (sw_evr_eq(type, "AWS API Call via CloudTrail") &&
        (sw_evr_eq(source, "aws.inspector2") || sw_evr_eq(source, "aws.ecr"))) {
        ev->kind = SW_EVENT_CLOUDTRAIL;
        parse_cloudtrail(px, d, sw_evr_eq(source, "aws.inspector2"));
    } else if (sw_evr_eq(type, "ECR Scan Resource Change") && sw_evr_eq(source, "aws.ecr")) {
        ev->kind = SW_EVENT_ECR_SCAN_RESOURCE_CHANGE;
        parse_scan_change(px, d);
    } else if (sw_evr_eq(type, "Scheduled Event") &&
               (sw_evr_eq(source, "aws.events") || sw_evr_eq(source, "aws.scheduler"))) {
        const cJSON *resources = sw_evr_arr(root, "resources");
        ev->kind = SW_EVENT_SCHEDULE;
        ev->schedule.rule_arn =
            sw_evr_item_str(px, resources ? resources->child : NULL, SW_EVENT_STR_MAX);
        ev->cls = SW_CLASS_DRIFT_CHECK;
    } else if (sw_evr_eq(type, "Security Hub Findings - Imported") &&
               sw_evr_eq(source, "aws.securityhub")) {
        ev->kind = SW_EVENT_SECURITYHUB;
        parse_securityhub(px, d);
    } else if (sw_evr_eq(type, "Config Rules Compliance Change") &&
               sw_evr_eq(source, "aws.config")) {
        ev->kind = SW_EVENT_CONFIG_COMPLIANCE;
        parse_config_compliance(px, d);
    } else if (sw_evr_eq(type, "Inspector2 Finding") && sw_evr_eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_FINDING;
        sw_event_finding_read(px, d);
    } else if (sw_evr_eq(type, "Inspector2 Scan") && sw_evr_eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_SCAN;
        sw_event_scan_read(px, d);
    } else if (sw_evr_eq(type, "Inspector2 Coverage") && sw_evr_eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_COVERAGE;
        sw_event_coverage_read(px, d, root);
    } else if (sw_evr_eq(type, "ECR Image Scan") && sw_evr_eq(source, "aws.ecr")) {
        ev->kind = SW_EVENT_BASIC_SCAN;
        sw_event_scan_read(px, d);
    } else {
        ev->unhandled_reason = "no scanwarden handler for this source and detail-type";
    }
}

int sw_event_parse(const char *buf, size_t len, struct sw_event *ev, struct sw_error *err)
{
    return sw_event_parse_scoped(buf, len, false, ev, err);
}

int sw_event_parse_scoped(const char *buf, size_t len, bool organization, struct sw_event *ev,
                          struct sw_error *err)
{
    int rc;
    cJSON *root = NULL;
    const char *end = NULL;
    struct sw_evr px;

    memset(ev, 0, sizeof(*ev));
    px.ev = ev;
    px.arena = &ev->arena;
    px.oom = false;
    if (!buf || len == 0)
        return sw_error_set(err, SW_EPARSE, "the event is empty; expected a JSON object");
    if (len > SW_EVENT_MAX_BYTES)
        return sw_error_set(err, SW_ELIMIT, "the event is %zu bytes, more than the %zu accepted",
                            len, SW_EVENT_MAX_BYTES);
    if ((rc = prescan(buf, len, err)) != 0)
        return rc;

    root = cJSON_ParseWithLengthOpts(buf, len, &end, false);
    if (!root) {
        size_t at = (end && end >= buf && end <= buf + len) ? (size_t)(end - buf) : 0;
        return sw_error_set(err, SW_EPARSE, "the event is not valid JSON (error near byte %zu)",
                            at);
    }
    for (const char *p = end; p && p < buf + len; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\0') {
            rc = sw_error_set(err, SW_EPARSE,
                              "the event is not valid JSON (unexpected data after the value at "
                              "byte %zu)",
                              (size_t)(p - buf));
            goto out_delete;
        }
    }
    if (!cJSON_IsObject(root)) {
        rc = sw_error_set(err, SW_EINVAL, "the event is %s, not a JSON object",
                          json_type_name(root));
        goto out_delete;
    }

    ev->env.id = sw_evr_str(&px, root, "id", SW_EVENT_STR_MAX);
    ev->env.source = sw_evr_str(&px, root, "source", SW_EVENT_STR_MAX);
    ev->env.detail_type = sw_evr_str(&px, root, "detail-type", SW_EVENT_STR_MAX);
    ev->env.account = sw_evr_account(&px, root, "account");
    ev->env.region = sw_evr_region(&px, root, "region");
    ev->env.time = sw_evr_str(&px, root, "time", SW_EVENT_STR_MAX);
    ev->env.time_ms = sw_evr_time(ev->env.time);
    classify(&px, root, organization);
    rc = 0;
    if (px.oom)
        rc = sw_error_set(err, SW_ENOMEM, "out of memory while reading the event");

out_delete:
    cJSON_Delete(root);
    return rc;
}

void sw_event_clear(struct sw_event *ev)
{
    sw_evr_arena_free(ev->arena);
    memset(ev, 0, sizeof(*ev));
}

const char *sw_event_kind_name(enum sw_event_kind k)
{
    switch (k) {
    case SW_EVENT_CLOUDTRAIL:
        return "config-change";
    case SW_EVENT_ECR_SCAN_RESOURCE_CHANGE:
        return "scan-config-change";
    case SW_EVENT_SCHEDULE:
        return "schedule";
    case SW_EVENT_SECURITYHUB:
        return "securityhub";
    case SW_EVENT_CONFIG_COMPLIANCE:
        return "config-rule";
    case SW_EVENT_FINDING:
        return "finding";
    case SW_EVENT_SCAN:
        return "scan";
    case SW_EVENT_COVERAGE:
        return "coverage";
    case SW_EVENT_BASIC_SCAN:
        return "basic-scan";
    case SW_EVENT_UNKNOWN:
    default:
        return "unknown";
    }
}

const char *sw_event_class_name(enum sw_event_class c)
{
    switch (c) {
    case SW_CLASS_DRIFT_CHECK:
        return "drift-check";
    case SW_CLASS_NOTIFY:
        return "notify";
    case SW_CLASS_UNHANDLED:
    default:
        return "unhandled";
    }
}

enum sw_severity sw_event_severity_from_name(const char *s)
{
    enum sw_severity sev;
    if (s && sw_severity_parse(s, strlen(s), &sev))
        return sev;
    return SW_SEVERITY_NONE;
}
