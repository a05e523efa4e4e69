/* Unit tests for sw_notify_finding: parse -> decide -> notification text for findings,
 * Inspector scans, coverage changes and ECR basic scans, from the sample events
 * (tests/data/events) and variants (each severity and status, missing fields, non-ASCII,
 * 500 and 1000 packages).
 * Exact lines are asserted where a person relies on them: subject, deadline, packages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/parse/events.h"
#include "handler/notify/finding_cache.h"
#include "handler/notify/notify_console.h"
#include "handler/notify/notify_event.h"
#include "handler/notify/notify_finding.h"
#include "handler/notify/notify_sla.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler/test_util.h"

#define NOW_2024_10_10 INT64_C(1728518400000) /* 2024-10-10T00:00:00Z */

static int64_t ts(const char *s)
{
    return sw_time_parse(s, strlen(s));
}

/* docs/contract.md §4 for every notification: ASCII subject of at most 99 characters, no
 * line breaks; message valid UTF-8 and within 256 KiB; nothing printed as null; no empty
 * "Label: " line. */
static void check_common(const struct sw_notification *n)
{
    size_t len = strlen(n->subject);
    assert_true(len > 0 && len <= SW_SUBJECT_MAX_CHARS);
    for (size_t i = 0; i < len; i++)
        assert_true(n->subject[i] >= 0x20 && n->subject[i] < 0x7f);
    const char *m = sw_buf_cstr(&n->message);
    assert_true(n->message.len <= SW_SNS_MESSAGE_MAX_BYTES);
    assert_true(sw_text_utf8_valid(m, n->message.len));
    assert_null(strstr(m, "null"));
    assert_null(strstr(m, "(null)"));
    assert_null(strstr(m, ": \n"));
    assert_null(strstr(n->subject, "null"));
    for (size_t i = 0; i < n->attribute_count; i++)
        assert_true(n->attributes[i].value[0] != '\0');
}

static bool has_line(const struct sw_notification *n, const char *line)
{
    const char *m = sw_buf_cstr(&n->message);
    size_t l = strlen(line);
    for (const char *p = strstr(m, line); p; p = strstr(p + 1, line)) {
        if ((p == m || p[-1] == '\n') && (p[l] == '\n' || p[l] == '\0'))
            return true;
    }
    return false;
}

static void assert_line(const struct sw_notification *n, const char *line)
{
    if (!has_line(n, line))
        fail_msg("missing line \"%s\" in:\n%s", line, sw_buf_cstr(&n->message));
}

static size_t count_prefix(const struct sw_notification *n, const char *prefix)
{
    size_t c = 0;
    const char *m = sw_buf_cstr(&n->message);
    size_t l = strlen(prefix);
    for (const char *p = m; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, prefix, l) == 0)
            c++;
    }
    return c;
}

static void parse(const char *json, struct sw_event *ev)
{
    struct sw_error err = {0};
    if (sw_event_parse(json, strlen(json), ev, &err) != 0)
        fail_msg("parse: %s", err.msg);
}

static void build(const struct sw_event *ev, enum sw_severity min, int64_t now,
                  struct sw_notification *n)
{
    struct sw_error err = {0};
    sw_notification_init(n);
    if (sw_notify_event_build(ev, min, now, n, &err) != 0)
        fail_msg("build: %s", err.msg);
    check_common(n);
}

/* A finding event with the given severity, status and firstObservedAt (NULL: left out). */
static void finding_json(char *out, size_t cap, const char *severity, const char *status,
                         const char *first)
{
    char sev[64] = "", st[64] = "", fo[128] = "";
    if (severity)
        snprintf(sev, sizeof(sev), "\"severity\":\"%s\",", severity);
    if (status)
        snprintf(st, sizeof(st), "\"status\":\"%s\",", status);
    if (first)
        snprintf(fo, sizeof(fo), "\"firstObservedAt\":\"%s\",", first);
    snprintf(out, cap,
             "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
             "\"account\":\"111122223333\",\"region\":\"us-west-2\",\"detail\":{%s%s%s"
             "\"findingArn\":\"arn:aws:inspector2:us-west-2:111122223333:finding/abc\","
             "\"updatedAt\":\"2024-05-01T10:00:00Z\","
             "\"packageVulnerabilityDetails\":{\"vulnerabilityId\":\"CVE-2023-44487\"},"
             "\"resources\":[{\"type\":\"AWS_ECR_CONTAINER_IMAGE\",\"details\":{"
             "\"awsEcrContainerImage\":{\"repositoryName\":\"web/api\",\"imageTags\":"
             "[\"1.4.2\"]}}}]}}",
             sev, st, fo);
}

/* ---- the 2024 sample ---- */

static void sample_finding_notification(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_BELOW_THRESHOLD);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_MEDIUM), SW_NOTIFY_YES);
    build(&ev, SW_SEVERITY_MEDIUM, NOW_2024_10_10, &n);

    assert_string_equal(n.subject, "[MEDIUM] CVE-2024-6119 in inspector2:ubuntu_latest");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "finding");
    assert_string_equal(sw_notification_attribute(&n, "severity"), "MEDIUM");
    assert_string_equal(sw_notification_attribute(&n, "account_id"), "123456789012");
    assert_string_equal(sw_notification_attribute(&n, "region"), "eu-central-1");
    assert_line(&n, "Vulnerability: CVE-2024-6119");
    assert_line(&n, "Title: CVE-2024-6119 - libssl3t64, openssl");
    assert_line(&n, "Severity: MEDIUM");
    assert_line(&n, "EPSS score: 0.00045 (0.045% probability of exploitation in the next 30 "
                    "days)");
    assert_line(&n, "Exploit available: NO");
    assert_line(&n, "Fix available: YES");
    assert_line(&n, "Respond by: 2024-10-04 16:55:38 UTC (MEDIUM SLA: 30 days from first "
                    "observed; OVERDUE by 5 days)");
    assert_line(&n, "First observed: 2024-09-04 16:55:38 UTC");
    assert_line(&n, "Vulnerable packages (2)");
    assert_line(&n, "  - libssl3t64 3.0.13-0ubuntu3.2 \xe2\x86\x92 0:3.0.13-0ubuntu3.4 (OS)");
    assert_line(&n, "  - openssl 3.0.13-0ubuntu3.2 \xe2\x86\x92 0:3.0.13-0ubuntu3.4 (OS)");
    assert_line(&n, "  Repository: inspector2");
    assert_line(&n, "  Tags: ubuntu_latest");
    assert_line(&n, "  Digest: sha256:84f507df33c6864d49c296fb734192696e4cb6f78166ac51ac8b9b11818"
                    "1085d");
    assert_line(&n, "Finding ARN: arn:aws:inspector2:eu-central-1:123456789012:finding/"
                    "{{FINDING_ID}}");
    assert_line(&n, "Console (all findings): https://eu-central-1.console.aws.amazon.com/"
                    "inspector/v2/home?region=eu-central-1#/findings/all");
    /* Absent in the sample: never printed. */
    const char *m = sw_buf_cstr(&n.message);
    assert_null(strstr(m, "Inspector score"));
    assert_null(strstr(m, "CVSS"));
    assert_null(strstr(m, "None Provided")); /* Inspector's "no advice" is not shown */
    assert_null(strstr(m, "Remediation"));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

/* ---- decisions ---- */

static void verdict_matrix(void **state)
{
    static const char *const sev[] = {"UNTRIAGED", "INFORMATIONAL", "LOW",
                                      "MEDIUM",    "HIGH",          "CRITICAL"};
    char json[2048];
    for (int s = 0; s < 6; s++) {
        finding_json(json, sizeof(json), sev[s], "ACTIVE", NULL);
        struct sw_event ev;
        parse(json, &ev);
        for (int min = 0; min < 6; min++) {
            enum sw_notify_verdict v = sw_notify_finding_verdict(&ev.finding, min);
            assert_int_equal(v, s >= min ? SW_NOTIFY_YES : SW_NOTIFY_BELOW_THRESHOLD);
        }
        sw_event_clear(&ev);
    }
    static const char *const inactive[] = {"SUPPRESSED", "CLOSED", "REOPENED", NULL};
    for (int i = 0; i < 4; i++) {
        finding_json(json, sizeof(json), "CRITICAL", inactive[i], NULL);
        struct sw_event ev;
        parse(json, &ev);
        assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_UNTRIAGED), SW_NOTIFY_NOT_ACTIVE);
        sw_event_clear(&ev);
    }
    /* Missing or unknown severity ranks as UNTRIAGED. */
    for (int i = 0; i < 2; i++) {
        finding_json(json, sizeof(json), i ? "SEVERE" : NULL, "ACTIVE", NULL);
        struct sw_event ev;
        parse(json, &ev);
        assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_INFORMATIONAL),
                         SW_NOTIFY_BELOW_THRESHOLD);
        assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_UNTRIAGED), SW_NOTIFY_YES);
        sw_event_clear(&ev);
    }
    struct sw_event ct;
    tu_parse_shared("synthesized/cloudtrail-inspector2-Disable-ECR.json", &ct);
    assert_int_equal(sw_notify_event_verdict(&ct, SW_SEVERITY_UNTRIAGED), SW_NOTIFY_NOT_APPLICABLE);
    struct sw_notification n;
    struct sw_error err;
    sw_notification_init(&n);
    assert_int_equal(sw_notify_event_build(&ct, SW_SEVERITY_HIGH, 0, &n, &err), SW_EINVAL);
    assert_int_equal(sw_notify_finding_build(&ct, 0, &n, &err), SW_EINVAL);
    sw_notification_clear(&n);
    sw_event_clear(&ct);
    assert_string_equal(sw_notify_verdict_name(SW_NOTIFY_BELOW_THRESHOLD), "below-threshold");
    assert_string_equal(sw_notify_verdict_name(SW_NOTIFY_DUPLICATE), "duplicate");
}

/* ---- deadlines ---- */

static void deadline_per_severity(void **state)
{
    static const struct {
        const char *sev;
        const char *line; /* NULL: no deadline */
    } cases[] = {
        {"CRITICAL", "Respond by: 2024-05-02 10:00:00 UTC (CRITICAL SLA: 24 hours from first "
                     "observed; OVERDUE by 12 hours)"},
        {"HIGH", "Respond by: 2024-05-08 10:00:00 UTC (HIGH SLA: 7 days from first observed; "
                 "5 days left)"},
        {"MEDIUM", "Respond by: 2024-05-31 10:00:00 UTC (MEDIUM SLA: 30 days from first "
                   "observed; 28 days left)"},
        {"LOW", "Respond by: 2024-05-31 10:00:00 UTC (LOW SLA: 30 days from first observed; 28 "
                "days left)"},
        {"INFORMATIONAL", NULL},
        {"UNTRIAGED", NULL},
    };
    int64_t now = ts("2024-05-02T22:00:00Z");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[2048];
        finding_json(json, sizeof(json), cases[i].sev, "ACTIVE", "2024-05-01T10:00:00Z");
        struct sw_event ev;
        struct sw_notification n;
        parse(json, &ev);
        build(&ev, SW_SEVERITY_UNTRIAGED, now, &n);
        if (cases[i].line)
            assert_line(&n, cases[i].line);
        else
            assert_null(strstr(sw_buf_cstr(&n.message), "Respond by"));
        char subject[128];
        snprintf(subject, sizeof(subject), "[%s] CVE-2023-44487 in web/api:1.4.2", cases[i].sev);
        assert_string_equal(n.subject, subject);
        assert_string_equal(sw_notification_attribute(&n, "severity"), cases[i].sev);
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
    assert_true(sw_notify_sla_ms(SW_SEVERITY_CRITICAL) == SW_TIME_DAY_MS);
    assert_true(sw_notify_sla_ms(SW_SEVERITY_LOW) == 30 * SW_TIME_DAY_MS);
    assert_true(sw_notify_sla_ms(SW_SEVERITY_NONE) == 0);
}

static void deadline_from_each_timestamp_style(void **state)
{
    static const char *const styles[] = {
        "Dec 3, 2021, 6:02:30 PM", "Fri Dec 03 18:02:30.000 UTC 2021", "2021-12-03T19:02:30+01:00"};
    for (int i = 0; i < 3; i++) {
        char json[2048];
        finding_json(json, sizeof(json), "HIGH", "ACTIVE", styles[i]);
        struct sw_event ev;
        struct sw_notification n;
        parse(json, &ev);
        build(&ev, SW_SEVERITY_HIGH, ts("2021-12-04T18:02:30Z"), &n);
        assert_line(&n, "Respond by: 2021-12-10 18:02:30 UTC (HIGH SLA: 7 days from first "
                        "observed; 6 days left)");
        assert_line(&n, "First observed: 2021-12-03 18:02:30 UTC");
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
    /* An unreadable time: shown as sent, no deadline computed. */
    char json[2048];
    finding_json(json, sizeof(json), "HIGH", "ACTIVE", "sometime last week");
    struct sw_event ev;
    struct sw_notification n;
    parse(json, &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_line(&n, "First observed: sometime last week");
    assert_null(strstr(sw_buf_cstr(&n.message), "Respond by"));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

/* ---- missing and unusual fields ---- */

static void minimal_finding_prints_only_what_it_has(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\",\"detail\":{"
          "\"severity\":\"HIGH\",\"status\":\"ACTIVE\"}}",
          &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_string_equal(n.subject, "[HIGH] Inspector finding");
    assert_string_equal(sw_buf_cstr(&n.message),
                        "Amazon Inspector reports a HIGH vulnerability.\n\nSeverity: HIGH\n"
                        "Status: ACTIVE\n\n");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "finding");
    assert_null(sw_notification_attribute(&n, "account_id"));
    assert_null(sw_notification_attribute(&n, "region"));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void full_finding_with_cvss_and_remediation(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
          "\"account\":\"111122223333\",\"region\":\"us-east-1\",\"detail\":{"
          "\"severity\":\"CRITICAL\",\"status\":\"ACTIVE\",\"inspectorScore\":9.8,"
          "\"title\":\"CVE-2023-44487 - nghttp2\",\"exploitAvailable\":\"YES\","
          "\"fixAvailable\":\"PARTIAL\",\"epss\":{\"score\":0.94},"
          "\"remediation\":{\"recommendation\":{\"text\":\"Upgrade nghttp2.\"}},"
          "\"packageVulnerabilityDetails\":{\"vulnerabilityId\":\"CVE-2023-44487\","
          "\"cvss\":[{\"baseScore\":7.5,\"scoringVector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/"
          "I:N/A:H\",\"source\":\"NVD\",\"version\":\"3.1\"}],\"vulnerablePackages\":["
          "{\"name\":\"nghttp2\",\"version\":\"1.40.0\",\"fixedInVersion\":\"NotAvailable\","
          "\"packageManager\":\"OS\"},{\"name\":\"golang.org/x/net\",\"version\":\"v0.7.0\","
          "\"fixedInVersion\":\"0.17.0\",\"packageManager\":\"GOBINARY\",\"filePath\":"
          "\"/app/server\"},{\"version\":\"1\"}]},"
          "\"resources\":[{\"type\":\"AWS_ECR_CONTAINER_IMAGE\",\"id\":\"arn:aws:ecr:us-east-1:"
          "111122223333:repository/web/api/sha256:0123456789abcdef0123\",\"details\":{"
          "\"awsEcrContainerImage\":{\"repositoryName\":\"web/api\",\"imageHash\":"
          "\"sha256:0123456789abcdef0123\"}}}]}}",
          &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    /* No tag: the digest, shortened, names the image. */
    assert_string_equal(n.subject, "[CRITICAL] CVE-2023-44487 in web/api@sha256:0123456789ab");
    assert_line(&n, "Inspector score: 9.8");
    assert_line(&n, "CVSS base score: 7.5 (CVSS 3.1, NVD)");
    assert_line(&n, "CVSS vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
    assert_line(&n, "EPSS score: 0.94 (94% probability of exploitation in the next 30 days)");
    assert_line(&n, "Exploit available: YES");
    assert_line(&n, "Fix available: PARTIAL");
    assert_line(&n, "  - nghttp2 1.40.0, no fixed version yet (OS)");
    assert_line(&n, "  - golang.org/x/net v0.7.0 \xe2\x86\x92 0.17.0 (GOBINARY) at /app/server");
    assert_line(&n, "  - (unnamed package) 1, no fixed version yet");
    assert_line(&n, "Remediation");
    assert_line(&n, "Upgrade nghttp2.");
    assert_line(&n, "  Image ARN: arn:aws:ecr:us-east-1:111122223333:repository/web/api/"
                    "sha256:0123456789abcdef0123");
    assert_line(&n, "Console (this image): https://us-east-1.console.aws.amazon.com/inspector/v2/"
                    "home?region=us-east-1#/findings/container-image/arn%3Aaws%3Aecr%3Aus-east-1%3A"
                    "111122223333%3Arepository%2Fweb%2Fapi%2Fsha256%3A0123456789abcdef0123");
    /* No firstObservedAt: no deadline. */
    assert_null(strstr(sw_buf_cstr(&n.message), "Respond by"));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void non_ascii_and_long_fields_keep_the_subject_valid(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\",\"detail\":{"
          "\"severity\":\"CRITICAL\",\"status\":\"ACTIVE\",\"title\":\"Fa\\u00e7ade \\u2013 "
          "d\\u00e9j\\u00e0 vu \xe6\xbc\xa2\\u5b57\",\"resources\":[{\"details\":{"
          "\"awsEcrContainerImage\":{\"repositoryName\":\"caf\\u00e9/\\u00fcber\",\"imageTags\":"
          "[\"v\\u00e9\"]}}}]}}",
          &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    /* No vulnerability id: the title stands in, transliterated. */
    assert_string_equal(n.subject, "[CRITICAL] Facade - deja vu in cafe/uber:ve");
    assert_line(&n, "Title: Fa\xc3\xa7"
                    "ade \xe2\x80\x93 d\xc3\xa9j\xc3\xa0 vu \xe6\xbc\xa2\xe5\xad\x97");
    sw_notification_clear(&n);
    sw_event_clear(&ev);

    /* Huge id and repository: the subject is cut to 99 characters but keeps severity and id. */
    char json[8192];
    char longid[300], longrepo[400];
    memset(longid, 'A', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    memcpy(longid, "CVE-2024-", 9);
    memset(longrepo, 'r', sizeof(longrepo) - 1);
    longrepo[sizeof(longrepo) - 1] = '\0';
    snprintf(json, sizeof(json),
             "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\",\"detail\":{"
             "\"severity\":\"LOW\",\"status\":\"ACTIVE\",\"packageVulnerabilityDetails\":{"
             "\"vulnerabilityId\":\"%s\"},\"resources\":[{\"details\":{\"awsEcrContainerImage\":"
             "{\"repositoryName\":\"%s\"}}}]}}",
             longid, longrepo);
    parse(json, &ev);
    build(&ev, SW_SEVERITY_LOW, NOW_2024_10_10, &n);
    assert_true(strncmp(n.subject, "[LOW] CVE-2024-AAAA", 19) == 0);
    assert_true(strlen(n.subject) <= 99);
    sw_notification_clear(&n);
    sw_event_clear(&ev);

    /* The short id keeps the image in full. */
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\",\"detail\":{"
          "\"severity\":\"HIGH\",\"status\":\"ACTIVE\",\"title\":\"line\\nbreak\\tand\\u0000x\"}}",
          &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_null(strchr(n.subject, '\n'));
    assert_null(strchr(n.subject, '\t'));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static char *packages_json(size_t count, size_t name_len)
{
    size_t cap = count * (name_len + 160) + 1024;
    char *json = malloc(cap);
    assert_non_null(json);
    char *name = malloc(name_len + 1);
    assert_non_null(name);
    memset(name, 'p', name_len);
    name[name_len] = '\0';
    size_t o = (size_t)snprintf(json, cap,
                                "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 "
                                "Finding\",\"detail\":{\"severity\":\"HIGH\",\"status\":"
                                "\"ACTIVE\",\"packageVulnerabilityDetails\":{"
                                "\"vulnerabilityId\":\"CVE-2024-1\",\"vulnerablePackages\":[");
    for (size_t i = 0; i < count; i++)
        o += (size_t)snprintf(json + o, cap - o,
                              "%s{\"name\":\"%s%zu\",\"version\":\"1.%zu\",\"fixedInVersion\":"
                              "\"2.%zu\",\"packageManager\":\"NPM\"}",
                              i ? "," : "", name, i, i, i);
    snprintf(json + o, cap - o, "]}}}");
    free(name);
    return json;
}

static void five_hundred_packages_are_all_listed(void **state)
{
    char *json = packages_json(500, 3);
    struct sw_event ev;
    struct sw_notification n;
    parse(json, &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_line(&n, "Vulnerable packages (500)");
    assert_int_equal(count_prefix(&n, "  - ppp"), 500);
    assert_line(&n, "  - ppp0 1.0 \xe2\x86\x92 2.0 (NPM)");
    assert_line(&n, "  - ppp499 1.499 \xe2\x86\x92 2.499 (NPM)");
    assert_null(strstr(sw_buf_cstr(&n.message), "more not listed"));
    sw_notification_clear(&n);
    sw_event_clear(&ev);
    free(json);
}

static void huge_package_lists_stay_within_sns_limits(void **state)
{
    /* 1500 packages with 1 KB names: 1000 kept by the parser, fewer fit in the message. */
    char *json = packages_json(1500, 1000);
    struct sw_event ev;
    struct sw_notification n;
    parse(json, &ev);
    assert_int_equal(ev.finding.package_count, 1000);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_line(&n, "Vulnerable packages (1500)");
    size_t listed = count_prefix(&n, "  - ppp");
    assert_true(listed > 100 && listed < 1000);
    char more[96];
    snprintf(more, sizeof(more), "  ... and %zu more not listed here (see the console)",
             1500 - listed);
    assert_line(&n, more);
    assert_true(n.message.len < SW_SNS_MESSAGE_MAX_BYTES);
    sw_notification_clear(&n);
    sw_event_clear(&ev);
    free(json);
}

/* ---- scans, coverage, basic scans ---- */

#define SCAN(counts)                                                                               \
    "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Scan\",\"account\":"              \
    "\"111122223333\",\"region\":\"us-east-1\",\"detail\":{\"scan-status\":"                       \
    "\"INITIAL_SCAN_COMPLETE\",\"repository-name\":\"arn:aws:ecr:us-east-1:111122223333:"          \
    "repository/inspector2\",\"image-digest\":\"sha256:965f\",\"image-tags\":[\"ubuntu22\"],"      \
    "\"finding-severity-counts\":" counts "}}"

static void scan_summaries(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    tu_parse_shared("inspector2-scan-ecr.inspector-docs-2023.json", &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_UNTRIAGED),
                     SW_NOTIFY_BELOW_THRESHOLD); /* all counts zero */
    sw_event_clear(&ev);

    parse(SCAN("{\"CRITICAL\":2,\"HIGH\":3,\"MEDIUM\":0,\"LOW\":5,\"TOTAL\":10}"), &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_YES);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_string_equal(n.subject, "[CRITICAL] Inspector scan of inspector2:ubuntu22: 2 CRITICAL, "
                                   "3 HIGH");
    assert_line(&n, "Amazon Inspector scanned inspector2:ubuntu22 and found 2 CRITICAL, 3 HIGH "
                    "(at or above HIGH).");
    assert_line(&n, "  CRITICAL: 2");
    assert_line(&n, "  LOW: 5");
    assert_line(&n, "  Total: 10");
    assert_line(&n, "Scan status: INITIAL_SCAN_COMPLETE");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "scan");
    assert_string_equal(sw_notification_attribute(&n, "severity"), "CRITICAL");
    assert_string_equal(sw_notification_attribute(&n, "account_id"), "111122223333");
    assert_string_equal(sw_notification_attribute(&n, "region"), "us-east-1");
    sw_notification_clear(&n);
    sw_event_clear(&ev);

    parse(SCAN("{\"HIGH\":1,\"LOW\":5}"), &ev);
    build(&ev, SW_SEVERITY_MEDIUM, NOW_2024_10_10, &n);
    assert_string_equal(n.subject, "[HIGH] Inspector scan of inspector2:ubuntu22: 1 HIGH");
    sw_notification_clear(&n);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_CRITICAL), SW_NOTIFY_BELOW_THRESHOLD);
    sw_event_clear(&ev);

    parse(SCAN("{\"LOW\":5}"), &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_BELOW_THRESHOLD);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_LOW), SW_NOTIFY_YES);
    sw_event_clear(&ev);

    parse(SCAN("\"lots\""), &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_UNTRIAGED),
                     SW_NOTIFY_BELOW_THRESHOLD);
    sw_event_clear(&ev);
}

static void basic_scan_summary_says_basic_scanning_is_in_use(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    tu_parse_shared("ecr-image-scan-basic.ecr-docs.json", &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_YES);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_string_equal(n.subject,
                        "[CRITICAL] ECR basic scan of my-repository-name@sha256:7f5b2640fe6f: 10 "
                        "CRITICAL");
    assert_non_null(strstr(sw_buf_cstr(&n.message), "Note: this image was scanned with ECR basic "
                                                    "scanning."));
    assert_line(&n, "  CRITICAL: 10");
    assert_line(&n, "  MEDIUM: 9");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "basic-scan");
    assert_string_equal(sw_notification_attribute(&n, "severity"), "CRITICAL");
    sw_notification_clear(&n);
    sw_event_clear(&ev);

    parse("{\"source\":\"aws.ecr\",\"detail-type\":\"ECR Image Scan\",\"detail\":{"
          "\"finding-severity-counts\":{\"MEDIUM\":9,\"UNDEFINED\":2}}}",
          &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_BELOW_THRESHOLD);
    build(&ev, SW_SEVERITY_UNTRIAGED, NOW_2024_10_10, &n);
    assert_line(&n, "  UNDEFINED: 2");
    assert_string_equal(n.subject, "[MEDIUM] ECR basic scan of an image: 9 MEDIUM, 2 UNDEFINED");
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void coverage_changes(void **state)
{
    struct sw_event ev;
    struct sw_notification n;
    tu_parse_shared("synthesized/inspector2-coverage-ecr-image.json", &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_CRITICAL), SW_NOTIFY_YES);
    build(&ev, SW_SEVERITY_CRITICAL, NOW_2024_10_10, &n);
    assert_string_equal(n.subject, "scanwarden: Inspector stopped scanning my-app@sha256:"
                                   "84f507df33c6 (SCAN_ELIGIBILITY_EXPIRED)");
    assert_line(&n, "Amazon Inspector no longer scans my-app@sha256:84f507df33c6 (scan status "
                    "INACTIVE).");
    assert_line(&n, "Reason: the image was not pushed or pulled within the ECR re-scan duration, "
                    "so Inspector stopped monitoring it.");
    assert_line(&n, "Reason code: SCAN_ELIGIBILITY_EXPIRED");
    assert_line(&n, "Time: 2024-05-01 10:09:58 UTC");
    assert_string_equal(sw_notification_attribute(&n, "event_kind"), "coverage");
    assert_null(sw_notification_attribute(&n, "severity"));
    assert_string_equal(sw_notification_attribute(&n, "account_id"), "123456789012");
    sw_notification_clear(&n);
    sw_event_clear(&ev);

    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\",\"detail\":{"
          "\"scanStatus\":{\"statusCodeValue\":\"ACTIVE\",\"reason\":\"SUCCESSFUL\"}}}",
          &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_STILL_SCANNED);
    sw_event_clear(&ev);
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\",\"detail\":{}}",
          &ev);
    assert_int_equal(sw_notify_event_verdict(&ev, SW_SEVERITY_HIGH), SW_NOTIFY_STILL_SCANNED);
    sw_event_clear(&ev);
    /* An unknown reason is still reported, by its code. */
    parse("{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\",\"resources\":"
          "[\"arn:aws:ecr:eu-west-1:1:repository/team/app\"],\"detail\":{\"scanStatus\":{"
          "\"statusCodeValue\":\"INACTIVE\",\"reason\":\"SOMETHING_NEW\"}}}",
          &ev);
    build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
    assert_string_equal(n.subject, "scanwarden: Inspector stopped scanning team/app "
                                   "(SOMETHING_NEW)");
    assert_null(strstr(sw_buf_cstr(&n.message), "Reason: "));
    assert_line(&n, "Reason code: SOMETHING_NEW");
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

/* ---- regions and accounts read from events ---- */

/* AWS's documented 2021 finding sample (Amazon Inspector user guide, EventBridge event for an
 * ECR finding) sends "partition": "N/A" and "region": "N/A" in resources[0]: the region comes
 * from the envelope, else from the finding ARN, else from the resource ARN; the attribute,
 * the text and both console links use it. */
static void finding_with_region_na_keeps_its_region(void **state)
{
    static const char *const shapes[] = {
        /* the 2021 sample's shape: envelope region us-west-2 */
        "{\"version\":\"0\",\"detail-type\":\"Inspector2 Finding\",\"source\":\"aws.inspector2\","
        "\"account\":\"111122223333\",\"time\":\"2021-11-30T20:59:16Z\",\"region\":\"us-west-2\","
        "\"resources\":[\"arn:aws:ecr:us-west-2:111122223333:repository/inspector2/sha256:98f0\"],"
        "\"detail\":{\"awsAccountId\":\"111122223333\",\"findingArn\":"
        "\"arn:aws:inspector2:us-west-2:111122223333:finding/FINDING_ID\",\"severity\":\"HIGH\","
        "\"status\":\"ACTIVE\",\"packageVulnerabilityDetails\":{\"vulnerabilityId\":"
        "\"CVE-2021-3711\"},\"resources\":[{\"details\":{\"awsEcrContainerImage\":{"
        "\"repositoryName\":\"inspector2\",\"imageHash\":\"sha256:98f0\"}},\"id\":"
        "\"arn:aws:ecr:us-west-2:111122223333:repository/inspector2/sha256:98f0\","
        "\"partition\":\"N/A\",\"region\":\"N/A\",\"type\":\"AWS_ECR_CONTAINER_IMAGE\"}]}}",
        /* no envelope region: the finding ARN's */
        "{\"detail-type\":\"Inspector2 Finding\",\"source\":\"aws.inspector2\",\"detail\":{"
        "\"findingArn\":\"arn:aws:inspector2:us-west-2:111122223333:finding/F\",\"severity\":"
        "\"HIGH\",\"status\":\"ACTIVE\",\"resources\":[{\"id\":"
        "\"arn:aws:ecr:us-west-2:111122223333:repository/r/sha256:98f0\",\"region\":\"N/A\","
        "\"type\":\"AWS_ECR_CONTAINER_IMAGE\"}]}}",
        /* a finding ARN without a region ("N/A" too): the resource ARN's */
        "{\"detail-type\":\"Inspector2 Finding\",\"source\":\"aws.inspector2\",\"region\":\"N/A\","
        "\"detail\":{\"findingArn\":\"arn:aws:inspector2:N/A:111122223333:finding/F\","
        "\"severity\":\"HIGH\",\"status\":\"ACTIVE\",\"resources\":[{\"id\":"
        "\"arn:aws:ecr:us-west-2:111122223333:repository/r/sha256:98f0\",\"region\":\"N/A\","
        "\"type\":\"AWS_ECR_CONTAINER_IMAGE\"}]}}",
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        struct sw_event ev;
        struct sw_notification n;
        parse(shapes[i], &ev);
        assert_string_equal(ev.finding.region, "us-west-2");
        build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
        assert_string_equal(sw_notification_attribute(&n, "region"), "us-west-2");
        assert_line(&n, "Region: us-west-2");
        assert_false(has_line(&n, "Region: N/A"));
        assert_line(&n, "Console (all findings): https://us-west-2.console.aws.amazon.com/"
                        "inspector/v2/home?region=us-west-2#/findings/all");
        assert_non_null(strstr(sw_buf_cstr(&n.message), "Console (this image): https://"));
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
}

/* A non-ASCII or malformed awsAccountId or region has no usable value: it is dropped when the
 * event is read, its attribute is left out, and the notification is still built (SNS
 * refuses an empty attribute value, which failed the whole Publish). */
static void bad_account_or_region_leaves_the_attribute_out_not_the_notification(void **state)
{
    static const char *const bad[][2] = {
        {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97"
         "\xef\xbc\x98\xef\xbc\x99\xef\xbc\x90\xef\xbc\x91\xef\xbc\x92", /* fullwidth digits */
         "\xc3\xbc\xc3\xa9-west-1"},
        {"12345678901x", "N/A"},
        {"1234567890123", "us-east-1.evil"},
        {"\xe2\x80\xae", "\xe2\x80\xae"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char json[1024];
        struct sw_event ev;
        struct sw_notification n;
        snprintf(json, sizeof(json),
                 "{\"detail-type\":\"Inspector2 Finding\",\"source\":\"aws.inspector2\","
                 "\"account\":\"%s\",\"region\":\"%s\",\"detail\":{\"awsAccountId\":\"%s\","
                 "\"severity\":\"CRITICAL\",\"status\":\"ACTIVE\",\"findingArn\":\"x\","
                 "\"resources\":[{\"region\":\"%s\",\"id\":\"i-1\"}]}}",
                 bad[i][0], bad[i][1], bad[i][0], bad[i][1]);
        parse(json, &ev);
        assert_null(ev.finding.account_id);
        assert_null(ev.finding.region);
        assert_null(ev.env.account);
        assert_null(ev.env.region);
        build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n); /* check_common: no empty value */
        assert_null(sw_notification_attribute(&n, "account_id"));
        assert_null(sw_notification_attribute(&n, "region"));
        assert_string_equal(sw_notification_attribute(&n, "event_kind"), "finding");
        assert_null(strstr(sw_buf_cstr(&n.message), "Account: "));
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
    /* The rule is the attribute's own: a value with nothing left after ASCII folding. */
    struct sw_notification n;
    sw_notification_init(&n);
    assert_int_equal(sw_notification_add_attribute(&n, "repository", "\xe6\x97\xa5\xe6\x9c\xac"),
                     0);
    assert_int_equal(sw_notification_add_attribute(&n, "account_id", NULL), 0);
    assert_int_equal(n.attribute_count, 0);
    assert_int_equal(sw_notification_add_attribute(&n, "region", "eu-west-1"), 0);
    assert_int_equal(n.attribute_count, 1);
    sw_notification_clear(&n);
}

/* Inspector2 Coverage also covers EC2 instances and Lambda functions: only ECR repositories
 * and images are notified; the rest are unhandled, saying why. */
static void coverage_of_other_resources_is_not_notified(void **state)
{
    static const char *const others[] = {
        "\"resources\":[\"i-0123456789abcdef0\"],\"detail\":{",
        "\"resources\":[\"arn:aws:lambda:eu-west-1:111122223333:function:f:$LATEST\"],\"detail\":{",
        "\"resources\":[\"arn:aws:ecr:eu-west-1:111122223333:repository/r\"],\"detail\":{"
        "\"resourceType\":\"AWS_EC2_INSTANCE\",",
        "\"detail\":{\"resourceType\":\"AWS_LAMBDA_FUNCTION\",",
        "\"detail\":{",
    };
    static const char *const ecr[] = {
        "\"resources\":[\"arn:aws:ecr:eu-west-1:111122223333:repository/team/app\"],\"detail\":{",
        "\"resources\":[\"arn:aws:ecr:eu-west-1:111122223333:repository/r/sha256:ab\"],"
        "\"detail\":{\"resourceType\":\"AWS_ECR_CONTAINER_IMAGE\",",
        "\"resources\":[\"x\"],\"detail\":{\"resourceType\":\"AWS_ECR_REPOSITORY\",",
    };
    char json[1024];
    struct sw_event ev;
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        snprintf(json, sizeof(json),
                 "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\",%s"
                 "\"scanStatus\":{\"statusCodeValue\":\"INACTIVE\",\"reason\":"
                 "\"SCAN_ELIGIBILITY_EXPIRED\"}}}",
                 others[i]);
        parse(json, &ev);
        assert_int_equal(ev.kind, SW_EVENT_COVERAGE);
        assert_int_equal(ev.cls, SW_CLASS_UNHANDLED);
        assert_non_null(strstr(ev.unhandled_reason, "ECR"));
        sw_event_clear(&ev);
    }
    for (size_t i = 0; i < sizeof(ecr) / sizeof(ecr[0]); i++) {
        snprintf(json, sizeof(json),
                 "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\",%s"
                 "\"scanStatus\":{\"statusCodeValue\":\"INACTIVE\"}}}",
                 ecr[i]);
        parse(json, &ev);
        assert_int_equal(ev.cls, SW_CLASS_NOTIFY);
        sw_event_clear(&ev);
    }
}

/* Line and paragraph separators, NEXT LINE and the other C1 controls are flattened like
 * CR/LF in every one-line field, and replaced in the rest of the text: none reaches the
 * subject, the e-mail text or a forged line. */
static void unicode_line_breaks_and_c1_controls_are_flattened(void **state)
{
    static const char *const breaks[] = {"\\u2028", "\\u2029", "\\u0085", "\\u009b", "\\u0080"};
    static const char *const raw[] = {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85", "\xc2\x9b",
                                      "\xc2\x80"};
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        char json[2048];
        struct sw_event ev;
        struct sw_notification n;
        const char *b = breaks[i];
        snprintf(json, sizeof(json),
                 "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
                 "\"detail\":{\"severity\":\"CRITICAL\",\"status\":\"ACTIVE\",\"title\":"
                 "\"t%sSeverity: LOW\",\"description\":\"d%sx\",\"packageVulnerabilityDetails\":"
                 "{\"vulnerabilityId\":\"CVE-1%sForged\",\"vulnerablePackages\":[{\"name\":"
                 "\"p%sStatus: SUPPRESSED\",\"version\":\"1\"}]},\"resources\":[{\"details\":{"
                 "\"awsEcrContainerImage\":{\"repositoryName\":\"r%sx\",\"imageTags\":"
                 "[\"v%s1\"]}}}]}}",
                 b, b, b, b, b, b);
        parse(json, &ev);
        build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
        const char *m = sw_buf_cstr(&n.message);
        assert_null(strstr(m, raw[i]));
        assert_null(strstr(n.subject, raw[i]));
        assert_false(has_line(&n, "Severity: LOW"));
        assert_null(strstr(m, "\nStatus: SUPPRESSED"));
        assert_line(&n, "Title: t Severity: LOW");
        sw_notification_clear(&n);
        sw_event_clear(&ev);

        /* A coverage event's status and resource too. */
        snprintf(json, sizeof(json),
                 "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Coverage\","
                 "\"resources\":[\"arn:aws:ecr:eu-west-1:111122223333:repository/r%s\\n"
                 "Reason code: FORGED\"],\"detail\":{\"scanStatus\":{\"statusCodeValue\":"
                 "\"INACTIVE%sSeverity: LOW\"}}}",
                 b, b);
        parse(json, &ev);
        build(&ev, SW_SEVERITY_HIGH, NOW_2024_10_10, &n);
        assert_null(strstr(sw_buf_cstr(&n.message), raw[i]));
        assert_false(has_line(&n, "Severity: LOW"));
        assert_false(has_line(&n, "Reason code: FORGED"));
        assert_null(strstr(sw_buf_cstr(&n.message), "\nReason code: FORGED"));
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
}

/* ---- console links ---- */

static void console_links_per_partition(void **state)
{
    struct sw_finding f = {0};
    char out[512];
    f.region = "cn-north-1";
    assert_true(sw_notify_console_link(&f, out, sizeof(out)) > 0);
    assert_string_equal(out, "https://cn-north-1.console.amazonaws.cn/inspector/v2/home?region="
                             "cn-north-1#/findings/all");
    f.region = "us-gov-west-1";
    sw_notify_console_link(&f, out, sizeof(out));
    assert_string_equal(out, "https://console.amazonaws-us-gov.com/inspector/v2/home?region="
                             "us-gov-west-1#/findings/all");
    f.region = "evil.example.com/x";
    assert_int_equal(sw_notify_console_link(&f, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    f.region = NULL;
    assert_int_equal(sw_notify_console_link(&f, out, sizeof(out)), 0);
    f.region = "eu-west-1";
    assert_int_equal(sw_notify_console_link(&f, out, 10), 0); /* too small: nothing */
}

/* ---- duplicate cache ---- */

static void duplicate_cache(void **state)
{
    struct sw_finding_cache *c = malloc(sizeof(*c));
    assert_non_null(c);
    sw_finding_cache_init(c);
    struct sw_finding a = {0}, b = {0}, no_arn = {0};
    a.finding_arn = "arn:aws:inspector2:us-east-1:1:finding/a";
    a.updated_at_text = "2024-05-01T10:00:00Z";
    b = a;
    b.updated_at_text = "2024-05-02T10:00:00Z"; /* same finding, updated: notify again */
    no_arn.updated_at_text = "x";
    assert_false(sw_finding_cache_contains(c, &a));
    sw_finding_cache_add(c, &a);
    assert_true(sw_finding_cache_contains(c, &a));
    assert_false(sw_finding_cache_contains(c, &b));
    sw_finding_cache_add(c, &a); /* no second entry */
    assert_int_equal(c->count, 1);
    sw_finding_cache_add(c, &no_arn);
    assert_false(sw_finding_cache_contains(c, &no_arn));
    assert_int_equal(c->count, 1);

    /* Bounded: after SW_FINDING_CACHE_SIZE newer findings, the oldest is forgotten. */
    char arns[SW_FINDING_CACHE_SIZE][64];
    for (int i = 0; i < SW_FINDING_CACHE_SIZE; i++) {
        struct sw_finding f = {0};
        snprintf(arns[i], sizeof(arns[i]), "arn:aws:inspector2:us-east-1:1:finding/%d", i);
        f.finding_arn = arns[i];
        f.updated_at_text = a.updated_at_text;
        sw_finding_cache_add(c, &f);
        assert_true(c->count <= SW_FINDING_CACHE_SIZE);
    }
    assert_false(sw_finding_cache_contains(c, &a));
    struct sw_finding last = {0};
    last.finding_arn = arns[SW_FINDING_CACHE_SIZE - 1];
    last.updated_at_text = a.updated_at_text;
    assert_true(sw_finding_cache_contains(c, &last));
    free(c);
}

static void duplicate_sample_delivered_twice(void **state)
{
    struct sw_finding_cache c;
    struct sw_event ev1, ev2;
    sw_finding_cache_init(&c);
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev1);
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev2);
    assert_false(sw_finding_cache_contains(&c, &ev1.finding));
    sw_finding_cache_add(&c, &ev1.finding);
    assert_true(sw_finding_cache_contains(&c, &ev2.finding));
    sw_event_clear(&ev1);
    sw_event_clear(&ev2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_finding_notification),
        cmocka_unit_test(verdict_matrix),
        cmocka_unit_test(deadline_per_severity),
        cmocka_unit_test(deadline_from_each_timestamp_style),
        cmocka_unit_test(minimal_finding_prints_only_what_it_has),
        cmocka_unit_test(full_finding_with_cvss_and_remediation),
        cmocka_unit_test(non_ascii_and_long_fields_keep_the_subject_valid),
        cmocka_unit_test(five_hundred_packages_are_all_listed),
        cmocka_unit_test(huge_package_lists_stay_within_sns_limits),
        cmocka_unit_test(scan_summaries),
        cmocka_unit_test(basic_scan_summary_says_basic_scanning_is_in_use),
        cmocka_unit_test(coverage_changes),
        cmocka_unit_test(finding_with_region_na_keeps_its_region),
        cmocka_unit_test(bad_account_or_region_leaves_the_attribute_out_not_the_notification),
        cmocka_unit_test(coverage_of_other_resources_is_not_notified),
        cmocka_unit_test(unicode_line_breaks_and_c1_controls_are_flattened),
        cmocka_unit_test(console_links_per_partition),
        cmocka_unit_test(duplicate_cache),
        cmocka_unit_test(duplicate_sample_delivered_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
