/* sw_event: bounds, parses and classifies one invocation payload (docs/contract.md §2).
 *
 * A single pass over the raw bytes enforces the size, depth and value-count limits
 * before cJSON allocates anything; then each kind's fields are copied, capped, into a
 * small arena owned by the event, so one sw_event_clear frees everything. Fields of the
 * wrong JSON type count as missing: the event's sender is not trusted to follow its schema. */
#include "handler/parse/events.h"

#include "handler/core/ids.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192     /* bytes of an ordinary arena block */
#define CVSS_EXAMINED_MAX 32 /* cvss[] entries looked at */
#define NUMBER_MAX 1e15      /* counts above this are treated as missing */

struct sw_event_arena {
    struct sw_event_arena *next;
    size_t used;
    size_t cap;
    alignas(max_align_t) char data[];
};

/* ---- arena ---- */

static void *arena_alloc(struct sw_event *ev, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    struct sw_event_arena *a = ev->arena;
    if (a && a->cap - a->used >= n) {
        void *p = a->data + a->used;
        a->used += n;
        return p;
    }
    if (n > ARENA_BLOCK / 4) {
        /* A big request gets its own block, linked behind the current one. */
        struct sw_event_arena *big = malloc(sizeof(*big) + n);
        if (!big)
            return NULL;
        big->used = n;
        big->cap = n;
        if (a) {
            big->next = a->next;
            a->next = big;
        } else {
            big->next = NULL;
            ev->arena = big;
        }
        return big->data;
    }
    struct sw_event_arena *b = malloc(sizeof(*b) + ARENA_BLOCK);
    if (!b)
        return NULL;
    b->next = a;
    b->used = n;
    b->cap = ARENA_BLOCK;
    ev->arena = b;
    return b->data;
}

/* Copies s[0..len), cut to max bytes on a UTF-8 boundary with the marker. NULL: no memory
 * (the caller records it in ev via the oom flag). */
struct parse_ctx {
    struct sw_event *ev;
    bool oom;
};

static const char *keep_bytes(struct parse_ctx *px, const char *s, size_t len, size_t max)
{
    size_t marker = 0;
    if (len > max) {
        len = sw_text_utf8_prefix(s, len, max - (sizeof(SW_EVENT_CUT_MARKER) - 1));
        marker = sizeof(SW_EVENT_CUT_MARKER) - 1;
    }
    char *p = arena_alloc(px->ev, len + marker + 1);
    if (!p) {
        px->oom = true;
        return NULL;
    }
    memcpy(p, s, len);
    memcpy(p + len, SW_EVENT_CUT_MARKER, marker);
    p[len + marker] = '\0';
    return p;
}

/* ---- typed getters: the wrong type is "missing" ---- */

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const cJSON *get_obj(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *get_arr(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsArray(v) ? v : NULL;
}

/* The raw string (borrowed from the tree), or NULL when absent, not a string, or empty. */
static const char *raw_str(const cJSON *v)
{
    if (!v || !cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
        return NULL;
    return v->valuestring;
}

static const char *item_str(struct parse_ctx *px, const cJSON *v, size_t max)
{
    const char *s = raw_str(v);
    if (!s)
        return NULL;
    return keep_bytes(px, s, strnlen(s, max + 1), max);
}

static const char *str(struct parse_ctx *px, const cJSON *o, const char *key, size_t max)
{
    return item_str(px, get(o, key), max);
}

/* An account id (12 digits) or a region name (handler/core/ids.h) read from the event; NULL when
 * absent or malformed, so that a bad value is never printed, sent as a message attribute or
 * compared as if it were an account or region. */
static const char *account_str(struct parse_ctx *px, const cJSON *o, const char *key)
{
    const char *s = raw_str(get(o, key));
    return sw_account_id_ok(s) ? keep_bytes(px, s, SW_ACCOUNT_ID_LEN, SW_ACCOUNT_ID_LEN) : NULL;
}

static const char *region_str(struct parse_ctx *px, const cJSON *o, const char *key)
{
    const char *s = raw_str(get(o, key));
    return sw_region_ok(s) ? keep_bytes(px, s, strlen(s), SW_REGION_NAME_MAX) : NULL;
}

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool num(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = get(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return false;
    *out = v->valuedouble;
    return true;
}

static int64_t time_of(const char *s)
{
    return s ? sw_time_parse(s, strlen(s)) : SW_TIME_NONE;
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i]) {
            char a = p[i];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a != needle[i])
                break;
            i++;
        }
        if (i == n)
            return true;
    }
    return false;
}

/* ---- limits before parsing ---- */

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

static const char *summary(struct parse_ctx *px, const cJSON *v)
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
    return keep_bytes(px, buf, len, SW_EVENT_SUMMARY_MAX);
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
        if (eq(s, list[i]))
            return true;
    }
    return false;
}

static void parse_cloudtrail(struct parse_ctx *px, const cJSON *d, bool inspector)
{
    struct sw_cloudtrail *ct = &px->ev->cloudtrail;
    const cJSON *who = get_obj(d, "userIdentity");
    ct->event_source = str(px, d, "eventSource", SW_EVENT_STR_MAX);
    ct->event_name = str(px, d, "eventName", SW_EVENT_STR_MAX);
    ct->event_time = str(px, d, "eventTime", SW_EVENT_STR_MAX);
    ct->event_time_ms = time_of(ct->event_time);
    ct->user_arn = str(px, who, "arn", SW_EVENT_STR_MAX);
    ct->user_type = str(px, who, "type", SW_EVENT_STR_MAX);
    ct->invoked_by = str(px, who, "invokedBy", SW_EVENT_STR_MAX);
    ct->source_ip = str(px, d, "sourceIPAddress", SW_EVENT_STR_MAX);
    ct->user_agent = str(px, d, "userAgent", SW_EVENT_STR_MAX);
    ct->aws_region = region_str(px, d, "awsRegion");
    ct->error_code = str(px, d, "errorCode", SW_EVENT_STR_MAX);
    ct->error_message = str(px, d, "errorMessage", SW_EVENT_TEXT_MAX);
    ct->request_summary = summary(px, get(d, "requestParameters"));

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

static void parse_scan_change(struct parse_ctx *px, const cJSON *d)
{
    struct sw_ecr_scan_resource_change *sc = &px->ev->scan_change;
    sc->action_type = str(px, d, "action-type", SW_EVENT_STR_MAX);
    sc->scan_type = str(px, d, "scan-type", SW_EVENT_STR_MAX);
    sc->resource_type = str(px, d, "resource-type", SW_EVENT_STR_MAX);
    const cJSON *repos = get_arr(d, "repositories");
    size_t n = (size_t)cJSON_GetArraySize(repos);
    size_t take = n < SW_EVENT_REPOSITORIES_MAX ? n : SW_EVENT_REPOSITORIES_MAX;
    if (take) {
        sc->repositories = arena_alloc(px->ev, take * sizeof(*sc->repositories));
        if (!sc->repositories) {
            px->oom = true;
            return;
        }
        memset(sc->repositories, 0, take * sizeof(*sc->repositories));
    }
    size_t i = 0;
    for (const cJSON *r = repos ? repos->child : NULL; r && i < take; r = r->next) {
        struct sw_ecr_repository_change *rc = &sc->repositories[i++];
        rc->name = str(px, r, "repository-name", SW_EVENT_STR_MAX);
        rc->arn = str(px, r, "repository-arn", SW_EVENT_STR_MAX);
        rc->scan_frequency = str(px, r, "scan-frequency", SW_EVENT_STR_MAX);
        rc->previous_scan_frequency = str(px, r, "previous-scan-frequency", SW_EVENT_STR_MAX);
    }
    sc->repository_count = i;
    sc->repositories_omitted = n - i;
    px->ev->cls = SW_CLASS_DRIFT_CHECK;
}

static void parse_securityhub(struct parse_ctx *px, const cJSON *d)
{
    struct sw_securityhub *sh = &px->ev->securityhub;
    const cJSON *findings = get_arr(d, "findings");
    size_t examined = 0;
    for (const cJSON *f = findings ? findings->child : NULL;
         f && examined < SW_EVENT_SECHUB_FINDINGS_MAX; f = f->next) {
        examined++;
        const cJSON *compliance = get_obj(f, "Compliance");
        const char *control = raw_str(get(compliance, "SecurityControlId"));
        if (!control)
            control = raw_str(get(get_obj(f, "ProductFields"), "ControlId"));
        if (!eq(control, "Inspector.2") && !eq(control, "ECR.1"))
            continue;
        if (!eq(raw_str(get(compliance, "Status")), "FAILED"))
            continue;
        if (!sh->control_id) {
            sh->control_id = keep_bytes(px, control, strlen(control), SW_EVENT_STR_MAX);
            sh->finding_id = str(px, f, "Id", SW_EVENT_STR_MAX);
            sh->account_id = account_str(px, f, "AwsAccountId");
            sh->title = str(px, f, "Title", SW_EVENT_STR_MAX);
        }
    }
    sh->finding_count = examined;
    if (sh->control_id)
        px->ev->cls = SW_CLASS_DRIFT_CHECK;
    else
        px->ev->unhandled_reason = "no Security Hub finding for control Inspector.2 or ECR.1 "
                                   "with compliance FAILED";
}

static void parse_config_compliance(struct parse_ctx *px, const cJSON *d)
{
    struct sw_config_compliance *cc = &px->ev->config_compliance;
    const cJSON *result = get_obj(d, "newEvaluationResult");
    cc->rule_name = str(px, d, "configRuleName", SW_EVENT_STR_MAX);
    if (!cc->rule_name) {
        const cJSON *q =
            get_obj(get_obj(result, "evaluationResultIdentifier"), "evaluationResultQualifier");
        cc->rule_name = str(px, q, "configRuleName", SW_EVENT_STR_MAX);
    }
    cc->compliance_type = str(px, result, "complianceType", SW_EVENT_STR_MAX);
    cc->old_compliance_type =
        str(px, get_obj(d, "oldEvaluationResult"), "complianceType", SW_EVENT_STR_MAX);
    cc->resource_type = str(px, d, "resourceType", SW_EVENT_STR_MAX);
    cc->resource_id = str(px, d, "resourceId", SW_EVENT_STR_MAX);
    cc->account_id = account_str(px, d, "awsAccountId");
    cc->aws_region = region_str(px, d, "awsRegion");

    bool rule =
        cc->rule_name && (contains_nocase(cc->rule_name, "inspector-ecr-scan-enabled") ||
                          contains_nocase(cc->rule_name, "ecr-private-image-scanning-enabled"));
    if (rule && eq(cc->compliance_type, "NON_COMPLIANT"))
        px->ev->cls = SW_CLASS_DRIFT_CHECK;
    else if (!rule)
        px->ev->unhandled_reason = "the Config rule is not inspector-ecr-scan-enabled or "
                                   "ecr-private-image-scanning-enabled";
    else
        px->ev->unhandled_reason = "the Config rule did not become NON_COMPLIANT";
}

/* Up to SW_EVENT_TAGS_MAX strings of a JSON array of strings. */
static void keep_tags(struct parse_ctx *px, const cJSON *arr, const char ***out, size_t *count,
                      size_t *omitted)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    size_t take = n < SW_EVENT_TAGS_MAX ? n : SW_EVENT_TAGS_MAX;
    size_t kept = 0;
    const char **tags = NULL;
    if (take) {
        tags = arena_alloc(px->ev, take * sizeof(*tags));
        if (!tags) {
            px->oom = true;
            return;
        }
    }
    size_t i = 0;
    for (const cJSON *t = arr ? arr->child : NULL; t && i < take; t = t->next, i++) {
        const char *s = item_str(px, t, SW_EVENT_STR_MAX);
        if (s)
            tags[kept++] = s;
    }
    *out = tags;
    *count = kept;
    *omitted = n - take;
}

/* Repository and digest from an ECR ARN: arn:aws:ecr:r:a:repository/<name>[/sha256:<hex>]. */
static void split_ecr_arn(struct parse_ctx *px, const char *arn, const char **repo,
                          const char **digest)
{
    const char *p = arn ? strstr(arn, ":repository/") : NULL;
    if (!p || strncmp(arn, "arn:", 4) != 0)
        return;
    p += strlen(":repository/");
    const char *d = strstr(p, "/sha256:");
    size_t n = d ? (size_t)(d - p) : strlen(p);
    if (n && !*repo)
        *repo = keep_bytes(px, p, n, SW_EVENT_STR_MAX);
    if (d && !*digest)
        *digest = keep_bytes(px, d + 1, strlen(d + 1), SW_EVENT_STR_MAX);
}

/* "3.1" -> 31, "2.0" -> 20; 0 when unknown. */
static int cvss_rank(const char *version)
{
    if (!version || version[0] < '0' || version[0] > '9')
        return 0;
    int r = (version[0] - '0') * 10;
    if (version[1] == '.' && version[2] >= '0' && version[2] <= '9')
        r += version[2] - '0';
    return r;
}

static void parse_cvss(struct parse_ctx *px, const cJSON *d, const cJSON *pvd)
{
    struct sw_finding *f = &px->ev->finding;
    const cJSON *best = NULL;
    int best_rank = -1;
    size_t examined = 0;
    const cJSON *list = get_arr(pvd, "cvss");
    for (const cJSON *c = list ? list->child : NULL; c && examined < CVSS_EXAMINED_MAX;
         c = c->next, examined++) {
        double score;
        if (!num(c, "baseScore", &score))
            continue;
        int rank = cvss_rank(raw_str(get(c, "version")));
        if (rank > best_rank) {
            best = c;
            best_rank = rank;
        }
    }
    if (best) {
        num(best, "baseScore", &f->cvss_base_score);
        f->has_cvss = true;
        f->cvss_vector = str(px, best, "scoringVector", SW_EVENT_STR_MAX);
        f->cvss_source = str(px, best, "source", SW_EVENT_STR_MAX);
        f->cvss_version = str(px, best, "version", SW_EVENT_STR_MAX);
        return;
    }
    /* Inspector's adjusted CVSS when the package details carry none. */
    const cJSON *adj = get_obj(get_obj(d, "inspectorScoreDetails"), "adjustedCvss");
    if (num(adj, "score", &f->cvss_base_score)) {
        f->has_cvss = true;
        f->cvss_vector = str(px, adj, "scoringVector", SW_EVENT_STR_MAX);
        f->cvss_source = str(px, adj, "scoreSource", SW_EVENT_STR_MAX);
        f->cvss_version = str(px, adj, "version", SW_EVENT_STR_MAX);
    }
}

static void parse_packages(struct parse_ctx *px, const cJSON *pvd)
{
    struct sw_finding *f = &px->ev->finding;
    const cJSON *list = get_arr(pvd, "vulnerablePackages");
    size_t n = (size_t)cJSON_GetArraySize(list);
    size_t take = n < SW_EVENT_PACKAGES_MAX ? n : SW_EVENT_PACKAGES_MAX;
    if (!take)
        return;
    f->packages = arena_alloc(px->ev, take * sizeof(*f->packages));
    if (!f->packages) {
        px->oom = true;
        return;
    }
    size_t i = 0;
    for (const cJSON *p = list->child; p && i < take; p = p->next, i++) {
        struct sw_vulnerable_package *vp = &f->packages[i];
        memset(vp, 0, sizeof(*vp));
        vp->name = str(px, p, "name", SW_EVENT_STR_MAX);
        vp->fixed_in_version = str(px, p, "fixedInVersion", SW_EVENT_STR_MAX);
        vp->package_manager = str(px, p, "packageManager", SW_EVENT_STR_MAX);
        vp->file_path = str(px, p, "filePath", SW_EVENT_STR_MAX);
        /* Installed version: [epoch:]version[-release], as the fixed version is written. */
        const char *version = raw_str(get(p, "version"));
        const char *release = raw_str(get(p, "release"));
        double epoch = 0;
        bool has_epoch = num(p, "epoch", &epoch) && epoch >= 1 && epoch < 1e9;
        if (version) {
            char buf[SW_EVENT_STR_MAX + 64];
            const int half = SW_EVENT_STR_MAX / 2;
            int len;
            if (has_epoch)
                len = snprintf(buf, sizeof(buf), "%.0f:%.*s%s%.*s", epoch, half, version,
                               release ? "-" : "", half, release ? release : "");
            else
                len = snprintf(buf, sizeof(buf), "%.*s%s%.*s", half, version, release ? "-" : "",
                               half, release ? release : "");
            if (len > 0) {
                size_t total = (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf) - 1;
                vp->version = keep_bytes(px, buf, total, SW_EVENT_STR_MAX);
            }
        }
    }
    f->package_count = i;
    f->packages_omitted = n - i;
}

/* The region field of an ARN (arn:partition:service:region:...), copied; NULL if none or
 * not a region name. */
static const char *arn_region(struct parse_ctx *px, const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = strchr(arn + 4, ':');
    p = p ? strchr(p + 1, ':') : NULL;
    if (!p)
        return NULL;
    const char *e = strchr(p + 1, ':');
    if (!e || !sw_region_valid(p + 1, (size_t)(e - p - 1)))
        return NULL;
    return keep_bytes(px, p + 1, (size_t)(e - p - 1), SW_REGION_NAME_MAX);
}

static void parse_finding(struct parse_ctx *px, const cJSON *d)
{
    struct sw_event *ev = px->ev;
    struct sw_finding *f = &ev->finding;
    double x;

    f->finding_arn = str(px, d, "findingArn", SW_EVENT_STR_MAX);
    f->account_id = account_str(px, d, "awsAccountId");
    f->status = str(px, d, "status", SW_EVENT_STR_MAX);
    f->type = str(px, d, "type", SW_EVENT_STR_MAX);
    f->title = str(px, d, "title", SW_EVENT_STR_MAX);
    f->description = str(px, d, "description", SW_EVENT_TEXT_MAX);
    f->severity_text = str(px, d, "severity", SW_EVENT_STR_MAX);
    f->severity = sw_event_severity_from_name(f->severity_text);
    if (num(d, "inspectorScore", &x)) {
        f->has_inspector_score = true;
        f->inspector_score = x;
    }
    if (num(get_obj(d, "epss"), "score", &x)) {
        f->has_epss = true;
        f->epss_score = x;
    }
    f->exploit_available = str(px, d, "exploitAvailable", SW_EVENT_STR_MAX);
    f->fix_available = str(px, d, "fixAvailable", SW_EVENT_STR_MAX);

    const cJSON *pvd = get_obj(d, "packageVulnerabilityDetails");
    f->vulnerability_id = str(px, pvd, "vulnerabilityId", SW_EVENT_STR_MAX);
    f->vendor_severity = str(px, pvd, "vendorSeverity", SW_EVENT_STR_MAX);
    f->source_url = str(px, pvd, "sourceUrl", SW_EVENT_STR_MAX);
    parse_cvss(px, d, pvd);
    parse_packages(px, pvd);

    const cJSON *resources = get_arr(d, "resources");
    const cJSON *res = resources ? resources->child : NULL;
    if (cJSON_IsObject(res)) {
        const cJSON *details = get_obj(res, "details");
        const cJSON *ecr = get_obj(details, "awsEcrContainerImage");
        const cJSON *img = get_obj(details, "image");
        f->resource_type = str(px, res, "type", SW_EVENT_STR_MAX);
        f->resource_id = str(px, res, "id", SW_EVENT_STR_MAX);
        f->region = region_str(px, res, "region");
        f->repository = str(px, ecr, "repositoryName", SW_EVENT_STR_MAX);
        if (!f->repository)
            f->repository = str(px, img, "repositoryName", SW_EVENT_STR_MAX);
        f->registry = str(px, ecr, "registry", SW_EVENT_STR_MAX);
        if (!f->registry)
            f->registry = str(px, img, "registry", SW_EVENT_STR_MAX);
        f->image_digest = str(px, ecr, "imageHash", SW_EVENT_STR_MAX);
        if (!f->image_digest)
            f->image_digest = str(px, img, "imageDigest", SW_EVENT_STR_MAX);
        const cJSON *tags = get_arr(ecr, "imageTags");
        if (!cJSON_GetArraySize(tags))
            tags = get_arr(img, "imageTags");
        keep_tags(px, tags, &f->image_tags, &f->image_tag_count, &f->image_tags_omitted);
        split_ecr_arn(px, f->resource_id, &f->repository, &f->image_digest);
    }
    if (!f->account_id)
        f->account_id = ev->env.account;
    if (!f->region)
        f->region = ev->env.region;
    if (!f->region)
        f->region = arn_region(px, f->finding_arn);
    if (!f->region)
        f->region = arn_region(px, f->resource_id);

    f->first_observed_text = str(px, d, "firstObservedAt", SW_EVENT_STR_MAX);
    f->first_observed_ms = time_of(f->first_observed_text);
    f->last_observed_text = str(px, d, "lastObservedAt", SW_EVENT_STR_MAX);
    f->last_observed_ms = time_of(f->last_observed_text);
    f->updated_at_text = str(px, d, "updatedAt", SW_EVENT_STR_MAX);
    f->updated_at_ms = time_of(f->updated_at_text);
    f->remediation =
        str(px, get_obj(get_obj(d, "remediation"), "recommendation"), "text", SW_EVENT_TEXT_MAX);
    ev->cls = SW_CLASS_NOTIFY;
}

static void parse_counts(const cJSON *o, struct sw_severity_counts *c)
{
    static const struct {
        const char *key;
        enum sw_severity sev;
    } keys[] = {{"CRITICAL", SW_SEVERITY_CRITICAL},
                {"HIGH", SW_SEVERITY_HIGH},
                {"MEDIUM", SW_SEVERITY_MEDIUM},
                {"LOW", SW_SEVERITY_LOW},
                {"INFORMATIONAL", SW_SEVERITY_INFORMATIONAL},
                {"UNTRIAGED", SW_SEVERITY_UNTRIAGED},
                {"UNDEFINED", SW_SEVERITY_UNTRIAGED}};
    double x;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!num(o, keys[i].key, &x) || x < 0 || x > NUMBER_MAX)
            continue;
        c->present[keys[i].sev] = true;
        c->count[keys[i].sev] += (int64_t)x;
    }
    if (num(o, "TOTAL", &x) && x >= 0 && x <= NUMBER_MAX) {
        c->has_total = true;
        c->total = (int64_t)x;
    }
}

static void parse_scan(struct parse_ctx *px, const cJSON *d)
{
    struct sw_scan_summary *s = &px->ev->scan;
    s->scan_status = str(px, d, "scan-status", SW_EVENT_STR_MAX);
    const char *repo = raw_str(get(d, "repository-name"));
    if (repo && strncmp(repo, "arn:", 4) == 0) {
        const char *digest = NULL;
        split_ecr_arn(px, repo, &s->repository, &digest);
    } else if (repo) {
        s->repository = keep_bytes(px, repo, strnlen(repo, SW_EVENT_STR_MAX + 1), SW_EVENT_STR_MAX);
    }
    s->image_digest = str(px, d, "image-digest", SW_EVENT_STR_MAX);
    keep_tags(px, get_arr(d, "image-tags"), &s->image_tags, &s->image_tag_count,
              &s->image_tags_omitted);
    parse_counts(get_obj(d, "finding-severity-counts"), &s->counts);
    px->ev->cls = SW_CLASS_NOTIFY;
}

static void parse_coverage(struct parse_ctx *px, const cJSON *d, const cJSON *root)
{
    struct sw_event *ev = px->ev;
    struct sw_coverage *c = &ev->coverage;
    const cJSON *status = get_obj(d, "scanStatus");
    c->status = str(px, status, "statusCodeValue", SW_EVENT_STR_MAX);
    c->reason = str(px, status, "reason", SW_EVENT_STR_MAX);
    c->scan_type = str(px, d, "scanType", SW_EVENT_STR_MAX);
    const cJSON *resources = get_arr(root, "resources");
    c->resource_id = item_str(px, resources ? resources->child : NULL, SW_EVENT_STR_MAX);
    if (!c->resource_id)
        c->resource_id = str(px, d, "resourceId", SW_EVENT_STR_MAX);
    split_ecr_arn(px, c->resource_id, &c->repository, &c->image_digest);
    c->account_id = account_str(px, d, "providerAccountId");
    if (!c->account_id)
        c->account_id = ev->env.account;
    c->region = region_str(px, d, "providerRegion");
    if (!c->region)
        c->region = ev->env.region;
    c->event_timestamp = str(px, d, "eventTimestamp", SW_EVENT_STR_MAX);
    c->event_time_ms = time_of(c->event_timestamp);
    c->resource_type = str(px, d, "resourceType", SW_EVENT_STR_MAX);
    /* Inspector also covers EC2 instances and Lambda functions; scanwarden watches ECR. */
    bool ecr = c->resource_type ? eq(c->resource_type, "AWS_ECR_REPOSITORY") ||
                                      eq(c->resource_type, "AWS_ECR_CONTAINER_IMAGE")
                                : c->repository != NULL && strstr(c->resource_id, ":ecr:") != NULL;
    if (ecr)
        ev->cls = SW_CLASS_NOTIFY;
    else
        ev->unhandled_reason = "the Inspector2 Coverage event is not about an ECR repository or "
                               "image (AWS_ECR_REPOSITORY, AWS_ECR_CONTAINER_IMAGE): scanwarden "
                               "watches ECR scanning only";
}

/* ---- classification ---- */

static void classify_kind(struct parse_ctx *px, const cJSON *root);

bool sw_event_org_trigger(const char *source, const char *detail_type, const char *event_name)
{
    if (!eq(source, "aws.inspector2"))
        return false;
    if (eq(detail_type, "Inspector2 AutoEnable"))
        return true;
    return eq(detail_type, "AWS API Call via CloudTrail") &&
           (eq(event_name, "DisassociateMember") || eq(event_name, "AssociateMember"));
}

/* What the event is and what it asks for; organization: SCOPE=organization, where member
 * changes ask for a drift check too (docs/contract.md §2.5). */
static void classify(struct parse_ctx *px, const cJSON *root, bool organization)
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

static void classify_kind(struct parse_ctx *px, const cJSON *root)
{
    struct sw_event *ev = px->ev;
    const char *source = ev->env.source;
    const char *type = ev->env.detail_type;
    const cJSON *d = get_obj(root, "detail");

    ev->kind = SW_EVENT_UNKNOWN;
    ev->cls = SW_CLASS_UNHANDLED;
    ev->unhandled_reason = NULL;

    if (!source && !type) {
        if (eq(raw_str(get(root, "trigger")), "schedule")) {
            ev->kind = SW_EVENT_SCHEDULE;
            ev->schedule.constant_input = true;
            ev->cls = SW_CLASS_DRIFT_CHECK;
            return;
        }
        ev->unhandled_reason = "the event has no source and detail-type, and is not "
                               "{\"trigger\":\"schedule\"}";
        return;
    }
    if (eq(type, "AWS API Call via CloudTrail") &&
        (eq(source, "aws.inspector2") || eq(source, "aws.ecr"))) {
        ev->kind = SW_EVENT_CLOUDTRAIL;
        parse_cloudtrail(px, d, eq(source, "aws.inspector2"));
    } else if (eq(type, "ECR Scan Resource Change") && eq(source, "aws.ecr")) {
        ev->kind = SW_EVENT_ECR_SCAN_RESOURCE_CHANGE;
        parse_scan_change(px, d);
    } else if (eq(type, "Scheduled Event") &&
               (eq(source, "aws.events") || eq(source, "aws.scheduler"))) {
        const cJSON *resources = get_arr(root, "resources");
        ev->kind = SW_EVENT_SCHEDULE;
        ev->schedule.rule_arn = item_str(px, resources ? resources->child : NULL, SW_EVENT_STR_MAX);
        ev->cls = SW_CLASS_DRIFT_CHECK;
    } else if (eq(type, "Security Hub Findings - Imported") && eq(source, "aws.securityhub")) {
        ev->kind = SW_EVENT_SECURITYHUB;
        parse_securityhub(px, d);
    } else if (eq(type, "Config Rules Compliance Change") && eq(source, "aws.config")) {
        ev->kind = SW_EVENT_CONFIG_COMPLIANCE;
        parse_config_compliance(px, d);
    } else if (eq(type, "Inspector2 Finding") && eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_FINDING;
        parse_finding(px, d);
    } else if (eq(type, "Inspector2 Scan") && eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_SCAN;
        parse_scan(px, d);
    } else if (eq(type, "Inspector2 Coverage") && eq(source, "aws.inspector2")) {
        ev->kind = SW_EVENT_COVERAGE;
        parse_coverage(px, d, root);
    } else if (eq(type, "ECR Image Scan") && eq(source, "aws.ecr")) {
        ev->kind = SW_EVENT_BASIC_SCAN;
        parse_scan(px, d);
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
    struct parse_ctx px;

    memset(ev, 0, sizeof(*ev));
    px.ev = ev;
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

    ev->env.id = str(&px, root, "id", SW_EVENT_STR_MAX);
    ev->env.source = str(&px, root, "source", SW_EVENT_STR_MAX);
    ev->env.detail_type = str(&px, root, "detail-type", SW_EVENT_STR_MAX);
    ev->env.account = account_str(&px, root, "account");
    ev->env.region = region_str(&px, root, "region");
    ev->env.time = str(&px, root, "time", SW_EVENT_STR_MAX);
    ev->env.time_ms = time_of(ev->env.time);
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
    struct sw_event_arena *a = ev->arena;
    while (a) {
        struct sw_event_arena *next = a->next;
        free(a);
        a = next;
    }
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
