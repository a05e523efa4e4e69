/* sw_notify_document: JSON documents for finding, scan, coverage and basic-scan notifications.
 *
 * Each builder copies the fields the event carried (absent ones are left out, as in the
 * text) into a cJSON object, bounded: strings are cut on a UTF-8 boundary, packages and
 * tags are capped with the full count kept. Times are ISO 8601 UTC when they parsed,
 * else the text as sent. Priority marking lives here because it needs the same fields. */
#include "handler/notify/notify_document.h"

#include "handler/notify/notify_console.h"
#include "handler/notify/notify_sla.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAGS_MAX 20 /* image tags listed in a document */

/* ---- bounded adders: each is a no-op for NULL values; they return false on ENOMEM ---- */

static bool add_str_max(cJSON *obj, const char *key, const char *value, size_t max)
{
    if (!value)
        return true;
    size_t len = strlen(value);
    if (len <= max)
        return cJSON_AddStringToObject(obj, key, value) != NULL;
    char *cut = malloc(max + 4);
    if (!cut)
        return false;
    size_t keep = sw_text_utf8_prefix(value, len, max - 3);
    memcpy(cut, value, keep);
    memcpy(cut + keep, "...", 4);
    bool ok = cJSON_AddStringToObject(obj, key, cut) != NULL;
    free(cut);
    return ok;
}

static bool add_str(cJSON *obj, const char *key, const char *value)
{
    return add_str_max(obj, key, value, SW_DOCUMENT_STR_MAX);
}

static bool add_time(cJSON *obj, const char *key, int64_t ms, const char *text)
{
    char iso[40];
    if (ms != SW_TIME_NONE && sw_time_format_iso(ms, iso, sizeof(iso)) > 0)
        return cJSON_AddStringToObject(obj, key, iso) != NULL;
    return add_str(obj, key, text);
}

static bool add_tags(cJSON *obj, const char *const *tags, size_t count, size_t omitted)
{
    if (count == 0)
        return true;
    cJSON *arr = cJSON_AddArrayToObject(obj, "tags");
    if (!arr)
        return false;
    for (size_t i = 0; i < count && i < TAGS_MAX; i++) {
        cJSON *s = cJSON_CreateString(tags[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            return false;
        }
    }
    if (count + omitted > TAGS_MAX || omitted)
        return cJSON_AddNumberToObject(obj, "tag_count", (double)(count + omitted)) != NULL;
    return true;
}

/* Wraps body as {"<key>": body} and hands it to n. */
static int attach(struct sw_notification *n, const char *key, cJSON *body, bool ok,
                  struct sw_error *err)
{
    cJSON *root = ok ? cJSON_CreateObject() : NULL;
    if (!root || !cJSON_AddItemToObject(root, key, body)) {
        cJSON_Delete(root);
        cJSON_Delete(body);
        return sw_error_set(err, SW_ENOMEM, "building the %s document: out of memory", key);
    }
    sw_notification_set_document(n, root);
    return 0;
}

/* ---- finding ---- */

static bool no_advice(const char *s)
{
    return s && strcmp(s, "None Provided") == 0;
}

static bool add_packages(cJSON *obj, const struct sw_finding *f)
{
    size_t total = f->package_count + f->packages_omitted;
    if (total == 0)
        return true;
    if (!cJSON_AddNumberToObject(obj, "package_count", (double)total))
        return false;
    cJSON *arr = cJSON_AddArrayToObject(obj, "packages");
    if (!arr)
        return false;
    for (size_t i = 0; i < f->package_count && i < SW_DOCUMENT_PACKAGES_MAX; i++) {
        const struct sw_vulnerable_package *p = &f->packages[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return false;
        }
        if (!add_str(o, "name", p->name ? p->name : "") || !add_str(o, "version", p->version) ||
            !add_str(o, "fixed_in_version", p->fixed_in_version) ||
            !add_str(o, "package_manager", p->package_manager) ||
            !add_str(o, "file_path", p->file_path))
            return false;
    }
    return true;
}

static bool finding_body(const struct sw_finding *f, cJSON *o)
{
    char link[SW_CONSOLE_LINK_MAX];
    bool ok = add_str(o, "vulnerability_id", f->vulnerability_id) &&
              add_str(o, "title", f->title) &&
              add_str(o, "severity",
                      f->severity != SW_SEVERITY_NONE ? sw_severity_name(f->severity)
                      : f->severity_text              ? f->severity_text
                                                      : "UNTRIAGED") &&
              add_str(o, "status", f->status) && add_str(o, "type", f->type);
    if (ok && f->has_inspector_score)
        ok = cJSON_AddNumberToObject(o, "inspector_score", f->inspector_score) != NULL;
    if (ok && f->has_cvss) {
        cJSON *c = cJSON_AddObjectToObject(o, "cvss");
        ok = c && cJSON_AddNumberToObject(c, "base_score", f->cvss_base_score) &&
             add_str(c, "vector", f->cvss_vector) && add_str(c, "source", f->cvss_source) &&
             add_str(c, "version", f->cvss_version);
    }
    if (ok && f->has_epss)
        ok = cJSON_AddNumberToObject(o, "epss_score", f->epss_score) != NULL;
    ok = ok && add_str(o, "exploit_available", f->exploit_available) &&
         add_str(o, "fix_available", f->fix_available);
    if (ok && (f->repository || f->image_digest || f->image_tag_count || f->resource_id)) {
        cJSON *img = cJSON_AddObjectToObject(o, "image");
        ok = img && add_str(img, "repository", f->repository) &&
             add_str(img, "registry", f->registry) &&
             add_tags(img, f->image_tags, f->image_tag_count, f->image_tags_omitted) &&
             add_str(img, "digest", f->image_digest) &&
             add_str(img, "resource_type", f->resource_type) &&
             add_str(img, "resource_id", f->resource_id);
    }
    ok = ok && add_packages(o, f) &&
         add_time(o, "first_observed_at", f->first_observed_ms, f->first_observed_text) &&
         add_time(o, "last_observed_at", f->last_observed_ms, f->last_observed_text) &&
         add_time(o, "updated_at", f->updated_at_ms, f->updated_at_text);
    int64_t sla = sw_notify_sla_ms(f->severity);
    if (ok && sla > 0 && f->first_observed_ms != SW_TIME_NONE)
        ok = add_time(o, "respond_by", f->first_observed_ms + sla, NULL);
    ok = ok && add_str_max(o, "description", f->description, SW_DOCUMENT_TEXT_MAX) &&
         add_str_max(o, "remediation", no_advice(f->remediation) ? NULL : f->remediation,
                     SW_DOCUMENT_TEXT_MAX) &&
         add_str(o, "finding_arn", f->finding_arn) && add_str(o, "source_url", f->source_url);
    if (ok && sw_notify_console_link(f, link, sizeof(link)))
        ok = add_str(o, "console_url", link);
    return ok;
}

int sw_notify_document_finding(const struct sw_event *ev, struct sw_notification *n,
                               struct sw_error *err)
{
    if (ev->kind != SW_EVENT_FINDING)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Finding event");
    cJSON *body = cJSON_CreateObject();
    bool ok = body && finding_body(&ev->finding, body);
    return attach(n, "finding", body, ok, err);
}

/* ---- scans ---- */

int sw_notify_document_scan(const struct sw_event *ev, enum sw_severity min,
                            struct sw_notification *n, struct sw_error *err)
{
    if (ev->kind != SW_EVENT_SCAN && ev->kind != SW_EVENT_BASIC_SCAN)
        return sw_error_set(err, SW_EINVAL, "not a scan event");
    const struct sw_scan_summary *s = &ev->scan;
    bool basic = ev->kind == SW_EVENT_BASIC_SCAN;
    cJSON *body = cJSON_CreateObject();
    bool ok = body && cJSON_AddStringToObject(body, "scanner", basic ? "ecr-basic" : "inspector") &&
              add_str(body, "scan_status", s->scan_status) &&
              add_str(body, "repository", s->repository) &&
              add_tags(body, s->image_tags, s->image_tag_count, s->image_tags_omitted) &&
              add_str(body, "digest", s->image_digest) &&
              cJSON_AddStringToObject(
                  body, "threshold",
                  sw_severity_name(min == SW_SEVERITY_NONE ? SW_SEVERITY_UNTRIAGED : min));
    cJSON *counts = ok ? cJSON_AddObjectToObject(body, "counts") : NULL;
    ok = ok && counts;
    for (int sev = SW_SEVERITY_CRITICAL; ok && sev >= SW_SEVERITY_UNTRIAGED; sev--) {
        if (!s->counts.present[sev])
            continue;
        const char *name = basic && sev == SW_SEVERITY_UNTRIAGED
                               ? "UNDEFINED"
                               : sw_severity_name((enum sw_severity)sev);
        ok = cJSON_AddNumberToObject(counts, name, (double)s->counts.count[sev]) != NULL;
    }
    if (ok && s->counts.has_total)
        ok = cJSON_AddNumberToObject(body, "total", (double)s->counts.total) != NULL;
    ok = ok && add_time(body, "time", ev->env.time_ms, ev->env.time);
    return attach(n, "scan", body, ok, err);
}

/* ---- coverage ---- */

int sw_notify_document_coverage(const struct sw_event *ev, struct sw_notification *n,
                                struct sw_error *err)
{
    if (ev->kind != SW_EVENT_COVERAGE)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Coverage event");
    const struct sw_coverage *c = &ev->coverage;
    cJSON *body = cJSON_CreateObject();
    bool ok =
        body && add_str(body, "scan_status", c->status) && add_str(body, "reason", c->reason) &&
        add_str(body, "scan_type", c->scan_type) && add_str(body, "resource_id", c->resource_id) &&
        add_str(body, "repository", c->repository) && add_str(body, "digest", c->image_digest) &&
        add_time(body, "time", c->event_time_ms, c->event_timestamp);
    return attach(n, "coverage", body, ok, err);
}

/* ---- priority ---- */

static bool is_yes(const char *s)
{
    return s && (s[0] == 'Y' || s[0] == 'y') && (s[1] == 'E' || s[1] == 'e') &&
           (s[2] == 'S' || s[2] == 's') && s[3] == '\0';
}

/* Why a finding is high priority (bit set). */
#define PRIORITY_EXPLOIT 1u /* exploitAvailable is YES */
#define PRIORITY_EPSS 2u    /* EPSS score >= EPSS_ALERT */

/* The reasons that apply to f (0: normal priority). */
static unsigned priority_reasons(const struct sw_finding *f, double epss_alert)
{
    unsigned r = 0;
    if (is_yes(f->exploit_available))
        r |= PRIORITY_EXPLOIT;
    if (f->has_epss && f->epss_score >= epss_alert)
        r |= PRIORITY_EPSS;
    return r;
}

/* "[SEV] rest" -> "[SEV][TAG] rest", cut to 99 characters from the end (the image name). */
static void tag_subject(struct sw_notification *n, const char *tag)
{
    char out[SW_SUBJECT_MAX_CHARS * 2 + 32];
    const char *close = n->subject[0] == '[' ? strchr(n->subject, ']') : NULL;
    size_t head = close ? (size_t)(close - n->subject) + 1 : 0;
    snprintf(out, sizeof(out), "%.*s%s%s%s", (int)head, n->subject, tag, close ? "" : " ",
             n->subject + head);
    if (strlen(out) > SW_SUBJECT_MAX_CHARS) {
        size_t cut = SW_SUBJECT_MAX_CHARS;
        while (cut > head && out[cut] != ' ')
            cut--; /* at a word boundary when there is one */
        if (cut <= head + strlen(tag) + 8)
            cut = SW_SUBJECT_MAX_CHARS;
        out[cut] = '\0';
    }
    sw_notification_set_subject(n, out);
}

int sw_notify_mark_priority(const struct sw_finding *f, double epss_alert,
                            struct sw_notification *n, struct sw_error *err)
{
    unsigned r = priority_reasons(f, epss_alert);
    int rc = sw_notification_add_attribute(n, "priority", r ? "high" : "normal");
    if (rc)
        return sw_error_set(err, rc, "adding the priority attribute: %s", sw_strerror(rc));
    if (r & PRIORITY_EXPLOIT) {
        tag_subject(n, "[EXPLOIT]");
    } else if (r & PRIORITY_EPSS) {
        char tag[32];
        snprintf(tag, sizeof(tag), "[EPSS %.2f]", f->epss_score);
        tag_subject(n, tag);
    }
    cJSON *body = n->document ? cJSON_GetObjectItemCaseSensitive(n->document, "finding") : NULL;
    if (!body)
        return 0;
    cJSON *reasons = cJSON_CreateArray();
    bool ok = reasons && cJSON_AddStringToObject(body, "priority", r ? "high" : "normal") &&
              cJSON_AddItemToObject(body, "priority_reasons", reasons);
    if (!ok) {
        if (!cJSON_GetObjectItemCaseSensitive(body, "priority_reasons"))
            cJSON_Delete(reasons);
        return sw_error_set(err, SW_ENOMEM, "marking the priority: out of memory");
    }
    if (r & PRIORITY_EXPLOIT)
        ok = cJSON_AddItemToArray(reasons, cJSON_CreateString("exploit_available"));
    if (ok && (r & PRIORITY_EPSS))
        ok = cJSON_AddItemToArray(reasons, cJSON_CreateString("epss"));
    if (ok && (r & PRIORITY_EPSS))
        ok = cJSON_AddNumberToObject(body, "epss_alert", epss_alert) != NULL;
    return ok ? 0 : sw_error_set(err, SW_ENOMEM, "marking the priority: out of memory");
}
