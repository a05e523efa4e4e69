/* Unit tests for sw_event and sw_time: every sample in tests/data/events/ parsed and classified
 * (the folder is walked, so a new sample without an expectation fails), exact values of the
 * important fields, and hostile variants: wrong types, missing fields, too deep, too big,
 * not an object, not JSON, the three Inspector timestamp styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/parse/events.h"
#include "handler/core/timeparse.h"

#include <dirent.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler/test_util.h"

/* ---- the sample events (tests/data/events) ---- */

struct expectation {
    const char *file; /* relative to tests/data/events/ */
    enum sw_event_kind kind;
    enum sw_event_class cls;
    bool seen;
};

static struct expectation expected[] = {
    {"config-rules-compliance-change.real-capture.json", SW_EVENT_CONFIG_COMPLIANCE,
     SW_CLASS_UNHANDLED, false}, /* COMPLIANT, and not an ECR scanning rule */
    {"ecr-image-scan-basic.ecr-docs.json", SW_EVENT_BASIC_SCAN, SW_CLASS_NOTIFY, false},
    {"ecr-scan-resource-change.ecr-docs.json", SW_EVENT_ECR_SCAN_RESOURCE_CHANGE,
     SW_CLASS_DRIFT_CHECK, false},
    {"inspector2-autoenable.inspector-docs.json", SW_EVENT_UNKNOWN, SW_CLASS_UNHANDLED, false},
    {"inspector2-finding-ecr.inspector-docs-2024.json", SW_EVENT_FINDING, SW_CLASS_NOTIFY, false},
    {"inspector2-scan-ecr.inspector-docs-2023.json", SW_EVENT_SCAN, SW_CLASS_NOTIFY, false},
    {"scheduled-event.eventbridge-docs.json", SW_EVENT_SCHEDULE, SW_CLASS_DRIFT_CHECK, false},
    {"securityhub-findings-imported.account-control-EC2.7.asr-fixture.json", SW_EVENT_SECURITYHUB,
     SW_CLASS_UNHANDLED, false}, /* control EC2.7 */
    {"synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json", SW_EVENT_CLOUDTRAIL,
     SW_CLASS_DRIFT_CHECK, false},
    {"synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-ENHANCED-norules.json",
     SW_EVENT_CLOUDTRAIL, SW_CLASS_DRIFT_CHECK, false},
    {"synthesized/cloudtrail-inspector2-Disable-ECR.json", SW_EVENT_CLOUDTRAIL,
     SW_CLASS_DRIFT_CHECK, false},
    {"synthesized/cloudtrail-inspector2-DisableDelegatedAdminAccount.json", SW_EVENT_CLOUDTRAIL,
     SW_CLASS_DRIFT_CHECK, false},
    {"synthesized/cloudtrail-inspector2-Enable-AccessDenied.json", SW_EVENT_CLOUDTRAIL,
     SW_CLASS_UNHANDLED, false}, /* Enable is not in docs/contract.md §2.1 */
    {"synthesized/cloudtrail-inspector2-Enable-ECR.json", SW_EVENT_CLOUDTRAIL, SW_CLASS_UNHANDLED,
     false},
    {"synthesized/cloudtrail-inspector2-UpdateConfiguration.json", SW_EVENT_CLOUDTRAIL,
     SW_CLASS_DRIFT_CHECK, false},
    {"synthesized/inspector2-coverage-ecr-image.json", SW_EVENT_COVERAGE, SW_CLASS_NOTIFY, false},
    {"synthesized/securityhub-findings-imported-Inspector.2.json", SW_EVENT_SECURITYHUB,
     SW_CLASS_DRIFT_CHECK, false},
};

static struct expectation *find_expectation(const char *rel)
{
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (strcmp(expected[i].file, rel) == 0)
            return &expected[i];
    }
    return NULL;
}

static size_t check_folder(const char *sub)
{
    char dir[1024];
    size_t checked = 0;
    snprintf(dir, sizeof(dir), "%s/events%s%s", tu_data_dir(), sub[0] ? "/" : "", sub);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        char rel[512];
        snprintf(rel, sizeof(rel), "%s%s%s", sub, sub[0] ? "/" : "", de->d_name);
        struct expectation *e = find_expectation(rel);
        if (!e)
            fail_msg("tests/data/events/%s has no expectation in test_events.c", rel);
        size_t len;
        char *buf = tu_read_shared(rel, &len);
        struct sw_event ev;
        struct sw_error err = {0};
        int rc = sw_event_parse(buf, len, &ev, &err);
        if (rc != 0)
            fail_msg("%s: %s", rel, err.msg);
        if (ev.kind != e->kind || ev.cls != e->cls)
            fail_msg("%s: got %s/%s, want %s/%s", rel, sw_event_kind_name(ev.kind),
                     sw_event_class_name(ev.cls), sw_event_kind_name(e->kind),
                     sw_event_class_name(e->cls));
        /* An unhandled event always says why, a handled one never does. */
        assert_int_equal(ev.cls == SW_CLASS_UNHANDLED, ev.unhandled_reason != NULL);
        e->seen = true;
        checked++;
        sw_event_clear(&ev);
        free(buf);
    }
    closedir(d);
    return checked;
}

static void every_sample_event_is_classified(void **state)
{
    size_t n = check_folder("") + check_folder("synthesized");
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (!expected[i].seen)
            fail_msg("expected sample %s was not found", expected[i].file);
    }
    assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
}

static void finding_sample_fields(void **state)
{
    struct sw_event ev;
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev);
    const struct sw_finding *f = &ev.finding;
    assert_string_equal(ev.env.account, "123456789012");
    assert_string_equal(ev.env.region, "eu-central-1");
    assert_string_equal(f->finding_arn,
                        "arn:aws:inspector2:eu-central-1:123456789012:finding/{{FINDING_ID}}");
    assert_string_equal(f->vulnerability_id, "CVE-2024-6119");
    assert_string_equal(f->title, "CVE-2024-6119 - libssl3t64, openssl");
    assert_string_equal(f->description, "Possible denial of service in X.509 name checks");
    assert_int_equal(f->severity, SW_SEVERITY_MEDIUM);
    assert_string_equal(f->status, "ACTIVE");
    assert_string_equal(f->type, "PACKAGE_VULNERABILITY");
    assert_false(f->has_inspector_score); /* the 2024 sample has none */
    assert_false(f->has_cvss);            /* cvss: [] and no adjustedCvss */
    assert_true(f->has_epss);
    assert_true(f->epss_score > 0.000449 && f->epss_score < 0.000451);
    assert_string_equal(f->exploit_available, "NO");
    assert_string_equal(f->fix_available, "YES");
    assert_int_equal(f->package_count, 2);
    assert_int_equal(f->packages_omitted, 0);
    assert_string_equal(f->packages[0].name, "libssl3t64");
    assert_string_equal(f->packages[0].version, "3.0.13-0ubuntu3.2");
    assert_string_equal(f->packages[0].fixed_in_version, "0:3.0.13-0ubuntu3.4");
    assert_string_equal(f->packages[0].package_manager, "OS");
    assert_string_equal(f->packages[1].name, "openssl");
    assert_string_equal(f->repository, "inspector2");
    assert_string_equal(f->registry, "123456789012");
    assert_string_equal(f->image_digest,
                        "sha256:84f507df33c6864d49c296fb734192696e4cb6f78166ac51ac8b9b118181085d");
    assert_int_equal(f->image_tag_count, 1);
    assert_string_equal(f->image_tags[0], "ubuntu_latest");
    assert_string_equal(f->resource_type, "AWS_ECR_CONTAINER_IMAGE");
    assert_string_equal(f->resource_id, "arn:aws:ecr:eu-central-1:123456789012:repository/"
                                        "inspector2/sha256:84f507df33c6864d49c296fb734192696e4cb6"
                                        "f78166ac51ac8b9b118181085d");
    assert_string_equal(f->region, "eu-central-1");
    assert_string_equal(f->account_id, "123456789012");
    /* Wed Sep 04 16:55:38.411 UTC 2024 */
    assert_true(f->first_observed_ms == INT64_C(1725468938411));
    assert_true(f->updated_at_ms == INT64_C(1725468938411));
    assert_string_equal(f->updated_at_text, "Wed Sep 04 16:55:38.411 UTC 2024");
    assert_string_equal(f->remediation, "None Provided");
    assert_string_equal(ev.env.account, "123456789012");
    sw_event_clear(&ev);
}

static void cloudtrail_sample_fields(void **state)
{
    struct sw_event ev;
    tu_parse_shared("synthesized/cloudtrail-inspector2-Disable-ECR.json", &ev);
    const struct sw_cloudtrail *ct = &ev.cloudtrail;
    assert_string_equal(ct->event_name, "Disable");
    assert_string_equal(ct->event_source, "inspector2.amazonaws.com");
    assert_string_equal(ct->user_arn, "arn:aws:sts::123456789012:assumed-role/Admin/alice");
    assert_string_equal(ct->user_type, "AssumedRole");
    assert_string_equal(ct->source_ip, "203.0.113.12");
    assert_string_equal(ct->event_time, "2024-05-01T10:05:00Z");
    assert_true(ct->event_time_ms == INT64_C(1714557900000));
    assert_null(ct->error_code);
    assert_string_equal(ct->request_summary,
                        "{\"accountIds\":[\"123456789012\"],\"resourceTypes\":[\"ECR\"]}");
    assert_string_equal(sw_event_kind_name(ev.kind), "config-change");
    sw_event_clear(&ev);

    tu_parse_shared("synthesized/cloudtrail-inspector2-Enable-AccessDenied.json", &ev);
    assert_string_equal(ev.cloudtrail.error_code, "AccessDenied");
    assert_non_null(strstr(ev.cloudtrail.error_message, "iam:CreateServiceLinkedRole"));
    assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
    sw_event_clear(&ev);

    tu_parse_shared("synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json", &ev);
    assert_string_equal(
        ev.cloudtrail.request_summary,
        "{\"scanType\":\"BASIC\",\"rules\":[{\"scanFrequency\":\"SCAN_ON_PUSH\","
        "\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]}");
    sw_event_clear(&ev);
}

static void other_sample_fields(void **state)
{
    struct sw_event ev;
    tu_parse_shared("inspector2-scan-ecr.inspector-docs-2023.json", &ev);
    assert_string_equal(ev.scan.scan_status, "INITIAL_SCAN_COMPLETE");
    assert_string_equal(ev.scan.repository, "inspector2"); /* from the ARN it carries */
    assert_int_equal(ev.scan.image_tag_count, 1);
    assert_string_equal(ev.scan.image_tags[0], "ubuntu22");
    assert_true(ev.scan.counts.present[SW_SEVERITY_CRITICAL]);
    assert_int_equal(ev.scan.counts.count[SW_SEVERITY_CRITICAL], 0);
    assert_false(ev.scan.counts.present[SW_SEVERITY_LOW]);
    assert_true(ev.scan.counts.has_total);
    sw_event_clear(&ev);

    tu_parse_shared("ecr-image-scan-basic.ecr-docs.json", &ev);
    assert_string_equal(ev.scan.repository, "my-repository-name");
    assert_int_equal(ev.scan.counts.count[SW_SEVERITY_CRITICAL], 10);
    assert_int_equal(ev.scan.counts.count[SW_SEVERITY_MEDIUM], 9);
    assert_false(ev.scan.counts.present[SW_SEVERITY_HIGH]);
    assert_int_equal(ev.scan.image_tag_count, 0);
    sw_event_clear(&ev);

    tu_parse_shared("synthesized/inspector2-coverage-ecr-image.json", &ev);
    assert_string_equal(ev.coverage.status, "INACTIVE");
    assert_string_equal(ev.coverage.reason, "SCAN_ELIGIBILITY_EXPIRED");
    assert_string_equal(ev.coverage.repository, "my-app");
    assert_string_equal(ev.coverage.image_digest, "sha256:84f507df33c6864d49c296fb734192696e4cb6"
                                                  "f78166ac51ac8b9b118181085d");
    assert_string_equal(ev.coverage.region, "us-east-1");
    assert_true(ev.coverage.event_time_ms == INT64_C(1714558198123));
    sw_event_clear(&ev);

    tu_parse_shared("ecr-scan-resource-change.ecr-docs.json", &ev);
    assert_string_equal(ev.scan_change.scan_type, "ENHANCED");
    assert_int_equal(ev.scan_change.repository_count, 3);
    assert_string_equal(ev.scan_change.repositories[0].previous_scan_frequency, "MANUAL");
    sw_event_clear(&ev);

    tu_parse_shared("synthesized/securityhub-findings-imported-Inspector.2.json", &ev);
    assert_string_equal(ev.securityhub.control_id, "Inspector.2");
    assert_string_equal(ev.securityhub.account_id, "123456789012");
    assert_string_equal(ev.securityhub.finding_id,
                        "arn:aws:securityhub:us-east-1:123456789012:security-control/Inspector.2/"
                        "finding/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
    assert_string_equal(ev.securityhub.product_arn,
                        "arn:aws:securityhub:us-east-1::product/aws/securityhub");
    assert_int_equal(ev.securityhub.finding_count, 1);
    sw_event_clear(&ev);

    tu_parse_shared("scheduled-event.eventbridge-docs.json", &ev);
    assert_false(ev.schedule.constant_input);
    assert_string_equal(ev.schedule.rule_arn,
                        "arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule");
    sw_event_clear(&ev);
}

/* ---- variants ---- */

static void parse_text(const char *json, struct sw_event *ev)
{
    struct sw_error err = {0};
    int rc = sw_event_parse(json, strlen(json), ev, &err);
    if (rc != 0)
        fail_msg("parse failed (%d): %s", rc, err.msg);
}

static void expect_kind(const char *json, enum sw_event_kind kind, enum sw_event_class cls)
{
    struct sw_event ev;
    parse_text(json, &ev);
    if (ev.kind != kind || ev.cls != cls)
        fail_msg("%s: got %s/%s", json, sw_event_kind_name(ev.kind), sw_event_class_name(ev.cls));
    sw_event_clear(&ev);
}

#define CT(source, name)                                                                           \
    "{\"source\":\"" source "\",\"detail-type\":\"AWS API Call via CloudTrail\","                  \
    "\"detail\":{\"eventName\":\"" name "\"}}"

static void classification_rules(void **state)
{
    expect_kind("{\"trigger\":\"schedule\"}", SW_EVENT_SCHEDULE, SW_CLASS_DRIFT_CHECK);
    expect_kind("{\"trigger\":\"Schedule\"}", SW_EVENT_UNKNOWN, SW_CLASS_UNHANDLED);
    expect_kind("{\"trigger\":42}", SW_EVENT_UNKNOWN, SW_CLASS_UNHANDLED);
    expect_kind("{}", SW_EVENT_UNKNOWN, SW_CLASS_UNHANDLED);
    expect_kind("{\"source\":\"aws.scheduler\",\"detail-type\":\"Scheduled Event\"}",
                SW_EVENT_SCHEDULE, SW_CLASS_DRIFT_CHECK);
    /* A custom source cannot pose as an AWS service. */
    expect_kind("{\"source\":\"my.app\",\"detail-type\":\"Scheduled Event\"}", SW_EVENT_UNKNOWN,
                SW_CLASS_UNHANDLED);
    expect_kind("{\"source\":\"my.app\",\"detail-type\":\"Inspector2 Finding\"}", SW_EVENT_UNKNOWN,
                SW_CLASS_UNHANDLED);

    static const char *const watched[] = {
        CT("aws.inspector2", "Disable"),
        CT("aws.inspector2", "UpdateConfiguration"),
        CT("aws.inspector2", "DisableDelegatedAdminAccount"),
        CT("aws.inspector2", "UpdateOrganizationConfiguration"),
        CT("aws.ecr", "PutRegistryScanningConfiguration"),
        CT("aws.ecr", "PutImageScanningConfiguration"),
    };
    for (size_t i = 0; i < 6; i++)
        expect_kind(watched[i], SW_EVENT_CLOUDTRAIL, SW_CLASS_DRIFT_CHECK);
    static const char *const ignored[] = {
        CT("aws.inspector2", "Enable"),
        CT("aws.inspector2", "ListFindings"),
        CT("aws.inspector2", "disable"),
        CT("aws.ecr", "Disable"),
        CT("aws.inspector2", "PutRegistryScanningConfiguration"),
        CT("aws.ecr", "PutImage"),
        "{\"source\":\"aws.ecr\",\"detail-type\":\"AWS API Call via CloudTrail\"}",
        "{\"source\":\"aws.ecr\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":"
        "{\"eventName\":17}}",
    };
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
        expect_kind(ignored[i], SW_EVENT_CLOUDTRAIL, SW_CLASS_UNHANDLED);
    expect_kind(CT("aws.s3", "Disable"), SW_EVENT_UNKNOWN, SW_CLASS_UNHANDLED);
}

#define SH(control_field, control, status)                                                         \
    "{\"source\":\"aws.securityhub\",\"detail-type\":\"Security Hub Findings - Imported\","        \
    "\"detail\":{\"findings\":[{\"Id\":\"x\"},{" control_field                                     \
    ",\"Compliance\":{\"Status\":\"" status "\"}}]}}"

#define CFG(rule, type)                                                                            \
    "{\"source\":\"aws.config\",\"detail-type\":\"Config Rules Compliance Change\","               \
    "\"detail\":{\"configRuleName\":\"" rule                                                       \
    "\",\"newEvaluationResult\":{\"complianceType\":\"" type "\"}}}"

static void compliance_classification(void **state)
{
    expect_kind(SH("\"ProductFields\":{\"ControlId\":\"ECR.1\"}", "", "FAILED"),
                SW_EVENT_SECURITYHUB, SW_CLASS_DRIFT_CHECK);
    expect_kind("{\"source\":\"aws.securityhub\",\"detail-type\":\"Security Hub Findings - "
                "Imported\",\"detail\":{\"findings\":[{\"Compliance\":{\"Status\":\"FAILED\","
                "\"SecurityControlId\":\"Inspector.2\"}}]}}",
                SW_EVENT_SECURITYHUB, SW_CLASS_DRIFT_CHECK);
    expect_kind(SH("\"ProductFields\":{\"ControlId\":\"ECR.1\"}", "", "PASSED"),
                SW_EVENT_SECURITYHUB, SW_CLASS_UNHANDLED);
    expect_kind(SH("\"ProductFields\":{\"ControlId\":\"ECR.2\"}", "", "FAILED"),
                SW_EVENT_SECURITYHUB, SW_CLASS_UNHANDLED);
    expect_kind(SH("\"ProductFields\":{\"ControlId\":\"Inspector.1\"}", "", "FAILED"),
                SW_EVENT_SECURITYHUB, SW_CLASS_UNHANDLED);
    expect_kind("{\"source\":\"aws.securityhub\",\"detail-type\":\"Security Hub Findings - "
                "Imported\",\"detail\":{\"findings\":{}}}",
                SW_EVENT_SECURITYHUB, SW_CLASS_UNHANDLED);

    expect_kind(CFG("securityhub-inspector-ecr-scan-enabled-0a1b", "NON_COMPLIANT"),
                SW_EVENT_CONFIG_COMPLIANCE, SW_CLASS_DRIFT_CHECK);
    expect_kind(CFG("ecr-private-image-scanning-enabled", "NON_COMPLIANT"),
                SW_EVENT_CONFIG_COMPLIANCE, SW_CLASS_DRIFT_CHECK);
    expect_kind(CFG("ecr-private-image-scanning-enabled", "COMPLIANT"), SW_EVENT_CONFIG_COMPLIANCE,
                SW_CLASS_UNHANDLED);
    expect_kind(CFG("s3-bucket-logging-enabled", "NON_COMPLIANT"), SW_EVENT_CONFIG_COMPLIANCE,
                SW_CLASS_UNHANDLED);
    /* The rule name may sit only in the evaluation result qualifier. */
    expect_kind("{\"source\":\"aws.config\",\"detail-type\":\"Config Rules Compliance Change\","
                "\"detail\":{\"newEvaluationResult\":{\"complianceType\":\"NON_COMPLIANT\","
                "\"evaluationResultIdentifier\":{\"evaluationResultQualifier\":{"
                "\"configRuleName\":\"inspector-ecr-scan-enabled\"}}}}}",
                SW_EVENT_CONFIG_COMPLIANCE, SW_CLASS_DRIFT_CHECK);
}

static void expect_error(const char *buf, size_t len, int code, const char *msg_part)
{
    struct sw_event ev;
    struct sw_error err = {0};
    int rc = sw_event_parse(buf, len, &ev, &err);
    if (rc != code)
        fail_msg("got %d (%s), want %d", rc, err.msg, code);
    if (msg_part && !strstr(err.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg_part);
    sw_event_clear(&ev);
}

static void non_objects_and_bad_json_are_rejected(void **state)
{
    expect_error("[]", 2, SW_EINVAL, "the event is an array, not a JSON object");
    expect_error("\"x\"", 3, SW_EINVAL, "the event is a string, not a JSON object");
    expect_error("42", 2, SW_EINVAL, "the event is a number, not a JSON object");
    expect_error("null", 4, SW_EINVAL, "the event is null, not a JSON object");
    expect_error("true", 4, SW_EINVAL, "a boolean");
    expect_error("", 0, SW_EPARSE, "empty");
    expect_error(NULL, 0, SW_EPARSE, "empty");
    expect_error("{\"a\":", 5, SW_EPARSE, "not valid JSON");
    expect_error("{\"a\":1} {}", 10, SW_EPARSE, "unexpected data after the value at byte 8");
    expect_error("{'a':1}", 7, SW_EPARSE, "not valid JSON");
    expect_error("\xff\xfe{}", 4, SW_EPARSE, "not valid JSON");
    /* Trailing whitespace is fine; the length bounds the read (no NUL needed). */
    struct sw_event ev;
    struct sw_error err;
    const char buf[] = {'{', '}', ' ', '\n', 'X'};
    assert_int_equal(sw_event_parse(buf, 4, &ev, &err), 0);
    sw_event_clear(&ev);
}

static void limits_are_enforced_before_parsing(void **state)
{
    char deep[2 * SW_EVENT_MAX_DEPTH + 16];
    struct sw_event ev;
    struct sw_error err;
    /* {"a": then depth-1 arrays: depth levels in all. */
    for (int depth = SW_EVENT_MAX_DEPTH; depth <= SW_EVENT_MAX_DEPTH + 1; depth++) {
        size_t o = 0;
        memcpy(deep, "{\"a\":", 5);
        o = 5;
        for (int i = 1; i < depth; i++)
            deep[o++] = '[';
        for (int i = 1; i < depth; i++)
            deep[o++] = ']';
        deep[o++] = '}';
        if (depth == SW_EVENT_MAX_DEPTH) {
            assert_int_equal(sw_event_parse(deep, o, &ev, &err), 0);
            sw_event_clear(&ev);
        } else {
            expect_error(deep, o, SW_ELIMIT, "deeper than 64 levels");
        }
    }
    /* Brackets inside strings do not count. */
    const char *quoted =
        "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\""
        "[[[[[[[[\"}";
    parse_text(quoted, &ev);
    sw_event_clear(&ev);

    /* Larger than SW_EVENT_MAX_BYTES: rejected without reading it. */
    size_t big = SW_EVENT_MAX_BYTES + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    expect_error(huge, big, SW_ELIMIT, "more than the 6356992 accepted");
    /* Too many values (a flat array of zeros): rejected before cJSON allocates them. */
    size_t n = 0;
    huge[n++] = '{';
    memcpy(huge + n, "\"a\":[", 5);
    n += 5;
    for (int i = 0; i < SW_EVENT_MAX_VALUES; i++) {
        huge[n++] = '0';
        huge[n++] = ',';
    }
    huge[n - 1] = ']';
    huge[n++] = '}';
    expect_error(huge, n, SW_ELIMIT, "more than 200000 JSON values");
    free(huge);
}

/* prefix, then n items "<before><index><after>" separated by commas, then suffix. */
static char *repeat_json(const char *prefix, const char *before, const char *after, size_t n,
                         const char *suffix)
{
    size_t cap = strlen(prefix) + n * (strlen(before) + strlen(after) + 24) + strlen(suffix) + 1;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t o = (size_t)snprintf(out, cap, "%s", prefix);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s%zu%s", i ? "," : "", before, i, after);
    snprintf(out + o, cap - o, "%s", suffix);
    return out;
}

static void list_caps_count_what_they_drop(void **state)
{
    struct sw_event ev;
    /* 150 repositories in a Scan Resource Change: 100 kept, 50 counted. */
    char *json = repeat_json("{\"source\":\"aws.ecr\",\"detail-type\":\"ECR Scan Resource "
                             "Change\",\"detail\":{\"repositories\":[",
                             "{\"repository-name\":\"r", "\"}", 150, "]}}");
    parse_text(json, &ev);
    assert_int_equal(ev.scan_change.repository_count, SW_EVENT_REPOSITORIES_MAX);
    assert_int_equal(ev.scan_change.repositories_omitted, 50);
    assert_string_equal(ev.scan_change.repositories[99].name, "r99");
    sw_event_clear(&ev);
    free(json);

    /* 130 image tags: 100 kept, 30 counted. */
    json = repeat_json("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Scan\","
                       "\"detail\":{\"image-tags\":[",
                       "\"t", "\"", 130, "]}}");
    parse_text(json, &ev);
    assert_int_equal(ev.scan.image_tag_count, SW_EVENT_TAGS_MAX);
    assert_int_equal(ev.scan.image_tags_omitted, 30);
    sw_event_clear(&ev);
    free(json);

    /* A matching Security Hub finding past the 100th is not examined. */
    json = repeat_json("{\"source\":\"aws.securityhub\",\"detail-type\":\"Security Hub "
                       "Findings - Imported\",\"detail\":{\"findings\":[",
                       "{\"Id\":\"f", "\"}", 120,
                       ",{\"Compliance\":{\"Status\":\"FAILED\",\"SecurityControlId\":"
                       "\"ECR.1\"}}]}}");
    parse_text(json, &ev);
    assert_int_equal(ev.securityhub.finding_count, SW_EVENT_SECHUB_FINDINGS_MAX);
    assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
    sw_event_clear(&ev);
    free(json);

    /* The CloudTrail requestParameters summary is cut at 1 KiB with the marker. */
    json = repeat_json("{\"source\":\"aws.ecr\",\"detail-type\":\"AWS API Call via "
                       "CloudTrail\",\"detail\":{\"eventName\":\"PutImageScanningConfiguration\","
                       "\"requestParameters\":{\"repositoryNames\":[",
                       "\"repository-", "\"", 200, "],\"quote\":\"a\\\"b\"}}}");
    parse_text(json, &ev);
    size_t n = strlen(ev.cloudtrail.request_summary);
    assert_true(n <= SW_EVENT_SUMMARY_MAX && n > SW_EVENT_SUMMARY_MAX - 32);
    assert_string_equal(ev.cloudtrail.request_summary + n - 3, "...");
    const char *start = "{\"repositoryNames\":[\"repository-0\",\"repository-1\",";
    assert_true(strncmp(ev.cloudtrail.request_summary, start, strlen(start)) == 0);
    sw_event_clear(&ev);
    free(json);

    /* Escapes and numbers in the summary stay valid JSON text. */
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"AWS API Call via CloudTrail\","
               "\"detail\":{\"eventName\":\"Disable\",\"requestParameters\":{\"a\":\"x\\\"y\\n\","
               "\"n\":12,\"f\":0.5,\"t\":true,\"z\":null,\"e\":{},\"l\":[]}}}",
               &ev);
    assert_string_equal(ev.cloudtrail.request_summary,
                        "{\"a\":\"x\\\"y\\u000a\",\"n\":12,\"f\":0.5,\"t\":true,\"z\":null,"
                        "\"e\":{},\"l\":[]}");
    sw_event_clear(&ev);
}

static void wrong_types_count_as_missing(void **state)
{
    struct sw_event ev;
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"account\":123456789012,\"region\":[\"x\"],\"detail\":{"
               "\"findingArn\":5,\"severity\":{\"x\":1},\"status\":true,\"title\":null,"
               "\"inspectorScore\":\"9.8\",\"epss\":{\"score\":\"0.5\"},"
               "\"exploitAvailable\":1,\"firstObservedAt\":1725468938,"
               "\"packageVulnerabilityDetails\":{\"vulnerabilityId\":[],"
               "\"vulnerablePackages\":{\"name\":\"x\"},\"cvss\":[{\"baseScore\":\"7\"}]},"
               "\"resources\":\"none\",\"remediation\":{\"recommendation\":\"text\"}}}",
               &ev);
    const struct sw_finding *f = &ev.finding;
    assert_int_equal(ev.kind, SW_EVENT_FINDING);
    assert_null(ev.env.account);
    assert_null(ev.env.region);
    assert_null(f->finding_arn);
    assert_null(f->severity_text);
    assert_int_equal(f->severity, SW_SEVERITY_NONE);
    assert_null(f->status);
    assert_null(f->title);
    assert_false(f->has_inspector_score);
    assert_false(f->has_epss);
    assert_false(f->has_cvss);
    assert_null(f->exploit_available);
    assert_true(f->first_observed_ms == SW_TIME_NONE);
    assert_null(f->vulnerability_id);
    assert_int_equal(f->package_count, 0);
    assert_null(f->repository);
    assert_null(f->remediation);
    assert_null(f->region);
    sw_event_clear(&ev);

    /* detail itself of the wrong type. */
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"detail\":\"oops\"}",
               &ev);
    assert_int_equal(ev.kind, SW_EVENT_FINDING);
    assert_null(ev.finding.status);
    sw_event_clear(&ev);

    /* Counts that are strings or negative are missing; unknown keys ignored. */
    parse_text("{\"source\":\"aws.ecr\",\"detail-type\":\"ECR Image Scan\",\"detail\":{"
               "\"finding-severity-counts\":{\"CRITICAL\":\"3\",\"HIGH\":-1,\"LOW\":2,"
               "\"UNDEFINED\":4,\"BOGUS\":9},\"image-tags\":[1,\"v1\",null]}}",
               &ev);
    assert_false(ev.scan.counts.present[SW_SEVERITY_CRITICAL]);
    assert_false(ev.scan.counts.present[SW_SEVERITY_HIGH]);
    assert_int_equal(ev.scan.counts.count[SW_SEVERITY_LOW], 2);
    assert_int_equal(ev.scan.counts.count[SW_SEVERITY_UNTRIAGED], 4);
    assert_int_equal(ev.scan.image_tag_count, 1);
    assert_string_equal(ev.scan.image_tags[0], "v1");
    sw_event_clear(&ev);
}

static void unknown_enum_values_are_kept(void **state)
{
    struct sw_event ev;
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"detail\":{\"severity\":\"SEVERE\",\"status\":\"REOPENED\","
               "\"fixAvailable\":\"MAYBE\",\"type\":\"NEW_KIND\"}}",
               &ev);
    assert_string_equal(ev.finding.severity_text, "SEVERE");
    assert_int_equal(ev.finding.severity, SW_SEVERITY_NONE);
    assert_string_equal(ev.finding.status, "REOPENED");
    assert_string_equal(ev.finding.fix_available, "MAYBE");
    assert_string_equal(ev.finding.type, "NEW_KIND");
    sw_event_clear(&ev);
}

static void each_severity_and_status_parses(void **state)
{
    static const char *const sev[] = {"UNTRIAGED", "INFORMATIONAL", "LOW",
                                      "MEDIUM",    "HIGH",          "CRITICAL"};
    static const char *const status[] = {"ACTIVE", "SUPPRESSED", "CLOSED"};
    for (int s = 0; s < 6; s++) {
        for (int t = 0; t < 3; t++) {
            char json[512];
            snprintf(json, sizeof(json),
                     "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
                     "\"detail\":{\"severity\":\"%s\",\"status\":\"%s\"}}",
                     sev[s], status[t]);
            struct sw_event ev;
            parse_text(json, &ev);
            assert_int_equal(ev.finding.severity, s);
            assert_string_equal(ev.finding.status, status[t]);
            sw_event_clear(&ev);
        }
    }
}

static void many_packages_and_long_strings_are_capped(void **state)
{
    /* 1200 packages: 1000 kept, 200 counted as omitted. */
    size_t cap = 1200 * 128 + 1024;
    char *json = malloc(cap);
    assert_non_null(json);
    size_t o = (size_t)snprintf(json, cap,
                                "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 "
                                "Finding\",\"detail\":{\"packageVulnerabilityDetails\":{"
                                "\"vulnerablePackages\":[");
    for (int i = 0; i < 1200; i++)
        o += (size_t)snprintf(json + o, cap - o,
                              "%s{\"name\":\"pkg%d\",\"version\":\"1.%d\",\"epoch\":%d}",
                              i ? "," : "", i, i, i % 2);
    o += (size_t)snprintf(json + o, cap - o, "]}}}");
    struct sw_event ev;
    struct sw_error err;
    assert_int_equal(sw_event_parse(json, o, &ev, &err), 0);
    assert_int_equal(ev.finding.package_count, SW_EVENT_PACKAGES_MAX);
    assert_int_equal(ev.finding.packages_omitted, 200);
    assert_string_equal(ev.finding.packages[999].name, "pkg999");
    assert_string_equal(ev.finding.packages[999].version, "1:1.999");
    assert_string_equal(ev.finding.packages[998].version, "1.998");
    assert_null(ev.finding.packages[0].fixed_in_version);
    sw_event_clear(&ev);
    free(json);

    /* A 100 KB title is cut to SW_EVENT_STR_MAX bytes on a UTF-8 boundary, with the marker. */
    size_t tlen = 100000;
    json = malloc(tlen + 256);
    assert_non_null(json);
    o = (size_t)snprintf(json, 256,
                         "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
                         "\"detail\":{\"title\":\"x");
    for (size_t i = 0; i < tlen / 2; i++) {
        json[o++] = '\xc3';
        json[o++] = '\xa9';
    }
    o += (size_t)snprintf(json + o, 64, "\"}}");
    assert_int_equal(sw_event_parse(json, o, &ev, &err), 0);
    size_t n = strlen(ev.finding.title);
    assert_true(n <= SW_EVENT_STR_MAX);
    assert_true(n >= SW_EVENT_STR_MAX - 4);
    assert_string_equal(ev.finding.title + n - 3, "...");
    assert_int_equal((n - 3 - 1) % 2, 0); /* "x" then whole "é"s */
    sw_event_clear(&ev);
    free(json);
}

static void non_ascii_is_kept_verbatim(void **state)
{
    struct sw_event ev;
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"detail\":{\"title\":\"CVE-2024-1 \\u2013 d\\u00e9j\\u00e0 vu \xe6\xbc\xa2\"}}",
               &ev);
    assert_string_equal(ev.finding.title,
                        "CVE-2024-1 \xe2\x80\x93 d\xc3\xa9j\xc3\xa0 vu \xe6\xbc\xa2");
    sw_event_clear(&ev);
}

static void provider_agnostic_image_fields(void **state)
{
    struct sw_event ev;
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"region\":\"us-west-2\",\"detail\":{\"resources\":[{\"details\":{\"image\":{"
               "\"repositoryName\":\"web/api\",\"imageDigest\":\"sha256:abc\","
               "\"imageTags\":[\"1.4.2\",\"latest\"],\"registry\":\"111122223333\"}}}]}}",
               &ev);
    assert_string_equal(ev.finding.repository, "web/api");
    assert_string_equal(ev.finding.image_digest, "sha256:abc");
    assert_int_equal(ev.finding.image_tag_count, 2);
    assert_string_equal(ev.finding.registry, "111122223333");
    assert_string_equal(ev.finding.region, "us-west-2"); /* from the envelope */
    sw_event_clear(&ev);

    /* Only an image ARN: repository (with a slash) and digest come from it; region from the
     * finding ARN when nothing else has one. */
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"detail\":{\"findingArn\":\"arn:aws:inspector2:ap-south-1:1:finding/x\","
               "\"resources\":[{\"id\":\"arn:aws:ecr:ap-south-1:1:repository/team/app/"
               "sha256:ff\"}]}}",
               &ev);
    assert_string_equal(ev.finding.repository, "team/app");
    assert_string_equal(ev.finding.image_digest, "sha256:ff");
    assert_string_equal(ev.finding.region, "ap-south-1");
    sw_event_clear(&ev);
}

static void cvss_prefers_the_newest_version(void **state)
{
    struct sw_event ev;
    parse_text("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
               "\"detail\":{\"inspectorScore\":7.5,\"packageVulnerabilityDetails\":{\"cvss\":["
               "{\"baseScore\":5.0,\"scoringVector\":\"AV:N/AC:L/Au:N/C:N/I:N/A:P\","
               "\"source\":\"NVD\",\"version\":\"2.0\"},"
               "{\"baseScore\":7.5,\"scoringVector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/"
               "A:H\",\"source\":\"NVD\",\"version\":\"3.1\"}]}}}",
               &ev);
    assert_true(ev.finding.has_cvss);
    assert_true(ev.finding.cvss_base_score == 7.5);
    assert_string_equal(ev.finding.cvss_version, "3.1");
    assert_string_equal(ev.finding.cvss_source, "NVD");
    assert_true(ev.finding.has_inspector_score);
    sw_event_clear(&ev);
}

/* Each input placed at the very end of a readable page, followed by an inaccessible one
 * (picohttpparser's test): a single byte read past len crashes. */
static void parse_never_reads_past_len(void **state)
{
    long page = sysconf(_SC_PAGESIZE);
    assert_true(page >= 4096);
    size_t span = 4 * (size_t)page;
    char *mem =
        mmap(NULL, span + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(mem != MAP_FAILED);
    assert_int_equal(mprotect(mem + span, (size_t)page, PROT_NONE), 0);
    static const char *const inputs[] = {
        "{}",
        "{\"a\":1}",
        "[",
        "{\"a\":\"unterminated",
        "\"\\",
        "nul",
        "tru",
        "-",
        "{\"trigger\":\"schedule\"}",
        "{\"a\":[1,2,{\"b\":null}]}   ",
        "1e",
        "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\",\"detail\":{"
        "\"firstObservedAt\":\"Dec 3, 2021, 6:02:30 PM\"}}",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        size_t n = strlen(inputs[i]);
        char *at = mem + span - n;
        memcpy(at, inputs[i], n);
        struct sw_event ev;
        struct sw_error err;
        (void)sw_event_parse(at, n, &ev, &err);
        sw_event_clear(&ev);
    }
    /* Some of the sample events too. */
    static const char *const samples[] = {
        "inspector2-finding-ecr.inspector-docs-2024.json",
        "synthesized/cloudtrail-inspector2-Disable-ECR.json",
        "synthesized/securityhub-findings-imported-Inspector.2.json",
        "ecr-image-scan-basic.ecr-docs.json",
    };
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        size_t n;
        char *buf = tu_read_shared(samples[i], &n);
        assert_true(n <= span);
        char *at = mem + span - n;
        memcpy(at, buf, n);
        struct sw_event ev;
        struct sw_error err;
        assert_int_equal(sw_event_parse(at, n, &ev, &err), 0);
        sw_event_clear(&ev);
        /* Every 97th truncation of it, also ending at the page boundary: invalid JSON. */
        for (size_t k = 1; k < n; k += 97) {
            memcpy(mem + span - k, buf, k);
            assert_int_not_equal(sw_event_parse(mem + span - k, k, &ev, &err), 0);
            sw_event_clear(&ev);
        }
        free(buf);
    }
    munmap(mem, span + (size_t)page);
}

/* ---- timestamps ---- */

static int64_t t(const char *s)
{
    return sw_time_parse(s, strlen(s));
}

static void timestamp_styles(void **state)
{
    /* 2021-12-03 18:02:30 UTC */
    assert_true(t("Dec 3, 2021, 6:02:30 PM") == INT64_C(1638554550000));
    assert_true(t("Dec 3, 2021, 12:02:30 AM") == INT64_C(1638489750000));
    assert_true(t("Dec 3, 2021, 12:02:30 PM") == INT64_C(1638532950000));
    assert_true(t("Wed Sep 04 16:55:38.411 UTC 2024") == INT64_C(1725468938411));
    assert_true(t("Wed Sep 04 16:55:38 GMT 2024") == INT64_C(1725468938000));
    assert_true(t("2024-09-04T16:55:38Z") == INT64_C(1725468938000));
    assert_true(t("2024-09-04T16:55:38.411Z") == INT64_C(1725468938411));
    assert_true(t("2024-09-04T16:55:38.411999999Z") == INT64_C(1725468938411));
    assert_true(t("2024-09-04T18:55:38.4+02:00") == INT64_C(1725468938400));
    assert_true(t("2024-09-04T11:55:38-0500") == INT64_C(1725468938000));
    assert_true(t("2024-09-04 16:55:38") == INT64_C(1725468938000));
    assert_true(t("2024-09-04") == INT64_C(1725408000000));
    assert_true(t(" 2024-02-29T00:00:00Z ") == INT64_C(1709164800000));
    assert_true(t("1970-01-01T00:00:00Z") == 0);

    static const char *const bad[] = {"",
                                      "yesterday",
                                      "2023-02-29T00:00:00Z",
                                      "2024-13-01T00:00:00Z",
                                      "2024-09-04T25:00:00Z",
                                      "2024-09-04T16:55:38Zjunk",
                                      "2024-09-04T16:55:38+25:00",
                                      "Wed Sep 04 16:55:38.411 PDT 2024",
                                      "Dec 3, 2021, 13:02:30 PM",
                                      "Dec 32, 2021, 6:02:30 PM",
                                      "Foo 3, 2021, 6:02:30 PM",
                                      "1725468938",
                                      "1969-12-31T23:59:59Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (t(bad[i]) != SW_TIME_NONE)
            fail_msg("\"%s\" parsed", bad[i]);
    }
    assert_true(sw_time_parse(NULL, 0) == SW_TIME_NONE);
}

static void timestamp_formatting(void **state)
{
    char out[32];
    assert_int_equal(sw_time_format(INT64_C(1725468938411), out, sizeof(out)), 23);
    assert_string_equal(out, "2024-09-04 16:55:38 UTC");
    sw_time_format_iso(INT64_C(1709164800000), out, sizeof(out));
    assert_string_equal(out, "2024-02-29T00:00:00Z");
    assert_int_equal(sw_time_format(SW_TIME_NONE, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    /* Round trip over a range of days, leap years included. */
    for (int64_t ms = 0; ms < INT64_C(4102444800000); ms += INT64_C(86400000) * 37 + 12345) {
        char iso[32];
        sw_time_format_iso(ms, iso, sizeof(iso));
        assert_true(t(iso) == ms - ms % 1000);
    }
}

static void the_three_styles_in_an_event(void **state)
{
    static const char *const styles[] = {
        "Dec 3, 2021, 6:02:30 PM", "Fri Dec 03 18:02:30.000 UTC 2021", "2021-12-03T18:02:30Z"};
    for (int i = 0; i < 3; i++) {
        char json[512];
        snprintf(json, sizeof(json),
                 "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
                 "\"detail\":{\"firstObservedAt\":\"%s\",\"updatedAt\":\"%s\"}}",
                 styles[i], styles[i]);
        struct sw_event ev;
        parse_text(json, &ev);
        assert_true(ev.finding.first_observed_ms == INT64_C(1638554550000));
        assert_true(ev.finding.updated_at_ms == INT64_C(1638554550000));
        sw_event_clear(&ev);
    }
}

/* Member changes (docs/contract.md §2.5) ask for a drift check in organization scope only:
 * the scope is an input of the one classification. */
static void member_changes_are_drift_checks_in_organization_scope(void **state)
{
    (void)state;
    static const char *const events[] = {
        "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 AutoEnable\",\"detail\":{}}",
        "{\"source\":\"aws.inspector2\",\"detail-type\":\"AWS API Call via CloudTrail\","
        "\"detail\":{\"eventSource\":\"inspector2.amazonaws.com\","
        "\"eventName\":\"DisassociateMember\"}}",
    };
    static const char *const other =
        "{\"source\":\"aws.ecr\",\"detail-type\":\"Inspector2 AutoEnable\",\"detail\":{}}";
    struct sw_event ev;
    struct sw_error err = {0};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(sw_event_parse_scoped(events[i], strlen(events[i]), false, &ev, &err), 0);
        assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
        assert_non_null(ev.unhandled_reason);
        sw_event_clear(&ev);
        assert_int_equal(sw_event_parse(events[i], strlen(events[i]), &ev, &err), 0);
        assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
        sw_event_clear(&ev);
        assert_int_equal(sw_event_parse_scoped(events[i], strlen(events[i]), true, &ev, &err), 0);
        assert_int_equal(ev.cls, SW_CLASS_DRIFT_CHECK);
        assert_null(ev.unhandled_reason);
        sw_event_clear(&ev);
    }
    assert_int_equal(sw_event_parse_scoped(other, strlen(other), true, &ev, &err), 0);
    assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
    sw_event_clear(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_sample_event_is_classified),
        cmocka_unit_test(finding_sample_fields),
        cmocka_unit_test(cloudtrail_sample_fields),
        cmocka_unit_test(other_sample_fields),
        cmocka_unit_test(classification_rules),
        cmocka_unit_test(compliance_classification),
        cmocka_unit_test(non_objects_and_bad_json_are_rejected),
        cmocka_unit_test(limits_are_enforced_before_parsing),
        cmocka_unit_test(list_caps_count_what_they_drop),
        cmocka_unit_test(wrong_types_count_as_missing),
        cmocka_unit_test(unknown_enum_values_are_kept),
        cmocka_unit_test(each_severity_and_status_parses),
        cmocka_unit_test(many_packages_and_long_strings_are_capped),
        cmocka_unit_test(non_ascii_is_kept_verbatim),
        cmocka_unit_test(provider_agnostic_image_fields),
        cmocka_unit_test(cvss_prefers_the_newest_version),
        cmocka_unit_test(parse_never_reads_past_len),
        cmocka_unit_test(timestamp_styles),
        cmocka_unit_test(timestamp_formatting),
        cmocka_unit_test(the_three_styles_in_an_event),
        cmocka_unit_test(member_changes_are_drift_checks_in_organization_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
