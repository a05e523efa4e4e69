/* sw_outbox: holds an invocation's notifications and folds a storm into one summary.
 *
 * Memory is bounded by the cap: at most max notifications are held in full; from the
 * first one past the cap, the held ones are freed and only records (subject, kind,
 * severity, account, region) of the first SW_OUTBOX_LISTED_MAX are kept. The summary is
 * an ordinary notification (text, attributes, document) so it reaches every subscriber. */
#include "handler/outbox.h"

#include "handler/timeparse.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_TEXT_MAX ((size_t)200 * 1024)

void sw_outbox_init(struct sw_outbox *o, size_t max)
{
    memset(o, 0, sizeof(*o));
    o->max = max ? max : 1;
}

static void drop_pending(struct sw_outbox *o)
{
    for (size_t i = 0; i < o->pending_count; i++)
        sw_notification_free(&o->pending[i]);
    free(o->pending);
    o->pending = NULL;
    o->pending_count = 0;
}

void sw_outbox_free(struct sw_outbox *o)
{
    drop_pending(o);
    free(o->records);
    size_t max = o->max;
    sw_outbox_init(o, max);
}

bool sw_outbox_folded(const struct sw_outbox *o)
{
    return o->total > o->max;
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

static void record(struct sw_outbox *o, const struct sw_notification *n)
{
    if (o->record_count < SW_OUTBOX_LISTED_MAX)
        sw_outbox_record_of(&o->records[o->record_count++], n);
}

int sw_outbox_add(struct sw_outbox *o, struct sw_notification *n, struct sw_error *err)
{
    if (!o->records) {
        o->records = calloc(SW_OUTBOX_LISTED_MAX, sizeof(*o->records));
        if (!o->records)
            return sw_error_set(err, SW_ENOMEM, "outbox: out of memory");
    }
    record(o, n);
    o->total++;
    if (sw_outbox_folded(o)) {
        drop_pending(o); /* only the records are needed from now on */
        sw_notification_free(n);
        sw_notification_init(n);
        return 0;
    }
    if (!o->pending) {
        o->pending = calloc(o->max, sizeof(*o->pending));
        if (!o->pending)
            return sw_error_set(err, SW_ENOMEM, "outbox: out of memory");
        for (size_t i = 0; i < o->max; i++)
            sw_notification_init(&o->pending[i]);
    }
    sw_notification_move(&o->pending[o->pending_count++], n);
    return 0;
}

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

/* What a summary is of: records[0..listed) of total notifications held back, after sent
 * went out, under the cap named cap (limit); rate: the per-minute cap's window. */
struct summary_of {
    const struct sw_outbox_record *records;
    size_t listed;
    size_t total;
    size_t sent;
    size_t limit;
    bool rate;
    int64_t window_start_ms;
};

static int intro(const struct summary_of *o, struct sw_buf *b)
{
    if (o->rate) {
        char start[40];
        sw_time_format_iso(o->window_start_ms, start, sizeof(start));
        return sw_buf_appendf(b,
                              "In the minute from %s, %zu notifications were published, up to "
                              "MAX_NOTIFICATIONS_PER_MINUTE (%zu); %zu more finding notifications "
                              "were suppressed and are summarised here.",
                              start, o->sent, o->limit, o->total);
    }
    if (o->sent)
        return sw_buf_appendf(b,
                              "This invocation produced %zu notifications, more than "
                              "MAX_NOTIFICATIONS_PER_INVOCATION (%zu): the first %zu were "
                              "published one by one, the other %zu are folded into this summary.",
                              o->sent + o->total, o->limit, o->sent, o->total);
    return sw_buf_appendf(b,
                          "This invocation produced %zu notifications, more than "
                          "MAX_NOTIFICATIONS_PER_INVOCATION (%zu), so they are folded into "
                          "this one summary.",
                          o->total, o->limit);
}

static int summarize(const struct summary_of *o, int64_t generated_ms, struct sw_notification *n,
                     struct sw_error *err)
{
    char subject[SW_SUBJECT_MAX_CHARS * 2];
    size_t listed = o->listed;
    size_t high = 0;
    size_t top = SEVERITIES;
    int rc = 0;

    for (size_t i = 0; i < listed; i++) {
        high += o->records[i].high_priority;
        for (size_t s = 0; s < top; s++) {
            if (strcmp(o->records[i].severity, severity_order[s]) == 0)
                top = s;
        }
    }
    const char *account = common(o->records, listed, offsetof(struct sw_outbox_record, account));
    const char *region = common(o->records, listed, offsetof(struct sw_outbox_record, region));
    snprintf(subject, sizeof(subject), "scanwarden: %zu %snotifications%s%s%s%s %s", o->total,
             o->sent && !o->rate ? "more " : "", account || region ? " in " : "",
             account ? account : "", account && region ? "/" : "", region ? region : "",
             o->rate ? "suppressed (per-minute cap)" : "folded into one");
    sw_notification_set_subject(n, subject);

    struct sw_buf *b = &n->message;
    sw_buf_reset(b);
    rc = intro(o, b);
    if (rc == 0)
        rc = sw_buf_appendf(b, "%s\n\n",
                            high ? " Some of them are high priority (known exploit or EPSS at or "
                                   "above EPSS_ALERT)."
                                 : "");
    for (size_t i = 0; rc == 0 && i < listed; i++) {
        const struct sw_outbox_record *r = &o->records[i];
        rc = sw_buf_appendf(b, "- %s%s\n", r->subject, r->high_priority ? " (high priority)" : "");
    }
    if (rc == 0 && o->total > listed)
        rc = sw_buf_appendf(b, "- ... and %zu more not listed\n", o->total - listed);
    if (rc)
        return sw_error_set(err, rc, "outbox summary: %s", sw_strerror(rc));

    rc = sw_notification_add_attribute(n, "event_kind", "summary");
    if (rc == 0 && top < SEVERITIES)
        rc = sw_notification_add_attribute(n, "severity", severity_order[top]);
    if (rc == 0 && account)
        rc = sw_notification_add_attribute(n, "account_id", account);
    if (rc == 0 && region)
        rc = sw_notification_add_attribute(n, "region", region);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "priority", high ? "high" : "normal");
    if (rc)
        return sw_error_set(err, rc, "outbox summary: attributes: %s", sw_strerror(rc));

    /* The document: counts by kind and severity, and each listed notification. */
    cJSON *root = cJSON_CreateObject();
    cJSON *sum = root ? cJSON_AddObjectToObject(root, "summary") : NULL;
    cJSON *kinds = sum ? cJSON_AddObjectToObject(sum, "kinds") : NULL;
    cJSON *items = sum ? cJSON_AddArrayToObject(sum, "items") : NULL;
    bool ok = items &&
              cJSON_AddNumberToObject(sum, "notification_count", (double)(o->sent + o->total)) &&
              cJSON_AddNumberToObject(sum, "published_individually", (double)o->sent) &&
              cJSON_AddNumberToObject(sum, "limit", (double)o->limit) &&
              cJSON_AddStringToObject(sum, "cap",
                                      o->rate ? "MAX_NOTIFICATIONS_PER_MINUTE"
                                              : "MAX_NOTIFICATIONS_PER_INVOCATION") &&
              cJSON_AddNumberToObject(sum, "high_priority_count", (double)high) &&
              cJSON_AddNumberToObject(sum, "items_omitted", (double)(o->total - listed));
    for (size_t i = 0; ok && i < listed; i++) {
        const struct sw_outbox_record *r = &o->records[i];
        cJSON *k = cJSON_GetObjectItemCaseSensitive(kinds, r->kind[0] ? r->kind : "unknown");
        if (k)
            cJSON_SetNumberValue(k, k->valuedouble + 1);
        else
            ok = cJSON_AddNumberToObject(kinds, r->kind[0] ? r->kind : "unknown", 1) != NULL;
        cJSON *it = ok ? cJSON_CreateObject() : NULL;
        ok = it && cJSON_AddItemToArray(items, it);
        if (!ok) {
            cJSON_Delete(it);
            break;
        }
        ok = cJSON_AddStringToObject(it, "kind", r->kind[0] ? r->kind : "unknown") &&
             cJSON_AddStringToObject(it, "subject", r->subject) &&
             (!r->severity[0] || cJSON_AddStringToObject(it, "severity", r->severity)) &&
             (!r->account[0] || cJSON_AddStringToObject(it, "account", r->account)) &&
             (!r->region[0] || cJSON_AddStringToObject(it, "region", r->region)) &&
             cJSON_AddStringToObject(it, "priority", r->high_priority ? "high" : "normal");
    }
    if (ok && o->rate) {
        char start[40];
        sw_time_format_iso(o->window_start_ms, start, sizeof(start));
        ok = cJSON_AddStringToObject(sum, "window_start", start) != NULL;
    }
    if (!ok) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_ENOMEM, "outbox summary: document: out of memory");
    }
    sw_notification_set_document(n, root);
    n->generated_ms = generated_ms;
    sw_notification_finish(n);
    return 0;
}

int sw_outbox_summary(const struct sw_outbox *o, int64_t generated_ms, struct sw_notification *n,
                      struct sw_error *err)
{
    struct summary_of of = {.records = o->records,
                            .listed = o->record_count,
                            .total = o->total,
                            .sent = o->sent,
                            .limit = o->max};
    return summarize(&of, generated_ms, n, err);
}

int sw_outbox_rate_summary(const struct sw_outbox_record *records, size_t listed, size_t total,
                           size_t published, size_t limit, int64_t window_start_ms,
                           int64_t generated_ms, struct sw_notification *n, struct sw_error *err)
{
    struct summary_of of = {.records = records,
                            .listed = listed < total ? listed : total,
                            .total = total,
                            .sent = published,
                            .limit = limit,
                            .rate = true,
                            .window_start_ms = window_start_ms};
    return summarize(&of, generated_ms, n, err);
}

int sw_outbox_flush(struct sw_outbox *o, int64_t generated_ms, sw_outbox_publish_fn publish,
                    void *ctx, size_t *published, struct sw_error *err)
{
    int first = 0;
    struct sw_error one = {0};
    *published = 0;
    if (o->total == 0)
        goto out;
    if (sw_outbox_folded(o)) {
        struct sw_notification summary;
        sw_notification_init(&summary);
        first = sw_outbox_summary(o, generated_ms, &summary, err);
        if (first == 0) {
            first = publish(ctx, &summary, err);
            *published += first == 0;
        }
        sw_notification_free(&summary);
        goto out;
    }
    for (size_t i = 0; i < o->pending_count; i++) {
        struct sw_notification *n = &o->pending[i];
        if (n->generated_ms == 0)
            n->generated_ms = generated_ms;
        int rc = publish(ctx, n, &one);
        if (rc == 0) {
            (*published)++;
        } else if (first == 0) {
            first = rc;
            if (err)
                *err = one;
        }
    }
out:
    sw_outbox_free(o);
    return first;
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
    record(o, n);
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
        sw_notification_init(&summary);
        rc = sw_outbox_summary(o, generated_ms, &summary, err);
        if (rc == 0)
            rc = publish(ctx, &summary, err);
        *published = rc == 0;
        sw_notification_free(&summary);
    }
    sw_outbox_free(o);
    return rc;
}
