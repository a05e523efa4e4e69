/* sw_securityhub: BatchUpdateFindings over restJson1 (see securityhub.h). The body is built
 * with cJSON after every field is checked; the answer is read with the bounded JSON helpers. */
#include "handler/aws/securityhub.h"

#include "handler/aws/json.h"
#include "handler/core/text.h"

#include <string.h>

#define OP "securityhub:BatchUpdateFindings"
#define SECURITYHUB_BODY_MAX ((size_t)512 * 1024) /* 100 findings of bounded ids, escaped */

const char *sw_securityhub_workflow_name(enum sw_securityhub_workflow w)
{
    switch (w) {
    case SW_SECURITYHUB_WORKFLOW_NEW:
        return "NEW";
    case SW_SECURITYHUB_WORKFLOW_NOTIFIED:
        return "NOTIFIED";
    case SW_SECURITYHUB_WORKFLOW_RESOLVED:
        return "RESOLVED";
    case SW_SECURITYHUB_WORKFLOW_SUPPRESSED:
        return "SUPPRESSED";
    case SW_SECURITYHUB_WORKFLOW_UNCHANGED:
        break;
    }
    return NULL;
}

/* A non-empty UTF-8 string of at most max bytes (bytes, not characters: never over the
 * service's character limit). */
static bool fits(const char *s, size_t max)
{
    if (!s || !*s)
        return false;
    size_t n = strnlen(s, max + 1);
    return n <= max && sw_text_utf8_valid(s, n);
}

static int check_update(const struct sw_securityhub_update *u, struct sw_error *err)
{
    if (!u->findings || u->finding_count == 0 || u->finding_count > SW_SECURITYHUB_FINDINGS_MAX)
        return sw_error_set(err, SW_EINVAL, OP ": between 1 and %d findings, not %zu",
                            SW_SECURITYHUB_FINDINGS_MAX, u->finding_count);
    for (size_t i = 0; i < u->finding_count; i++) {
        if (!fits(u->findings[i].id, SW_SECURITYHUB_ID_MAX - 1))
            return sw_error_set(err, SW_EINVAL, OP ": finding %zu has an empty or too long Id",
                                i + 1);
        if (!fits(u->findings[i].product_arn, SW_SECURITYHUB_PRODUCT_ARN_MAX - 1))
            return sw_error_set(err, SW_EINVAL,
                                OP ": finding %zu has an empty or too long ProductArn", i + 1);
    }
    bool has_status = u->workflow != SW_SECURITYHUB_WORKFLOW_UNCHANGED;
    if (has_status && !sw_securityhub_workflow_name(u->workflow))
        return sw_error_set(err, SW_EINVAL, OP ": Workflow.Status %d is not in the enum",
                            (int)u->workflow);
    if (u->note_text && !fits(u->note_text, SW_SECURITYHUB_NOTE_MAX))
        return sw_error_set(err, SW_EINVAL, OP ": Note.Text is empty, not UTF-8 or over %d bytes",
                            SW_SECURITYHUB_NOTE_MAX);
    if (u->note_text && !fits(u->note_updated_by, SW_SECURITYHUB_NOTE_MAX))
        return sw_error_set(err, SW_EINVAL,
                            OP ": Note.UpdatedBy is empty, not UTF-8 or over %d bytes",
                            SW_SECURITYHUB_NOTE_MAX);
    if (!has_status && !u->note_text)
        return sw_error_set(err, SW_EINVAL, OP ": neither a Workflow.Status nor a Note to set");
    return 0;
}

int sw_securityhub_batch_update_body(const struct sw_securityhub_update *u, struct sw_buf *out,
                                     struct sw_error *err)
{
    int rc = check_update(u, err);
    if (rc)
        return rc;
    cJSON *root = cJSON_CreateObject();
    cJSON *list = root ? cJSON_AddArrayToObject(root, "FindingIdentifiers") : NULL;
    bool ok = list != NULL;
    for (size_t i = 0; ok && i < u->finding_count; i++) {
        cJSON *f = cJSON_CreateObject();
        ok = f && cJSON_AddItemToArray(list, f) &&
             cJSON_AddStringToObject(f, "Id", u->findings[i].id) &&
             cJSON_AddStringToObject(f, "ProductArn", u->findings[i].product_arn);
    }
    if (ok && u->workflow != SW_SECURITYHUB_WORKFLOW_UNCHANGED) {
        cJSON *w = cJSON_AddObjectToObject(root, "Workflow");
        ok = w && cJSON_AddStringToObject(w, "Status", sw_securityhub_workflow_name(u->workflow));
    }
    if (ok && u->note_text) {
        cJSON *n = cJSON_AddObjectToObject(root, "Note");
        ok = n && cJSON_AddStringToObject(n, "Text", u->note_text) &&
             cJSON_AddStringToObject(n, "UpdatedBy", u->note_updated_by);
    }
    rc = ok ? sw_aws_json_print(root, out, err)
            : sw_error_set(err, SW_ENOMEM, OP ": out of memory building the request");
    cJSON_Delete(root);
    return rc;
}

int sw_securityhub_parse_batch_update(const char *json, size_t len,
                                      struct sw_securityhub_update_result *out,
                                      struct sw_error *err)
{
    cJSON *root = NULL;
    const cJSON *done = NULL, *left = NULL;
    size_t done_n = 0, left_n = 0;
    memset(out, 0, sizeof(*out));
    int rc = sw_aws_json_parse_object(json, len, OP, &root, err);
    if (rc)
        return rc;
    TRY(sw_aws_json_get_array(root, "ProcessedFindings", SW_SECURITYHUB_FINDINGS_MAX, &done,
                              &done_n, OP, err));
    TRY(sw_aws_json_get_array(root, "UnprocessedFindings", SW_SECURITYHUB_FINDINGS_MAX, &left,
                              &left_n, OP, err));
    for (const cJSON *item = left ? left->child : NULL; item; item = item->next) {
        if (!cJSON_IsObject(item)) {
            rc = sw_error_set(err, SW_EPARSE, OP ": an unprocessed finding is not an object");
            goto out;
        }
        if (item != left->child)
            continue; /* the first one says why */
        const cJSON *ident = NULL;
        TRY(sw_aws_json_get_object(item, "FindingIdentifier", &ident, OP, err));
        if (ident)
            TRY(sw_aws_json_copy_string(ident, "Id", out->unprocessed_id,
                                        sizeof(out->unprocessed_id), OP, err));
        TRY(sw_aws_json_copy_string(item, "ErrorCode", out->error_code, sizeof(out->error_code), OP,
                                    err));
        TRY(sw_aws_json_copy_string(item, "ErrorMessage", out->error_message,
                                    sizeof(out->error_message), OP, err));
    }
    out->processed = done_n;
    out->unprocessed = left_n;
out:
    cJSON_Delete(root);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

static int parse_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_securityhub_parse_batch_update(b, n, out, err);
}

int sw_securityhub_batch_update(struct sw_aws_client *c, const struct sw_securityhub_update *u,
                                struct sw_securityhub_update_result *out, struct sw_aws_error *aerr,
                                struct sw_error *err)
{
    struct sw_securityhub_update_result ignored = {0};
    struct sw_securityhub_update_result *res = out ? out : &ignored;
    memset(res, 0, sizeof(*res));
    struct sw_aws_op op;
    sw_aws_op_init(&op, SECURITYHUB_BODY_MAX, aerr);
    int rc = sw_securityhub_batch_update_body(u, &op.body, err);
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_SECURITYHUB,
        .protocol = SW_AWS_PROTOCOL_REST_JSON1,
        .method = "PATCH",
        .operation = OP,
        .path = "/findings/batchupdate",
        .content_type = "application/json",
    };
    return sw_aws_op_run(c, &op, rc, &req, parse_cb, res, aerr, err);
}
