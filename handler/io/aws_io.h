/* sw_aws_io: the thin I/O layer of the drift check and the notifications, against AWS.
 *
 * Reads the actual state (Inspector2 BatchGetAccountStatus, ECR
 * GetRegistryScanningConfiguration, Inspector2 GetConfiguration when the rescan
 * duration is managed) into struct sw_actual_state, performs a plan's actions (Enable
 * first, then the others), and publishes notifications to SNS. The reads go out together,
 * and so do the writes after Enable, each through its own client (the function's and two
 * siblings of it). It decides nothing: drift.c does.
 * Its callbacks are the struct sw_function_io of the real function. */
#ifndef SW_AWS_IO_H
#define SW_AWS_IO_H

#include "handler/aws/client.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/parse/config.h"
#include "handler/decide/drift.h"
#include "handler/function.h"

/* One failed call, kept for the notification and the result until the next call. */
struct sw_aws_io_failure {
    char code[SW_AWS_ERROR_CODE_MAX];       /* AWS error code verbatim, or a transport failure */
    char message[SW_AWS_ERROR_MESSAGE_MAX]; /* AWS error message verbatim, or what went wrong */
};

#define SW_AWS_IO_SIBLINGS 2 /* clients beside aws: one per call sent together (ECR, config) */

/* Everything a read or a perform leaves behind; owned by main, reused per invocation. */
struct sw_aws_io {
    struct sw_aws_client *aws; /* borrowed */
    /* Siblings of aws (owned), made at init and kept for the process's life, so that their
     * connections stay warm across invocations; NULL when they could not be made (the calls
     * then go one after the other through aws). */
    struct sw_aws_client *siblings[SW_AWS_IO_SIBLINGS];
    /* Borrowed client for sns:Publish, or NULL for aws (REGIONS: other regions' checks
     * publish through the function's own client, where the topic is reachable). */
    struct sw_aws_client *publish_aws;
    const struct sw_config *cfg; /* borrowed */
    char account[SW_AWS_ACCOUNT_ID_MAX];
    char own_account[SW_FUNCTION_ACCOUNT_MAX + 1]; /* sts:GetCallerIdentity's, once asked */
    /* The last read, behind the struct sw_actual_state handed out. */
    struct sw_account_status_list status;
    struct sw_ecr_scanning_configuration registry;
    struct sw_inspector2_configuration inspector;
    struct sw_drift_rule rules[SW_ECR_RULES_READ_MAX];
    struct sw_drift_filter filters[SW_ECR_RULES_READ_MAX][SW_ECR_FILTERS_MAX];
    /* Failures of the last read ([0]) or of each action of the last perform. */
    struct sw_aws_io_failure failures[SW_DRIFT_ACTIONS_MAX];
};

/* Sets up s over a client and a configuration (both borrowed, must outlive s), with the
 * siblings of aws its calls sent together go through (not made: logged, and the calls go
 * one after the other). */
void sw_aws_io_init(struct sw_aws_io *s, struct sw_aws_client *aws, const struct sw_config *cfg);

/* Frees what the last read kept and the siblings; call it before freeing aws. */
void sw_aws_io_clear(struct sw_aws_io *s);

/* The I/O callbacks over s, for sw_function_init. */
struct sw_function_io sw_aws_io_io(struct sw_aws_io *s);

/* The ECR registry scanning configuration ecr:PutRegistryScanningConfiguration sends for a
 * plan's target (t = &plan->target): its scan type (ENHANCED when unset) and rules, filters
 * WILDCARD unless typed. cfg starts zeroed; free it with sw_ecr_scanning_configuration_clear.
 * Returns 0 or the builder's error. */
int sw_aws_io_registry_configuration(const struct sw_actual_state *t,
                                     struct sw_ecr_scanning_configuration *cfg,
                                     struct sw_error *err);

/* The three callbacks themselves (see struct sw_function_io); ctx is a struct sw_aws_io. */
int sw_aws_io_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                   struct sw_action_result *failure);
void sw_aws_io_perform(void *ctx, const struct sw_drift_plan *plan,
                       struct sw_action_result *results);
int sw_aws_io_publish(void *ctx, const struct sw_notification *n, struct sw_error *err);
/* Parks n in DEAD_LETTER_QUEUE_URL (sqs:SendMessage; handler/notify/parked.h's message). */
int sw_aws_io_park(void *ctx, const struct sw_notification *n, const char *event_id,
                   const char *reason, struct sw_error *err);
int sw_aws_io_workloads(void *ctx, const char *image_arn, long long deadline_ms,
                        struct sw_workloads *out, struct sw_error *err);
/* The account of the credentials (sts:GetCallerIdentity, asked once and kept). */
int sw_aws_io_own_account(void *ctx, char out[SW_FUNCTION_ACCOUNT_MAX + 1], struct sw_error *err);
/* securityhub:BatchUpdateFindings of one finding with c's status and note; a finding
 * Security Hub answers as unprocessed is an error naming its code. */
int sw_aws_io_close_finding(void *ctx, const char *finding_id, const char *product_arn,
                            const struct sw_sechub_close *c, struct sw_error *err);

#endif
