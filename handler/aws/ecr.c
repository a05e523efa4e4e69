/* sw_ecr: the registry scanning configuration as a typed struct, its awsJson1_1
 * wire format (POST /, X-Amz-Target, body {} when there is no input) and the
 * two calls. Validation of what we send lives here because moto accepts any
 * configuration while AWS rejects invalid ones. */
#include "handler/aws/ecr.h"

#include "handler/aws/json.h"

#include <stdlib.h>
#include <string.h>

#define ECR_CONTENT_TYPE "application/x-amz-json-1.1"
#define ECR_TARGET_PREFIX "AmazonEC2ContainerRegistry_V20150921."
#define BODY_MAX ((size_t)256 * 1024)

void sw_ecr_scanning_configuration_clear(struct sw_ecr_scanning_configuration *cfg)
{
    for (size_t i = 0; i < SW_ECR_RULES_READ_MAX; i++)
        free(cfg->rules[i].filters);
    memset(cfg, 0, sizeof(*cfg));
}

static int copy_bounded(char *dst, size_t cap, const char *src, const char *what,
                        struct sw_error *err)
{
    if (!src || strlen(src) >= cap)
        return sw_error_set(err, SW_EINVAL, "%s: missing or longer than %zu characters", what,
                            cap - 1);
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

int sw_ecr_add_rule(struct sw_ecr_scanning_configuration *cfg, const char *scan_frequency,
                    struct sw_ecr_rule **rule, struct sw_error *err)
{
    if (cfg->rule_count >= SW_ECR_RULES_READ_MAX)
        return sw_error_set(err, SW_ELIMIT, "ECR scanning configuration: more than %d rules",
                            SW_ECR_RULES_READ_MAX);
    struct sw_ecr_rule *r = &cfg->rules[cfg->rule_count];
    int rc = copy_bounded(r->scan_frequency, sizeof(r->scan_frequency), scan_frequency,
                          "scanFrequency", err);
    if (rc)
        return rc;
    r->filter_count = 0;
    cfg->rule_count++;
    if (rule)
        *rule = r;
    return 0;
}

int sw_ecr_rule_add_filter(struct sw_ecr_rule *rule, const char *filter, const char *filter_type,
                           struct sw_error *err)
{
    if (rule->filter_count >= SW_ECR_FILTERS_MAX)
        return sw_error_set(err, SW_ELIMIT, "ECR scanning rule: more than %d filters",
                            SW_ECR_FILTERS_MAX);
    if (!rule->filters) {
        rule->filters = calloc(SW_ECR_FILTERS_MAX, sizeof(*rule->filters));
        if (!rule->filters)
            return sw_error_set(err, SW_ENOMEM, "out of memory adding an ECR filter");
    }
    struct sw_ecr_filter *f = &rule->filters[rule->filter_count];
    int rc = copy_bounded(f->filter, sizeof(f->filter), filter, "repository filter", err);
    if (!rc)
        rc = copy_bounded(f->filter_type, sizeof(f->filter_type), filter_type, "filterType", err);
    if (!rc)
        rule->filter_count++;
    return rc;
}

int sw_ecr_validate(const struct sw_ecr_scanning_configuration *cfg, struct sw_error *err)
{
    bool enhanced = strcmp(cfg->scan_type, "ENHANCED") == 0;
    if (!enhanced && strcmp(cfg->scan_type, "BASIC") != 0)
        return sw_error_set(err, SW_EINVAL, "ECR scanType \"%s\" is not BASIC or ENHANCED",
                            cfg->scan_type);
    if (cfg->rule_count > SW_ECR_RULES_MAX)
        return sw_error_set(err, SW_EINVAL, "ECR accepts at most %d scanning rules, not %zu",
                            SW_ECR_RULES_MAX, cfg->rule_count);
    for (size_t i = 0; i < cfg->rule_count; i++) {
        const struct sw_ecr_rule *r = &cfg->rules[i];
        bool known = strcmp(r->scan_frequency, "SCAN_ON_PUSH") == 0 ||
                     strcmp(r->scan_frequency, "CONTINUOUS_SCAN") == 0 ||
                     strcmp(r->scan_frequency, "MANUAL") == 0;
        if (!known)
            return sw_error_set(err, SW_EINVAL,
                                "ECR scanning rule %zu: scanFrequency \"%s\" is "
                                "not SCAN_ON_PUSH, CONTINUOUS_SCAN or MANUAL",
                                i + 1, r->scan_frequency);
        if (enhanced && strcmp(r->scan_frequency, "MANUAL") == 0)
            return sw_error_set(err, SW_EINVAL,
                                "ECR scanning rule %zu: MANUAL is only valid with BASIC scanning",
                                i + 1);
        if (r->filter_count == 0 || r->filter_count > SW_ECR_FILTERS_MAX)
            return sw_error_set(err, SW_EINVAL, "ECR scanning rule %zu: needs 1 to %d filters",
                                i + 1, SW_ECR_FILTERS_MAX);
        for (size_t j = 0; j < r->filter_count; j++) {
            if (strcmp(r->filters[j].filter_type, "WILDCARD") != 0)
                return sw_error_set(err, SW_EINVAL,
                                    "ECR scanning rule %zu: filterType \"%s\" is "
                                    "not WILDCARD",
                                    i + 1, r->filters[j].filter_type);
            if (!sw_repository_filter_ok(r->filters[j].filter))
                return sw_error_set(err, SW_EINVAL,
                                    "ECR scanning rule %zu: filter \"%s\" is not a valid "
                                    "repository filter (lower-case letters, digits, * and single "
                                    "._-/ between them)",
                                    i + 1, r->filters[j].filter);
        }
    }
    return 0;
}

int sw_ecr_put_body(const struct sw_ecr_scanning_configuration *cfg, struct sw_buf *out,
                    struct sw_error *err)
{
    int rc = 0;
    cJSON *root = cJSON_CreateObject();
    cJSON *rules = NULL;

    if (!root || !cJSON_AddStringToObject(root, "scanType", cfg->scan_type) ||
        !(rules = cJSON_AddArrayToObject(root, "rules")))
        goto out_nomem;
    for (size_t i = 0; i < cfg->rule_count && i < SW_ECR_RULES_READ_MAX; i++) {
        const struct sw_ecr_rule *r = &cfg->rules[i];
        cJSON *rule = cJSON_CreateObject();
        if (!rule)
            goto out_nomem;
        cJSON_AddItemToArray(rules, rule);
        cJSON *filters;
        if (!cJSON_AddStringToObject(rule, "scanFrequency", r->scan_frequency) ||
            !(filters = cJSON_AddArrayToObject(rule, "repositoryFilters")))
            goto out_nomem;
        for (size_t j = 0; j < r->filter_count; j++) {
            cJSON *f = cJSON_CreateObject();
            if (!f)
                goto out_nomem;
            cJSON_AddItemToArray(filters, f);
            if (!cJSON_AddStringToObject(f, "filter", r->filters[j].filter) ||
                !cJSON_AddStringToObject(f, "filterType", r->filters[j].filter_type))
                goto out_nomem;
        }
    }
    rc = sw_aws_json_print(root, out, err);
    cJSON_Delete(root);
    return rc;
out_nomem:
    cJSON_Delete(root);
    return sw_error_set(err, SW_ENOMEM, "out of memory building a request");
}

static int parse_configuration(const cJSON *obj, struct sw_ecr_scanning_configuration *out,
                               const char *what, struct sw_error *err)
{
    const cJSON *rules, *rule;
    size_t n = 0;
    int rc;

    if (!obj)
        return 0;
    TRY(sw_aws_json_copy_string(obj, "scanType", out->scan_type, sizeof(out->scan_type), what,
                                err));
    TRY(sw_aws_json_get_array(obj, "rules", SW_ECR_RULES_READ_MAX, &rules, &n, what, err));
    cJSON_ArrayForEach(rule, rules)
    {
        const cJSON *filters, *f;
        size_t nf = 0;
        struct sw_ecr_rule *r = &out->rules[out->rule_count++];
        if (!cJSON_IsObject(rule)) {
            rc = sw_error_set(err, SW_EPARSE, "%s: a rules item is not an object", what);
            goto out;
        }
        TRY(sw_aws_json_copy_string(rule, "scanFrequency", r->scan_frequency,
                                    sizeof(r->scan_frequency), what, err));
        TRY(sw_aws_json_get_array(rule, "repositoryFilters", SW_ECR_FILTERS_MAX, &filters, &nf,
                                  what, err));
        if (nf) {
            r->filters = calloc(nf, sizeof(*r->filters));
            if (!r->filters) {
                rc = sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
                goto out;
            }
        }
        cJSON_ArrayForEach(f, filters)
        {
            struct sw_ecr_filter *dst = &r->filters[r->filter_count++];
            if (!cJSON_IsObject(f)) {
                rc = sw_error_set(err, SW_EPARSE, "%s: a repositoryFilters item is not an object",
                                  what);
                goto out;
            }
            TRY(sw_aws_json_copy_string(f, "filter", dst->filter, sizeof(dst->filter), what, err));
            TRY(sw_aws_json_copy_string(f, "filterType", dst->filter_type, sizeof(dst->filter_type),
                                        what, err));
        }
    }
out:
    return rc;
}

static int parse_answer(const char *json, size_t len, const char *what, const char *member,
                        struct sw_ecr_scanning_configuration *out, struct sw_error *err)
{
    cJSON *root = NULL;
    const cJSON *cfg;
    int rc;

    memset(out, 0, sizeof(*out));
    TRY(sw_aws_json_parse_object(json, len, what, &root, err));
    TRY(sw_aws_json_copy_string(root, "registryId", out->registry_id, sizeof(out->registry_id),
                                what, err));
    TRY(sw_aws_json_get_object(root, member, &cfg, what, err));
    TRY(parse_configuration(cfg, out, what, err));
out:
    cJSON_Delete(root);
    if (rc)
        sw_ecr_scanning_configuration_clear(out);
    return rc;
}

int sw_ecr_parse_get(const char *json, size_t len, struct sw_ecr_scanning_configuration *out,
                     struct sw_error *err)
{
    return parse_answer(json, len, "ecr:GetRegistryScanningConfiguration", "scanningConfiguration",
                        out, err);
}

int sw_ecr_parse_put(const char *json, size_t len, struct sw_ecr_scanning_configuration *out,
                     struct sw_error *err)
{
    return parse_answer(json, len, "ecr:PutRegistryScanningConfiguration",
                        "registryScanningConfiguration", out, err);
}

/* Sends op's body to the awsJson1_1 operation target and parses the answer with parse. */
static int run(struct sw_aws_client *c, struct sw_aws_op *op, int rc, const char *operation,
               const char *target, sw_aws_parse_fn parse, void *out, struct sw_aws_error *aerr,
               struct sw_error *err)
{
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_ECR,
        .protocol = SW_AWS_PROTOCOL_JSON_1_1,
        .operation = operation,
        .path = "/",
        .content_type = ECR_CONTENT_TYPE,
        .target = target,
    };
    return sw_aws_op_run(c, op, rc, &req, parse, out, aerr, err);
}

static int parse_get_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_ecr_parse_get(b, n, out, err);
}

static int parse_put_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_ecr_parse_put(b, n, out, err);
}

int sw_ecr_get_registry_scanning_configuration(struct sw_aws_client *c,
                                               struct sw_ecr_scanning_configuration *out,
                                               struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, BODY_MAX, aerr);
    int rc = sw_buf_append_str(&op.body, "{}");
    if (rc)
        rc = sw_error_set(err, rc, "out of memory building a request");
    return run(c, &op, rc, "ecr:GetRegistryScanningConfiguration",
               ECR_TARGET_PREFIX "GetRegistryScanningConfiguration", parse_get_cb, out, aerr, err);
}

int sw_ecr_put_registry_scanning_configuration(struct sw_aws_client *c,
                                               const struct sw_ecr_scanning_configuration *cfg,
                                               struct sw_ecr_scanning_configuration *result,
                                               struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    if (result)
        memset(result, 0, sizeof(*result));
    if (aerr)
        sw_aws_error_clear(aerr);
    int rc = sw_ecr_validate(cfg, err);
    if (rc)
        return sw_error_wrap(err, "ecr:PutRegistryScanningConfiguration: not sent");
    sw_aws_op_init(&op, BODY_MAX, aerr);
    rc = sw_ecr_put_body(cfg, &op.body, err);
    return run(c, &op, rc, "ecr:PutRegistryScanningConfiguration",
               ECR_TARGET_PREFIX "PutRegistryScanningConfiguration", result ? parse_put_cb : NULL,
               result, aerr, err);
}
