/* The drift check's calls in round trips (handler/io/aws_io.c): the reads go out together,
 * Enable goes first and the other writes go out together after it.
 *
 * Against tests/peers/fault_server.py: a "together" answer is held until all the requests
 * scripted with it are in flight at once, and a request sent after another one ended gets
 * 504 instead, so "together" needs no clock. Answers are served in arrival order, so the
 * answers of calls sent together are one body every parser of the round accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/peer.h"
#include "handler/io/aws_io.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ACCOUNT "123456789012"
#define ESC_STATE                                                                                  \
    "{\\\"accounts\\\":[{\\\"accountId\\\":\\\"" ACCOUNT "\\\",\\\"resourceState\\\":{"            \
    "\\\"ecr\\\":{\\\"status\\\":\\\"DISABLED\\\"}}}],\\\"registryId\\\":\\\"" ACCOUNT "\\\","     \
    "\\\"scanningConfiguration\\\":{\\\"scanType\\\":\\\"BASIC\\\",\\\"rules\\\":[]},"             \
    "\\\"ecrConfiguration\\\":{\\\"rescanDurationState\\\":{\\\"rescanDuration\\\":"               \
    "\\\"DAYS_14\\\",\\\"status\\\":\\\"SUCCESS\\\"}}}"
#define TOGETHER(n, body)                                                                          \
    "{\"status\":200,\"action\":\"together\",\"count\":" #n ",\"delay\":5,"                        \
    "\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"" body "\"}"

static struct test_peer server;
static struct sw_aws_client *aws;
static struct sw_config cfg;

static int start(void **state)
{
    (void)state;
    char endpoint[64];
    struct sw_error err = {0};
    signal(SIGPIPE, SIG_IGN);
    if (test_peer_start_fault_server(&server, endpoint, sizeof(endpoint)) != 0)
        return -1;
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    aws = sw_aws_client_new(&(struct sw_aws_client_options){.request_timeout_ms = 10000}, &err);
    return aws ? 0 : -1;
}

static int stop(void **state)
{
    (void)state;
    sw_aws_client_free(aws);
    test_peer_stop(&server);
    return 0;
}

static void command(const char *json)
{
    cJSON *ok = test_peer_command(&server, json, 5000);
    assert_non_null(ok);
    cJSON_Delete(ok);
}

static void script(const char *responses)
{
    command("{\"cmd\":\"reset\"}");
    assert_true(test_peer_script(&server, responses));
}

/* The recorded requests' operations ("/enable", or the ECR target's operation) and arrival
 * times, in arrival order. */
static size_t recorded(char ops[][64], double *times, size_t cap)
{
    cJSON *r = test_peer_command(&server, "{\"cmd\":\"requests\"}", 5000);
    assert_non_null(r);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    size_t n = 0;
    for (const cJSON *it = list ? list->child : NULL; it && n < cap; it = it->next, n++) {
        const char *path = cJSON_GetObjectItemCaseSensitive(it, "path")->valuestring;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "headers");
        const char *target = NULL;
        for (const cJSON *x = h ? h->child : NULL; x; x = x->next) {
            if (strcasecmp(x->string, "X-Amz-Target") == 0)
                target = x->valuestring;
        }
        const char *dot = target ? strrchr(target, '.') : NULL;
        snprintf(ops[n], 64, "%s", dot ? dot + 1 : path);
        times[n] = cJSON_GetObjectItemCaseSensitive(it, "time")->valuedouble;
    }
    cJSON_Delete(r);
    return n;
}

static void the_reads_go_out_together(void **state)
{
    (void)state;
    struct sw_aws_io io;
    struct sw_actual_state actual;
    struct sw_action_result failure = {0};
    sw_aws_io_init(&io, aws, &cfg);
    /* sent one after the other, the first would get 504 and the read would fail */
    script("[" TOGETHER(3, ESC_STATE) "," TOGETHER(3, ESC_STATE) "," TOGETHER(3, ESC_STATE) "]");
    assert_int_equal(sw_aws_io_read(&io, ACCOUNT, true, &actual, &failure), 0);
    assert_string_equal(actual.inspector_ecr_status, "DISABLED");
    assert_string_equal(actual.scan_type, "BASIC");
    assert_string_equal(actual.rescan_duration, "DAYS_14");
    char ops[8][64];
    double times[8];
    assert_int_equal(recorded(ops, times, 8), 3);

    /* Without the rescan duration managed: two reads, together. */
    script("[" TOGETHER(2, ESC_STATE) "," TOGETHER(2, ESC_STATE) "]");
    assert_int_equal(sw_aws_io_read(&io, ACCOUNT, false, &actual, &failure), 0);
    assert_null(actual.rescan_duration);
    assert_int_equal(recorded(ops, times, 8), 2);
    sw_aws_io_clear(&io);
}

static void enable_first_then_the_other_writes_together(void **state)
{
    (void)state;
    struct sw_aws_io io;
    struct sw_drift_plan plan;
    struct sw_action_result results[SW_DRIFT_ACTIONS_MAX];
    struct sw_drift_filter filters[] = {{"*", "WILDCARD"}};
    struct sw_drift_rule rules[] = {{"CONTINUOUS_SCAN", filters, 1}};
    memset(&plan, 0, sizeof(plan));
    memset(results, 0, sizeof(results));
    plan.checked = plan.execute = true;
    plan.actions[0].api = SW_DRIFT_API_INSPECTOR2_ENABLE;
    plan.actions[1].api = SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING;
    plan.actions[2].api = SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION;
    plan.action_count = 3;
    for (size_t i = 0; i < 3; i++)
        snprintf(plan.actions[i].summary, sizeof(plan.actions[i].summary), "%s",
                 sw_drift_api_name(plan.actions[i].api));
    plan.target = (struct sw_actual_state){"ENABLED", "ENHANCED", rules, 1, "DAYS_30"};
    sw_aws_io_init(&io, aws, &cfg);
    snprintf(io.account, sizeof(io.account), "%s", ACCOUNT);

    /* Enable's answer comes 0.5 s after its request: the others must not be sent before. */
    script("[{\"status\":200,\"action\":\"slow\",\"delay\":0.5,\"headers\":{\"Content-Type\":"
           "\"application/json\"},\"body\":\"{\\\"accounts\\\":[],\\\"failedAccounts\\\":[]}\"},"
           "" TOGETHER(2, "{}") "," TOGETHER(2, "{}") "]");
    sw_aws_io_perform(&io, &plan, results);
    for (size_t i = 0; i < 3; i++) {
        if (!results[i].ok)
            fail_msg("%s: %s: %s", results[i].api, results[i].error_code, results[i].error_message);
    }
    assert_string_equal(results[0].api, "inspector2:Enable");
    assert_string_equal(results[1].api, "ecr:PutRegistryScanningConfiguration");
    assert_string_equal(results[2].api, "inspector2:UpdateConfiguration");
    char ops[8][64];
    double times[8];
    assert_int_equal(recorded(ops, times, 8), 3);
    assert_string_equal(ops[0], "/enable");
    for (size_t i = 1; i < 3; i++)
        assert_true(times[i] >= times[0] + 0.5); /* sent after Enable's answer */

    /* Without Enable: one round, together. */
    plan.actions[0].api = SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING;
    plan.actions[1].api = SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION;
    plan.action_count = 2;
    script("[" TOGETHER(2, "{}") "," TOGETHER(2, "{}") "]");
    sw_aws_io_perform(&io, &plan, results);
    assert_true(results[0].ok && results[1].ok);
    assert_int_equal(recorded(ops, times, 8), 2);
    sw_aws_io_clear(&io);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_reads_go_out_together),
        cmocka_unit_test(enable_first_then_the_other_writes_together),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
