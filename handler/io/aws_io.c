/* sw_aws_io: reads Inspector2/ECR state, performs remediation actions, publishes to SNS.
 *
 * The only part of the function that calls AWS (through the operations of
 * handler/aws/). Reads are strict (a failed read stops the check: deciding on a
 * guess could write the wrong thing); actions are independent, so each runs and
 * reports its own result, with the AWS error code and message kept verbatim.
 * The reads go out together, then the writes (Enable first when planned): three round
 * trips for a drift check, not one per call (docs/internals.md, "The drift check"). */
#include "handler/io/aws_io.h"

#include "handler/notify/notify_wire.h"

#include "handler/aws/sns.h"
#include "handler/aws/securityhub.h"
#include "handler/aws/sqs.h"
#include "handler/notify/parked.h"
#include "handler/aws/sts.h"
#include "handler/core/clock.h"
#include "handler/core/parallel.h"
#include "runtime/lr_log.h"

#include <stdio.h>
#include <string.h>

#define API_BATCH_GET_ACCOUNT_STATUS "inspector2:BatchGetAccountStatus"
#define API_GET_REGISTRY_SCANNING "ecr:GetRegistryScanningConfiguration"
#define API_GET_CONFIGURATION "inspector2:GetConfiguration"

/* Which client a call goes through: one lane per AWS endpoint the drift check talks to, so
 * that calls sent together never share a client and each lane's connection stays warm. */
enum lane {
    LANE_INSPECTOR2 = 0, /* s->aws: BatchGetAccountStatus, Enable (and everything else) */
    LANE_ECR,            /* siblings[0]: GetRegistryScanningConfiguration, Put... */
    LANE_CONFIGURATION,  /* siblings[1]: Inspector2 GetConfiguration, UpdateConfiguration */
    LANES
};

void sw_aws_io_init(struct sw_aws_io *s, struct sw_aws_client *aws, const struct sw_config *cfg)
{
    memset(s, 0, sizeof(*s));
    s->aws = aws;
    s->cfg = cfg;
    for (size_t i = 0; i < SW_AWS_IO_SIBLINGS; i++) {
        struct sw_error err = {0};
        s->siblings[i] = sw_aws_client_new_sibling(aws, &err);
        if (!s->siblings[i]) {
            /* not fatal: the calls then go one after the other through aws */
            lr_log(LR_LOG_WARN, "the drift check's calls will not go out together: %s", err.msg);
            break;
        }
    }
}

/* Frees what the last read kept. */
static void forget_read(struct sw_aws_io *s)
{
    sw_account_status_list_clear(&s->status);
    sw_ecr_scanning_configuration_clear(&s->registry);
    memset(&s->inspector, 0, sizeof(s->inspector));
}

void sw_aws_io_clear(struct sw_aws_io *s)
{
    forget_read(s);
    for (size_t i = 0; i < SW_AWS_IO_SIBLINGS; i++) {
        sw_aws_client_free(s->siblings[i]);
        s->siblings[i] = NULL;
    }
}

/* The client of lane, and how many calls may go out together (1 without the siblings). */
static struct sw_aws_client *lane_client(const struct sw_aws_io *s, enum lane lane)
{
    if (lane == LANE_INSPECTOR2 || !s->siblings[SW_AWS_IO_SIBLINGS - 1])
        return s->aws;
    return s->siblings[lane - 1];
}

static size_t lanes_open(const struct sw_aws_io *s)
{
    return s->siblings[SW_AWS_IO_SIBLINGS - 1] ? LANES : 1;
}

/* One call of a round sent together: what it returned, kept until the round is joined and
 * its results are recorded in order. */
struct call {
    int rc;
    struct sw_aws_error aerr;
    struct sw_error err;
};

struct sw_function_io sw_aws_io_io(struct sw_aws_io *s)
{
    return (struct sw_function_io){s,
                                   sw_aws_io_read,
                                   sw_aws_io_perform,
                                   sw_aws_io_publish,
                                   sw_aws_io_workloads,
                                   sw_aws_io_own_account,
                                   s->cfg->dead_letter_queue_url[0] ? sw_aws_io_park : NULL,
                                   sw_aws_io_close_finding};
}

/* A transport or client failure has no AWS error code: name the kind of failure. */
static const char *failure_code(int rc)
{
    switch (rc) {
    case SW_EIO:
        return "NetworkError";
    case SW_ETIMEOUT:
        return "Timeout";
    case SW_ECREDS:
        return "NoCredentials";
    case SW_EPARSE:
        return "InvalidResponse";
    case SW_ELIMIT:
        return "ResponseTooLarge";
    case SW_ENOMEM:
        return "OutOfMemory";
    default:
        return "ClientError";
    }
}

/* Fills f and r from a failed call (rc != 0). */
static void record_failure(struct sw_aws_io_failure *f, struct sw_action_result *r, const char *api,
                           int rc, const struct sw_aws_error *aerr, const struct sw_error *err)
{
    if (rc == SW_EAWS && aerr->code[0] != '\0') {
        snprintf(f->code, sizeof(f->code), "%s", aerr->code);
        snprintf(f->message, sizeof(f->message), "%.*s", (int)sizeof(f->message) - 1,
                 aerr->message);
    } else {
        snprintf(f->code, sizeof(f->code), "%s", failure_code(rc));
        snprintf(f->message, sizeof(f->message), "%s", err->msg);
    }
    *r = (struct sw_action_result){
        .api = api, .ok = false, .error_code = f->code, .error_message = f->message};
    lr_log(LR_LOG_WARN, "%s failed: %s: %s", api, f->code, f->message);
}

/* Points the drift view at the ECR configuration just read. */
static void view_registry(struct sw_aws_io *s, struct sw_actual_state *out)
{
    const struct sw_ecr_scanning_configuration *reg = &s->registry;
    out->scan_type = reg->scan_type[0] != '\0' ? reg->scan_type : NULL;
    for (size_t i = 0; i < reg->rule_count && i < SW_ECR_RULES_READ_MAX; i++) {
        const struct sw_ecr_rule *rule = &reg->rules[i];
        size_t nf =
            rule->filter_count < SW_ECR_FILTERS_MAX ? rule->filter_count : SW_ECR_FILTERS_MAX;
        for (size_t j = 0; j < nf; j++) {
            s->filters[i][j].filter = rule->filters[j].filter;
            s->filters[i][j].filter_type =
                rule->filters[j].filter_type[0] != '\0' ? rule->filters[j].filter_type : NULL;
        }
        s->rules[i].scan_frequency = rule->scan_frequency;
        s->rules[i].filters = s->filters[i];
        s->rules[i].filter_count = nf;
    }
    out->rules = s->rules;
    out->rule_count =
        reg->rule_count < SW_ECR_RULES_READ_MAX ? reg->rule_count : SW_ECR_RULES_READ_MAX;
}

/* The reads, in the order a failure is reported in. */
enum read_index { READ_STATUS = 0, READ_REGISTRY, READ_CONFIGURATION, READS };

struct read_round {
    struct sw_aws_io *s;
    struct call calls[READS];
};

static void read_one(void *ctx, size_t i)
{
    struct read_round *r = ctx;
    struct sw_aws_io *s = r->s;
    struct call *c = &r->calls[i];
    const char *ids[] = {s->account};
    sw_aws_error_clear(&c->aerr);
    switch ((enum read_index)i) {
    case READ_STATUS:
        c->rc = sw_inspector2_batch_get_account_status(lane_client(s, LANE_INSPECTOR2), ids, 1,
                                                       &s->status, &c->aerr, &c->err);
        break;
    case READ_REGISTRY:
        c->rc = sw_ecr_get_registry_scanning_configuration(lane_client(s, LANE_ECR), &s->registry,
                                                           &c->aerr, &c->err);
        break;
    default:
        c->rc = sw_inspector2_get_configuration(lane_client(s, LANE_CONFIGURATION), &s->inspector,
                                                &c->aerr, &c->err);
        break;
    }
}

int sw_aws_io_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                   struct sw_action_result *failure)
{
    static const char *const apis[READS] = {API_BATCH_GET_ACCOUNT_STATUS, API_GET_REGISTRY_SCANNING,
                                            API_GET_CONFIGURATION};
    struct sw_aws_io *s = ctx;
    struct read_round r = {.s = s};

    forget_read(s);
    memset(out, 0, sizeof(*out));
    snprintf(s->account, sizeof(s->account), "%s", account);

    size_t n = read_rescan ? READS : READ_CONFIGURATION;
    sw_parallel_run(n, lanes_open(s), read_one, &r);
    for (size_t i = 0; i < n; i++) {
        if (r.calls[i].rc != SW_OK) {
            record_failure(&s->failures[0], failure, apis[i], r.calls[i].rc, &r.calls[i].aerr,
                           &r.calls[i].err);
            return r.calls[i].rc;
        }
    }

    const struct sw_account_status *st = sw_account_status_find(&s->status, s->account);
    /* Absent (moto, never-enabled accounts) counts as DISABLED: drift.c treats NULL so. */
    out->inspector_ecr_status = st != NULL && st->ecr.status[0] != '\0' ? st->ecr.status : NULL;
    view_registry(s, out);
    if (read_rescan) {
        out->rescan_duration =
            s->inspector.rescan_duration[0] != '\0' ? s->inspector.rescan_duration : NULL;
    }
    return SW_OK;
}

static int do_enable(struct sw_aws_io *s, struct sw_aws_error *aerr, struct sw_error *err)
{
    const char *ids[] = {s->account};
    const char *types[] = {"ECR"};
    struct sw_enable_result res = {0};
    int rc =
        sw_inspector2_enable(lane_client(s, LANE_INSPECTOR2), ids, 1, types, 1, &res, aerr, err);
    if (rc == SW_OK) {
        for (size_t i = 0; i < res.failed_count; i++) {
            if (strcmp(res.failed[i].account_id, s->account) == 0) {
                /* Partial failure: AWS answered 200 but did not enable this account. */
                snprintf(aerr->code, sizeof(aerr->code), "%s", res.failed[i].error_code);
                snprintf(aerr->message, sizeof(aerr->message), "%s", res.failed[i].error_message);
                rc = SW_EAWS;
            }
        }
    }
    sw_enable_result_clear(&res);
    return rc;
}

int sw_aws_io_registry_configuration(const struct sw_actual_state *t,
                                     struct sw_ecr_scanning_configuration *cfg,
                                     struct sw_error *err)
{
    int rc = SW_OK;
    snprintf(cfg->scan_type, sizeof(cfg->scan_type), "%s",
             t->scan_type ? t->scan_type : "ENHANCED");
    for (size_t i = 0; i < t->rule_count && rc == SW_OK; i++) {
        struct sw_ecr_rule *rule = NULL;
        rc = sw_ecr_add_rule(cfg, t->rules[i].scan_frequency, &rule, err);
        for (size_t j = 0; rc == SW_OK && j < t->rules[i].filter_count; j++) {
            const struct sw_drift_filter *flt = &t->rules[i].filters[j];
            rc = sw_ecr_rule_add_filter(rule, flt->filter,
                                        flt->filter_type ? flt->filter_type : "WILDCARD", err);
        }
    }
    return rc;
}

static int do_put_registry(struct sw_aws_io *s, const struct sw_drift_plan *plan,
                           struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_ecr_scanning_configuration cfg = {0};
    int rc = sw_aws_io_registry_configuration(&plan->target, &cfg, err);
    if (rc == SW_OK)
        rc = sw_ecr_put_registry_scanning_configuration(lane_client(s, LANE_ECR), &cfg, NULL, aerr,
                                                        err);
    sw_ecr_scanning_configuration_clear(&cfg);
    return rc;
}

struct write_round {
    struct sw_aws_io *s;
    const struct sw_drift_plan *plan;
    size_t index[SW_DRIFT_ACTIONS_MAX]; /* task -> the plan's action */
    struct call calls[SW_DRIFT_ACTIONS_MAX];
};

static void write_one(void *ctx, size_t task)
{
    struct write_round *r = ctx;
    struct sw_aws_io *s = r->s;
    const struct sw_drift_plan *plan = r->plan;
    const struct sw_drift_action *a = &plan->actions[r->index[task]];
    struct call *c = &r->calls[r->index[task]];
    sw_aws_error_clear(&c->aerr);
    switch (a->api) {
    case SW_DRIFT_API_INSPECTOR2_ENABLE:
        c->rc = do_enable(s, &c->aerr, &c->err);
        break;
    case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING:
        c->rc = do_put_registry(s, plan, &c->aerr, &c->err);
        break;
    case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
        c->rc = sw_inspector2_update_configuration(
            lane_client(s, LANE_CONFIGURATION),
            plan->target.rescan_duration ? plan->target.rescan_duration : "", &c->aerr, &c->err);
        break;
    default:
        c->rc = sw_error_set(&c->err, SW_EINTERNAL, "unknown action %d", (int)a->api);
        break;
    }
}

/* Enable goes first, alone: enabling Inspector can rewrite the registry configuration
 * (which the Put then settles) and switches on the Inspector that UpdateConfiguration
 * configures. The other actions touch one endpoint each and go out together after it
 * (docs/internals.md, "The drift check"). */
void sw_aws_io_perform(void *ctx, const struct sw_drift_plan *plan,
                       struct sw_action_result *results)
{
    struct sw_aws_io *s = ctx;
    struct write_round r = {.s = s, .plan = plan};
    size_t count =
        plan->action_count < SW_DRIFT_ACTIONS_MAX ? plan->action_count : SW_DRIFT_ACTIONS_MAX;
    for (int first = 1; first >= 0; first--) { /* Enable, then the rest together */
        size_t n = 0;
        for (size_t i = 0; i < count; i++) {
            if ((plan->actions[i].api == SW_DRIFT_API_INSPECTOR2_ENABLE) == (first == 1))
                r.index[n++] = i;
        }
        sw_parallel_run(n, lanes_open(s), write_one, &r);
    }
    for (size_t i = 0; i < count; i++) {
        const struct sw_drift_action *a = &plan->actions[i];
        const char *api = sw_drift_api_name(a->api);
        if (r.calls[i].rc == SW_OK) {
            results[i] = (struct sw_action_result){.api = api, .ok = true};
            lr_log(LR_LOG_INFO, "%s: done", a->summary);
        } else {
            record_failure(&s->failures[i], &results[i], api, r.calls[i].rc, &r.calls[i].aerr,
                           &r.calls[i].err);
        }
    }
}

int sw_aws_io_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct sw_aws_io *s = ctx;
    struct sw_aws_error aerr;
    char message_id[SW_SNS_MESSAGE_ID_MAX];
    sw_aws_error_clear(&aerr);
    /* MessageStructure=json: text for e-mail, the JSON document for machines, chat. */
    struct sw_notification wire;
    sw_notification_init(&wire);
    int rc = sw_wire_build(n, s->cfg->chat_format, &wire, err);
    if (rc == SW_OK) {
        rc = sw_sns_publish(s->publish_aws ? s->publish_aws : s->aws, s->cfg->sns_topic_arn, &wire,
                            true, message_id, &aerr, err);
    }
    sw_notification_clear(&wire);
    if (rc == SW_EAWS && aerr.code[0] != '\0') {
        return sw_error_set(err, rc, "sns:Publish: %s: %s", aerr.code, aerr.message);
    }
    if (rc != SW_OK) {
        /* The AWS client and the SNS validator already name the operation. */
        if (err && strncmp(err->msg, "sns:Publish", strlen("sns:Publish")) != 0)
            sw_error_wrap(err, "sns:Publish");
        return rc;
    }
    lr_log(LR_LOG_DEBUG, "published message %s", message_id);
    return SW_OK;
}

int sw_aws_io_park(void *ctx, const struct sw_notification *n, const char *event_id,
                   const char *reason, struct sw_error *err)
{
    struct sw_aws_io *s = ctx;
    struct sw_aws_error aerr;
    struct sw_notification wire;
    struct sw_parked p;
    struct sw_sqs_attribute attrs[SW_PARKED_ATTRIBUTES];
    char message_id[SW_SQS_MESSAGE_ID_MAX];
    sw_aws_error_clear(&aerr);
    sw_notification_init(&wire);
    sw_parked_init(&p);
    /* The same wire form the publish built: what subscribers would have received. */
    int rc = sw_wire_build(n, s->cfg->chat_format, &wire, err);
    if (rc == SW_OK)
        rc = sw_parked_build(&wire, event_id, reason, &p, err);
    if (rc == SW_OK) {
        for (size_t i = 0; i < p.count; i++)
            attrs[i] = (struct sw_sqs_attribute){p.names[i], sw_buf_cstr(&p.values[i])};
        struct sw_sqs_outgoing m = {p.body.data, p.body.len, attrs, p.count};
        rc = sw_sqs_send(s->publish_aws ? s->publish_aws : s->aws, s->cfg->dead_letter_queue_url,
                         &m, message_id, &aerr, err);
    }
    sw_parked_clear(&p);
    sw_notification_clear(&wire);
    if (rc == SW_EAWS && aerr.code[0] != '\0')
        return sw_error_set(err, rc, "sqs:SendMessage: %s: %s", aerr.code, aerr.message);
    if (rc == SW_OK)
        lr_log(LR_LOG_INFO, "parked as message %s in the dead-letter queue", message_id);
    return rc;
}

/* GetClustersForImage: the request and the parse are workloads.c's, the call is this adapter's. */
static int workloads_fetch(struct sw_aws_client *c, const char *image_arn, struct sw_workloads *out,
                           struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_buf body;
    struct sw_http_response resp;
    sw_buf_init(&body, 4096);
    sw_http_response_init(&resp);
    memset(out, 0, sizeof(*out));
    int rc = sw_workloads_request(image_arn, &body, err);
    if (rc == 0) {
        struct sw_aws_request req = {
            .service = SW_AWS_SERVICE_INSPECTOR2,
            .protocol = SW_AWS_PROTOCOL_REST_JSON1,
            .operation = "inspector2:GetClustersForImage",
            .path = "/cluster/get",
            .content_type = "application/json",
            .target = NULL,
            .body = sw_buf_cstr(&body),
            .body_len = body.len,
        };
        rc = sw_aws_call(c, &req, &resp, aerr, err);
    }
    if (rc == 0)
        rc = sw_workloads_parse(resp.body.data ? resp.body.data : "", resp.body.len, out, err);
    sw_http_response_clear(&resp);
    sw_buf_clear(&body);
    return rc;
}

int sw_aws_io_workloads(void *ctx, const char *image_arn, long long deadline_ms,
                        struct sw_workloads *out, struct sw_error *err)
{
    struct sw_aws_io *s = ctx;
    struct sw_aws_error aerr;
    long long limit = sw_clock_now_ms() + SW_WORKLOADS_TIMEOUT_MS;
    if (deadline_ms > 0 && deadline_ms < limit) {
        limit = deadline_ms;
    }
    sw_aws_error_clear(&aerr);
    sw_aws_client_set_deadline(s->aws, limit);
    int rc = workloads_fetch(s->aws, image_arn, out, &aerr, err);
    sw_aws_client_set_deadline(s->aws, deadline_ms);
    if (rc == SW_EAWS && aerr.code[0] != '\0') {
        return sw_error_set(err, rc, "%s: %s", aerr.code, aerr.message);
    }
    if (rc == SW_ETIMEOUT) {
        return sw_error_set(err, rc, "no answer within %d ms", SW_WORKLOADS_TIMEOUT_MS);
    }
    return rc;
}

int sw_aws_io_own_account(void *ctx, char out[SW_FUNCTION_ACCOUNT_MAX + 1], struct sw_error *err)
{
    struct sw_aws_io *s = ctx;
    struct sw_aws_error aerr;
    if (s->own_account[0] == '\0') {
        int rc = sw_sts_get_caller_identity(s->aws, s->own_account, &aerr, err);
        if (rc == SW_EAWS && aerr.code[0] != '\0')
            return sw_error_set(err, rc, "sts:GetCallerIdentity: %s: %s", aerr.code, aerr.message);
        if (rc != SW_OK)
            return rc;
    }
    memcpy(out, s->own_account, SW_FUNCTION_ACCOUNT_MAX + 1);
    return SW_OK;
}

int sw_aws_io_close_finding(void *ctx, const char *finding_id, const char *product_arn,
                            const struct sw_sechub_close *c, struct sw_error *err)
{
    struct sw_aws_io *s = ctx;
    const struct sw_securityhub_finding_id ids[] = {{finding_id, product_arn}};
    enum sw_securityhub_workflow w = SW_SECURITYHUB_WORKFLOW_UNCHANGED;
    if (c->workflow && strcmp(c->workflow, "RESOLVED") == 0)
        w = SW_SECURITYHUB_WORKFLOW_RESOLVED;
    else if (c->workflow && strcmp(c->workflow, "NOTIFIED") == 0)
        w = SW_SECURITYHUB_WORKFLOW_NOTIFIED;
    struct sw_securityhub_update u = {ids, 1, w, c->note[0] ? c->note : NULL, SW_SECHUB_UPDATED_BY};
    struct sw_securityhub_update_result res;
    struct sw_aws_error aerr;
    int rc = sw_securityhub_batch_update(s->aws, &u, &res, &aerr, err);
    if (rc == SW_EAWS && aerr.code[0] != '\0')
        return sw_error_set(err, rc, "securityhub:BatchUpdateFindings: %s: %s", aerr.code,
                            aerr.message);
    if (rc != SW_OK)
        return rc;
    if (res.unprocessed > 0 || res.processed == 0)
        return sw_error_set(
            err, SW_EAWS, "securityhub:BatchUpdateFindings: the finding was not updated: %s: %s",
            res.error_code[0] ? res.error_code : "(no error code)", res.error_message);
    return SW_OK;
}
