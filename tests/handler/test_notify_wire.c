/* Unit tests for what subscribers receive: the JSON documents of every notification kind,
 * the MessageStructure=json message (text for e-mail, document for SQS/Lambda/HTTP, chat
 * payload for HTTPS), its 256 KiB bound, priority marking and storm control (the outbox).
 * With SW_WIRE_OUT=DIR set, each document and chat payload is also written to DIR, where
 * tests/handler/validate_notifications.py checks them against the schemas in docs/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/drift.h"
#include "handler/parse/events.h"
#include "handler/notify/notify_document.h"
#include "handler/decide/notify_drift.h"
#include "handler/notify/notify_event.h"
#include "handler/notify/notify_finding.h"
#include "handler/decide/notify_regions.h"
#include "handler/notify/notify_wire.h"
#include "handler/notify/outbox.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handler/test_util.h"

#define NOW_2024_10_10 INT64_C(1728518400000) /* 2024-10-10T00:00:00Z */
#define ACCOUNT "123456789012"
#define REGION "eu-west-1"

/* ---- helpers ---- */

/* What a chat client shows for escaped text (backslash escapes, &lt; &gt; &amp;, the
 * zero-width space after '@'), in a static buffer. */
static const char *md_plain(const char *s)
{
    static char out[4096];
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 1 < sizeof(out);) {
        if (s[i] == '\\' && s[i + 1]) {
            out[o++] = s[i + 1];
            i += 2;
        } else if (strncmp(s + i, "&lt;", 4) == 0 || strncmp(s + i, "&gt;", 4) == 0) {
            out[o++] = s[i + 1] == 'l' ? '<' : '>';
            i += 4;
        } else if (strncmp(s + i, "&amp;", 5) == 0) {
            out[o++] = '&';
            i += 5;
        } else if (strncmp(s + i, "\xE2\x80\x8B", 3) == 0) {
            i += 3;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return out;
}

static void write_out(const char *name, const char *suffix, const char *json)
{
    const char *dir = getenv("SW_WIRE_OUT");
    char path[1024];
    if (!dir || !dir[0])
        return;
    snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* Checks the wire form of n in both chat formats and returns the parsed document (caller
 * deletes). Writes the document and chat payload under name when SW_WIRE_OUT is set. */
static cJSON *check_wire(const char *name, const struct sw_notification *n, const char *kind)
{
    struct sw_error err = {0};
    cJSON *doc = NULL;
    for (int chat = 0; chat < 2; chat++) {
        struct sw_notification wire;
        sw_notification_init(&wire);
        int rc = sw_wire_build(n, chat ? SW_CHAT_FORMAT_CHATBOT : SW_CHAT_FORMAT_NONE, &wire, &err);
        if (rc)
            fail_msg("%s: %s", name, err.msg);
        assert_string_equal(wire.subject, n->subject);
        assert_int_equal(wire.attribute_count, n->attribute_count);
        assert_true(wire.message.len <= SW_SNS_MESSAGE_MAX_BYTES);
        assert_true(sw_text_utf8_valid(wire.message.data, wire.message.len));
        cJSON *s = cJSON_ParseWithLength(wire.message.data, wire.message.len);
        assert_non_null(s);
        assert_int_equal(cJSON_GetArraySize(s), 6);
        /* People get the text, machines the document. */
        assert_string_equal(jstr(s, "default"), sw_buf_cstr(&n->message));
        assert_string_equal(jstr(s, "email"), sw_buf_cstr(&n->message));
        assert_string_equal(jstr(s, "sqs"), jstr(s, "lambda"));
        assert_string_equal(jstr(s, "sqs"), jstr(s, "http"));
        const char *sqs = jstr(s, "sqs");
        const char *https = jstr(s, "https");
        cJSON *d = cJSON_Parse(sqs);
        assert_non_null(d);
        assert_string_equal(jstr(d, "schema_version"), SW_NOTIFICATION_SCHEMA_VERSION);
        assert_string_equal(jstr(d, "kind"), kind);
        assert_string_equal(jstr(d, "subject"), n->subject);
        assert_string_equal(jstr(d, "generated_at"), "2024-10-10T00:00:00Z");
        if (!chat) {
            assert_string_equal(https, sqs);
            write_out(name, ".json", sqs);
            write_out(name, ".subject", n->subject);
            write_out(name, ".txt", sw_buf_cstr(&n->message));
            doc = d;
        } else {
            cJSON_Delete(d);
            cJSON *c = cJSON_Parse(https);
            assert_non_null(c);
            assert_string_equal(jstr(c, "version"), "1.0");
            assert_string_equal(jstr(c, "source"), "custom");
            const cJSON *content = cJSON_GetObjectItemCaseSensitive(c, "content");
            assert_string_equal(jstr(content, "textType"), "client-markdown");
            assert_non_null(strstr(md_plain(jstr(content, "title")), n->subject));
            assert_true(strlen(jstr(content, "description")) > 0);
            const cJSON *meta = cJSON_GetObjectItemCaseSensitive(c, "metadata");
            assert_string_equal(jstr(meta, "eventType"), kind);
            assert_string_equal(jstr(meta, "summary"), n->subject);
            write_out(name, ".chat.json", https);
            cJSON_Delete(c);
        }
        cJSON_Delete(s);
        sw_notification_clear(&wire);
    }
    return doc;
}

static void build_event(const char *rel, struct sw_event *ev, struct sw_notification *n)
{
    struct sw_error err = {0};
    tu_parse_shared(rel, ev);
    sw_notification_init(n);
    if (sw_notify_event_build(ev, SW_SEVERITY_LOW, NOW_2024_10_10, n, &err))
        fail_msg("%s: %s", rel, err.msg);
    if (ev->kind == SW_EVENT_FINDING && sw_notify_mark_priority(&ev->finding, 0.1, n, &err) != 0)
        fail_msg("%s: %s", rel, err.msg);
    n->generated_ms = NOW_2024_10_10;
}

/* ---- every kind ---- */

static void finding_document(void **state)
{
    (void)state;
    struct sw_event ev;
    struct sw_notification n;
    build_event("inspector2-finding-ecr.inspector-docs-2024.json", &ev, &n);
    cJSON *doc = check_wire("finding", &n, "finding");
    assert_string_equal(jstr(doc, "severity"), sw_notification_attribute(&n, "severity"));
    assert_string_equal(jstr(doc, "account"), ev.finding.account_id);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(doc, "finding");
    assert_string_equal(jstr(f, "vulnerability_id"), ev.finding.vulnerability_id);
    assert_string_equal(jstr(f, "finding_arn"), ev.finding.finding_arn);
    const cJSON *pkgs = cJSON_GetObjectItemCaseSensitive(f, "packages");
    assert_int_equal(cJSON_GetArraySize(pkgs), (int)ev.finding.package_count);
    assert_string_equal(jstr(cJSON_GetArrayItem(pkgs, 0), "name"), ev.finding.packages[0].name);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(f, "epss_score")));
    assert_string_equal(jstr(f, "first_observed_at"), "2024-09-04T16:55:38Z");
    cJSON_Delete(doc);
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void scan_documents(void **state)
{
    (void)state;
    static const struct {
        const char *rel, *name, *kind, *scanner;
    } cases[] = {
        {"inspector2-scan-ecr.inspector-docs-2023.json", "scan", "scan", "inspector"},
        {"ecr-image-scan-basic.ecr-docs.json", "basic-scan", "basic-scan", "ecr-basic"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct sw_event ev;
        struct sw_notification n;
        build_event(cases[i].rel, &ev, &n);
        cJSON *doc = check_wire(cases[i].name, &n, cases[i].kind);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "scan");
        assert_string_equal(jstr(s, "scanner"), cases[i].scanner);
        assert_string_equal(jstr(s, "threshold"), "LOW");
        assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "counts")));
        cJSON_Delete(doc);
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
}

static void coverage_document(void **state)
{
    (void)state;
    struct sw_event ev;
    struct sw_notification n;
    build_event("synthesized/inspector2-coverage-ecr-image.json", &ev, &n);
    cJSON *doc = check_wire("coverage", &n, "coverage");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "coverage");
    assert_string_equal(jstr(c, "reason"), "SCAN_ELIGIBILITY_EXPIRED");
    assert_string_equal(jstr(c, "scan_status"), "INACTIVE");
    cJSON_Delete(doc);
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void decide_all_off(enum sw_mode mode, struct sw_drift_plan *p)
{
    static const char *const filters[] = {"*"};
    struct sw_desired_state d = {
        mode, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, 1, "DAYS_30", ACCOUNT, REGION};
    struct sw_actual_state a = {"DISABLED", "BASIC", NULL, 0, "LIFETIME"};
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

static void drift_documents(void **state)
{
    (void)state;
    static const struct {
        const char *name, *kind, *outcome;
        enum sw_mode mode;
        bool fail;
    } cases[] = {
        {"remediation", "remediation", "restored", SW_MODE_ENFORCE, false},
        {"remediation-failed", "remediation", "failed", SW_MODE_ENFORCE, true},
        {"drift", "drift", "would-restore", SW_MODE_DRY_RUN, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sw_drift_plan plan = {0};
        struct sw_action_result results[SW_DRIFT_ACTIONS_MAX];
        struct sw_notification n;
        struct sw_error err = {0};
        decide_all_off(cases[i].mode, &plan);
        for (size_t a = 0; a < plan.action_count; a++) {
            bool bad = cases[i].fail && a == 1;
            results[a] = (struct sw_action_result){
                sw_drift_api_name(plan.actions[a].api), !bad, bad ? "AccessDeniedException" : NULL,
                bad ? "User is not authorized to perform: ecr:PutRegistryScanningConfiguration"
                    : NULL};
        }
        sw_notification_init(&n);
        if (sw_notify_drift_build(&plan, &CLOUDTRAIL, results, plan.action_count, &n, &err))
            fail_msg("%s", err.msg);
        n.generated_ms = NOW_2024_10_10;
        cJSON *doc = check_wire(cases[i].name, &n, cases[i].kind);
        assert_string_equal(jstr(doc, "account"), ACCOUNT);
        assert_string_equal(jstr(doc, "region"), REGION);
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "drift");
        assert_string_equal(jstr(d, "outcome"), cases[i].outcome);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "drifts")),
                         (int)plan.item_count);
        const cJSON *actions = cJSON_GetObjectItemCaseSensitive(d, "actions");
        assert_int_equal(cJSON_GetArraySize(actions), (int)plan.action_count);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(d, "trigger");
        assert_string_equal(jstr(t, "actor_arn"), CLOUDTRAIL.actor_arn);
        if (cases[i].fail) {
            const cJSON *a1 = cJSON_GetArrayItem(actions, 1);
            assert_string_equal(jstr(a1, "result"), "failed");
            assert_string_equal(jstr(a1, "error_code"), "AccessDeniedException");
        }
        cJSON_Delete(doc);
        sw_notification_clear(&n);
        sw_drift_plan_clear(&plan);
    }
}

/* REGIONS (docs/contract.md §1.5): two or more regions' drift notifications as one, whose document
 * keeps each region's own "drift" under "regions" (validated against the schema like the rest). */
static void regions_documents(void **state)
{
    (void)state;
    static const char *const regions[] = {REGION, "us-east-1", "ap-south-1"};
    static const struct {
        const char *name, *kind, *outcome, *subject;
        enum sw_mode mode;
        int failing; /* index of the region whose second action fails, or -1 */
    } cases[] = {
        {"remediation-regions", "remediation", "restored",
         "scanwarden: ECR scanning restored in 3 regions of " ACCOUNT, SW_MODE_ENFORCE, -1},
        {"remediation-regions-failed", "remediation", "failed",
         "scanwarden: FAILED to restore ECR scanning in 1 of 3 regions of " ACCOUNT,
         SW_MODE_ENFORCE, 1},
        {"drift-regions", "drift", "would-restore",
         "scanwarden: ECR scanning drift in 3 regions of " ACCOUNT " (dry-run)", SW_MODE_DRY_RUN,
         -1},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct sw_notification parts[3], all;
        struct sw_error err = {0};
        size_t actions = 0, drifts = 0;
        for (size_t i = 0; i < 3; i++) {
            struct sw_drift_plan plan = {0};
            struct sw_action_result results[SW_DRIFT_ACTIONS_MAX];
            decide_all_off(cases[c].mode, &plan);
            snprintf(plan.region, sizeof(plan.region), "%s", regions[i]);
            for (size_t a = 0; a < plan.action_count; a++) {
                bool bad = cases[c].failing == (int)i && a == 1;
                results[a] = (struct sw_action_result){sw_drift_api_name(plan.actions[a].api), !bad,
                                                       bad ? "AccessDeniedException" : NULL,
                                                       bad ? "not authorized" : NULL};
            }
            sw_notification_init(&parts[i]);
            if (sw_notify_drift_build(&plan, &CLOUDTRAIL, results, plan.action_count, &parts[i],
                                      &err))
                fail_msg("%s", err.msg);
            actions += plan.action_count;
            drifts += plan.item_count;
            sw_drift_plan_clear(&plan);
        }
        sw_notification_init(&all);
        assert_int_equal(sw_notify_regions_build(parts, 1, &all, &err), SW_EINVAL);
        if (sw_notify_regions_build(parts, 3, &all, &err))
            fail_msg("%s", err.msg);
        all.generated_ms = NOW_2024_10_10;
        assert_string_equal(all.subject, cases[c].subject);
        assert_string_equal(sw_notification_attribute(&all, "region"),
                            REGION ",us-east-1,ap-south-1");
        assert_string_equal(sw_notification_attribute(&all, "event_kind"), cases[c].kind);
        const char *text = sw_buf_cstr(&all.message);
        for (size_t i = 0; i < 3; i++) {
            char heading[SW_SUBJECT_MAX_CHARS + 64];
            snprintf(heading, sizeof(heading), "== %.32s ==\n%.99s\n", regions[i],
                     parts[i].subject);
            assert_non_null(strstr(text, heading));
            assert_non_null(strstr(text, sw_buf_cstr(&parts[i].message)));
        }
        cJSON *doc = check_wire(cases[c].name, &all, cases[c].kind);
        assert_string_equal(jstr(doc, "account"), ACCOUNT);
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "drift");
        assert_string_equal(jstr(d, "outcome"), cases[c].outcome);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "drifts")),
                         (int)drifts);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "actions")),
                         (int)actions);
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(doc, "regions");
        assert_int_equal(cJSON_GetArraySize(rs), 3);
        for (size_t i = 0; i < 3; i++) {
            const cJSON *r = cJSON_GetArrayItem(rs, (int)i);
            assert_string_equal(jstr(r, "region"), regions[i]);
            const cJSON *rd = cJSON_GetObjectItemCaseSensitive(r, "drift");
            assert_string_equal(jstr(rd, "outcome"), cases[c].failing == (int)i ? "failed"
                                                     : cases[c].mode == SW_MODE_DRY_RUN
                                                         ? "would-restore"
                                                         : "restored");
        }
        cJSON_Delete(doc);
        sw_notification_clear(&all);
        for (size_t i = 0; i < 3; i++)
            sw_notification_clear(&parts[i]);
    }
}

/* ---- priority ---- */

/* Fields from image metadata (package names and versions, titles, repository, tags,
 * remediation text) are attacker-influenced: in the chat payload (client-markdown) each is
 * escaped so it shows as text and never becomes a link, emphasis, code or a mention. */
static void chat_escapes_markdown_in_event_fields(void **state)
{
    (void)state;
    static const char json[] =
        "{\"source\":\"aws.inspector2\",\"detail-type\":\"Inspector2 Finding\","
        "\"account\":\"123456789012\",\"region\":\"eu-west-1\",\"detail\":{"
        "\"severity\":\"CRITICAL\",\"status\":\"ACTIVE\",\"findingArn\":\"arn:aws:inspector2:"
        "eu-west-1:123456789012:finding/f\",\"title\":\"[x](http://evil) `code` *bold* _it_ "
        "<@here> <!channel> @everyone ~s~ # h | t "
        "mail@example\",\"remediation\":{\"recommendation\":{"
        "\"text\":\"[click](http://evil)\"}},\"packageVulnerabilityDetails\":{"
        "\"vulnerabilityId\":\"CVE-2024-1\",\"vulnerablePackages\":[{\"name\":"
        "\"[x](http://evil)\",\"version\":\"`1`\",\"fixedInVersion\":\"*2*\"}]},"
        "\"resources\":[{\"type\":\"AWS_ECR_CONTAINER_IMAGE\",\"details\":{"
        "\"awsEcrContainerImage\":{\"repositoryName\":\"repo_[y](http://evil)\","
        "\"imageTags\":[\"<@U123>\"],\"imageHash\":\"sha256:_ab_\"}}}]}}";
    struct sw_event ev;
    struct sw_notification n;
    struct sw_error err = {0};
    struct sw_buf chat;
    assert_int_equal(sw_event_parse(json, strlen(json), &ev, &err), 0);
    sw_notification_init(&n);
    assert_int_equal(sw_notify_event_build(&ev, SW_SEVERITY_LOW, NOW_2024_10_10, &n, &err), 0);
    sw_buf_init(&chat, SW_WIRE_CHAT_MAX);
    assert_int_equal(sw_wire_chat(&n, &chat, &err), 0);
    cJSON *c = cJSON_Parse(sw_buf_cstr(&chat));
    assert_non_null(c);
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(c, "content");
    const char *texts[] = {
        jstr(content, "description"), jstr(content, "title"),
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(content, "nextSteps"), 0)->valuestring};
    for (size_t t = 0; t < 3; t++) {
        const char *d = texts[t];
        assert_null(strstr(d, "]("));    /* no link */
        assert_null(strchr(d, '<'));     /* no <@here>, <!channel>, <url|text> */
        assert_null(strstr(d, "@here")); /* zero-width space after '@' */
        assert_null(strstr(d, "@everyone"));
        for (const char *p = strchr(d, '`'); p; p = strchr(p + 1, '`'))
            assert_true(p > d && p[-1] == '\\'); /* no code span */
    }
    const char *d = texts[0];
    assert_non_null(strstr(d, "\\[x\\]\\(http://evil\\) \\`code\\` \\*bold\\* \\_it\\_ "
                              "&lt;@\xE2\x80\x8Bhere&gt;"));
    assert_non_null(strstr(d, "repo\\_\\[y\\]\\(http://evil\\)"));
    assert_non_null(strstr(d, "&lt;@\xE2\x80\x8BU123&gt;"));
    /* What the reader sees is the field as it was. */
    assert_non_null(strstr(md_plain(d), "[x](http://evil) `code` *bold* _it_ <@here> <!channel>"));
    assert_non_null(strstr(md_plain(texts[2]), "[click](http://evil)"));
    assert_non_null(strstr(texts[2], "\\[click\\]\\(http://evil\\)"));
    /* Our own mark-up is still there, and our own console link is a working link. */
    assert_non_null(strstr(d, "*Repository:* "));
    assert_non_null(strstr(d, "*Console:* https://eu-west-1.console.aws.amazon.com/inspector/v2/"
                              "home?region=eu-west-1#/findings/all\n"));
    /* An '@' inside a word cannot mention anyone and stays as it is (image references). */
    assert_non_null(strstr(d, " @\xE2\x80\x8B"
                              "everyone"));
    assert_non_null(strstr(d, " mail@example"));
    assert_non_null(strstr(d, "*Tag:* &lt;@\xE2\x80\x8B"
                              "U123&gt;"));
    cJSON_Delete(c);
    sw_buf_clear(&chat);
    sw_notification_clear(&n);
    sw_event_clear(&ev);
}

static void priority_marking(void **state)
{
    (void)state;
    static const struct {
        const char *exploit;
        bool has_epss;
        double epss, alert;
        const char *priority, *tag;
    } cases[] = {
        {"YES", false, 0, 0.1, "high", "[CRITICAL][EXPLOIT] "},
        {"NO", true, 0.42, 0.1, "high", "[CRITICAL][EPSS 0.42] "},
        {"NO", true, 0.1, 0.1, "high", "[CRITICAL][EPSS 0.10] "}, /* at the threshold */
        {"NO", true, 0.05, 0.1, "normal", "[CRITICAL] "},
        {"NO", true, 0.0, 0.0, "high", "[CRITICAL][EPSS 0.00] "}, /* EPSS_ALERT=0: any EPSS */
        {NULL, false, 0, 0.1, "normal", "[CRITICAL] "},
        {"YES", true, 0.9, 1.0, "high", "[CRITICAL][EXPLOIT] "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sw_event ev;
        struct sw_notification n;
        struct sw_error err = {0};
        tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev);
        ev.finding.exploit_available = cases[i].exploit;
        ev.finding.has_epss = cases[i].has_epss;
        ev.finding.epss_score = cases[i].epss;
        ev.finding.severity = SW_SEVERITY_CRITICAL;
        sw_notification_init(&n);
        assert_int_equal(sw_notify_finding_build(&ev, NOW_2024_10_10, &n, &err), 0);
        assert_int_equal(sw_notify_mark_priority(&ev.finding, cases[i].alert, &n, &err), 0);
        assert_string_equal(sw_notification_attribute(&n, "priority"), cases[i].priority);
        assert_memory_equal(n.subject, cases[i].tag, strlen(cases[i].tag));
        assert_non_null(strstr(n.subject, ev.finding.vulnerability_id));
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(n.document, "finding");
        assert_string_equal(jstr(f, "priority"), cases[i].priority);
        sw_notification_clear(&n);
        sw_event_clear(&ev);
    }
}

static void priority_subject_keeps_severity_and_id(void **state)
{
    (void)state;
    struct sw_event ev;
    struct sw_notification n;
    struct sw_error err = {0};
    static const char *tags[] = {
        "a-very-long-tag-name-that-goes-on-and-on-and-on-for-quite-a-while-1234567890"};
    static const char id[] = "GHSA-xxxx-yyyy-zzzz-a-rather-long-identifier-01";
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev);
    ev.finding.exploit_available = "YES";
    ev.finding.vulnerability_id = id;
    ev.finding.repository = "team/a-long-repository-name-for-the-service";
    ev.finding.image_tags = tags;
    ev.finding.image_tag_count = 1;
    ev.finding.severity = SW_SEVERITY_INFORMATIONAL;
    sw_notification_init(&n);
    assert_int_equal(sw_notify_finding_build(&ev, NOW_2024_10_10, &n, &err), 0);
    assert_int_equal(sw_notify_mark_priority(&ev.finding, 0.1, &n, &err), 0);
    assert_true(strlen(n.subject) <= SW_SUBJECT_MAX_CHARS);
    assert_memory_equal(n.subject, "[INFORMATIONAL][EXPLOIT] ", 25);
    assert_non_null(strstr(n.subject, id));
    sw_notification_clear(&n);
    ev.finding.image_tags = NULL;
    ev.finding.image_tag_count = 0;
    sw_event_clear(&ev);
}

/* ---- size: the whole message structure within 256 KiB ---- */

static void huge_finding_fits(void **state)
{
    (void)state;
    struct sw_event ev;
    struct sw_notification n;
    struct sw_error err = {0};
    enum { PACKAGES = 1000 };
    struct sw_vulnerable_package *pkgs = calloc(PACKAGES, sizeof(*pkgs));
    char *desc = malloc(300 * 1024);
    assert_non_null(pkgs);
    assert_non_null(desc);
    for (size_t i = 0; i < 300 * 1024 - 1; i++)
        desc[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    desc[300 * 1024 - 1] = '\0';
    for (size_t i = 0; i < PACKAGES; i++)
        pkgs[i] = (struct sw_vulnerable_package){"libsomething-with-a-long-name", "1.2.3-4ubuntu5",
                                                 "1.2.3-4ubuntu6", "OS", "/usr/lib/x86_64/lib.so"};
    tu_parse_shared("inspector2-finding-ecr.inspector-docs-2024.json", &ev);
    struct sw_vulnerable_package *saved = ev.finding.packages;
    size_t saved_count = ev.finding.package_count;
    ev.finding.packages = pkgs;
    ev.finding.package_count = PACKAGES;
    ev.finding.description = desc;
    sw_notification_init(&n);
    assert_int_equal(sw_notify_finding_build(&ev, NOW_2024_10_10, &n, &err), 0);
    assert_int_equal(sw_notify_mark_priority(&ev.finding, 0.1, &n, &err), 0);
    n.generated_ms = NOW_2024_10_10;

    struct sw_notification wire;
    sw_notification_init(&wire);
    assert_int_equal(sw_wire_build(&n, SW_CHAT_FORMAT_CHATBOT, &wire, &err), 0);
    assert_true(wire.message.len <= SW_SNS_MESSAGE_MAX_BYTES);
    assert_true(wire.message.len > SW_SNS_MESSAGE_MAX_BYTES - 4096); /* the text used the room */
    cJSON *s = cJSON_ParseWithLength(wire.message.data, wire.message.len);
    assert_non_null(s);
    const char *text = jstr(s, "email");
    assert_non_null(strstr(text, "[... cut: the whole notification must fit in 256 KiB ...]"));
    assert_memory_equal(text, sw_buf_cstr(&n.message), 200);
    cJSON *doc = cJSON_Parse(jstr(s, "sqs"));
    assert_non_null(doc);
    assert_true(strlen(jstr(s, "sqs")) <= SW_WIRE_DOCUMENT_MAX);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "truncated")));
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(doc, "finding");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(f, "package_count")->valuedouble, PACKAGES);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "packages")) >= 1);
    write_out("finding-huge", ".json", jstr(s, "sqs"));
    write_out("finding-huge", ".chat.json", jstr(s, "https"));
    cJSON_Delete(doc);
    cJSON_Delete(s);
    sw_notification_clear(&wire);
    sw_notification_clear(&n);
    ev.finding.packages = saved;
    ev.finding.package_count = saved_count;
    sw_event_clear(&ev);
    free(pkgs);
    free(desc);
}

/* ---- storm control ---- */

struct published {
    size_t count;
    char subjects[8][SW_SUBJECT_MAX_CHARS + 1];
    char kinds[8][32];
    char *last_message;
    int fail_first; /* fail this many publishes */
    cJSON *last_document;
};

static int record_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct published *p = ctx;
    if (p->fail_first > 0) {
        p->fail_first--;
        return sw_error_set(err, SW_EAWS, "sns:Publish: Throttled: rate exceeded");
    }
    if (p->count < 8) {
        snprintf(p->subjects[p->count], sizeof(p->subjects[0]), "%s", n->subject);
        snprintf(p->kinds[p->count], sizeof(p->kinds[0]), "%s",
                 sw_notification_attribute(n, "event_kind"));
    }
    p->count++;
    free(p->last_message);
    p->last_message = strdup(sw_buf_cstr(&n->message));
    cJSON_Delete(p->last_document);
    p->last_document = n->document ? cJSON_Duplicate(n->document, true) : NULL;
    return 0;
}

/* A finding notification like the pipeline's: "[SEV] CVE-2024-<i> in web/api:1" (CRITICAL for
 * i == 1, HIGH otherwise), high priority when high_every divides i. */
static void make_finding(struct sw_notification *n, size_t i, size_t high_every)
{
    char subject[64];
    sw_notification_init(n);
    const char *sev = i == 1 ? "CRITICAL" : "HIGH";
    snprintf(subject, sizeof(subject), "[%s] CVE-2024-%05zu in web/api:1", sev, i);
    sw_notification_set_subject(n, subject);
    assert_int_equal(sw_buf_append_str(&n->message, "text"), 0);
    sw_notification_add_attribute(n, "event_kind", "finding");
    sw_notification_add_attribute(n, "severity", sev);
    sw_notification_add_attribute(n, "account_id", ACCOUNT);
    sw_notification_add_attribute(n, "region", REGION);
    sw_notification_add_attribute(n, "priority",
                                  high_every && i % high_every == 0 ? "high" : "normal");
}

/* Offers findings first..first+count to o, each through make_finding. */
static void offer_findings(struct sw_outbox *o, size_t first, size_t count, size_t high_every,
                           struct published *p)
{
    struct sw_error err = {0};
    for (size_t i = first; i < first + count; i++) {
        struct sw_notification n;
        make_finding(&n, i, high_every);
        assert_int_equal(sw_outbox_offer(o, &n, record_publish, p, &err), 0);
        assert_int_equal(n.message.len, 4); /* left to the caller */
        sw_notification_clear(&n);
    }
}

/* records[0..count) of findings first..first+count, as the outbox and the per-minute cap
 * keep them. */
static void record_findings(struct sw_outbox_record *records, size_t first, size_t count,
                            size_t high_every)
{
    for (size_t i = 0; i < count; i++) {
        struct sw_notification n;
        make_finding(&n, first + i, high_every);
        sw_outbox_record_of(&records[i], &n);
        sw_notification_clear(&n);
    }
}

static void storm_under_cap_publishes_each(void **state)
{
    (void)state;
    struct sw_outbox o;
    struct published p = {0};
    struct sw_error err = {0};
    size_t published = 0;
    sw_outbox_init(&o, 3);
    offer_findings(&o, 0, 3, 0, &p);
    assert_int_equal(o.total, 0); /* nothing held back */
    assert_int_equal(o.sent, 3);
    assert_int_equal(p.count, 3);
    assert_string_equal(p.subjects[2], "[HIGH] CVE-2024-00002 in web/api:1");
    assert_string_equal(p.kinds[0], "finding");
    assert_int_equal(sw_outbox_finish(&o, NOW_2024_10_10, record_publish, &p, &published, &err), 0);
    assert_int_equal(published, 0); /* no summary */
    assert_int_equal(p.count, 3);
    assert_int_equal(o.sent, 0); /* emptied */
    free(p.last_message);
    cJSON_Delete(p.last_document);
}

static void storm_over_cap_is_one_summary(void **state)
{
    (void)state;
    struct sw_outbox o;
    struct published p = {0};
    struct sw_error err = {0};
    size_t published = 0;
    sw_outbox_init(&o, 3);
    offer_findings(&o, 0, 7, 2, &p);
    assert_int_equal(p.count, 3);
    assert_int_equal(o.total, 4);
    assert_int_equal(sw_outbox_finish(&o, NOW_2024_10_10, record_publish, &p, &published, &err), 0);
    assert_int_equal(published, 1);
    assert_int_equal(p.count, 4);
    assert_string_equal(p.kinds[3], "summary");
    assert_string_equal(
        p.subjects[3],
        "scanwarden: 4 more notifications in 123456789012/eu-west-1 folded into one");
    for (int i = 3; i < 7; i++) {
        char line[80];
        snprintf(line, sizeof(line), "- [HIGH] CVE-2024-%05d in web/api:1", i);
        assert_non_null(strstr(p.last_message, line));
    }
    assert_non_null(strstr(p.last_message, "MAX_NOTIFICATIONS_PER_INVOCATION (3)"));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(p.last_document, "summary");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "notification_count")->valuedouble, 7);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "limit")->valuedouble, 3);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "high_priority_count")->valuedouble, 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "items")), 4);

    /* The same summary as subscribers get it, built from what the outbox kept: 7 findings,
     * the first 3 published one by one, findings 3..6 folded (written for the schema check
     * and docs/notifications.md). */
    struct sw_outbox_record records[4];
    struct sw_notification summary;
    record_findings(records, 3, 4, 2);
    struct sw_outbox_summary of = {
        .records = records, .listed = 4, .total = 4, .sent = 3, .limit = 3};
    sw_notification_init(&summary);
    assert_int_equal(sw_outbox_summary_build(&of, NOW_2024_10_10, &summary, &err), 0);
    assert_string_equal(summary.subject, p.subjects[3]);
    for (int i = 3; i < 7; i++) {
        char line[80];
        snprintf(line, sizeof(line), "- [HIGH] CVE-2024-%05d in web/api:1", i);
        assert_non_null(strstr(sw_buf_cstr(&summary.message), line));
    }
    assert_string_equal(sw_notification_attribute(&summary, "severity"), "HIGH");
    assert_string_equal(sw_notification_attribute(&summary, "priority"), "high");
    cJSON *doc = check_wire("summary", &summary, "summary");
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(sum, "notification_count")->valuedouble, 7);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(sum, "high_priority_count")->valuedouble, 2);
    cJSON_Delete(doc);
    sw_notification_clear(&summary);
    free(p.last_message);
    cJSON_Delete(p.last_document);
}

/* The per-minute cap's summary (handler/notify/rate_window.c) is the same builder's: a valid
 * summary document naming its cap and window, and chat text naming the right variable. */
static void per_minute_summary_names_its_cap_and_window(void **state)
{
    (void)state;
    struct sw_outbox_record records[3];
    struct sw_notification summary, wire;
    struct sw_error err = {0};
    record_findings(records, 0, 3, 0);
    struct sw_outbox_summary of = {.records = records,
                                   .listed = 3,
                                   .total = 9,
                                   .sent = 5,
                                   .limit = 5,
                                   .per_minute = true,
                                   .window_start_ms = NOW_2024_10_10 - 60000};
    sw_notification_init(&summary);
    assert_int_equal(sw_outbox_summary_build(&of, NOW_2024_10_10, &summary, &err), 0);
    assert_string_equal(summary.subject, "scanwarden: 9 notifications in " ACCOUNT "/" REGION
                                         " suppressed (per-minute cap)");
    assert_non_null(strstr(sw_buf_cstr(&summary.message), "In the minute from "
                                                          "2024-10-09T23:59:00Z, 5 notifications"));
    assert_non_null(strstr(sw_buf_cstr(&summary.message), "- ... and 6 more not listed\n"));
    cJSON *doc = check_wire("summary-per-minute", &summary, "summary");
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    assert_string_equal(jstr(sum, "cap"), "MAX_NOTIFICATIONS_PER_MINUTE");
    assert_string_equal(jstr(sum, "window_start"), "2024-10-09T23:59:00Z");
    cJSON_Delete(doc);
    sw_notification_init(&wire);
    assert_int_equal(sw_wire_build(&summary, SW_CHAT_FORMAT_CHATBOT, &wire, &err), 0);
    assert_non_null(strstr(sw_buf_cstr(&wire.message), "in one minute, over the limit of 5 "
                                                       "(MAX_NOTIFICATIONS_PER_MINUTE)"));
    sw_notification_clear(&wire);
    sw_notification_clear(&summary);
}

static void storm_of_thousands_is_bounded(void **state)
{
    (void)state;
    struct sw_outbox o;
    struct published p = {0};
    struct sw_error err = {0};
    size_t published = 0;
    sw_outbox_init(&o, 20);
    offer_findings(&o, 0, 2020, 0, &p);
    assert_int_equal(p.count, 20);   /* nothing past the cap went out alone */
    assert_int_equal(o.total, 2000); /* every later one counted */
    assert_int_equal(o.record_count, SW_OUTBOX_LISTED_MAX); /* and only 500 kept */
    assert_int_equal(sw_outbox_finish(&o, NOW_2024_10_10, record_publish, &p, &published, &err), 0);
    assert_int_equal(p.count, 21);
    assert_non_null(strstr(p.last_message, "- ... and 1500 more not listed"));
    assert_true(strlen(p.last_message) <= SW_SNS_MESSAGE_MAX_BYTES);
    free(p.last_message);
    cJSON_Delete(p.last_document);
}

/* A failed publish is reported to the caller, and the next notification is still tried. */
static void storm_publish_failure_still_tries_each(void **state)
{
    (void)state;
    struct sw_outbox o;
    struct published p = {.fail_first = 1};
    struct sw_error err = {0};
    struct sw_notification n;
    sw_outbox_init(&o, 5);
    make_finding(&n, 0, 0);
    assert_int_equal(sw_outbox_offer(&o, &n, record_publish, &p, &err), SW_EAWS);
    assert_non_null(strstr(err.msg, "Throttled"));
    sw_notification_clear(&n);
    make_finding(&n, 1, 0);
    assert_int_equal(sw_outbox_offer(&o, &n, record_publish, &p, &err), 0);
    assert_int_equal(p.count, 1);
    sw_notification_clear(&n);
    sw_outbox_clear(&o);
    free(p.last_message);
    cJSON_Delete(p.last_document);
}

/* The pipeline's mode: the first max go out at once, the rest become one summary. */
static void storm_streaming_publishes_first_then_folds(void **state)
{
    (void)state;
    struct sw_outbox o;
    struct published p = {0};
    struct sw_error err = {0};
    size_t published = 0;
    sw_outbox_init(&o, 2);
    for (int i = 0; i < 5; i++) {
        struct sw_notification n;
        char subject[64];
        sw_notification_init(&n);
        snprintf(subject, sizeof(subject), "[HIGH] CVE-2024-%05d in web/api:1", i);
        sw_notification_set_subject(&n, subject);
        assert_int_equal(sw_buf_append_str(&n.message, "text"), 0);
        sw_notification_add_attribute(&n, "event_kind", "remediation");
        sw_notification_add_attribute(&n, "account_id", ACCOUNT);
        assert_int_equal(sw_outbox_offer(&o, &n, record_publish, &p, &err), 0);
        assert_int_equal(p.count, i < 2 ? (size_t)i + 1 : 2); /* published at once, then held */
        sw_notification_clear(&n);
    }
    assert_int_equal(sw_outbox_finish(&o, NOW_2024_10_10, record_publish, &p, &published, &err), 0);
    assert_int_equal(published, 1);
    assert_int_equal(p.count, 3);
    assert_string_equal(p.kinds[2], "summary");
    assert_string_equal(p.subjects[2],
                        "scanwarden: 3 more notifications in 123456789012 folded into one");
    assert_non_null(strstr(p.last_message, "the first 2 were published one by one, the other 3"));
    assert_null(strstr(p.last_message, "CVE-2024-00001"));
    assert_non_null(strstr(p.last_message, "- [HIGH] CVE-2024-00004 in web/api:1\n"));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(p.last_document, "summary");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "notification_count")->valuedouble, 5);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(s, "published_individually")->valuedouble, 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "items")), 3);

    /* Under the cap: nothing to summarise. */
    struct sw_notification n;
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "one");
    assert_int_equal(sw_buf_append_str(&n.message, "text"), 0);
    assert_int_equal(sw_outbox_offer(&o, &n, record_publish, &p, &err), 0);
    assert_int_equal(sw_outbox_finish(&o, NOW_2024_10_10, record_publish, &p, &published, &err), 0);
    assert_int_equal(published, 0);
    assert_int_equal(p.count, 4);
    sw_notification_clear(&n);
    free(p.last_message);
    cJSON_Delete(p.last_document);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finding_document),
        cmocka_unit_test(scan_documents),
        cmocka_unit_test(coverage_document),
        cmocka_unit_test(drift_documents),
        cmocka_unit_test(regions_documents),
        cmocka_unit_test(chat_escapes_markdown_in_event_fields),
        cmocka_unit_test(priority_marking),
        cmocka_unit_test(priority_subject_keeps_severity_and_id),
        cmocka_unit_test(huge_finding_fits),
        cmocka_unit_test(storm_under_cap_publishes_each),
        cmocka_unit_test(storm_over_cap_is_one_summary),
        cmocka_unit_test(storm_of_thousands_is_bounded),
        cmocka_unit_test(per_minute_summary_names_its_cap_and_window),
        cmocka_unit_test(storm_publish_failure_still_tries_each),
        cmocka_unit_test(storm_streaming_publishes_first_then_folds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
