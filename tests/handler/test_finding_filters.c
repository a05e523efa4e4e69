/* Unit tests of the security team's finding filters (docs/configuration.md):
 * FINDING_REPOSITORY_FILTERS and FINDING_FIX_AVAILABLE_ONLY, read by config.c and applied by
 * sw_notify_finding_filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/notify/notify_event.h"
#include "handler/parse/config.h"

#include <stdlib.h>
#include <string.h>

#define TOPIC "arn:aws:sns:eu-west-1:123456789012:alerts"

struct env {
    const char *names[4];
    const char *values[4];
    size_t count;
};

static const char *env_get(void *ctx, const char *name)
{
    const struct env *e = ctx;
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->names[i], name) == 0)
            return e->values[i];
    return NULL;
}

static int load(struct sw_config *cfg, const char *name, const char *value, struct sw_error *err)
{
    struct env e = {{"SNS_TOPIC_ARN", name}, {TOPIC, value}, name ? 2 : 1};
    sw_error_clear(err);
    return sw_cfg_load(cfg, env_get, &e, err);
}

static void variables_are_read_and_validated(void **state)
{
    (void)state;
    struct sw_config *cfg = calloc(1, sizeof(*cfg));
    struct sw_error err;
    assert_non_null(cfg);
    assert_int_equal(load(cfg, NULL, NULL, &err), 0);
    assert_int_equal(cfg->finding_repository_filter_count, 0); /* unset: every repository */
    assert_false(cfg->finding_fix_available_only);
    assert_int_equal(load(cfg, "FINDING_REPOSITORY_FILTERS", " Prod-* , team/app,prod-*", &err), 0);
    assert_int_equal(cfg->finding_repository_filter_count, 2);
    assert_string_equal(cfg->finding_repository_filters[0], "prod-*");
    assert_string_equal(cfg->finding_repository_filters[1], "team/app");
    assert_int_equal(cfg->repository_filter_count, 1); /* REPOSITORY_FILTERS untouched */
    assert_string_equal(cfg->repository_filters[0], "*");
    assert_int_equal(load(cfg, "FINDING_REPOSITORY_FILTERS", "prod-*,,x", &err), SW_ECONFIG);
    assert_string_equal(err.msg, "FINDING_REPOSITORY_FILTERS: item 2 is empty; give "
                                 "comma-separated ECR wildcard filters such as \"*\" or "
                                 "\"prod-*,team/app\"");
    assert_int_equal(load(cfg, "FINDING_REPOSITORY_FILTERS", "-bad", &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "FINDING_REPOSITORY_FILTERS: \"-bad\" is not a valid"));
    assert_int_equal(load(cfg, "FINDING_FIX_AVAILABLE_ONLY", "ON", &err), 0);
    assert_true(cfg->finding_fix_available_only);
    assert_int_equal(load(cfg, "FINDING_FIX_AVAILABLE_ONLY", "yes", &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "FINDING_FIX_AVAILABLE_ONLY"));
    free(cfg);
}

static void exempt_accounts_are_twelve_digit_ids(void **state)
{
    (void)state;
    struct sw_config *cfg = calloc(1, sizeof(*cfg));
    struct sw_error err;
    assert_non_null(cfg);
    assert_int_equal(load(cfg, NULL, NULL, &err), 0);
    assert_int_equal(cfg->exempt_account_count, 0);
    assert_int_equal(load(cfg, "EXEMPT_ACCOUNTS", " 111122223333 ,444455556666,111122223333", &err),
                     0);
    assert_int_equal(cfg->exempt_account_count, 2);
    assert_true(sw_cfg_exempt(cfg, "444455556666"));
    assert_false(sw_cfg_exempt(cfg, "444455556667"));
    assert_false(sw_cfg_exempt(cfg, NULL));
    const char *bad[] = {"12345", "111122223333,", "1111222233334", "11112222333a", ","};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(load(cfg, "EXEMPT_ACCOUNTS", bad[i], &err), SW_ECONFIG);
        assert_non_null(strstr(err.msg, "EXEMPT_ACCOUNTS: item"));
        assert_non_null(strstr(err.msg, "is not a 12-digit account id"));
    }
    free(cfg);
}

static void wildcards_match_as_ecr_filters_do(void **state)
{
    (void)state;
    assert_true(sw_notify_wildcard_match("*", "anything/at/all"));
    assert_true(sw_notify_wildcard_match("prod-*", "prod-api"));
    assert_true(sw_notify_wildcard_match("prod-*", "PROD-api"));
    assert_false(sw_notify_wildcard_match("prod-*", "staging-prod-api"));
    assert_true(sw_notify_wildcard_match("*/app", "team/app"));
    assert_false(sw_notify_wildcard_match("*/app", "team/app2"));
    assert_true(sw_notify_wildcard_match("a*b*c", "aXXbYYc"));
    assert_false(sw_notify_wildcard_match("a*b*c", "aXXbYY"));
    assert_true(sw_notify_wildcard_match("team/app", "team/app"));
    assert_false(sw_notify_wildcard_match("team/app", "team/ap"));
}

static void findings_outside_the_filters_are_not_notified(void **state)
{
    (void)state;
    const char filters[2][SW_CFG_FILTER_MAX + 1] = {"prod-*", "team/app"};
    struct sw_finding f = {0};
    f.repository = "prod-api";
    f.fix_available = "NO";
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, false), SW_NOTIFY_YES);
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, true), SW_NOTIFY_NO_FIX);
    f.fix_available = "PARTIAL";
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, true), SW_NOTIFY_YES);
    f.fix_available = NULL; /* not sent: no fix known */
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, true), SW_NOTIFY_NO_FIX);
    f.fix_available = "YES";
    f.repository = "sandbox";
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, true), SW_NOTIFY_REPOSITORY_FILTERED);
    assert_int_equal(sw_notify_finding_filter(&f, filters, 0, false), SW_NOTIFY_YES);
    f.repository = NULL; /* no repository: never matches a filter */
    assert_int_equal(sw_notify_finding_filter(&f, filters, 2, false),
                     SW_NOTIFY_REPOSITORY_FILTERED);
    assert_string_equal(sw_notify_verdict_name(SW_NOTIFY_REPOSITORY_FILTERED),
                        "repository-filtered");
    assert_string_equal(sw_notify_verdict_name(SW_NOTIFY_NO_FIX), "no-fix-available");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variables_are_read_and_validated),
        cmocka_unit_test(exempt_accounts_are_twelve_digit_ids),
        cmocka_unit_test(wildcards_match_as_ecr_filters_do),
        cmocka_unit_test(findings_outside_the_filters_are_not_notified),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
