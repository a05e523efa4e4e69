/* Unit tests for sw_metrics: the counts each kind of answer yields and the EMF record that
 * carries them (docs/operations.md, docs/emf.schema.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/metrics.h"

#include <cjson/cJSON.h>
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
    assert_int_equal(cJSON_GetArraySize(metrics), SW_METRIC_COUNT);
    cJSON *mo;
    cJSON_ArrayForEach(mo, metrics)
    {
        assert_true(cJSON_IsNumber(
            cJSON_GetObjectItem(root, cJSON_GetObjectItem(mo, "Name")->valuestring)));
    }
    assert_true(cJSON_GetObjectItem(root, "Restored")->valuedouble == 1);
    assert_string_equal(cJSON_GetObjectItem(root, "EventKind")->valuestring, "schedule");
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restored_config_change),
        cmocka_unit_test(test_failed_write_is_not_restored),
        cmocka_unit_test(test_remediation_failed_is_no_heartbeat),
        cmocka_unit_test(test_organization_members),
        cmocka_unit_test(test_emf_record),
        cmocka_unit_test(test_run_record),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
