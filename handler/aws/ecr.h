/* sw_ecr: the Amazon ECR registry scanning configuration operations (awsJson1_1).
 *
 * GetRegistryScanningConfiguration and PutRegistryScanningConfiguration, with
 * the configuration as a typed struct whose enum values stay strings. What we
 * send is validated here (moto accepts anything, AWS does not); what we read
 * is accepted as AWS sends it, within bounds. The *_body and *_parse
 * functions are pure and public for tests.
 *
 * Calls return 0, SW_EAWS (aerr filled) or another SW_E*; err says what failed. aerr (may be
 * NULL) is cleared first. */
#ifndef SW_ECR_H
#define SW_ECR_H

#include "handler/aws/client.h"
#include "handler/core/buf.h"
#include "handler/core/ids.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_ECR_RULES_MAX 2       /* rules AWS accepts in a Put */
#define SW_ECR_RULES_READ_MAX 16 /* rules accepted in an answer (moto stores more than 2) */
#define SW_ECR_FILTERS_MAX 100   /* filters per rule */
#define SW_ECR_FILTER_MAX (SW_REPOSITORY_FILTER_LEN_MAX + 1) /* 255 characters + NUL */
#define SW_ECR_REGISTRY_ID_MAX 32

struct sw_ecr_filter {
    char filter[SW_ECR_FILTER_MAX];    /* "*", "prod-*" */
    char filter_type[SW_AWS_ENUM_MAX]; /* WILDCARD */
};

struct sw_ecr_rule {
    char scan_frequency[SW_AWS_ENUM_MAX]; /* SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL */
    struct sw_ecr_filter *filters;        /* owned, up to SW_ECR_FILTERS_MAX */
    size_t filter_count;
};

struct sw_ecr_scanning_configuration {
    char registry_id[SW_ECR_REGISTRY_ID_MAX]; /* Get only */
    char scan_type[SW_AWS_ENUM_MAX];          /* BASIC, ENHANCED */
    struct sw_ecr_rule rules[SW_ECR_RULES_READ_MAX];
    size_t rule_count;
};

/* Frees the filters; the struct is zeroed and reusable. Safe on a zeroed struct. */
void sw_ecr_scanning_configuration_clear(struct sw_ecr_scanning_configuration *cfg);

/* Builders for a desired configuration. add_rule returns the new rule in *rule. */
int sw_ecr_add_rule(struct sw_ecr_scanning_configuration *cfg, const char *scan_frequency,
                    struct sw_ecr_rule **rule, struct sw_error *err);
int sw_ecr_rule_add_filter(struct sw_ecr_rule *rule, const char *filter, const char *filter_type,
                           struct sw_error *err);

/* Checks what AWS would reject: scanType BASIC|ENHANCED, at most SW_ECR_RULES_MAX rules,
 * scanFrequency SCAN_ON_PUSH|CONTINUOUS_SCAN (MANUAL only with BASIC), 1..100 filters of
 * type WILDCARD matching ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$ (1..255 characters). */
int sw_ecr_validate(const struct sw_ecr_scanning_configuration *cfg, struct sw_error *err);

/* X-Amz-Target AmazonEC2ContainerRegistry_V20150921.GetRegistryScanningConfiguration, body {}. */
int sw_ecr_get_registry_scanning_configuration(struct sw_aws_client *c,
                                               struct sw_ecr_scanning_configuration *out,
                                               struct sw_aws_error *aerr, struct sw_error *err);

/* Validates cfg, then PutRegistryScanningConfiguration. result (may be NULL) receives the
 * registryScanningConfiguration AWS echoes. */
int sw_ecr_put_registry_scanning_configuration(struct sw_aws_client *c,
                                               const struct sw_ecr_scanning_configuration *cfg,
                                               struct sw_ecr_scanning_configuration *result,
                                               struct sw_aws_error *aerr, struct sw_error *err);

/* ---- Wire format (pure) ---- */
/* {"scanType":"ENHANCED","rules":[{"scanFrequency":"...","repositoryFilters":[{"filter":"*",
 * "filterType":"WILDCARD"}]}]} (no validation; out reset first). */
int sw_ecr_put_body(const struct sw_ecr_scanning_configuration *cfg, struct sw_buf *out,
                    struct sw_error *err);
/* Get answer: {"registryId","scanningConfiguration":{...}}. */
int sw_ecr_parse_get(const char *json, size_t len, struct sw_ecr_scanning_configuration *out,
                     struct sw_error *err);
/* Put answer: {"registryScanningConfiguration":{...}}. */
int sw_ecr_parse_put(const char *json, size_t len, struct sw_ecr_scanning_configuration *out,
                     struct sw_error *err);

#endif
