/* Unit tests for sw_notify_drift: the remediation / dry-run notification as an email reader
 * and an SNS subscriber filter see it: subject, the whole message for a typical case,
 * the actor when the event names one, absent fields left out, each action's AWS error,
 * dry-run wording, and attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/drift.h"
#include "handler/decide/notify_drift.h"

#include <string.h>

#define ACCOUNT "123456789012"
#define REGION "eu-west-1"

/* Inspector disabled, registry BASIC without rules, rescan managed and different. */
static void decide_all_off(enum sw_mode mode, const char *rescan, struct sw_drift_plan *p)
{
    static const char *const filters[] = {"*"};
    struct sw_desired_state d = {
        mode, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, rescan, ACCOUNT, REGION};
    struct sw_actual_state a = {"DISABLED", "BASIC", NULL, 0, "LIFETIME"};
    assert_int_equal(sw_drift_decide(&d, &a, p, NULL), 0);
}

static void decide_inspector_only(enum sw_mode mode, struct sw_drift_plan *p)
{
    static const char *const filters[] = {"*"};
    static const struct sw_drift_filter all = {"*", "WILDCARD"};
    static const struct sw_drift_rule good = {"CONTINUOUS_SCAN", &all, 1};
    struct sw_desired_state d = {
        mode, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, NULL, ACCOUNT, REGION};
    struct sw_actual_state a = {NULL, "ENHANCED", &good, 1, NULL};
    assert_int_equal(sw_drift_decide(&d, &a, p, NULL), 0);
}

static const struct sw_change_context CLOUDTRAIL = {
    SW_TRIGGER_CLOUDTRAIL,
    "inspector2.amazonaws.com",
    "Disable",
    "arn:aws:iam::123456789012:user/mallory",
    "203.0.113.7",
    "2024-05-01T12:00:00Z",
    NULL,
    NULL,
    NULL,
};

static void assert_subject_ok(const struct sw_notification *n)
{
    size_t len = strlen(n->subject);
    assert_true(len > 0 && len <= SW_SUBJECT_MAX_CHARS);
    for (size_t i = 0; i < len; i++)
        assert_true((unsigned char)n->subject[i] >= 0x20 && (unsigned char)n->subject[i] < 0x7f);
}

static void assert_has(const struct sw_notification *n, const char *needle)
{
    if (!strstr(sw_buf_cstr(&n->message), needle))
        fail_msg("message lacks \"%s\":\n%s", needle, sw_buf_cstr(&n->message));
}

static void assert_lacks(const struct sw_notification *n, const char *needle)
{
    if (strstr(sw_buf_cstr(&n->message), needle))
        fail_msg("message has \"%s\":\n%s", needle, sw_buf_cstr(&n->message));
}

static void restored_after_cloudtrail_disable_whole_message(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    decide_inspector_only(SW_MODE_ENFORCE, &p);
    const struct sw_action_result ok = {"inspector2:Enable", true, NULL, NULL};
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &CLOUDTRAIL, &ok, 1, &n, NULL), 0);
    assert_string_equal(n.subject, "scanwarden: ECR scanning restored in 123456789012/eu-west-1");
    assert_string_equal(
        sw_buf_cstr(&n.message),
        "ECR image scanning in account 123456789012, region eu-west-1, drifted from the desired "
        "state. scanwarden restored it.\n"
        "\n"
        "What drifted (before \xe2\x86\x92 after)\n"
        "- Inspector scanning of ECR (inspector_ecr): DISABLED (account not listed) \xe2\x86\x92 "
        "ENABLED\n"
        "\n"
        "What triggered the check\n"
        "- Trigger: CloudTrail event\n"
        "- API call: Disable (inspector2.amazonaws.com)\n"
        "- Changed by: arn:aws:iam::123456789012:user/mallory\n"
        "- Source IP address: 203.0.113.7\n"
        "- Time: 2024-05-01T12:00:00Z\n"
        "\n"
        "What was done (mode: enforce)\n"
        "- inspector2:Enable (resourceTypes [ECR], accountIds [123456789012]): OK\n");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "remediation");
    assert_string_equal(sw_notification_attribute(&n, "account_id"), ACCOUNT);
    assert_string_equal(sw_notification_attribute(&n, "region"), REGION);
    assert_string_equal(sw_notification_attribute(&n, "mode"), "enforce");
    assert_string_equal(sw_notification_attribute(&n, "outcome"), "restored");
    assert_null(sw_notification_attribute(&n, "severity"));
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void schedule_omits_absent_fields(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    const struct sw_change_context ctx = {
        SW_TRIGGER_SCHEDULE, NULL, "", NULL, "", NULL, NULL, NULL, NULL};
    decide_all_off(SW_MODE_ENFORCE, NULL, &p);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", true, NULL, NULL},
        {"ecr:PutRegistryScanningConfiguration", true, NULL, NULL},
    };
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &ctx, results, 2, &n, NULL), 0);
    assert_has(&n, "- Trigger: schedule\n");
    assert_has(&n, "CloudTrail names who made the change");
    assert_lacks(&n, "null");
    assert_lacks(&n, "(null)");
    assert_lacks(&n, "Changed by");
    assert_lacks(&n, "Source IP");
    assert_lacks(&n, "API call");
    assert_lacks(&n, "Time:");
    assert_has(&n, "- Registry scan type (registry_scan_type): BASIC \xe2\x86\x92 ENHANCED\n");
    assert_has(
        &n,
        "- Registry scanning rules (registry_rule): no rules \xe2\x86\x92 CONTINUOUS_SCAN [*]\n");
    assert_has(&n, "- ecr:PutRegistryScanningConfiguration (scanType ENHANCED, rules: "
                   "CONTINUOUS_SCAN [*]): OK\n");
    sw_notification_clear(&n);

    /* No context at all behaves like an empty one. */
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, NULL, results, 2, &n, NULL), 0);
    assert_lacks(&n, "null");
    assert_lacks(&n, "Changed by");
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void failures_name_aws_error_code_and_message(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    decide_all_off(SW_MODE_ENFORCE, "DAYS_30", &p);
    assert_int_equal(p.action_count, 3);
    const struct sw_action_result results[] = {
        {"inspector2:Enable", true, NULL, NULL},
        {"ecr:PutRegistryScanningConfiguration", false, "AccessDeniedException",
         "User: arn:aws:sts::123456789012:assumed-role/scanwarden/fn is not authorized to perform: "
         "ecr:PutRegistryScanningConfiguration"},
        /* inspector2:UpdateConfiguration: no result, not attempted */
    };
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &CLOUDTRAIL, results, 2, &n, NULL), 0);
    assert_string_equal(n.subject,
                        "scanwarden: FAILED to restore ECR scanning in 123456789012/eu-west-1");
    assert_subject_ok(&n);
    assert_has(&n, "could NOT fully restore it");
    assert_has(&n, "- inspector2:Enable (resourceTypes [ECR], accountIds [123456789012]): OK\n");
    assert_has(&n, "- ecr:PutRegistryScanningConfiguration (scanType ENHANCED, rules: "
                   "CONTINUOUS_SCAN [*]): FAILED: AccessDeniedException: User: "
                   "arn:aws:sts::123456789012:assumed-role/scanwarden/fn is not authorized to "
                   "perform: ecr:PutRegistryScanningConfiguration\n");
    assert_has(&n, "- inspector2:UpdateConfiguration (ecrConfiguration.rescanDuration DAYS_30): "
                   "not attempted\n");
    assert_has(&n, "- ECR rescan duration (rescan_duration): LIFETIME \xe2\x86\x92 DAYS_30\n");
    assert_string_equal(sw_notification_attribute(&n, "outcome"), "failed");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "remediation");
    assert_true(sw_notify_drift_failed(&p, results, 2));
    sw_notification_clear(&n);

    /* Only the first action ran (and succeeded): the rest is not restored, still a failure. */
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, NULL, results, 1, &n, NULL), 0);
    assert_true(sw_notify_drift_failed(&p, results, 1));
    assert_string_equal(n.subject,
                        "scanwarden: FAILED to restore ECR scanning in 123456789012/eu-west-1");
    assert_has(&n, "CONTINUOUS_SCAN [*]): not attempted\n");
    sw_notification_clear(&n);

    /* An error without a message, and one without even a code. */
    const struct sw_action_result bare[] = {
        {"inspector2:Enable", false, "InternalServerException", NULL},
        {"ecr:PutRegistryScanningConfiguration", false, NULL, NULL},
        {"inspector2:UpdateConfiguration", true, NULL, NULL},
    };
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, NULL, bare, 3, &n, NULL), 0);
    assert_has(&n, "[123456789012]): FAILED: InternalServerException\n");
    assert_has(&n, "CONTINUOUS_SCAN [*]): FAILED: unknown error\n");
    assert_has(&n, "rescanDuration DAYS_30): OK\n");
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void dry_run_says_would_restore(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    decide_all_off(SW_MODE_DRY_RUN, NULL, &p);
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &CLOUDTRAIL, NULL, 0, &n, NULL), 0);
    assert_string_equal(n.subject,
                        "scanwarden: ECR scanning drift in 123456789012/eu-west-1 (dry-run)");
    assert_subject_ok(&n);
    assert_has(&n, "dry-run mode: nothing was changed");
    assert_has(&n, "What scanwarden would do (mode: dry-run, nothing was changed)\n");
    assert_has(&n, "- would restore inspector_ecr: inspector2:Enable (resourceTypes [ECR], "
                   "accountIds [123456789012])\n");
    assert_has(&n, "- would restore registry_scan_type, registry_rule: "
                   "ecr:PutRegistryScanningConfiguration (scanType ENHANCED, rules: "
                   "CONTINUOUS_SCAN [*])\n");
    assert_lacks(&n, ": OK");
    assert_lacks(&n, "FAILED");
    assert_lacks(&n, "not attempted");
    assert_has(&n, "- Changed by: arn:aws:iam::123456789012:user/mallory\n");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "drift");
    assert_string_equal(sw_notification_attribute(&n, "mode"), "dry-run");
    assert_string_equal(sw_notification_attribute(&n, "outcome"), "would-restore");
    assert_false(sw_notify_drift_failed(&p, NULL, 0));
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void denied_cloudtrail_call_and_signal(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    const struct sw_change_context denied = {SW_TRIGGER_CLOUDTRAIL,
                                             "ecr.amazonaws.com",
                                             "PutRegistryScanningConfiguration",
                                             "arn:aws:sts::123456789012:assumed-role/dev/alice",
                                             "198.51.100.1",
                                             "2024-05-01T12:00:00Z",
                                             "AccessDenied",
                                             "User is not authorized",
                                             NULL};
    decide_inspector_only(SW_MODE_ENFORCE, &p);
    const struct sw_action_result ok = {"inspector2:Enable", true, NULL, NULL};
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &denied, &ok, 1, &n, NULL), 0);
    assert_has(&n, "- API call: PutRegistryScanningConfiguration (ecr.amazonaws.com)\n");
    assert_has(&n, "- Changed by: arn:aws:sts::123456789012:assumed-role/dev/alice\n");
    assert_has(&n, "- Call result: the call was refused by AWS (AccessDenied: User is not "
                   "authorized)\n");
    sw_notification_clear(&n);

    const struct sw_change_context hub = {
        SW_TRIGGER_SECURITY_HUB,     NULL, NULL, NULL, NULL, "2024-05-01T12:03:00Z", NULL, NULL,
        "control Inspector.2 FAILED"};
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &hub, &ok, 1, &n, NULL), 0);
    assert_has(&n, "- Trigger: Security Hub finding\n- Time: 2024-05-01T12:03:00Z\n"
                   "- Signal: control Inspector.2 FAILED\n");
    assert_lacks(&n, "Changed by");
    assert_lacks(&n, "Call result");
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void event_strings_cannot_forge_lines(void **state)
{
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    const struct sw_change_context evil = {SW_TRIGGER_CLOUDTRAIL,
                                           NULL,
                                           "Disable",
                                           "arn:aws:iam::1:user/x\n- Changed by: someone-else\r\n",
                                           "203.0.113.7\x1b[31m",
                                           NULL,
                                           NULL,
                                           NULL,
                                           NULL};
    decide_inspector_only(SW_MODE_ENFORCE, &p);
    const struct sw_action_result bad = {"inspector2:Enable", false, "Boom", "line one\nline two"};
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &evil, &bad, 1, &n, NULL), 0);
    assert_lacks(&n, "\n- Changed by: someone-else");
    assert_has(&n, "- Changed by: arn:aws:iam::1:user/x - Changed by: someone-else  \n");
    assert_has(&n, "FAILED: Boom: line one line two\n");
    assert_lacks(&n, "\x1b");
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void long_fields_are_bounded(void **state)
{
    static char arn[100000];
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    memset(arn, 'x', sizeof(arn) - 1);
    const struct sw_change_context ctx = {
        SW_TRIGGER_CLOUDTRAIL, NULL, NULL, arn, NULL, NULL, NULL, NULL, NULL};
    decide_inspector_only(SW_MODE_ENFORCE, &p);
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &ctx, NULL, 0, &n, NULL), 0);
    assert_true(n.message.len < 4096);
    assert_has(&n, "xxx...\n");
    sw_notification_clear(&n);
    sw_drift_plan_clear(&p);
}

static void subjects_are_ascii_and_short(void **state)
{
    /* The longest region name the plan holds (31 characters) in each of the three subjects. */
    static const char *const filters[] = {"*"};
    const char *region = "xaa-bbbbbbbbbbbb-cccccccccccc-99";
    struct sw_desired_state d = {
        SW_MODE_ENFORCE, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, NULL, ACCOUNT, region};
    struct sw_actual_state a = {"DISABLED", "ENHANCED", NULL, 0, NULL};
    const struct sw_action_result failed = {"inspector2:Enable", false, "X", NULL};
    for (int mode = 0; mode < 2; mode++) {
        for (int fail = 0; fail < 2; fail++) {
            struct sw_drift_plan p = {0};
            struct sw_notification n;
            d.mode = mode ? SW_MODE_DRY_RUN : SW_MODE_ENFORCE;
            d.region = region + 1;
            assert_int_equal(sw_drift_decide(&d, &a, &p, NULL), 0);
            sw_notification_init(&n);
            assert_int_equal(sw_notify_drift_build(&p, NULL, &failed, (size_t)fail, &n, NULL), 0);
            assert_subject_ok(&n);
            assert_non_null(strstr(n.subject, region + 1));
            assert_true(strncmp(n.subject, "scanwarden: ", 12) == 0);
            sw_notification_clear(&n);
            sw_drift_plan_clear(&p);
        }
    }
}

static void nothing_to_notify_without_drift(void **state)
{
    static const char *const filters[] = {"*"};
    static const struct sw_drift_filter all = {"*", "WILDCARD"};
    static const struct sw_drift_rule good = {"CONTINUOUS_SCAN", &all, 1};
    struct sw_desired_state d = {
        SW_MODE_ENFORCE, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, NULL, ACCOUNT, REGION};
    struct sw_actual_state a = {"ENABLED", "ENHANCED", &good, 1, NULL};
    struct sw_drift_plan p = {0};
    struct sw_notification n;
    struct sw_error err = {0};
    assert_int_equal(sw_drift_decide(&d, &a, &p, NULL), 0);
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &CLOUDTRAIL, NULL, 0, &n, &err), SW_EINVAL);
    assert_false(sw_notify_drift_failed(&p, NULL, 0));
    sw_notification_clear(&n);
    d.mode = SW_MODE_OFF;
    assert_int_equal(sw_drift_decide(&d, &a, &p, NULL), 0);
    sw_notification_init(&n);
    assert_int_equal(sw_notify_drift_build(&p, &CLOUDTRAIL, NULL, 0, &n, &err), SW_EINVAL);
    sw_notification_clear(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restored_after_cloudtrail_disable_whole_message),
        cmocka_unit_test(schedule_omits_absent_fields),
        cmocka_unit_test(failures_name_aws_error_code_and_message),
        cmocka_unit_test(dry_run_says_would_restore),
        cmocka_unit_test(denied_cloudtrail_call_and_signal),
        cmocka_unit_test(event_strings_cannot_forge_lines),
        cmocka_unit_test(long_fields_are_bounded),
        cmocka_unit_test(subjects_are_ascii_and_short),
        cmocka_unit_test(nothing_to_notify_without_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
