/* Unit tests for sw_result: the exact JSON of each kind of invocation summary (docs/contract.md §5)
 * and when an invocation must end as the error RemediationFailed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/drift.h"
#include "handler/decide/result.h"

#include <string.h>

#define ACCOUNT "123456789012"
#define REGION "eu-west-1"

/* A plan from a real decision: Inspector disabled and the registry on BASIC. */
static void decide(enum sw_mode mode, const char *status, struct sw_drift_plan *p)
{
    static const char *const filters[] = {"*"};
    static const struct sw_drift_filter all = {"*", "WILDCARD"};
    static const struct sw_drift_rule good = {"CONTINUOUS_SCAN", &all, 1};
    struct sw_desired_state d = {
        mode, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, NULL, ACCOUNT, REGION};
    struct sw_actual_state a = {status, "ENHANCED", &good, 1, NULL};
    if (strcmp(status, "ALL_OFF") == 0) {
        a.inspector_ecr_status = "DISABLED";
        a.scan_type = "BASIC";
        a.rule_count = 0;
    }
    assert_int_equal(sw_drift_decide(&d, &a, p, NULL), 0);
}

static void assert_json(const struct sw_result *r, const char *expected)
{
    struct sw_buf out;
    struct sw_error err = {0};
    sw_buf_init(&out, SW_RESULT_JSON_MAX);
    assert_int_equal(sw_result_json(r, &out, &err), 0);
    assert_string_equal(sw_buf_cstr(&out), expected);
    sw_buf_clear(&out);
}

static void spec_example_config_change_restored(void **state)
{
    struct sw_drift_plan p = {0};
    decide(SW_MODE_ENFORCE, "ALL_OFF", &p);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", true, NULL, NULL},
        {"ecr:PutRegistryScanningConfiguration", true, NULL, NULL},
    };
    struct sw_result r = {true,  "config-change", NULL, &p,    results, 2,    NULL, true, NULL,
                          false, false,           NULL, false, NULL,    NULL, NULL, NULL, NULL};
    assert_json(&r,
                "{\"handled\":true,\"event_kind\":\"config-change\",\"drift\":[\"inspector_ecr\","
                "\"registry_scan_type\",\"registry_rule\"],\"actions\":[{\"api\":\"inspector2:"
                "Enable\",\"ok\":true},{\"api\":\"ecr:PutRegistryScanningConfiguration\",\"ok\":"
                "true}],\"notified\":true}");
    assert_false(sw_result_remediation_failed(&r, NULL));
    sw_drift_plan_clear(&p);
}

/* The record of the run can say whom a restore concerned and who had made the change
 * (docs/operations.md, "Logs"): account, actor_arn and source_ip, bounded and escaped. */
static void account_and_actor_of_a_cloudtrail_change(void **state)
{
    struct sw_drift_plan p = {0};
    decide(SW_MODE_ENFORCE, "ALL_OFF", &p);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", true, NULL, NULL},
        {"ecr:PutRegistryScanningConfiguration", true, NULL, NULL},
    };
    struct sw_result r = {.handled = true,
                          .event_kind = "config-change",
                          .plan = &p,
                          .results = results,
                          .result_count = 2,
                          .notified = true,
                          .account = ACCOUNT,
                          .actor_arn = "arn:aws:sts::" ACCOUNT ":assumed-role/Admin/\"m\"",
                          .source_ip = "198.51.100.7"};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"config-change\",\"account\":\"" ACCOUNT
                    "\",\"actor_arn\":\"arn:aws:sts::" ACCOUNT
                    ":assumed-role/Admin/\\\"m\\\"\",\"source_ip\":\"198.51.100.7\",\"drift\":["
                    "\"inspector_ecr\",\"registry_scan_type\",\"registry_rule\"],\"actions\":[{"
                    "\"api\":\"inspector2:Enable\",\"ok\":true},{\"api\":\"ecr:"
                    "PutRegistryScanningConfiguration\",\"ok\":true}],\"notified\":true}");
    sw_drift_plan_clear(&p);
    (void)state;
}

/* An actor with bytes that are not UTF-8 (a CloudTrail event may carry any) still gives valid
 * UTF-8: the byte becomes '?' (found by fuzz/fuzz_function.c). */
static void invalid_utf8_actor_is_made_valid(void **state)
{
    struct sw_result r = {.handled = true,
                          .event_kind = "config-change",
                          .account = ACCOUNT,
                          .actor_arn = "arn:aws:sts::1\x8a:assumed-role/A\x01",
                          .source_ip = "198.51.100.7\xc3"};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"config-change\",\"account\":\"" ACCOUNT
                    "\",\"actor_arn\":\"arn:aws:sts::1?:assumed-role/A?\",\"source_ip\":"
                    "\"198.51.100.7?\",\"notified\":false}");
    (void)state;
}

static void unhandled_event(void **state)
{
    struct sw_result r = {false, NULL,  "no rule for source aws.s3 / detail-type Object Created",
                          NULL,  NULL,  0,
                          NULL,  false, NULL,
                          false, false, NULL,
                          false, NULL,  NULL,
                          NULL,  NULL,  NULL};
    assert_json(&r,
                "{\"handled\":false,\"reason\":\"no rule for source aws.s3 / detail-type Object "
                "Created\",\"notified\":false}");
    assert_false(sw_result_remediation_failed(&r, NULL));
}

static void finding_without_drift_check(void **state)
{
    struct sw_result r = {true,  "finding", NULL, NULL,  NULL, 0,    NULL, true, NULL,
                          false, false,     NULL, false, NULL, NULL, NULL, NULL, NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"finding\",\"notified\":true}");
    /* suppressed by MAX_NOTIFICATIONS_PER_MINUTE: a success that says so */
    struct sw_result limited = {.handled = true, .event_kind = "finding", .rate_limited = true};
    assert_json(&limited, "{\"handled\":true,\"event_kind\":\"finding\",\"notified\":false,"
                          "\"rate_limited\":true}");
    /* the finding's severity, which the metrics count notified findings by, follows its kind */
    struct sw_result high = {.handled = true,
                             .event_kind = "finding",
                             .severity = "HIGH",
                             .account = ACCOUNT,
                             .notified = true};
    assert_json(&high, "{\"handled\":true,\"event_kind\":\"finding\",\"severity\":\"HIGH\","
                       "\"account\":\"" ACCOUNT "\",\"notified\":true}");
}

static void no_drift_no_action(void **state)
{
    struct sw_drift_plan p = {0};
    decide(SW_MODE_ENFORCE, "ENABLED", &p);
    struct sw_result r = {true,  "schedule", NULL, &p,    NULL, 0,    NULL, false, NULL,
                          false, false,      NULL, false, NULL, NULL, NULL, NULL,  NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"schedule\",\"drift\":[],\"actions\":[],"
                    "\"notified\":false}");
    assert_false(sw_result_remediation_failed(&r, NULL));
    sw_drift_plan_clear(&p);
}

static void dry_run_lists_planned_calls(void **state)
{
    struct sw_drift_plan p = {0};
    decide(SW_MODE_DRY_RUN, "DISABLED", &p);
    struct sw_result r = {true,  "schedule", NULL, &p,    NULL, 0,    NULL, true, NULL,
                          false, false,      NULL, false, NULL, NULL, NULL, NULL, NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"schedule\",\"mode\":\"dry-run\",\"drift\":"
                    "[\"inspector_ecr\"],\"planned\":[\"inspector2:Enable\"],\"notified\":true}");
    /* Nothing was meant to be restored: a dry run never fails for want of results. */
    assert_false(sw_result_remediation_failed(&r, NULL));
    sw_drift_plan_clear(&p);
}

static void mode_off(void **state)
{
    struct sw_drift_plan p = {0};
    decide(SW_MODE_OFF, "DISABLED", &p);
    struct sw_result r = {true,  "config-change", NULL, &p,    NULL, 0,    NULL, false, NULL,
                          false, false,           NULL, false, NULL, NULL, NULL, NULL,  NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"config-change\",\"mode\":\"off\","
                    "\"notified\":false}");
    assert_false(sw_result_remediation_failed(&r, NULL));
    sw_drift_plan_clear(&p);
}

static void failed_action_is_remediation_failed(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_buf msg;
    decide(SW_MODE_ENFORCE, "ALL_OFF", &p);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", true, NULL, NULL},
        {"ecr:PutRegistryScanningConfiguration", false, "AccessDeniedException",
         "User: arn:aws:sts::123456789012:assumed-role/fn/x is not authorized\nto perform it"},
    };
    struct sw_result r = {true,  "schedule", NULL, &p,    results, 2,    NULL, true, NULL,
                          false, false,      NULL, false, NULL,    NULL, NULL, NULL, NULL};
    assert_json(&r,
                "{\"handled\":true,\"event_kind\":\"schedule\",\"drift\":[\"inspector_ecr\","
                "\"registry_scan_type\",\"registry_rule\"],\"actions\":[{\"api\":\"inspector2:"
                "Enable\",\"ok\":true},{\"api\":\"ecr:PutRegistryScanningConfiguration\",\"ok\":"
                "false,\"error\":\"AccessDeniedException\"}],\"notified\":true}");
    sw_buf_init(&msg, 4096);
    assert_true(sw_result_remediation_failed(&r, &msg));
    assert_string_equal(
        sw_buf_cstr(&msg),
        "ECR scanning not restored in 123456789012/eu-west-1; "
        "ecr:PutRegistryScanningConfiguration: AccessDeniedException: User: "
        "arn:aws:sts::123456789012:assumed-role/fn/x is not authorized to perform it");
    sw_buf_clear(&msg);
    sw_drift_plan_clear(&p);
}

static void action_not_attempted_is_a_failure(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_buf msg;
    decide(SW_MODE_ENFORCE, "ALL_OFF", &p);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", false, "ServiceQuotaExceededException", NULL},
    };
    struct sw_result r = {true,  "schedule", NULL, &p,    results, 1,    NULL, true, NULL,
                          false, false,      NULL, false, NULL,    NULL, NULL, NULL, NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"schedule\",\"drift\":[\"inspector_ecr\","
                    "\"registry_scan_type\",\"registry_rule\"],\"actions\":[{\"api\":\"inspector2:"
                    "Enable\",\"ok\":false,\"error\":\"ServiceQuotaExceededException\"},{\"api\":"
                    "\"ecr:PutRegistryScanningConfiguration\",\"ok\":false,\"attempted\":false}],"
                    "\"notified\":true}");
    sw_buf_init(&msg, 4096);
    assert_true(sw_result_remediation_failed(&r, &msg));
    assert_string_equal(sw_buf_cstr(&msg), "ECR scanning not restored in 123456789012/eu-west-1; "
                                           "inspector2:Enable: ServiceQuotaExceededException; "
                                           "ecr:PutRegistryScanningConfiguration: not attempted");
    sw_buf_clear(&msg);
    sw_drift_plan_clear(&p);
}

static void read_failure_is_remediation_failed(void **state)
{
    struct sw_buf msg;
    const struct sw_action_result rf = {"inspector2:BatchGetAccountStatus", false,
                                        "AccessDeniedException", "not allowed"};
    struct sw_result r = {true,  "schedule", NULL, NULL,  NULL, 0,    &rf,  false, NULL,
                          false, false,      NULL, false, NULL, NULL, NULL, NULL,  NULL};
    assert_json(&r, "{\"handled\":true,\"event_kind\":\"schedule\",\"read_error\":{\"api\":"
                    "\"inspector2:BatchGetAccountStatus\",\"error\":\"AccessDeniedException\"},"
                    "\"notified\":false}");
    sw_buf_init(&msg, 4096);
    assert_true(sw_result_remediation_failed(&r, &msg));
    assert_string_equal(sw_buf_cstr(&msg), "the ECR scanning state could not be read; "
                                           "inspector2:BatchGetAccountStatus: "
                                           "AccessDeniedException: not allowed");
    sw_buf_clear(&msg);
}

static void untrusted_strings_are_escaped_and_bounded(void **state)
{
    char reason[2000];
    /* 'a' then é (2 bytes) repeated: a cut at 256 bytes must not split é. */
    size_t n = 0;
    reason[n++] = '"';
    reason[n++] = '\n';
    while (n + 3 < sizeof(reason)) {
        reason[n++] = 'a';
        reason[n++] = '\xc3';
        reason[n++] = '\xa9';
    }
    reason[n] = '\0';
    struct sw_result r = {false, NULL,  reason, NULL,  NULL, 0,    NULL, false, NULL,
                          false, false, NULL,   false, NULL, NULL, NULL, NULL,  NULL};
    struct sw_buf out;
    sw_buf_init(&out, SW_RESULT_JSON_MAX);
    assert_int_equal(sw_result_json(&r, &out, NULL), 0);
    const char *s = sw_buf_cstr(&out);
    assert_memory_equal(s, "{\"handled\":false,\"reason\":\"\\\"\\n", 31);
    /* 256 bytes kept: 2 escaped + 84 * "aé" (252) + "a"; then the closing quote. */
    assert_non_null(strstr(s, "a\xc3\xa9"
                              "a\",\"notified\":false}"));
    assert_true(out.len < 400);
    sw_buf_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spec_example_config_change_restored),
        cmocka_unit_test(account_and_actor_of_a_cloudtrail_change),
        cmocka_unit_test(invalid_utf8_actor_is_made_valid),
        cmocka_unit_test(unhandled_event),
        cmocka_unit_test(finding_without_drift_check),
        cmocka_unit_test(no_drift_no_action),
        cmocka_unit_test(dry_run_lists_planned_calls),
        cmocka_unit_test(mode_off),
        cmocka_unit_test(failed_action_is_remediation_failed),
        cmocka_unit_test(action_not_attempted_is_a_failure),
        cmocka_unit_test(read_failure_is_remediation_failed),
        cmocka_unit_test(untrusted_strings_are_escaped_and_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
