/* sw_inspector2 calls: the Inspector2 operations sent through the AWS client (contract in
 * inspector2.h). Each builds its body and parses its answer with inspector2.c's wire
 * functions; sw_aws_op_run does the sending. Free text copied from an answer is cleaned of
 * credentials like the client's own messages. */
#include "handler/aws/inspector2.h"

#include "handler/aws/json.h"

#include <stdlib.h>
#include <string.h>

#define JSON_CONTENT_TYPE "application/json"
#define BODY_MAX ((size_t)64 * 1024)

/* Sends op's body to operation at path and parses the answer with parse (NULL: not read). */
static int run(struct sw_aws_client *c, struct sw_aws_op *op, int rc, const char *operation,
               const char *path, sw_aws_parse_fn parse, void *out, struct sw_aws_error *aerr,
               struct sw_error *err)
{
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_INSPECTOR2,
        .protocol = SW_AWS_PROTOCOL_REST_JSON1,
        .operation = operation,
        .path = path,
        .content_type = JSON_CONTENT_TYPE,
    };
    return sw_aws_op_run(c, op, rc, &req, parse, out, aerr, err);
}

/* "{}", the body of the operations that take no input. */
static int empty_body(struct sw_buf *body, struct sw_error *err)
{
    int rc = sw_buf_append_str(body, "{}");
    return rc ? sw_error_set(err, rc, "out of memory building a request") : 0;
}

static int parse_status_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_inspector2_parse_account_status(b, n, out, err);
}

static int parse_enable_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_inspector2_parse_enable(b, n, out, err);
}

static int parse_configuration_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_inspector2_parse_configuration(b, n, out, err);
}

static int parse_members_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_inspector2_parse_members(b, n, out, err);
}

/* The free text of an answer's failedAccounts and states (errorCode, errorMessage), cleaned
 * of credentials like the client's own messages; the table is built only when there is text. */
static void scrub_texts(const struct sw_aws_client *c, struct sw_account_status_list *l,
                        struct sw_failed_account *failed, size_t failed_count)
{
    struct sw_redactor r = {0};
    bool built = false;
    for (size_t i = 0; l && i < l->count; i++) {
        struct sw_account_status *a = &l->accounts[i];
        struct sw_inspector2_state *st[] = {&a->state,  &a->ec2,         &a->ecr,
                                            &a->lambda, &a->lambda_code, &a->code_repository};
        for (size_t k = 0; k < sizeof(st) / sizeof(st[0]); k++) {
            if (!st[k]->error_code[0] && !st[k]->error_message[0])
                continue;
            if (!built)
                sw_aws_client_redactor(c, &r);
            built = true;
            sw_redactor_apply(&r, st[k]->error_code);
            sw_redactor_apply(&r, st[k]->error_message);
        }
    }
    for (size_t i = 0; i < failed_count; i++) {
        if (!failed[i].error_code[0] && !failed[i].error_message[0])
            continue;
        if (!built)
            sw_aws_client_redactor(c, &r);
        built = true;
        sw_redactor_apply(&r, failed[i].error_code);
        sw_redactor_apply(&r, failed[i].error_message);
    }
    sw_redactor_clear(&r);
}

int sw_inspector2_batch_get_account_status(struct sw_aws_client *c, const char *const *account_ids,
                                           size_t n, struct sw_account_status_list *out,
                                           struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_inspector2_batch_get_account_status_body(account_ids, n, &op.body, err);
    rc = run(c, &op, rc, "inspector2:BatchGetAccountStatus", "/status/batch/get", parse_status_cb,
             out, aerr, err);
    if (!rc)
        scrub_texts(c, out, out->failed, out->failed_count);
    return rc;
}

int sw_inspector2_enable(struct sw_aws_client *c, const char *const *account_ids, size_t n,
                         const char *const *resource_types, size_t n_types,
                         struct sw_enable_result *out, struct sw_aws_error *aerr,
                         struct sw_error *err)
{
    char token[SW_INSPECTOR2_CLIENT_TOKEN_MAX] = "";
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_inspector2_new_client_token(token, sizeof(token), err);
    if (!rc) /* built once: every retry sends the same clientToken */
        rc = sw_inspector2_enable_body(account_ids, n, resource_types, n_types, token, &op.body,
                                       err);
    rc = run(c, &op, rc, "inspector2:Enable", "/enable", parse_enable_cb, out, aerr, err);
    if (!rc)
        scrub_texts(c, NULL, out->failed, out->failed_count);
    return rc;
}

int sw_inspector2_get_configuration(struct sw_aws_client *c,
                                    struct sw_inspector2_configuration *out,
                                    struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = empty_body(&op.body, err);
    return run(c, &op, rc, "inspector2:GetConfiguration", "/configuration/get",
               parse_configuration_cb, out, aerr, err);
}

int sw_inspector2_update_configuration(struct sw_aws_client *c, const char *rescan_duration,
                                       struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_inspector2_update_configuration_body(rescan_duration, &op.body, err);
    return run(c, &op, rc, "inspector2:UpdateConfiguration", "/configuration/update", NULL, NULL,
               aerr, err);
}

int sw_inspector2_list_members(struct sw_aws_client *c, bool only_associated,
                               const char *next_token, struct sw_member_list *out,
                               struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_inspector2_list_members_body(only_associated, SW_INSPECTOR2_MEMBERS_PAGE_MAX,
                                             next_token, &op.body, err);
    return run(c, &op, rc, "inspector2:ListMembers", "/members/list", parse_members_cb, out, aerr,
               err);
}

/* ---- organization auto-enable ---- */

static int parse_bool(const cJSON *obj, const char *key, bool *out, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (present)
        *present = v != NULL;
    if (v == NULL)
        return 0;
    if (!cJSON_IsBool(v))
        return -1;
    *out = cJSON_IsTrue(v);
    return 0;
}

static int parse_auto_enable_cb(const char *json, size_t len, void *out_, struct sw_error *err)
{
    static const char what[] = "inspector2:DescribeOrganizationConfiguration";
    struct sw_inspector2_auto_enable *out = out_;
    cJSON *root = NULL;
    const cJSON *ae = NULL;
    int rc = sw_aws_json_parse_object(json, len, what, &root, err);
    if (!rc)
        rc = sw_aws_json_get_object(root, "autoEnable", &ae, what, err);
    if (!rc && ae == NULL)
        rc = sw_error_set(err, SW_EPARSE, "%s: no autoEnable in the answer", what);
    if (!rc && (parse_bool(ae, "ec2", &out->ec2, NULL) || parse_bool(ae, "ecr", &out->ecr, NULL) ||
                parse_bool(ae, "lambda", &out->lambda, &out->has_lambda) ||
                parse_bool(ae, "lambdaCode", &out->lambda_code, &out->has_lambda_code) ||
                parse_bool(root, "maxAccountLimitReached", &out->max_account_limit_reached, NULL)))
        rc = sw_error_set(err, SW_EPARSE, "%s: autoEnable members must be booleans", what);
    cJSON_Delete(root);
    return rc;
}

int sw_inspector2_describe_organization_configuration(struct sw_aws_client *c,
                                                      struct sw_inspector2_auto_enable *out,
                                                      struct sw_aws_error *aerr,
                                                      struct sw_error *err)
{
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = empty_body(&op.body, err);
    return run(c, &op, rc, "inspector2:DescribeOrganizationConfiguration",
               "/organizationconfiguration/describe", parse_auto_enable_cb, out, aerr, err);
}

int sw_inspector2_update_organization_configuration(struct sw_aws_client *c,
                                                    const struct sw_inspector2_auto_enable *in,
                                                    struct sw_aws_error *aerr, struct sw_error *err)
{
    static const char what[] = "inspector2:UpdateOrganizationConfiguration";
    struct sw_aws_op op;
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_buf_appendf(&op.body, "{\"autoEnable\":{\"ec2\":%s,\"ecr\":%s",
                            in->ec2 ? "true" : "false", in->ecr ? "true" : "false");
    if (!rc && in->has_lambda)
        rc = sw_buf_appendf(&op.body, ",\"lambda\":%s", in->lambda ? "true" : "false");
    if (!rc && in->has_lambda_code)
        rc = sw_buf_appendf(&op.body, ",\"lambdaCode\":%s", in->lambda_code ? "true" : "false");
    if (!rc)
        rc = sw_buf_append_str(&op.body, "}}");
    if (rc)
        rc = sw_error_set(err, rc, "%s: request too large", what);
    return run(c, &op, rc, what, "/organizationconfiguration/update", NULL, NULL, aerr, err);
}
