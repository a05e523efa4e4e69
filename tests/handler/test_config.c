/* Unit tests for sw_cfg: every variable of docs/contract.md §3 and §8, valid and invalid values,
 * and the exact messages a user sees in the init error. The environment is a table passed to
 * sw_cfg_load, so the process environment is never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/core/ids.h"
#include "handler/parse/config.h"

#include <stdio.h>
#include <string.h>

#define TOPIC "arn:aws:sns:eu-west-1:123456789012:scanwarden-alerts"

struct env {
    const char *names[16];
    const char *values[16];
    size_t count;
};

static const char *env_get(void *ctx, const char *name)
{
    const struct env *e = ctx;
    for (size_t i = 0; i < e->count; i++) {
        if (strcmp(e->names[i], name) == 0)
            return e->values[i];
    }
    return NULL;
}

static void env_set(struct env *e, const char *name, const char *value)
{
    for (size_t i = 0; i < e->count; i++) {
        if (strcmp(e->names[i], name) == 0) {
            e->values[i] = value;
            return;
        }
    }
    e->names[e->count] = name;
    e->values[e->count] = value;
    e->count++;
}

/* Loads with SNS_TOPIC_ARN set plus one variable. */
static int load_one(struct sw_config *cfg, const char *name, const char *value,
                    struct sw_error *err)
{
    struct env e = {{0}, {0}, 0};
    env_set(&e, "SNS_TOPIC_ARN", TOPIC);
    if (name)
        env_set(&e, name, value);
    sw_error_clear(err);
    return sw_cfg_load(cfg, env_get, &e, err);
}

static void defaults_apply_when_only_the_topic_is_set(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, NULL, NULL, &err), 0);
    assert_string_equal(cfg.sns_topic_arn, TOPIC);
    assert_string_equal(cfg.sns_region, "eu-west-1");
    assert_string_equal(cfg.sns_partition, "aws");
    assert_string_equal(cfg.sns_account, "123456789012");
    assert_int_equal(cfg.min_severity, SW_SEVERITY_HIGH);
    assert_int_equal(cfg.mode, SW_MODE_ENFORCE);
    assert_int_equal(cfg.scan_frequency, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN);
    assert_int_equal(cfg.repository_filter_count, 1);
    assert_string_equal(cfg.repository_filters[0], "*");
    assert_int_equal(cfg.rescan_duration, SW_RESCAN_UNMANAGED);
    assert_int_equal(cfg.scope, SW_SCOPE_ACCOUNT);
    assert_int_equal(cfg.region_count, 0);
    assert_int_equal(cfg.chat_format, SW_CHAT_FORMAT_NONE);
    assert_true(cfg.epss_alert > 0.0999 && cfg.epss_alert < 0.1001);
    assert_int_equal(cfg.max_notifications_per_invocation, 20);
    assert_int_equal(cfg.max_notifications_per_minute, 60);
}

static void missing_topic_is_an_error_naming_the_variable(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    struct env e = {{0}, {0}, 0};
    assert_int_equal(sw_cfg_load(&cfg, env_get, &e, &err), SW_ECONFIG);
    assert_string_equal(err.msg, "SNS_TOPIC_ARN: is required (the SNS topic that receives "
                                 "notifications, arn:<partition>:sns:<region>:<12-digit "
                                 "account>:<topic name>)");
    env_set(&e, "SNS_TOPIC_ARN", "   ");
    assert_int_equal(sw_cfg_load(&cfg, env_get, &e, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "is required"));
}

static void topic_arn_shapes(void **state)
{
    static const struct {
        const char *arn;
        const char *region;
    } good[] = {
        {"arn:aws:sns:us-east-1:123456789012:t", "us-east-1"},
        {"  arn:aws:sns:eu-central-1:000000000000:alerts_Prod-2  ", "eu-central-1"},
        {"arn:aws-cn:sns:cn-north-1:123456789012:alerts", "cn-north-1"},
        {"arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts", "us-gov-west-1"},
        {"arn:aws:sns:ap-southeast-5:123456789012:alerts.fifo", "ap-southeast-5"},
    };
    static const struct {
        const char *arn;
        const char *msg;
    } bad[] = {
        {"arn:aws:sqs:us-east-1:123456789012:q",
         "SNS_TOPIC_ARN: \"arn:aws:sqs:us-east-1:123456789012:q\" is not an SNS topic ARN "
         "(arn:<partition>:sns:<region>:<12-digit account>:<topic name>)"},
        {"arn:aws-iso:sns:us-iso-east-1:123456789012:t",
         "SNS_TOPIC_ARN: \"arn:aws-iso:sns:us-iso-east-1:123456789012:t\" has a partition that "
         "is not one of aws, aws-cn, aws-us-gov"},
        {"arn:aws:sns:useast1:123456789012:t",
         "SNS_TOPIC_ARN: \"arn:aws:sns:useast1:123456789012:t\" has no valid region (such as "
         "us-east-1) in its fourth field (arn:<partition>:sns:<region>:<12-digit "
         "account>:<topic name>)"},
        {"arn:aws:sns:cn-north-1:123456789012:t",
         "SNS_TOPIC_ARN: \"arn:aws:sns:cn-north-1:123456789012:t\": region cn-north-1 is not "
         "in partition aws"},
        {"arn:aws:sns:us-east-1:12345678901:t",
         "SNS_TOPIC_ARN: \"arn:aws:sns:us-east-1:12345678901:t\" has no 12-digit account id "
         "in its fifth field (arn:<partition>:sns:<region>:<12-digit account>:<topic name>)"},
        {"arn:aws:sns:us-east-1:123456789012:bad:name",
         "SNS_TOPIC_ARN: \"arn:aws:sns:us-east-1:123456789012:bad:name\" has an invalid topic "
         "name (1-256 letters, digits, '-' or '_', optionally ending in .fifo)"},
        {"arn:aws:sns:us-east-1:123456789012:",
         "SNS_TOPIC_ARN: \"arn:aws:sns:us-east-1:123456789012:\" has an invalid topic name "
         "(1-256 letters, digits, '-' or '_', optionally ending in .fifo)"},
        {"my-topic", "SNS_TOPIC_ARN: \"my-topic\" is not an SNS topic ARN "
                     "(arn:<partition>:sns:<region>:<12-digit account>:<topic name>)"},
    };
    struct sw_config cfg;
    struct sw_error err;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct env e = {{0}, {0}, 0};
        env_set(&e, "SNS_TOPIC_ARN", good[i].arn);
        assert_int_equal(sw_cfg_load(&cfg, env_get, &e, &err), 0);
        assert_string_equal(cfg.sns_region, good[i].region);
        assert_null(strchr(cfg.sns_topic_arn, ' '));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct env e = {{0}, {0}, 0};
        env_set(&e, "SNS_TOPIC_ARN", bad[i].arn);
        assert_int_equal(sw_cfg_load(&cfg, env_get, &e, &err), SW_ECONFIG);
        assert_string_equal(err.msg, bad[i].msg);
    }
}

static void min_severity_values(void **state)
{
    static const struct {
        const char *v;
        enum sw_severity want;
    } ok[] = {{"CRITICAL", SW_SEVERITY_CRITICAL},
              {"high", SW_SEVERITY_HIGH},
              {" Medium ", SW_SEVERITY_MEDIUM},
              {"LOW", SW_SEVERITY_LOW},
              {"informational", SW_SEVERITY_INFORMATIONAL},
              {"UNTRIAGED", SW_SEVERITY_UNTRIAGED},
              {"", SW_SEVERITY_HIGH}};
    struct sw_config cfg;
    struct sw_error err;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(load_one(&cfg, "MIN_SEVERITY", ok[i].v, &err), 0);
        assert_int_equal(cfg.min_severity, ok[i].want);
    }
    assert_int_equal(load_one(&cfg, "MIN_SEVERITY", "SEVERE", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "MIN_SEVERITY: \"SEVERE\" is not one of CRITICAL, HIGH, MEDIUM, "
                                 "LOW, INFORMATIONAL, UNTRIAGED");
    assert_int_equal(load_one(&cfg, "MIN_SEVERITY", "NONE", &err), SW_ECONFIG);
}

static void remediation_mode_values(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "ENFORCE", &err), 0);
    assert_int_equal(cfg.mode, SW_MODE_ENFORCE);
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "Dry-Run\n", &err), 0);
    assert_int_equal(cfg.mode, SW_MODE_DRY_RUN);
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "off", &err), 0);
    assert_int_equal(cfg.mode, SW_MODE_OFF);
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "enfoce", &err), SW_ECONFIG);
    assert_string_equal(err.msg,
                        "REMEDIATION_MODE: \"enfoce\" is not one of enforce, dry-run, off");
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "dry_run", &err), SW_ECONFIG);
    assert_string_equal(err.msg,
                        "REMEDIATION_MODE: \"dry_run\" is not one of enforce, dry-run, off");
}

static void scan_frequency_values(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, "SCAN_FREQUENCY", "scan_on_push", &err), 0);
    assert_int_equal(cfg.scan_frequency, SW_SCAN_FREQUENCY_SCAN_ON_PUSH);
    assert_int_equal(load_one(&cfg, "SCAN_FREQUENCY", "CONTINUOUS_SCAN", &err), 0);
    assert_int_equal(cfg.scan_frequency, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN);
    assert_int_equal(load_one(&cfg, "SCAN_FREQUENCY", "MANUAL", &err), SW_ECONFIG);
    assert_string_equal(err.msg,
                        "SCAN_FREQUENCY: \"MANUAL\" is not one of CONTINUOUS_SCAN, SCAN_ON_PUSH");
}

static void rescan_duration_values(void **state)
{
    static const char *const names[] = {"LIFETIME", "DAYS_3",  "DAYS_7",  "DAYS_14",
                                        "DAYS_30",  "DAYS_60", "DAYS_90", "DAYS_180"};
    struct sw_config cfg;
    struct sw_error err;
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(load_one(&cfg, "ECR_RESCAN_DURATION", names[i], &err), 0);
        assert_int_equal(cfg.rescan_duration, SW_RESCAN_LIFETIME + (int)i);
        assert_string_equal(sw_rescan_duration_name(cfg.rescan_duration), names[i]);
    }
    assert_int_equal(load_one(&cfg, "ECR_RESCAN_DURATION", "days_14", &err), 0);
    assert_int_equal(cfg.rescan_duration, SW_RESCAN_DAYS_14);
    assert_int_equal(load_one(&cfg, "ECR_RESCAN_DURATION", "", &err), 0);
    assert_int_equal(cfg.rescan_duration, SW_RESCAN_UNMANAGED);
    assert_int_equal(load_one(&cfg, "ECR_RESCAN_DURATION", "UNMANAGED", &err), SW_ECONFIG);
    assert_int_equal(load_one(&cfg, "ECR_RESCAN_DURATION", "DAYS_1", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "ECR_RESCAN_DURATION: \"DAYS_1\" is not one of LIFETIME, "
                                 "DAYS_3, DAYS_7, DAYS_14, DAYS_30, DAYS_60, DAYS_90, DAYS_180");
}

static void repository_filters_valid(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", " Prod-* , team/app,*, prod-*", &err), 0);
    assert_int_equal(cfg.repository_filter_count, 3); /* lower-cased, duplicate dropped */
    assert_string_equal(cfg.repository_filters[0], "prod-*");
    assert_string_equal(cfg.repository_filters[1], "team/app");
    assert_string_equal(cfg.repository_filters[2], "*");
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", "a.b_c-d/e*f", &err), 0);
    assert_int_equal(cfg.repository_filter_count, 1);
}

static void repository_filters_invalid(void **state)
{
    static const char *const bad[] = {"-prod", "prod-", "a--b", "a/.b", "a b", "ä", "a,", "x$"};
    struct sw_config cfg;
    struct sw_error err;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", bad[i], &err), SW_ECONFIG);
        assert_non_null(strstr(err.msg, "REPOSITORY_FILTERS: "));
    }
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", "ok,bad--name", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "REPOSITORY_FILTERS: \"bad--name\" is not a valid ECR wildcard "
                                 "filter (letters, digits and '*', separated by single '.', '_', "
                                 "'-' or '/', not starting or ending with a separator)");
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", "a,,b", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "REPOSITORY_FILTERS: item 2 is empty; give comma-separated ECR "
                                 "wildcard filters such as \"*\" or \"prod-*,team/app\"");

    char longf[300];
    memset(longf, 'a', 256);
    longf[256] = '\0';
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", longf, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "is longer than 255 characters"));
    longf[255] = '\0';
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", longf, &err), 0);

    /* 100 distinct filters are fine, 101 are not. */
    static char many[101 * 6];
    size_t o = 0;
    for (int i = 0; i < 101; i++)
        o += (size_t)snprintf(many + o, sizeof(many) - o, "%sr%d", i ? "," : "", i);
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", many, &err), SW_ECONFIG);
    assert_string_equal(err.msg, "REPOSITORY_FILTERS: more than 100 filters (ECR allows at most "
                                 "100 per scanning rule)");
    *strrchr(many, ',') = '\0';
    assert_int_equal(load_one(&cfg, "REPOSITORY_FILTERS", many, &err), 0);
    assert_int_equal(cfg.repository_filter_count, 100);
}

static void filter_pattern_matches_ecr_regex(void **state)
{
    assert_true(sw_repository_filter_ok("*"));
    assert_true(sw_repository_filter_ok("a"));
    assert_true(sw_repository_filter_ok("a*b"));
    assert_true(sw_repository_filter_ok("a.b/c_d-e"));
    assert_false(sw_repository_filter_ok(""));
    assert_false(sw_repository_filter_ok(".a"));
    assert_false(sw_repository_filter_ok("a."));
    assert_false(sw_repository_filter_ok("a._b"));
    assert_false(sw_repository_filter_ok("A")); /* the pattern is lower-case only */
}

static void bad_values_are_quoted_safely(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, "REMEDIATION_MODE", "on\x01\"x\"", &err), SW_ECONFIG);
    assert_string_equal(err.msg,
                        "REMEDIATION_MODE: \"on??x?\" is not one of enforce, dry-run, off");
    char huge[5000];
    memset(huge, 'x', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    assert_int_equal(load_one(&cfg, "MIN_SEVERITY", huge, &err), SW_ECONFIG);
    assert_true(strlen(err.msg) < 200);
    assert_non_null(strstr(err.msg, "xxx...\" is not one of"));
    /* A cut never splits a UTF-8 character. */
    char accents[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(accents, "\xc3\xa9");
    assert_int_equal(load_one(&cfg, "SCOPE", accents, &err), SW_ECONFIG);
    const char *q = strchr(err.msg, '"') + 1;
    size_t n = (size_t)(strstr(q, "...") - q);
    assert_int_equal(n % 2, 0);
    assert_int_equal(n, 64);
}

static void later_variables(void **state)
{
    struct sw_config cfg;
    struct sw_error err;
    assert_int_equal(load_one(&cfg, "SCOPE", "Organization", &err), 0);
    assert_int_equal(cfg.scope, SW_SCOPE_ORGANIZATION);
    assert_int_equal(load_one(&cfg, "SCOPE", "org", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "SCOPE: \"org\" is not one of account, organization");

    assert_int_equal(load_one(&cfg, "CHAT_FORMAT", "CHATBOT", &err), 0);
    assert_int_equal(cfg.chat_format, SW_CHAT_FORMAT_CHATBOT);
    assert_int_equal(load_one(&cfg, "CHAT_FORMAT", "slack", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "CHAT_FORMAT: \"slack\" is not one of none, chatbot");

    static const struct {
        const char *v;
        double want;
    } epss[] = {{"0", 0}, {"1", 1}, {"0.5", 0.5}, {".25", 0.25}, {"1.000", 1}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(load_one(&cfg, "EPSS_ALERT", epss[i].v, &err), 0);
        assert_true(cfg.epss_alert > epss[i].want - 1e-9 && cfg.epss_alert < epss[i].want + 1e-9);
    }
    static const char *const bad_epss[] = {"1.5", "-0.1", "abc", ".", "1e-2", "0.1.2"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(load_one(&cfg, "EPSS_ALERT", bad_epss[i], &err), SW_ECONFIG);
    load_one(&cfg, "EPSS_ALERT", "1.5", &err);
    assert_string_equal(err.msg,
                        "EPSS_ALERT: \"1.5\" is not one of the numbers from 0 to 1 (such as 0.1)");

    assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_INVOCATION", "5", &err), 0);
    assert_int_equal(cfg.max_notifications_per_invocation, 5);
    assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_INVOCATION", "10000", &err), 0);
    static const char *const bad_max[] = {"0", "-1", "10001", "1.5", "ten", "99999999999"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_INVOCATION", bad_max[i], &err),
                         SW_ECONFIG);
    assert_string_equal(err.msg, "MAX_NOTIFICATIONS_PER_INVOCATION: \"99999999999\" is not one "
                                 "of the integers from 1 to 10000");

    assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_MINUTE", " 7 ", &err), 0);
    assert_int_equal(cfg.max_notifications_per_minute, 7);
    assert_int_equal(cfg.max_notifications_per_invocation, 20); /* the other cap untouched */
    assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_MINUTE", "10000", &err), 0);
    assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_MINUTE", "", &err), 0);
    assert_int_equal(cfg.max_notifications_per_minute, 60); /* empty counts as unset */
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(load_one(&cfg, "MAX_NOTIFICATIONS_PER_MINUTE", bad_max[i], &err),
                         SW_ECONFIG);
    load_one(&cfg, "MAX_NOTIFICATIONS_PER_MINUTE", "0", &err);
    assert_string_equal(err.msg, "MAX_NOTIFICATIONS_PER_MINUTE: \"0\" is not one of the "
                                 "integers from 1 to 10000");

    /* The organization check's concurrency and the AWS request ceiling. */
    assert_int_equal(load_one(&cfg, "ORG_REGION_CONCURRENCY", "", &err), 0);
    assert_int_equal(cfg.org_region_concurrency, 8);
    assert_int_equal(cfg.max_aws_requests_per_second, 40);
    assert_int_equal(load_one(&cfg, "ORG_REGION_CONCURRENCY", "1", &err), 0);
    assert_int_equal(cfg.org_region_concurrency, 1);
    assert_int_equal(load_one(&cfg, "ORG_REGION_CONCURRENCY", "32", &err), 0);
    assert_int_equal(cfg.org_region_concurrency, 32);
    static const char *const bad_conc[] = {"0", "33", "-1", "eight", "1.5"};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(load_one(&cfg, "ORG_REGION_CONCURRENCY", bad_conc[i], &err), SW_ECONFIG);
    load_one(&cfg, "ORG_REGION_CONCURRENCY", "33", &err);
    assert_string_equal(err.msg, "ORG_REGION_CONCURRENCY: \"33\" is not one of the integers "
                                 "from 1 to 32");
    assert_int_equal(load_one(&cfg, "MAX_AWS_REQUESTS_PER_SECOND", "5", &err), 0);
    assert_int_equal(cfg.max_aws_requests_per_second, 5);
    assert_int_equal(load_one(&cfg, "MAX_AWS_REQUESTS_PER_SECOND", "1000", &err), 0);
    assert_int_equal(load_one(&cfg, "MAX_AWS_REQUESTS_PER_SECOND", "0", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "MAX_AWS_REQUESTS_PER_SECOND: \"0\" is not one of the integers "
                                 "from 1 to 1000");
    assert_int_equal(load_one(&cfg, "MAX_AWS_REQUESTS_PER_SECOND", "1001", &err), SW_ECONFIG);

    assert_int_equal(
        load_one(&cfg, "REGIONS", "us-east-1, EU-WEST-1,us-gov-west-1,us-east-1", &err), 0);
    assert_int_equal(cfg.region_count, 3);
    assert_string_equal(cfg.regions[1], "eu-west-1");
    assert_int_equal(load_one(&cfg, "REGIONS", "us-east-1,mars-1", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "REGIONS: \"mars-1\" is not a region name (comma-separated, "
                                 "such as us-east-1,eu-west-1)");
}

static void name_and_parse_helpers_round_trip(void **state)
{
    for (int s = SW_SEVERITY_UNTRIAGED; s <= SW_SEVERITY_CRITICAL; s++) {
        const char *name = sw_severity_name((enum sw_severity)s);
        enum sw_severity back;
        assert_true(sw_severity_parse(name, strlen(name), &back));
        assert_int_equal(back, s);
    }
    assert_string_equal(sw_severity_name(SW_SEVERITY_NONE), "NONE");
    assert_true(SW_SEVERITY_CRITICAL > SW_SEVERITY_HIGH && SW_SEVERITY_HIGH > SW_SEVERITY_MEDIUM &&
                SW_SEVERITY_MEDIUM > SW_SEVERITY_LOW &&
                SW_SEVERITY_LOW > SW_SEVERITY_INFORMATIONAL &&
                SW_SEVERITY_INFORMATIONAL > SW_SEVERITY_UNTRIAGED);
    assert_string_equal(sw_mode_name(SW_MODE_DRY_RUN), "dry-run");
    assert_string_equal(sw_scan_frequency_name(SW_SCAN_FREQUENCY_SCAN_ON_PUSH), "SCAN_ON_PUSH");
    assert_string_equal(sw_rescan_duration_name(SW_RESCAN_UNMANAGED), "UNMANAGED");
    assert_string_equal(sw_scope_name(SW_SCOPE_ORGANIZATION), "organization");
    assert_string_equal(sw_chat_format_name(SW_CHAT_FORMAT_CHATBOT), "chatbot");
    enum sw_mode m;
    assert_false(sw_mode_parse("", 0, &m));
    assert_true(sw_mode_parse(" OFF ", 5, &m));
    assert_int_equal(m, SW_MODE_OFF);
}

static void region_shapes(void **state)
{
    static const char *const ok[] = {"us-east-1",  "eu-central-2",   "us-gov-west-1",
                                     "cn-north-1", "ap-southeast-5", "il-central-1"};
    static const char *const bad[] = {"us-east",  "useast1",    "us-east-1a",  "US-EAST-1",
                                      "u-east-1", "us--east-1", "us-east-123", ""};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(sw_region_valid(ok[i], strlen(ok[i])));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(sw_region_valid(bad[i], strlen(bad[i])));
}

static void dead_letter_queue_url(void **state)
{
    (void)state;
    struct sw_config cfg;
    struct sw_error err = {0};
    assert_int_equal(load_one(&cfg, "DEAD_LETTER_QUEUE_URL", NULL, &err), 0);
    assert_string_equal(cfg.dead_letter_queue_url, ""); /* unset: failures are only logged */
    const char *url = "https://sqs.eu-west-1.amazonaws.com/123456789012/scanwarden-DLQ-1";
    assert_int_equal(load_one(&cfg, "DEAD_LETTER_QUEUE_URL", url, &err), 0);
    assert_string_equal(cfg.dead_letter_queue_url, url);
    assert_int_equal(load_one(&cfg, "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:5000/1/q", &err), 0);
    const char *bad[] = {"sqs.eu-west-1.amazonaws.com/1/q", "https://", "https://a b/q",
                         "ftp://x/q"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(load_one(&cfg, "DEAD_LETTER_QUEUE_URL", bad[i], &err), SW_ECONFIG);
        assert_non_null(strstr(err.msg, "DEAD_LETTER_QUEUE_URL"));
        assert_non_null(strstr(err.msg, "SQS queue URL"));
    }
    char long_url[600];
    memset(long_url, 'a', sizeof(long_url) - 1);
    memcpy(long_url, "https://", 8);
    long_url[sizeof(long_url) - 1] = '\0';
    assert_int_equal(load_one(&cfg, "DEAD_LETTER_QUEUE_URL", long_url, &err), SW_ECONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_apply_when_only_the_topic_is_set),
        cmocka_unit_test(missing_topic_is_an_error_naming_the_variable),
        cmocka_unit_test(topic_arn_shapes),
        cmocka_unit_test(min_severity_values),
        cmocka_unit_test(remediation_mode_values),
        cmocka_unit_test(scan_frequency_values),
        cmocka_unit_test(rescan_duration_values),
        cmocka_unit_test(repository_filters_valid),
        cmocka_unit_test(repository_filters_invalid),
        cmocka_unit_test(filter_pattern_matches_ecr_regex),
        cmocka_unit_test(bad_values_are_quoted_safely),
        cmocka_unit_test(later_variables),
        cmocka_unit_test(name_and_parse_helpers_round_trip),
        cmocka_unit_test(region_shapes),
        cmocka_unit_test(dead_letter_queue_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
