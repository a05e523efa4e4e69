/* sw_outbox: publishes an invocation's first notifications and folds the rest into one.
 *
 * Memory is bounded by the cap: nothing is held in full; past the cap only records
 * (subject, kind, severity, account, region, priority) of the first SW_OUTBOX_LISTED_MAX
 * are kept. The summary is an ordinary notification (text, attributes, document) so it
 * reaches every subscriber; its builder also serves the per-minute cap (rate_window.c). */
#include "handler/notify/outbox.h"

#include "handler/core/timeparse.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_outbox_init(struct sw_outbox *o, size_t max)
{
    memset(o, 0, sizeof(*o));
    o->max = max ? max : 1;
}

void sw_outbox_clear(struct sw_outbox *o)
{
    free(o->records);
    sw_outbox_init(o, o->max);
}

static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void sw_outbox_record_of(struct sw_outbox_record *r, const struct sw_notification *n)
{
    copy_field(r->subject, sizeof(r->subject), n->subject);
    copy_field(r->kind, sizeof(r->kind), sw_notification_attribute(n, "event_kind"));
    copy_field(r->severity, sizeof(r->severity), sw_notification_attribute(n, "severity"));
    copy_field(r->account, sizeof(r->account), sw_notification_attribute(n, "account_id"));
    copy_field(r->region, sizeof(r->region), sw_notification_attribute(n, "region"));
    const char *p = sw_notification_attribute(n, "priority");
    r->high_priority = p && strcmp(p, "high") == 0;
}

int sw_outbox_offer(struct sw_outbox *o, const struct sw_notification *n,
                    sw_outbox_publish_fn publish, void *ctx, struct sw_error *err)
{
    if (o->sent < o->max && o->total == 0) {
        o->sent++;
        return publish(ctx, n, err);
    }
    if (!o->records) {
        o->records = calloc(SW_OUTBOX_LISTED_MAX, sizeof(*o->records));
        if (!o->records)
            return sw_error_set(err, SW_ENOMEM, "outbox: out of memory");
    }
    if (o->record_count < SW_OUTBOX_LISTED_MAX)
        sw_outbox_record_of(&o->records[o->record_count++], n);
    o->total++;
    return 0;
}

int sw_outbox_finish(struct sw_outbox *o, int64_t generated_ms, sw_outbox_publish_fn publish,
                     void *ctx, size_t *published, struct sw_error *err)
{
    int rc = 0;
    *published = 0;
    if (o->total > 0) {
        struct sw_notification summary;
        struct sw_outbox_summary s = {.records = o->records,
                                      .listed = o->record_count,
                                      .total = o->total,
                                      .sent = o->sent,
                                      .limit = o->max};
        sw_notification_init(&summary);
        rc = sw_outbox_summary_build(&s, generated_ms, &summary, err);
        if (rc == 0)
            rc = publish(ctx, &summary, err);
        *published = rc == 0;
        sw_notification_clear(&summary);
    }
    sw_outbox_clear(o);
    return rc;
}

/* ---- the summary ---- */

/* The one value every record shares for a field, or NULL when they differ or are empty. */
static const char *common(const struct sw_outbox_record *records, size_t count, size_t offset)
{
    const char *first = NULL;
    for (size_t i = 0; i < count; i++) {
        const char *v = (const char *)&records[i] + offset;
        if (!v[0])
            return NULL;
        if (!first)
            first = v;
        else if (strcmp(first, v) != 0)
            return NULL;
    }
    return first;
}

static const char *const severity_order[] = {"CRITICAL", "HIGH",          "MEDIUM",
                                             "LOW",      "INFORMATIONAL", "UNTRIAGED"};
#define SEVERITIES (sizeof(severity_order) / sizeof(severity_order[0]))

/* What the summary says about its records as a whole. */
struct overview {
    size_t high;         /* high-priority records */
    size_t top;          /* index of the highest severity in severity_order; SEVERITIES: none */
    const char *account; /* shared by every record, else NULL */
    const char *region;  /* shared by every record, else NULL */
};

static struct overview overview_of(const struct sw_outbox_summary *s)
{
    struct overview v = {.top = SEVERITIES};
    for (size_t i = 0; i < s->listed; i++) {
        v.high += s->records[i].high_priority;
        for (size_t k = 0; k < v.top; k++) {
            if (strcmp(s->records[i].severity, severity_order[k]) == 0)
                v.top = k;
        }
    }
    v.account = common(s->records, s->listed, offsetof(struct sw_outbox_record, account));
    v.region = common(s->records, s->listed, offsetof(struct sw_outbox_record, region));
    return v;
}

static int intro(const struct sw_outbox_summary *o, struct sw_buf *b)
{
    if (o->per_minute) {
        char start[40];
        sw_time_format_iso(o->window_start_ms, start, sizeof(start));
        return sw_buf_appendf(b,
                              "In the minute from %s, %zu notifications were published, up to "
                              "MAX_NOTIFICATIONS_PER_MINUTE (%zu); %zu more finding notifications "
                              "were suppressed and are summarised here.",
                              start, o->sent, o->limit, o->total);
    }
    return sw_buf_appendf(b,
                          "This invocation produced %zu notifications, more than "
                          "MAX_NOTIFICATIONS_PER_INVOCATION (%zu): the first %zu were "
                          "published one by one, the other %zu are folded into this summary.",
                          o->sent + o->total, o->limit, o->sent, o->total);
}

/* Subject and text: the intro, then one line per listed record. */
static int summary_text(const struct sw_outbox_summary *o, const struct overview *v,
                        struct sw_notification *n, struct sw_error *err)
{
    char subject[SW_SUBJECT_MAX_CHARS * 2];
    snprintf(subject, sizeof(subject), "scanwarden: %zu %snotifications%s%s%s%s %s", o->total,
             !o->per_minute ? "more " : "", v->account || v->region ? " in " : "",
             v->account ? v->account : "", v->account && v->region ? "/" : "",
             v->region ? v->region : "",
             o->per_minute ? "suppressed (per-minute cap)" : "folded into one");
    sw_notification_set_subject(n, subject);

    struct sw_buf *b = &n->message;
    sw_buf_reset(b);
    int rc = intro(o, b);
    if (rc == 0)
        rc = sw_buf_appendf(b, "%s\n\n",
                            v->high ? " Some of them are high priority (known exploit or EPSS at "
                                      "or above EPSS_ALERT)."
                                    : "");
    for (size_t i = 0; rc == 0 && i < o->listed; i++) {
        const struct sw_outbox_record *r = &o->records[i];
        rc = sw_buf_appendf(b, "- %s%s\n", r->subject, r->high_priority ? " (high priority)" : "");
    }
    if (rc == 0 && o->total > o->listed)
        rc = sw_buf_appendf(b, "- ... and %zu more not listed\n", o->total - o->listed);
    if (rc)
        return sw_error_set(err, rc, "outbox summary: %s", sw_strerror(rc));
    return 0;
}

static int summary_attributes(const struct overview *v, struct sw_notification *n,
                              struct sw_error *err)
{
    int rc = sw_notification_add_attribute(n, "event_kind", "summary");
    if (rc == 0 && v->top < SEVERITIES)
        rc = sw_notification_add_attribute(n, "severity", severity_order[v->top]);
    if (rc == 0 && v->account)
        rc = sw_notification_add_attribute(n, "account_id", v->account);
    if (rc == 0 && v->region)
        rc = sw_notification_add_attribute(n, "region", v->region);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "priority", v->high ? "high" : "normal");
    if (rc)
        return sw_error_set(err, rc, "outbox summary: attributes: %s", sw_strerror(rc));
    return 0;
}

/* Counts r under its kind in kinds and appends it to items. False when out of memory. */
static bool document_item(cJSON *kinds, cJSON *items, const struct sw_outbox_record *r)
{
    const char *kind = r->kind[0] ? r->kind : "unknown";
    cJSON *k = cJSON_GetObjectItemCaseSensitive(kinds, kind);
    if (k)
        cJSON_SetNumberValue(k, k->valuedouble + 1);
    else if (!cJSON_AddNumberToObject(kinds, kind, 1))
        return false;
    cJSON *it = cJSON_CreateObject();
    if (!it || !cJSON_AddItemToArray(items, it)) {
        cJSON_Delete(it);
        return false;
    }
    return cJSON_AddStringToObject(it, "kind", kind) &&
           cJSON_AddStringToObject(it, "subject", r->subject) &&
           (!r->severity[0] || cJSON_AddStringToObject(it, "severity", r->severity)) &&
           (!r->account[0] || cJSON_AddStringToObject(it, "account", r->account)) &&
           (!r->region[0] || cJSON_AddStringToObject(it, "region", r->region)) &&
           cJSON_AddStringToObject(it, "priority", r->high_priority ? "high" : "normal");
}

/* The document: counts by kind and severity, and each listed notification. */
static int summary_document(const struct sw_outbox_summary *o, const struct overview *v,
                            struct sw_notification *n, struct sw_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *sum = root ? cJSON_AddObjectToObject(root, "summary") : NULL;
    cJSON *kinds = sum ? cJSON_AddObjectToObject(sum, "kinds") : NULL;
    cJSON *items = sum ? cJSON_AddArrayToObject(sum, "items") : NULL;
    bool ok = items &&
              cJSON_AddNumberToObject(sum, "notification_count", (double)(o->sent + o->total)) &&
              cJSON_AddNumberToObject(sum, "published_individually", (double)o->sent) &&
              cJSON_AddNumberToObject(sum, "limit", (double)o->limit) &&
              cJSON_AddStringToObject(sum, "cap",
                                      o->per_minute ? "MAX_NOTIFICATIONS_PER_MINUTE"
                                                    : "MAX_NOTIFICATIONS_PER_INVOCATION") &&
              cJSON_AddNumberToObject(sum, "high_priority_count", (double)v->high) &&
              cJSON_AddNumberToObject(sum, "items_omitted", (double)(o->total - o->listed));
    for (size_t i = 0; ok && i < o->listed; i++)
        ok = document_item(kinds, items, &o->records[i]);
    if (ok && o->per_minute) {
        char start[40];
        sw_time_format_iso(o->window_start_ms, start, sizeof(start));
        ok = cJSON_AddStringToObject(sum, "window_start", start) != NULL;
    }
    if (!ok) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_ENOMEM, "outbox summary: document: out of memory");
    }
    sw_notification_set_document(n, root);
    return 0;
}

int sw_outbox_summary_build(const struct sw_outbox_summary *s, int64_t generated_ms,
                            struct sw_notification *n, struct sw_error *err)
{
    struct sw_outbox_summary o = *s;
    if (o.listed > o.total)
        o.listed = o.total;
    struct overview v = overview_of(&o);
    int rc = summary_text(&o, &v, n, err);
    if (rc == 0)
        rc = summary_attributes(&v, n, err);
    if (rc == 0)
        rc = summary_document(&o, &v, n, err);
    if (rc)
        return rc;
    n->generated_ms = generated_ms;
    sw_notification_finish(n);
    return 0;
}
