/* sw_inspector2: the Amazon Inspector2 operations scanwarden uses (restJson1).
 *
 * BatchGetAccountStatus, Enable, GetConfiguration, UpdateConfiguration and
 * ListMembers: typed results, enum values kept as the strings AWS sent (new
 * values appear over time), bodies built byte-for-byte deterministically.
 * The *_body and *_parse functions are pure (no I/O) and are what the calls
 * use; they are public so tests and tools can check the wire format.
 *
 * Every call: returns 0, or SW_EAWS with aerr filled (code/message/request id, kept verbatim
 * for notifications), or another SW_E* (transport, parse, limits); err says what failed.
 * aerr (may be NULL) is cleared first, so it is all zero unless AWS answered with an error.
 * Result structs are caller-owned; free them with their *_free (safe on a zeroed struct). */
#ifndef SW_INSPECTOR2_H
#define SW_INSPECTOR2_H

#include "handler/aws/client.h"
#include "handler/core/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_INSPECTOR2_ACCOUNTS_MAX 100 /* account ids per BatchGetAccountStatus / Enable */
#define SW_INSPECTOR2_RESOURCE_TYPES_MAX 5
#define SW_INSPECTOR2_RESULTS_MAX 1000 /* accounts/members accepted in one answer */
#define SW_INSPECTOR2_MESSAGE_MAX 512  /* errorMessage fields, cut here */
#define SW_INSPECTOR2_NEXT_TOKEN_MAX 1024
#define SW_INSPECTOR2_CLIENT_TOKEN_MAX 65 /* 64 characters + NUL */
#define SW_INSPECTOR2_MEMBERS_PAGE_MAX 50

/* One resource state ({"status","errorCode","errorMessage"}); status "" when absent. */
struct sw_inspector2_state {
    char status[SW_AWS_ENUM_MAX]; /* ENABLED, ENABLING, DISABLED, ... or a new value */
    char error_code[SW_AWS_ENUM_MAX];
    char error_message[SW_INSPECTOR2_MESSAGE_MAX];
};

struct sw_account_status {
    char account_id[SW_AWS_ACCOUNT_ID_MAX];
    struct sw_inspector2_state state; /* the account as a whole */
    struct sw_inspector2_state ec2, ecr, lambda, lambda_code, code_repository;
};

/* failedAccounts entry (BatchGetAccountStatus and Enable). */
struct sw_failed_account {
    char account_id[SW_AWS_ACCOUNT_ID_MAX];
    char status[SW_AWS_ENUM_MAX];
    char ecr_status[SW_AWS_ENUM_MAX]; /* resourceStatus.ecr */
    char error_code[SW_AWS_ENUM_MAX];
    char error_message[SW_INSPECTOR2_MESSAGE_MAX];
};

struct sw_account_status_list {
    struct sw_account_status *accounts;
    size_t count;
    struct sw_failed_account *failed;
    size_t failed_count;
};
void sw_account_status_list_clear(struct sw_account_status_list *l);
/* The entry for account_id, or NULL (moto, and AWS for never-enabled accounts, may omit it:
 * treat an absent account as DISABLED). */
const struct sw_account_status *sw_account_status_find(const struct sw_account_status_list *l,
                                                       const char *account_id);

/* POST /status/batch/get {"accountIds":[...]} with 1..SW_INSPECTOR2_ACCOUNTS_MAX ids. */
int sw_inspector2_batch_get_account_status(struct sw_aws_client *c, const char *const *account_ids,
                                           size_t n, struct sw_account_status_list *out,
                                           struct sw_aws_error *aerr, struct sw_error *err);

struct sw_enabled_account {
    char account_id[SW_AWS_ACCOUNT_ID_MAX];
    char status[SW_AWS_ENUM_MAX];
    char ec2_status[SW_AWS_ENUM_MAX];
    char ecr_status[SW_AWS_ENUM_MAX];
    char lambda_status[SW_AWS_ENUM_MAX];
    char lambda_code_status[SW_AWS_ENUM_MAX];
};

struct sw_enable_result {
    struct sw_enabled_account *accounts;
    size_t count;
    struct sw_failed_account *failed;
    size_t failed_count;
};
void sw_enable_result_clear(struct sw_enable_result *r);

/* POST /enable {"resourceTypes":[...],"accountIds":[...],"clientToken":"<uuid>"}.
 * resource_types: 1..SW_INSPECTOR2_RESOURCE_TYPES_MAX (scanwarden passes {"ECR"}); account_ids:
 * 1..SW_INSPECTOR2_ACCOUNTS_MAX (moto needs them; AWS accepts them). A fresh UUID v4
 * clientToken is drawn per call and kept across retries. Partial failure is not an error
 * here: check out->failed. */
int sw_inspector2_enable(struct sw_aws_client *c, const char *const *account_ids, size_t n,
                         const char *const *resource_types, size_t n_types,
                         struct sw_enable_result *out, struct sw_aws_error *aerr,
                         struct sw_error *err);

struct sw_inspector2_configuration {
    bool has_ecr;                          /* ecrConfiguration present */
    char rescan_duration[SW_AWS_ENUM_MAX]; /* ecrConfiguration.rescanDurationState.* */
    char rescan_status[SW_AWS_ENUM_MAX];   /* SUCCESS, PENDING, FAILED */
    double rescan_updated_at;              /* epoch seconds, 0 when absent */
    char pull_date_rescan_duration[SW_AWS_ENUM_MAX];
    char pull_date_rescan_mode[SW_AWS_ENUM_MAX];
    char ec2_scan_mode[SW_AWS_ENUM_MAX]; /* ec2Configuration.scanModeState.* */
    char ec2_scan_mode_status[SW_AWS_ENUM_MAX];
};

/* POST /configuration/get with body {} (moto rejects an empty signed POST). */
int sw_inspector2_get_configuration(struct sw_aws_client *c,
                                    struct sw_inspector2_configuration *out,
                                    struct sw_aws_error *aerr, struct sw_error *err);

/* POST /configuration/update {"ecrConfiguration":{"rescanDuration":"DAYS_30"}}.
 * rescan_duration is sent as given (validated by the caller's configuration). */
int sw_inspector2_update_configuration(struct sw_aws_client *c, const char *rescan_duration,
                                       struct sw_aws_error *aerr, struct sw_error *err);

struct sw_member {
    char account_id[SW_AWS_ACCOUNT_ID_MAX];
    char relationship_status[SW_AWS_ENUM_MAX];
    char delegated_admin_account_id[SW_AWS_ACCOUNT_ID_MAX];
    double updated_at; /* epoch seconds, 0 when absent */
};

struct sw_member_list {
    struct sw_member *members;
    size_t count;
    char next_token[SW_INSPECTOR2_NEXT_TOKEN_MAX]; /* "" on the last page */
};
void sw_member_list_clear(struct sw_member_list *l);

/* POST /members/list: one page (up to SW_INSPECTOR2_MEMBERS_PAGE_MAX). next_token NULL or ""
 * for the first page; loop while out->next_token is not "" (bound the loop). */
int sw_inspector2_list_members(struct sw_aws_client *c, bool only_associated,
                               const char *next_token, struct sw_member_list *out,
                               struct sw_aws_error *aerr, struct sw_error *err);

/* ---- Wire format (pure; used by the calls above, public for tests) ---- */

/* Bodies are compact JSON in a fixed member order, written into out (reset first). */
int sw_inspector2_batch_get_account_status_body(const char *const *account_ids, size_t n,
                                                struct sw_buf *out, struct sw_error *err);
int sw_inspector2_enable_body(const char *const *account_ids, size_t n,
                              const char *const *resource_types, size_t n_types,
                              const char *client_token, struct sw_buf *out, struct sw_error *err);
int sw_inspector2_update_configuration_body(const char *rescan_duration, struct sw_buf *out,
                                            struct sw_error *err);
int sw_inspector2_list_members_body(bool only_associated, int max_results, const char *next_token,
                                    struct sw_buf *out, struct sw_error *err);

/* Parsers of 2xx bodies. SW_EPARSE for malformed JSON or wrong types, SW_ELIMIT past the
 * named limits. Missing optional members are left "" / 0. */
int sw_inspector2_parse_account_status(const char *json, size_t len,
                                       struct sw_account_status_list *out, struct sw_error *err);
int sw_inspector2_parse_enable(const char *json, size_t len, struct sw_enable_result *out,
                               struct sw_error *err);
int sw_inspector2_parse_configuration(const char *json, size_t len,
                                      struct sw_inspector2_configuration *out,
                                      struct sw_error *err);
int sw_inspector2_parse_members(const char *json, size_t len, struct sw_member_list *out,
                                struct sw_error *err);

/* A random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") for clientToken; out >= 37 bytes. */
int sw_inspector2_new_client_token(char *out, size_t cap, struct sw_error *err);

/* Organization auto-enable (AutoEnable): what Inspector turns on for new members. */
struct sw_inspector2_auto_enable {
    bool ec2, ecr, lambda, lambda_code;
    bool has_lambda, has_lambda_code; /* present in the answer (sent back only then) */
    bool max_account_limit_reached;   /* DescribeOrganizationConfiguration only */
};

/* POST /organizationconfiguration/describe with body {}. */
int sw_inspector2_describe_organization_configuration(struct sw_aws_client *c,
                                                      struct sw_inspector2_auto_enable *out,
                                                      struct sw_aws_error *aerr,
                                                      struct sw_error *err);

/* POST /organizationconfiguration/update {"autoEnable":{"ec2":..,"ecr":..[,"lambda":..,
 * "lambdaCode":..]}} (ec2 and ecr are required by the API; the others only when has_*). */
int sw_inspector2_update_organization_configuration(struct sw_aws_client *c,
                                                    const struct sw_inspector2_auto_enable *in,
                                                    struct sw_aws_error *aerr,
                                                    struct sw_error *err);

#endif
