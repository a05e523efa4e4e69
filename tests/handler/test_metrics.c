/* Unit tests for sw_metrics: the counts each kind of answer yields and the EMF record that
 * carries them (docs/operations.md, docs/emf.schema.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/metrics.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static void outcome_body(struct sw_outcome *o, const char *json)
{
    sw_outcome_init(o);
    assert_int_equal(sw_buf_append_str(&o->body, json), SW_OK);
}

static void test_restored_config_change(void **state)
{
    (void)state;
    struct sw_outcome o;
    struct sw_metrics m;
    char kind[32];
    outcome_body(&o, "{\"handled\":true,\"event_kind\":\"config-change\",\"mode\":\"enforce\","
                     "\"drift\":[\"inspector_ecr\",\"scan_type\"],\"actions\":[{\"api\":"
                     "\"inspector2:Enable\",\"ok\":true}],\"notified\":true}");
    sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
    assert_string_equal(kind, "config-change");
    assert_true(m.value[SW_METRIC_DRIFT_DETECTED] == 2);
    assert_true(m.value[SW_METRIC_RESTORED] == 1);
    assert_true(m.value[SW_METRIC_NOTIFICATIONS_PUBLISHED] == 1);
    assert_true(m.value[SW_METRIC_SCHEDULED_CHECK] == 0);
    assert_true(m.value[SW_METRIC_REMEDIATION_FAILED] == 0);
    sw_outcome_clear(&o);
}

static void test_failed_write_is_not_restored(void **state)
{
    (void)state;
    struct sw_outcome o;
    struct sw_metrics m;
    char kind[32];
    outcome_body(&o, "{\"handled\":true,\"event_kind\":\"schedule\",\"drift\":[\"x\"],"
                     "\"actions\":[{\"api\":\"a\",\"ok\":true},{\"api\":\"b\",\"ok\":false}],"
                     "\"notified\":false,\"rate_limited\":true,\"parked\":true,"
                     "\"parked_count\":2}");
    sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
    assert_true(m.value[SW_METRIC_RESTORED] == 0);
    assert_true(m.value[SW_METRIC_NOTIFICATIONS_SUPPRESSED] == 1);
    assert_true(m.value[SW_METRIC_NOTIFICATIONS_PARKED] == 2);
    assert_true(m.value[SW_METRIC_SCHEDULED_CHECK] == 1);
    sw_outcome_clear(&o);
}

static void test_remediation_failed_is_no_heartbeat(void **state)
{
    (void)state;
    struct sw_outcome o;
    struct sw_metrics m;
    char kind[32];
    sw_outcome_init(&o);
    sw_outcome_fail(&o, "RemediationFailed", "ECR scanning not restored");
    sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
    assert_true(m.value[SW_METRIC_REMEDIATION_FAILED] == 1);
    assert_true(m.value[SW_METRIC_SCHEDULED_CHECK] == 0);
    assert_string_equal(kind, "");
    sw_outcome_fail(&o, "InvalidEvent", "not JSON");
    sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
    assert_true(m.value[SW_METRIC_REMEDIATION_FAILED] == 0);
    sw_outcome_clear(&o);
}

static void test_organization_members(void **state)
{
    (void)state;
    struct sw_outcome o;
    struct sw_metrics m;
    char kind[32];
    outcome_body(&o, "{\"handled\":true,\"event_kind\":\"schedule\",\"organization\":{\"run\":"
                     "{\"checked\":40,\"restored\":3,\"failed\":1}},\"notified\":true}");
    sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
    assert_true(m.value[SW_METRIC_MEMBERS_CHECKED] == 40);
    assert_true(m.value[SW_METRIC_MEMBERS_RESTORED] == 3);
    assert_true(m.value[SW_METRIC_MEMBERS_FAILED] == 1);
    sw_outcome_clear(&o);
}

/* A notified finding counts once in FindingsNotified and once in the metric of its severity
 * (the result's "severity"), and in no other severity's. */
static void test_finding_counts_by_severity(void **state)
{
    (void)state;
    static const struct {
        const char *severity;
        enum sw_metric metric;
    } cases[] = {
        {"CRITICAL", SW_METRIC_FINDINGS_NOTIFIED_CRITICAL},
        {"HIGH", SW_METRIC_FINDINGS_NOTIFIED_HIGH},
        {"MEDIUM", SW_METRIC_FINDINGS_NOTIFIED_MEDIUM},
        {"LOW", SW_METRIC_FINDINGS_NOTIFIED_LOW},
        {"INFORMATIONAL", SW_METRIC_FINDINGS_NOTIFIED_INFORMATIONAL},
        {"UNTRIAGED", SW_METRIC_FINDINGS_NOTIFIED_UNTRIAGED},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct sw_outcome o;
        struct sw_metrics m;
        char kind[32], json[256];
        snprintf(json, sizeof(json),
                 "{\"handled\":true,\"event_kind\":\"finding\",\"severity\":\"%s\","
                 "\"account\":\"123456789012\",\"notified\":true}",
                 cases[c].severity);
        outcome_body(&o, json);
        sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
        assert_string_equal(kind, "finding");
        assert_true(m.value[SW_METRIC_FINDINGS_NOTIFIED] == 1);
        assert_true(m.value[SW_METRIC_NOTIFICATIONS_PUBLISHED] == 1);
        for (int i = SW_METRIC_FINDINGS_NOTIFIED_CRITICAL; i < SW_METRIC_COUNT; i++) {
            assert_true(m.value[i] == (i == (int)cases[c].metric ? 1 : 0));
        }
        assert_string_equal(sw_metric_name(cases[c].metric), c == 0   ? "FindingsNotifiedCritical"
                                                             : c == 1 ? "FindingsNotifiedHigh"
                                                             : c == 2 ? "FindingsNotifiedMedium"
                                                             : c == 3 ? "FindingsNotifiedLow"
                                                             : c == 4
                                                                 ? "FindingsNotifiedInformational"
                                                                 : "FindingsNotifiedUntriaged");
        sw_outcome_clear(&o);
    }
}

/* A finding that was not notified (below MIN_SEVERITY, a duplicate, held back by the rate cap)
 * counts in no finding metric; neither does any other kind's notification. */
static void test_finding_not_notified_is_not_counted(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"handled\":true,\"event_kind\":\"finding\",\"severity\":\"LOW\","
        "\"reason\":\"below-threshold\",\"notified\":false}",
        "{\"handled\":true,\"event_kind\":\"finding\",\"severity\":\"CRITICAL\","
        "\"notified\":false,\"rate_limited\":true}",
        "{\"handled\":true,\"event_kind\":\"scan\",\"notified\":true}",
        "{\"handled\":true,\"event_kind\":\"config-change\",\"severity\":\"HIGH\","
        "\"drift\":[],\"notified\":true}",
    };
    for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
        struct sw_outcome o;
        struct sw_metrics m;
        char kind[32];
        outcome_body(&o, bodies[b]);
        sw_metrics_from_outcome(&o, &m, kind, sizeof(kind));
        for (int i = SW_METRIC_FINDINGS_NOTIFIED; i < SW_METRIC_COUNT; i++) {
            assert_true(m.value[i] == 0);
        }
        sw_outcome_clear(&o);
    }
}

/* The record follows the EMF specification: the directive under _aws names every metric
 * whose value is at the root, and the dimensions' values are at the root too. */
static void test_emf_record(void **state)
{
    (void)state;
    struct sw_metrics m = {{0}};
    struct sw_buf out = {0};
    struct sw_error err = {0};
    m.value[SW_METRIC_RESTORED] = 1;
    assert_int_equal(sw_metrics_emf(&m, "Scanwarden", "enforce", "account", "schedule",
                                    1700000000123LL, &out, &err),
                     SW_OK);
    cJSON *root = cJSON_Parse(sw_buf_cstr(&out));
    assert_non_null(root);
    assert_null(strchr(sw_buf_cstr(&out), '\n'));
    cJSON *aws = cJSON_GetObjectItem(root, "_aws");
    assert_true(cJSON_GetObjectItem(aws, "Timestamp")->valuedouble == 1700000000123.0);
    cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(aws, "CloudWatchMetrics"), 0);
    assert_string_equal(cJSON_GetObjectItem(d, "Namespace")->valuestring, "Scanwarden");
    cJSON *dims = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "Dimensions"), 0);
    cJSON *dim;
    cJSON_ArrayForEach(dim, dims)
    {
        assert_true(cJSON_IsString(cJSON_GetObjectItem(root, dim->valuestring)));
    }
    cJSON *metrics = cJSON_GetObjectItem(d, "Metrics");
    /* every metric but the per-severity ones, which are all zero here */
    assert_int_equal(cJSON_GetArraySize(metrics), SW_METRIC_FINDINGS_NOTIFIED_CRITICAL);
    cJSON *mo;
    cJSON_ArrayForEach(mo, metrics)
    {
        assert_true(cJSON_IsNumber(
            cJSON_GetObjectItem(root, cJSON_GetObjectItem(mo, "Name")->valuestring)));
    }
    assert_true(cJSON_GetObjectItem(root, "Restored")->valuedouble == 1);
    assert_true(cJSON_GetObjectItem(root, "FindingsNotified")->valuedouble == 0);
    assert_null(cJSON_GetObjectItem(root, "FindingsNotifiedCritical"));
    assert_string_equal(cJSON_GetObjectItem(root, "EventKind")->valuestring, "schedule");
    cJSON_Delete(root);
    sw_buf_clear(&out);
}

/* A per-severity metric is in the record, directive and value, only when non-zero: the record
 * of a notified HIGH finding names FindingsNotifiedHigh and no other severity's. */
static void test_emf_record_names_the_severity_counted(void **state)
{
    (void)state;
    struct sw_metrics m = {{0}};
    struct sw_buf out = {0};
    struct sw_error err = {0};
    m.value[SW_METRIC_NOTIFICATIONS_PUBLISHED] = 1;
    m.value[SW_METRIC_FINDINGS_NOTIFIED] = 1;
    m.value[SW_METRIC_FINDINGS_NOTIFIED_HIGH] = 1;
    assert_int_equal(sw_metrics_emf(&m, "Scanwarden", "enforce", "account", "finding",
                                    1700000000123LL, &out, &err),
                     SW_OK);
    cJSON *root = cJSON_Parse(sw_buf_cstr(&out));
    assert_non_null(root);
    cJSON *d = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "_aws"), "CloudWatchMetrics"), 0);
    cJSON *metrics = cJSON_GetObjectItem(d, "Metrics");
    assert_int_equal(cJSON_GetArraySize(metrics), SW_METRIC_FINDINGS_NOTIFIED_CRITICAL + 1);
    cJSON *mo;
    bool named = false;
    cJSON_ArrayForEach(mo, metrics)
    {
        const char *name = cJSON_GetObjectItem(mo, "Name")->valuestring;
        assert_true(cJSON_IsNumber(cJSON_GetObjectItem(root, name)));
        named = named || strcmp(name, "FindingsNotifiedHigh") == 0;
    }
    assert_true(named);
    assert_true(cJSON_GetObjectItem(root, "FindingsNotified")->valuedouble == 1);
    assert_true(cJSON_GetObjectItem(root, "FindingsNotifiedHigh")->valuedouble == 1);
    for (int i = SW_METRIC_FINDINGS_NOTIFIED_CRITICAL; i < SW_METRIC_COUNT; i++) {
        if (i != SW_METRIC_FINDINGS_NOTIFIED_HIGH)
            assert_null(cJSON_GetObjectItem(root, sw_metric_name((enum sw_metric)i)));
    }
    cJSON_Delete(root);
    sw_buf_clear(&out);
}

/* The record of the run: the result's members as fields, with the outcome and where. */
static void test_run_record(void **state)
{
    (void)state;
    struct sw_outcome o;
    struct sw_buf out = {0};
    struct sw_error err = {0};
    outcome_body(&o, "{\"handled\":true,\"event_kind\":\"config-change\",\"mode\":\"dry-run\","
                     "\"drift\":[\"inspector_ecr\"],\"notified\":true}");
    assert_int_equal(sw_metrics_run_record(&o, "eu-west-1", "enforce", "account", &out, &err),
                     SW_OK);
    assert_string_equal(sw_buf_cstr(&out),
                        "{\"record\":\"invocation\",\"outcome\":\"ok\",\"handled\":true,"
                        "\"event_kind\":\"config-change\",\"mode\":\"dry-run\",\"drift\":["
                        "\"inspector_ecr\"],\"notified\":true,\"region\":\"eu-west-1\","
                        "\"scope\":\"account\"}");
    sw_outcome_fail(&o, "RemediationFailed", "ECR scanning not\nrestored");
    assert_int_equal(sw_metrics_run_record(&o, "eu-west-1", "enforce", "account", &out, &err),
                     SW_OK);
    assert_null(strchr(sw_buf_cstr(&out), '\n'));
    assert_non_null(strstr(sw_buf_cstr(&out), "\"outcome\":\"RemediationFailed\",\"error\":"));
    assert_non_null(strstr(sw_buf_cstr(&out), "\"mode\":\"enforce\""));
    sw_buf_clear(&out);
    sw_outcome_clear(&o);
}

static void test_config(void **state)
{
    (void)state;
    struct sw_metrics_config c;
    struct sw_error err = {0};
    assert_int_equal(sw_metrics_config_parse(NULL, NULL, &c, &err), SW_OK);
    assert_true(c.enabled);
    assert_string_equal(c.ns, "Scanwarden");
    assert_int_equal(sw_metrics_config_parse("off", "Team/Scan", &c, &err), SW_OK);
    assert_false(c.enabled);
    assert_string_equal(c.ns, "Team/Scan");
    assert_int_equal(sw_metrics_config_parse("yes", NULL, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "METRICS"));
    assert_int_equal(sw_metrics_config_parse(NULL, "AWS/Lambda", &c, &err), SW_ECONFIG);
    assert_int_equal(sw_metrics_config_parse(NULL, "bad name", &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "METRICS_NAMESPACE"));
    /* The boundaries template.yaml's MetricsNamespace pattern is tested with
     * (tests/template/test_alarms.py). */
    char ns[SW_METRICS_NAMESPACE_MAX + 2];
    memset(ns, 'x', sizeof(ns) - 1);
    ns[SW_METRICS_NAMESPACE_MAX] = '\0';
    assert_int_equal(sw_metrics_config_parse(NULL, ns, &c, &err), SW_OK);
    ns[SW_METRICS_NAMESPACE_MAX] = 'x';
    ns[SW_METRICS_NAMESPACE_MAX + 1] = '\0';
    assert_int_equal(sw_metrics_config_parse(NULL, ns, &c, &err), SW_ECONFIG);
    assert_int_equal(sw_metrics_config_parse(NULL, "a.b_c-d/e#f:g", &c, &err), SW_OK);
    /* Empty counts as unset, as every variable does (the template's parameter must name one). */
    assert_int_equal(sw_metrics_config_parse(NULL, "", &c, &err), SW_OK);
    assert_string_equal(c.ns, "Scanwarden");
    assert_int_equal(sw_metrics_config_parse(NULL, "ns$", &c, &err), SW_ECONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restored_config_change),
        cmocka_unit_test(test_failed_write_is_not_restored),
        cmocka_unit_test(test_remediation_failed_is_no_heartbeat),
        cmocka_unit_test(test_organization_members),
        cmocka_unit_test(test_finding_counts_by_severity),
        cmocka_unit_test(test_finding_not_notified_is_not_counted),
        cmocka_unit_test(test_emf_record),
        cmocka_unit_test(test_emf_record_names_the_severity_counted),
        cmocka_unit_test(test_run_record),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
