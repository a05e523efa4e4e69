/* Unit tests for sw_workloads: which findings are looked up, the GetClustersForImage request
 * body, parsing answers (ECS and EKS clusters summed per cluster, the page bound, nextToken,
 * malformed answers) and the note a failed lookup leaves in the notification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/notify/workloads.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#define IMAGE                                                                                      \
    "arn:aws:ecr:us-east-1:123456789012:repository/web/api/sha256:"                                \
    "84f507df33c6864d49c296fb734192696e4cb6f78166ac51ac8b9b118181085d"

static void wanted_only_for_critical_and_high_images(void **state)
{
    (void)state;
    struct sw_finding f = {0};
    f.resource_id = IMAGE;
    f.severity = SW_SEVERITY_CRITICAL;
    assert_true(sw_workloads_wanted(&f));
    f.severity = SW_SEVERITY_HIGH;
    assert_true(sw_workloads_wanted(&f));
    f.severity = SW_SEVERITY_MEDIUM;
    assert_false(sw_workloads_wanted(&f));
    f.severity = SW_SEVERITY_HIGH;
    f.resource_id = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123";
    assert_false(sw_workloads_wanted(&f));
    f.resource_id = NULL;
    assert_false(sw_workloads_wanted(&f));
}

static void request_body(void **state)
{
    (void)state;
    struct sw_buf b;
    struct sw_error err = {0};
    sw_buf_init(&b, 4096);
    assert_int_equal(sw_workloads_request(IMAGE, &b, &err), 0);
    assert_string_equal(sw_buf_cstr(&b),
                        "{\"filter\":{\"resourceId\":\"" IMAGE "\"},\"maxResults\":10}");
    sw_buf_clear(&b);
}

static void parse_sums_per_cluster(void **state)
{
    (void)state;
    static const char answer[] =
        "{\"cluster\":[{\"clusterArn\":\"arn:aws:ecs:us-east-1:1:cluster/"
        "prod\",\"clusterDetails\":["
        "{\"clusterMetadata\":{\"awsEcsMetadataDetails\":{\"detailsGroup\":\"a\"}},"
        "\"runningUnitCount\":3,\"stoppedUnitCount\":1,\"lastInUse\":1.7E9},"
        "{\"clusterMetadata\":{\"awsEcsMetadataDetails\":{}},\"runningUnitCount\":2}]},"
        "{\"clusterArn\":\"arn:aws:eks:us-east-1:1:cluster/k\",\"clusterDetails\":["
        "{\"clusterMetadata\":{\"awsEksMetadataDetails\":{\"namespace\":\"n\"}},"
        "\"runningUnitCount\":-5}]},{\"clusterDetails\":[]}]}";
    struct sw_workloads w;
    struct sw_error err = {0};
    assert_int_equal(sw_workloads_parse(answer, strlen(answer), &w, &err), 0);
    assert_int_equal(w.count, 2); /* the entry without an ARN is skipped */
    assert_string_equal(w.clusters[0].arn, "arn:aws:ecs:us-east-1:1:cluster/prod");
    assert_true(w.clusters[0].ecs && !w.clusters[0].eks);
    assert_int_equal(w.clusters[0].running, 5);
    assert_int_equal(w.clusters[0].stopped, 1);
    assert_true(w.clusters[1].eks && !w.clusters[1].ecs);
    assert_int_equal(w.clusters[1].running, 0); /* a negative count is not trusted */
    assert_false(w.more);
}

static void parse_bounds_and_errors(void **state)
{
    (void)state;
    char answer[4096];
    size_t o = (size_t)snprintf(answer, sizeof(answer), "{\"cluster\":[");
    for (int i = 0; i < 15; i++)
        o += (size_t)snprintf(answer + o, sizeof(answer) - o,
                              "%s{\"clusterArn\":\"arn:aws:ecs:us-east-1:1:cluster/c%d\"}",
                              i ? "," : "", i);
    snprintf(answer + o, sizeof(answer) - o, "]}");
    struct sw_workloads w;
    struct sw_error err = {0};
    assert_int_equal(sw_workloads_parse(answer, strlen(answer), &w, &err), 0);
    assert_int_equal(w.count, SW_WORKLOADS_MAX);
    assert_true(w.more);
    assert_int_equal(sw_workloads_parse("{\"nextToken\":\"t\"}", 17, &w, &err), 0);
    assert_int_equal(w.count, 0);
    assert_true(w.more);
    assert_int_equal(sw_workloads_parse("{\"cluster\":{}}", 14, &w, &err), SW_EPARSE);
    assert_int_equal(sw_workloads_parse("<html>", 6, &w, &err), SW_EPARSE);
    assert_int_equal(sw_workloads_parse("[]", 2, &w, &err), SW_EPARSE);
}

static void annotate_failure_and_success(void **state)
{
    (void)state;
    struct sw_notification n;
    struct sw_error err = {0};
    struct sw_workloads w = {0};
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "[CRITICAL] CVE-2024-6119 in web/api:1");
    assert_int_equal(sw_buf_append_str(&n.message, "text\n"), 0);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddObjectToObject(doc, "finding");
    sw_notification_set_document(&n, doc);
    assert_int_equal(sw_workloads_annotate(&n, &w, "AccessDeniedException: not authorized", &err),
                     0);
    assert_non_null(strstr(sw_buf_cstr(&n.message),
                           "  Could not be determined: AccessDeniedException: not authorized\n"));
    const cJSON *wl = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(n.document, "finding"), "workloads");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(wl, "status")->valuestring, "unavailable");
    sw_notification_clear(&n);

    sw_notification_init(&n);
    assert_int_equal(sw_buf_append_str(&n.message, "text\n"), 0);
    assert_int_equal(sw_workloads_annotate(&n, &w, NULL, &err), 0);
    assert_non_null(strstr(sw_buf_cstr(&n.message), "Not running in any ECS or EKS cluster"));
    sw_notification_clear(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wanted_only_for_critical_and_high_images),
        cmocka_unit_test(request_body),
        cmocka_unit_test(parse_sums_per_cluster),
        cmocka_unit_test(parse_bounds_and_errors),
        cmocka_unit_test(annotate_failure_and_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
