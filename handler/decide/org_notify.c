/* sw_org_notify: what a person and a program read after an organization run: the one
 * notification (subject, text per region, the JSON document, a cut run stated), the
 * administrator's own drift folded into it, and the compact summary in the invocation
 * result. The decisions themselves (who counts, batches, the reserve, totals) are org.c's. */
#include "handler/decide/org_notify.h"

#include "handler/core/mode.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int append_region(struct sw_buf *b, const struct sw_org_report *r,
                         const struct sw_org_region_report *rr)
{
    size_t restored = sw_org_region_restored(rr);
    int rc = sw_buf_appendf(b, "\nRegion %s: %zu member(s), %zu checked this run", rr->region,
                            rr->member_count, rr->checked);
    if (rc == 0 && rr->cut && rr->checked == 0)
        rc = sw_buf_appendf(b, " (not reached: no time left before the deadline; the next run "
                               "starts with this region)");
    else if (rc == 0 && rr->cut)
        rc = sw_buf_appendf(b,
                            " (stopped before the deadline, %zu not reached; the next run "
                            "continues with the rest)",
                            sw_org_region_not_reached(rr));
    if (rc == 0)
        rc = sw_buf_append_char(b, '\n');
    if (rc == 0 && rr->exempt_count > 0) {
        rc = sw_buf_appendf(b, "- Exempt (EXEMPT_ACCOUNTS, left alone): %zu:", rr->exempt_count);
        for (size_t i = 0; rc == 0 && i < rr->exempt_count && i < SW_ORG_LISTED_MAX; i++)
            rc = sw_buf_appendf(b, "%s %s", i ? "," : "", rr->exempt[i]);
        if (rc == 0)
            rc = sw_buf_append_char(b, '\n');
    }
    if (rc == 0 && rr->failed_api[0] != '\0')
        rc = sw_buf_appendf(b, "- Could not check: %s failed: %s: %.400s\n", rr->failed_api,
                            rr->failed_code, rr->failed_message);
    if (rc == 0 && rr->auto_enable_drifted) {
        if (!r->execute)
            rc = sw_buf_appendf(b, "- Organization auto-enable for ECR: off -> on (would run "
                                   "inspector2:UpdateOrganizationConfiguration)\n");
        else if (rr->auto_enable_restored)
            rc = sw_buf_appendf(b, "- Organization auto-enable for ECR: off -> on: restored\n");
        else
            rc = sw_buf_appendf(b,
                                "- Organization auto-enable for ECR: off: NOT restored: %s: "
                                "%.400s\n",
                                rr->auto_enable_code, rr->auto_enable_message);
    }
    if (rc == 0 && rr->drifted_count > 0)
        rc = sw_buf_appendf(b, "- ECR scanning off in %zu member(s); %s %zu\n", rr->drifted_count,
                            r->execute ? "restored" : "would restore",
                            r->execute ? restored : rr->drifted_count);
    size_t listed = 0;
    for (size_t i = 0; rc == 0 && i < rr->drifted_count; i++) {
        const struct sw_org_account *a = &rr->drifted[i];
        if (listed == SW_ORG_LISTED_MAX) {
            rc = sw_buf_appendf(b, "  ... and %zu more\n", rr->drifted_count - listed);
            break;
        }
        listed++;
        if (!r->execute)
            rc = sw_buf_appendf(b, "  %s: %s -> ENABLED (would run inspector2:Enable)\n",
                                a->account_id, a->before);
        else if (a->restored)
            rc = sw_buf_appendf(b, "  %s: %s -> ENABLED: restored\n", a->account_id, a->before);
        else
            rc = sw_buf_appendf(b, "  %s: %s: NOT restored: %s: %.400s\n", a->account_id, a->before,
                                a->error_code[0] ? a->error_code : "NotAttempted",
                                a->error_message[0] ? a->error_message
                                                    : "the run ended before this member");
    }
    return rc;
}

/* The machine-readable document (docs/notification.schema.json): "drift" as for an account
 * (one inspector_ecr drift over the members, one inspector2:Enable action) and the
 * per-region, per-member detail under "organization". */
static bool add_str(cJSON *o, const char *key, const char *value)
{
    return cJSON_AddStringToObject(o, key, value) != NULL;
}

#define SW_ORG_EXEMPT_LISTED_RESULT 20 /* the result's summary stays within SW_ORG_JSON_MAX */

/* "exempt_count" and "exempt": the region's EXEMPT_ACCOUNTS members (the first max of them),
 * when any. */
static bool add_exempt(cJSON *o, const struct sw_org_region_report *rr, size_t max)
{
    if (rr->exempt_count == 0)
        return true;
    if (!cJSON_AddNumberToObject(o, "exempt_count", (double)rr->exempt_count))
        return false;
    cJSON *list = cJSON_AddArrayToObject(o, "exempt");
    for (size_t i = 0; list && i < rr->exempt_count && i < max; i++) {
        cJSON *id = cJSON_CreateString(rr->exempt[i]);
        if (!id || !cJSON_AddItemToArray(list, id)) {
            cJSON_Delete(id);
            return false;
        }
    }
    return list != NULL;
}

static cJSON *region_document(const struct sw_org_report *r, const struct sw_org_region_report *rr)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *members = o ? cJSON_AddArrayToObject(o, "drifted") : NULL;
    bool ok = members && add_str(o, "region", rr->region) &&
              cJSON_AddNumberToObject(o, "members", (double)rr->member_count) &&
              cJSON_AddNumberToObject(o, "checked", (double)rr->checked) &&
              cJSON_AddNumberToObject(o, "drifted_count", (double)rr->drifted_count) &&
              cJSON_AddBoolToObject(o, "complete", !rr->cut && rr->failed_api[0] == '\0') &&
              cJSON_AddNumberToObject(o, "not_reached", (double)sw_org_region_not_reached(rr)) &&
              add_exempt(o, rr, SW_ORG_LISTED_MAX);
    if (ok && rr->auto_enable_drifted)
        ok = add_str(o, "auto_enable_ecr",
                     !r->execute                ? "would-restore"
                     : rr->auto_enable_restored ? "restored"
                                                : "failed");
    if (ok && rr->failed_api[0] != '\0')
        ok = add_str(o, "failed_api", rr->failed_api) &&
             add_str(o, "error_code", rr->failed_code) &&
             add_str(o, "error_message", rr->failed_message);
    for (size_t i = 0; ok && i < rr->drifted_count && i < SW_ORG_LISTED_MAX; i++) {
        const struct sw_org_account *a = &rr->drifted[i];
        cJSON *m = cJSON_CreateObject();
        ok = m != NULL && cJSON_AddItemToArray(members, m);
        if (!ok) {
            cJSON_Delete(m);
            break;
        }
        const char *result = !r->execute    ? "not-attempted-dry-run"
                             : a->restored  ? "ok"
                             : a->attempted ? "failed"
                                            : "not-attempted";
        ok = add_str(m, "account", a->account_id) && add_str(m, "before", a->before) &&
             add_str(m, "result", result);
        if (ok && !a->restored && a->error_code[0] != '\0')
            ok = add_str(m, "error_code", a->error_code) &&
                 add_str(m, "error_message", a->error_message);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The run as a whole, in the text: said first when the deadline cut it. */
static int append_cut(struct sw_buf *b, const struct sw_org_report *r,
                      const struct sw_org_totals *t)
{
    if (!t->cut)
        return 0;
    return sw_buf_appendf(
        b,
        "\nThis run was cut by the invocation deadline: %zu of %zu listed member(s) checked, "
        "%zu %s, %zu failed, %zu not reached; regions: %zu of %zu complete, %zu cut, %zu not "
        "reached. The next scheduled run continues where this one stopped.\n",
        t->checked, t->members, r->execute ? t->restored : t->drifted,
        r->execute ? "restored" : "would be restored", t->failed, t->not_reached,
        t->regions_complete, t->regions, t->regions_cut, t->regions_unreached);
}

/* The run as a whole, in the document ("organization"."run") and the result ("run"). */
static bool add_run(cJSON *parent, const struct sw_org_totals *t)
{
    cJSON *o = cJSON_AddObjectToObject(parent, "run");
    return o != NULL && cJSON_AddBoolToObject(o, "cut", t->cut) &&
           cJSON_AddNumberToObject(o, "members", (double)t->members) &&
           cJSON_AddNumberToObject(o, "checked", (double)t->checked) &&
           cJSON_AddNumberToObject(o, "drifted", (double)t->drifted) &&
           cJSON_AddNumberToObject(o, "restored", (double)t->restored) &&
           cJSON_AddNumberToObject(o, "failed", (double)t->failed) &&
           cJSON_AddNumberToObject(o, "not_reached", (double)t->not_reached) &&
           cJSON_AddNumberToObject(o, "regions", (double)t->regions) &&
           cJSON_AddNumberToObject(o, "regions_complete", (double)t->regions_complete) &&
           cJSON_AddNumberToObject(o, "regions_cut", (double)t->regions_cut) &&
           cJSON_AddNumberToObject(o, "regions_not_reached", (double)t->regions_unreached) &&
           (!t->cut || add_str(o, "continues",
                               "the next scheduled run continues where this "
                               "one stopped"));
}

/* Appends " (run cut)" to a subject. */
static int cut_suffix(char *subject, size_t cap)
{
    size_t len = strlen(subject);
    return snprintf(subject + len, cap - len, " (run cut)") < 0 ? -1 : 0;
}

static int org_document(const struct sw_org_report *r, const struct sw_change_context *ctx,
                        size_t drifted, size_t restored, bool failed, struct sw_notification *n)
{
    static const struct sw_change_context no_context = {0};
    char before[128], summary[160];
    size_t members = 0;
    for (size_t i = 0; i < r->region_count; i++)
        members += r->regions[i].member_count;
    snprintf(before, sizeof(before), "not ENABLED in %zu of %zu member(s)", drifted, members);
    snprintf(summary, sizeof(summary),
             "inspector2:Enable (resourceTypes [ECR], accountIds: %zu member(s), in batches of "
             "up to %d)",
             drifted, SW_ORG_BATCH_MAX);
    cJSON *root = cJSON_CreateObject();
    cJSON *body = root ? cJSON_AddObjectToObject(root, "drift") : NULL;
    cJSON *drifts = body ? cJSON_AddArrayToObject(body, "drifts") : NULL;
    cJSON *actions = body ? cJSON_AddArrayToObject(body, "actions") : NULL;
    cJSON *item = cJSON_CreateObject();
    cJSON *action = cJSON_CreateObject();
    bool ok = drifts && actions && item && action;
    if (ok) {
        cJSON_AddItemToArray(drifts, item);
        cJSON_AddItemToArray(actions, action);
        item = action = NULL;
    }
    cJSON_Delete(item);
    cJSON_Delete(action);
    ok = ok &&
         add_str(body, "mode", sw_mode_name(r->execute ? SW_MODE_ENFORCE : SW_MODE_DRY_RUN)) &&
         add_str(body, "outcome",
                 !r->execute ? "would-restore"
                 : failed    ? "failed"
                             : "restored");
    if (ok) {
        cJSON *d = cJSON_GetArrayItem(drifts, 0);
        ok = add_str(d, "name", "inspector_ecr") &&
             add_str(d, "title", "Inspector ECR scanning in organization members") &&
             add_str(d, "before", before) && add_str(d, "after", "ENABLED");
    }
    if (ok) {
        cJSON *a = cJSON_GetArrayItem(actions, 0);
        ok = add_str(a, "api", "inspector2:Enable") && add_str(a, "summary", summary) &&
             add_str(a, "result",
                     !r->execute ? "not-attempted-dry-run"
                     : failed    ? "failed"
                                 : "ok");
        if (ok && r->execute && restored < drifted) {
            char count[64];
            snprintf(count, sizeof(count), "%zu member(s) not restored", drifted - restored);
            ok = add_str(a, "error_message", count);
        }
    }
    ok = ok && sw_notify_drift_document_trigger(body, ctx ? ctx : &no_context);
    cJSON *org = ok ? cJSON_AddObjectToObject(root, "organization") : NULL;
    cJSON *regions = org ? cJSON_AddArrayToObject(org, "regions") : NULL;
    struct sw_org_totals t;
    sw_org_report_totals(r, &t);
    ok = regions != NULL && add_str(org, "administrator", r->admin_account) && add_run(org, &t);
    for (size_t i = 0; ok && i < r->region_count; i++) {
        cJSON *o = region_document(r, &r->regions[i]);
        ok = o != NULL;
        if (ok)
            cJSON_AddItemToArray(regions, o);
    }
    if (!ok) {
        cJSON_Delete(root);
        return SW_ENOMEM;
    }
    sw_notification_set_document(n, root);
    return SW_OK;
}

int sw_org_notify_build(const struct sw_org_report *r, const struct sw_change_context *ctx,
                        struct sw_notification *n, struct sw_error *err)
{
    if (!sw_org_report_notable(r))
        return sw_error_set(err, SW_EINVAL, "organization report: nothing to notify");
    size_t drifted = 0, restored = 0;
    for (size_t i = 0; i < r->region_count; i++) {
        drifted += r->regions[i].drifted_count;
        restored += sw_org_region_restored(&r->regions[i]);
    }
    bool failed = sw_org_report_failed(r, NULL);
    const char *home = r->region_count > 0 ? r->regions[0].region : "";
    struct sw_org_totals t;
    sw_org_report_totals(r, &t);
    char subject[200];
    if (t.cut && drifted == 0)
        snprintf(subject, sizeof(subject),
                 "scanwarden: organization %s: check cut by the deadline, %zu of %zu member(s) "
                 "checked",
                 r->admin_account, t.checked, t.members);
    else if (!r->execute)
        snprintf(subject, sizeof(subject),
                 "scanwarden: organization %s: ECR scanning off in %zu member(s) (dry-run)",
                 r->admin_account, drifted);
    else if (failed)
        snprintf(subject, sizeof(subject),
                 "scanwarden: organization %s: %zu of %zu member(s) NOT restored", r->admin_account,
                 drifted - restored, drifted);
    else
        snprintf(subject, sizeof(subject),
                 "scanwarden: organization %s: ECR scanning restored in %zu member(s)",
                 r->admin_account, restored);
    if (t.cut && drifted > 0) /* the deadline cut it: said in the subject too */
        (void)cut_suffix(subject, sizeof(subject));
    sw_notification_set_subject(n, subject);

    struct sw_buf *b = &n->message;
    int rc = sw_buf_appendf(b,
                            "scanwarden organization check (delegated administrator %s), "
                            "mode %s, %zu region(s).\n",
                            r->admin_account,
                            sw_mode_name(r->execute ? SW_MODE_ENFORCE : SW_MODE_DRY_RUN),
                            r->region_count);
    if (rc == 0)
        rc = append_cut(b, r, &t);
    for (size_t i = 0; rc == 0 && i < r->region_count; i++)
        rc = append_region(b, r, &r->regions[i]);
    if (rc == 0 && ctx != NULL)
        rc = sw_notify_drift_append_trigger(b, ctx);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "event_kind", r->execute ? "remediation" : "drift");
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "account_id", r->admin_account);
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "region", home);
    if (rc == 0)
        rc = sw_notification_add_attribute(
            n, "mode", sw_mode_name(r->execute ? SW_MODE_ENFORCE : SW_MODE_DRY_RUN));
    if (rc == 0)
        rc = sw_notification_add_attribute(n, "scope", "organization");
    if (rc == 0)
        rc = org_document(r, ctx, drifted, restored, failed, n);
    if (rc != 0)
        return sw_error_set(err, rc, "organization notification: %s",
                            rc == SW_ENOMEM ? "out of memory" : "too long");
    sw_notification_finish(n);
    return SW_OK;
}

int sw_org_notify_add_account(struct sw_notification *n, struct sw_notification *account_n,
                              struct sw_error *err)
{
    int rc =
        sw_buf_appendf(&n->message, "\nThe administrator's own account: %s\n", account_n->subject);
    if (rc == 0)
        rc = sw_buf_append(&n->message, sw_buf_cstr(&account_n->message), account_n->message.len);
    if (rc != 0)
        return sw_error_set(err, rc, "organization notification: %s",
                            rc == SW_ENOMEM ? "out of memory" : "too long");
    char subject[SW_SUBJECT_MAX_CHARS + 64];
    snprintf(subject, sizeof(subject), "%s (+ admin account)", n->subject);
    sw_notification_set_subject(n, subject);
    cJSON *org = n->document ? cJSON_GetObjectItemCaseSensitive(n->document, "organization") : NULL;
    cJSON *drift = account_n->document
                       ? cJSON_DetachItemFromObjectCaseSensitive(account_n->document, "drift")
                       : NULL;
    if (org != NULL && drift != NULL)
        cJSON_AddItemToObject(org, "administrator_drift", drift);
    else
        cJSON_Delete(drift);
    sw_notification_finish(n);
    return SW_OK;
}

int sw_org_notify_add_regions(struct sw_notification *n, struct sw_notification *regions_n,
                              struct sw_error *err)
{
    cJSON *per_region =
        regions_n->document
            ? cJSON_DetachItemFromObjectCaseSensitive(regions_n->document, "regions")
            : NULL;
    int rc = sw_org_notify_add_account(n, regions_n, err);
    if (rc != SW_OK) {
        cJSON_Delete(per_region);
        return rc;
    }
    cJSON *org = n->document ? cJSON_GetObjectItemCaseSensitive(n->document, "organization") : NULL;
    if (org == NULL || per_region == NULL ||
        !cJSON_AddItemToObject(org, "administrator_regions", per_region))
        cJSON_Delete(per_region);
    else
        sw_notification_finish(n);
    return SW_OK;
}

/* ---- result summary ---- */

static cJSON *region_json(const struct sw_org_report *r, const struct sw_org_region_report *rr,
                          size_t failed_max)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    bool ok = cJSON_AddStringToObject(o, "region", rr->region) &&
              cJSON_AddNumberToObject(o, "members", (double)rr->member_count) &&
              cJSON_AddNumberToObject(o, "checked", (double)rr->checked) &&
              cJSON_AddNumberToObject(o, "drifted", (double)rr->drifted_count) &&
              cJSON_AddNumberToObject(
                  o, r->execute ? "restored" : "would_restore",
                  (double)(r->execute ? sw_org_region_restored(rr) : rr->drifted_count)) &&
              cJSON_AddBoolToObject(o, "complete", !rr->cut && rr->failed_api[0] == '\0') &&
              cJSON_AddNumberToObject(o, "aws_calls", (double)rr->calls) &&
              cJSON_AddNumberToObject(o, "enable_calls", (double)rr->enable_calls) &&
              cJSON_AddNumberToObject(o, "not_reached", (double)sw_org_region_not_reached(rr)) &&
              add_exempt(o, rr, SW_ORG_EXEMPT_LISTED_RESULT);
    if (ok && rr->auto_enable_drifted)
        ok = cJSON_AddStringToObject(o, "auto_enable_ecr",
                                     !r->execute                ? "would-restore"
                                     : rr->auto_enable_restored ? "restored"
                                                                : "failed") != NULL;
    if (ok && rr->failed_api[0] != '\0')
        ok = cJSON_AddStringToObject(o, "error", rr->failed_code) != NULL;
    cJSON *failed = ok ? cJSON_AddArrayToObject(o, "failed") : NULL;
    ok = ok && failed != NULL;
    size_t listed = 0;
    for (size_t i = 0; ok && r->execute && i < rr->drifted_count && listed < failed_max; i++) {
        const struct sw_org_account *a = &rr->drifted[i];
        if (a->restored)
            continue;
        cJSON *f = cJSON_CreateObject();
        ok = f != NULL;
        if (ok) {
            cJSON_AddItemToArray(failed, f);
            ok = cJSON_AddStringToObject(f, "account", a->account_id) &&
                 cJSON_AddStringToObject(f, "error",
                                         a->error_code[0] ? a->error_code : "NotAttempted");
        }
        listed++;
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* One attempt with at most failed_max failed members listed per region. */
static int report_json(const struct sw_org_report *r, size_t failed_max, struct sw_buf *out)
{
    sw_buf_reset(out);
    int rc = SW_ENOMEM;
    char *text = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *regions = root ? cJSON_AddArrayToObject(root, "regions") : NULL;
    struct sw_org_totals t;
    sw_org_report_totals(r, &t);
    if (regions == NULL || !add_run(root, &t))
        goto out_root;
    for (size_t i = 0; i < r->region_count; i++) {
        cJSON *o = region_json(r, &r->regions[i], failed_max);
        if (o == NULL)
            goto out_root;
        cJSON_AddItemToArray(regions, o);
    }
    text = cJSON_PrintUnformatted(root);
    if (text == NULL)
        goto out_root;
    rc = strlen(text) > SW_ORG_JSON_MAX ? SW_ELIMIT : sw_buf_append_str(out, text);
    cJSON_free(text);
out_root:
    cJSON_Delete(root);
    return rc;
}

int sw_org_report_json(const struct sw_org_report *r, struct sw_buf *out, struct sw_error *err)
{
    /* The invocation result is bounded (SW_RESULT_JSON_MAX): list fewer failed members, then
     * none, before giving up (the notification has them all). */
    static const size_t failed_max[] = {10, 3, 0};
    int rc = SW_ELIMIT;
    for (size_t i = 0; i < sizeof(failed_max) / sizeof(failed_max[0]) && rc == SW_ELIMIT; i++)
        rc = report_json(r, failed_max[i], out);
    if (rc != SW_OK) {
        sw_buf_reset(out);
        return sw_error_set(err, rc, "organization summary: %s",
                            rc == SW_ENOMEM ? "out of memory" : "too long");
    }
    return SW_OK;
}
