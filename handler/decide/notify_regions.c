/* sw_notify_regions: folds the per-region drift notifications of one REGIONS check into one.
 *
 * Pure: it reads what notify_drift.c wrote (subject, text, attributes event_kind, account_id,
 * region, mode, outcome, and the document's "drift") and writes the combined notification,
 * so a check over many regions costs subscribers one message, as the organization check's
 * does (org.c). Each part's text is bounded so the whole fits SNS's 256 KiB. */
#include "handler/decide/notify_regions.h"

#include "handler/core/mode.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *attr(const struct sw_notification *n, const char *name)
{
    const char *v = sw_notification_attribute(n, name);
    return v ? v : "";
}

/* "a,b,c" bounded by SW_NOTIFY_REGIONS_LIST_MAX, with ",+N more" when cut. */
static void region_list(const struct sw_notification *parts, size_t count, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *r = attr(&parts[i], "region");
        size_t need = strlen(r) + (len ? 1 : 0);
        if (len + need + 16 > cap) {
            snprintf(out + len, cap - len, ",+%zu more", count - i);
            return;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", r);
    }
}

/* Appends a copy of every item of src (an array) to dst. */
static bool copy_items(cJSON *dst, const cJSON *src)
{
    for (const cJSON *it = src ? src->child : NULL; it != NULL; it = it->next) {
        cJSON *c = cJSON_Duplicate(it, true);
        if (c == NULL || !cJSON_AddItemToArray(dst, c)) {
            cJSON_Delete(c);
            return false;
        }
    }
    return true;
}

/* {"drift": every region's drifts and actions with the overall mode and outcome,
 *  "regions": [{"region": r, "drift": that region's own drift}, ...]} */
static int document(struct sw_notification *parts, size_t count, const char *mode,
                    const char *outcome, struct sw_notification *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *body = root ? cJSON_AddObjectToObject(root, "drift") : NULL;
    cJSON *drifts = body ? cJSON_AddArrayToObject(body, "drifts") : NULL;
    cJSON *actions = body ? cJSON_AddArrayToObject(body, "actions") : NULL;
    cJSON *regions = root ? cJSON_AddArrayToObject(root, "regions") : NULL;
    bool ok = drifts && actions && regions && cJSON_AddStringToObject(body, "mode", mode) &&
              cJSON_AddStringToObject(body, "outcome", outcome);
    for (size_t i = 0; ok && i < count; i++) {
        cJSON *d = parts[i].document
                       ? cJSON_DetachItemFromObjectCaseSensitive(parts[i].document, "drift")
                       : NULL;
        if (d == NULL)
            continue;
        ok = copy_items(drifts, cJSON_GetObjectItemCaseSensitive(d, "drifts")) &&
             copy_items(actions, cJSON_GetObjectItemCaseSensitive(d, "actions"));
        const cJSON *trigger = cJSON_GetObjectItemCaseSensitive(d, "trigger");
        if (ok && trigger != NULL && !cJSON_HasObjectItem(body, "trigger")) {
            cJSON *t = cJSON_Duplicate(trigger, true);
            ok = t != NULL && cJSON_AddItemToObject(body, "trigger", t);
            if (!ok)
                cJSON_Delete(t);
        }
        cJSON *o = ok ? cJSON_CreateObject() : NULL;
        ok = o != NULL && cJSON_AddItemToArray(regions, o);
        if (!ok) {
            cJSON_Delete(o);
            cJSON_Delete(d);
            break;
        }
        ok = cJSON_AddStringToObject(o, "region", attr(&parts[i], "region")) != NULL &&
             cJSON_AddItemToObject(o, "drift", d);
        if (!ok && !cJSON_HasObjectItem(o, "drift"))
            cJSON_Delete(d);
    }
    if (!ok) {
        cJSON_Delete(root);
        return SW_ENOMEM;
    }
    sw_notification_set_document(out, root);
    return SW_OK;
}

int sw_notify_regions_build(struct sw_notification *parts, size_t count,
                            struct sw_notification *out, struct sw_error *err)
{
    if (count < 2)
        return sw_error_set(err, SW_EINVAL, "regions notification: needs 2 or more regions");
    const char *account = attr(&parts[0], "account_id");
    const char *kind = attr(&parts[0], "event_kind");
    const char *mode = attr(&parts[0], "mode");
    size_t failed = 0;
    for (size_t i = 0; i < count; i++)
        failed += strcmp(attr(&parts[i], "outcome"), "failed") == 0;
    bool dry_run = strcmp(mode, sw_mode_name(SW_MODE_DRY_RUN)) == 0;
    const char *outcome = dry_run ? "would-restore" : failed ? "failed" : "restored";
    char list[SW_NOTIFY_REGIONS_LIST_MAX + 1];
    region_list(parts, count, list, sizeof(list));

    char subject[SW_SUBJECT_MAX_CHARS + 64];
    if (dry_run)
        snprintf(subject, sizeof(subject),
                 "scanwarden: ECR scanning drift in %zu regions of %s (dry-run)", count, account);
    else if (failed)
        snprintf(subject, sizeof(subject),
                 "scanwarden: FAILED to restore ECR scanning in %zu of %zu regions of %s", failed,
                 count, account);
    else
        snprintf(subject, sizeof(subject), "scanwarden: ECR scanning restored in %zu regions of %s",
                 count, account);
    sw_notification_set_subject(out, subject);

    /* Each region's text gets an equal share of what SNS accepts. */
    size_t share = (SW_SNS_MESSAGE_MAX_BYTES - 4096) / count;
    int rc = sw_buf_appendf(&out->message,
                            "scanwarden drift check of account %s in %zu regions (%s), mode %s: "
                            "%s.\n",
                            account, count, list, mode,
                            dry_run  ? "drift found, nothing changed"
                            : failed ? "NOT every region was restored"
                                     : "every region was restored");
    for (size_t i = 0; rc == 0 && i < count; i++) {
        const struct sw_buf *m = &parts[i].message;
        size_t len = sw_text_utf8_prefix(sw_buf_cstr(m), m->len, share);
        rc = sw_buf_appendf(&out->message, "\n== %s ==\n%s\n", attr(&parts[i], "region"),
                            parts[i].subject);
        if (rc == 0)
            rc = sw_buf_append(&out->message, sw_buf_cstr(m), len);
        if (rc == 0 && len < m->len)
            rc = sw_buf_append_str(&out->message, "\n[... cut ...]\n");
    }
    if (rc == 0)
        rc = sw_notification_add_attribute(out, "event_kind", kind);
    if (rc == 0)
        rc = sw_notification_add_attribute(out, "account_id", account);
    if (rc == 0)
        rc = sw_notification_add_attribute(out, "region", list);
    if (rc == 0)
        rc = sw_notification_add_attribute(out, "mode", mode);
    if (rc == 0)
        rc = sw_notification_add_attribute(out, "outcome", outcome);
    if (rc == 0)
        rc = document(parts, count, mode, outcome, out);
    if (rc != 0)
        return sw_error_set(err, rc, "regions notification: %s",
                            rc == SW_ENOMEM ? "out of memory" : "too long");
    sw_notification_finish(out);
    return SW_OK;
}
