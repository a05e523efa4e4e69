/* sw_securityhub: Security Hub's BatchUpdateFindings (restJson1, PATCH /findings/batchupdate),
 * to close the loop on a finding after a drift check (docs/contract.md).
 *
 * The request body and the answer are pure and tested apart from the call. Every field is
 * checked against the operation's shape before anything is built: at least one and at most
 * SW_SECURITYHUB_FINDINGS_MAX finding identifiers, each with a non-empty Id and ProductArn;
 * a Workflow.Status from the service's enum; Note.Text and Note.UpdatedBy at most
 * SW_SECURITYHUB_NOTE_MAX characters. */
#ifndef SW_SECURITYHUB_H
#define SW_SECURITYHUB_H

#include "handler/aws/client.h"
#include "handler/core/buf.h"

#include <stddef.h>

#define SW_SECURITYHUB_FINDINGS_MAX 100 /* BatchUpdateFindings takes at most 100 findings */
#define SW_SECURITYHUB_NOTE_MAX 512     /* Note.Text and Note.UpdatedBy */
#define SW_SECURITYHUB_ID_MAX 512       /* our bound for a finding Id */
#define SW_SECURITYHUB_PRODUCT_ARN_MAX 256
#define SW_SECURITYHUB_ERROR_MAX 256 /* an unprocessed finding's error, cut */

/* Workflow.Status to set, or none to leave it as it is (a note only). */
enum sw_securityhub_workflow {
    SW_SECURITYHUB_WORKFLOW_UNCHANGED = 0,
    SW_SECURITYHUB_WORKFLOW_NEW,
    SW_SECURITYHUB_WORKFLOW_NOTIFIED,
    SW_SECURITYHUB_WORKFLOW_RESOLVED,
    SW_SECURITYHUB_WORKFLOW_SUPPRESSED,
};

/* "RESOLVED" etc.; NULL for UNCHANGED or a value outside the enum. */
const char *sw_securityhub_workflow_name(enum sw_securityhub_workflow w);

/* A finding, as Security Hub names it (both borrowed). */
struct sw_securityhub_finding_id {
    const char *id;
    const char *product_arn;
};

/* One update: the findings, the status to set (or UNCHANGED) and a note (text and author;
 * the text may be NULL when only the status changes). */
struct sw_securityhub_update {
    const struct sw_securityhub_finding_id *findings;
    size_t finding_count;
    enum sw_securityhub_workflow workflow;
    const char *note_text;
    const char *note_updated_by;
};

/* What BatchUpdateFindings answered: how many findings it updated and how many it did not,
 * with the first one it did not update and why (cut to fit). */
struct sw_securityhub_update_result {
    size_t processed;
    size_t unprocessed;
    char unprocessed_id[SW_SECURITYHUB_ID_MAX];
    char error_code[SW_AWS_ENUM_MAX];
    char error_message[SW_SECURITYHUB_ERROR_MAX];
};

/* securityhub:BatchUpdateFindings of u; out (may be NULL) gets the answer. A 2xx answer with
 * unprocessed findings is not an error here: the caller reads out->unprocessed. SW_EINVAL
 * when u does not fit the operation's shape. aerr as sw_aws_call's. */
int sw_securityhub_batch_update(struct sw_aws_client *c, const struct sw_securityhub_update *u,
                                struct sw_securityhub_update_result *out, struct sw_aws_error *aerr,
                                struct sw_error *err);

/* ---- Wire format (pure) ---- */
/* The request body (out reset first); SW_EINVAL naming the field that does not fit. */
int sw_securityhub_batch_update_body(const struct sw_securityhub_update *u, struct sw_buf *out,
                                     struct sw_error *err);
/* The answer ({"ProcessedFindings": [...], "UnprocessedFindings": [...]}) into out (cleared
 * first). */
int sw_securityhub_parse_batch_update(const char *json, size_t len,
                                      struct sw_securityhub_update_result *out,
                                      struct sw_error *err);

#endif
