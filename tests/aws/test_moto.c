/* The AWS client against moto_server with IAM authentication (tests/peers/moto_peer.py) and,
 * for the two Inspector2 operations moto lacks, tests/peers/inspector2_front.py (which
 * checks the SigV4 signature with botocore and forwards everything else to moto).
 *
 * The client runs with temporary credentials (AssumeRole, session token) of a role holding
 * tests/aws/data/integration-policy.json. Every operation's effect is read back with boto3
 * through the peer; a wrong secret and a missing permission must surface as clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/peer.h"
#include "handler/aws/client.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sns.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNT_ID "123456789012"

static struct test_peer moto, front;
static cJSON *moto_state;
static char topic_arn[256];

static const char *str(const cJSON *obj, const char *path)
{
    /* "a.b.c" lookup of a string member */
    char key[128];
    const cJSON *cur = obj;
    while (cur && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        path += n + (path[n] == '.');
    }
    return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

static void use_credentials(const cJSON *creds, const char *secret_override)
{
    setenv("AWS_ACCESS_KEY_ID", str(creds, "AccessKeyId"), 1);
    setenv("AWS_SECRET_ACCESS_KEY",
           secret_override ? secret_override : str(creds, "SecretAccessKey"), 1);
    if (str(creds, "SessionToken"))
        setenv("AWS_SESSION_TOKEN", str(creds, "SessionToken"), 1);
    else
        unsetenv("AWS_SESSION_TOKEN");
}

static int start_peers(void **state)
{
    char policy[1024];
    signal(SIGPIPE, SIG_IGN);
    snprintf(policy, sizeof(policy), "%s/tests/aws/data/integration-policy.json", SW_SOURCE_DIR);
    const char *margs[] = {"--topic", "scanwarden-it", "--policy", policy, NULL};
    moto_state = test_peer_start(&moto, "moto_peer.py", margs, 30000);
    if (!moto_state)
        return -1;
    const char *endpoint = str(moto_state, "endpoint");
    snprintf(topic_arn, sizeof(topic_arn), "%s", str(moto_state, "topic_arn"));
    const char *fargs[] = {"--upstream", endpoint, NULL};
    cJSON *fstate = test_peer_start(&front, "inspector2_front.py", fargs, 10000);
    if (!fstate)
        return -1;
    unsetenv("HTTPS_PROXY"); /* the peers are on loopback */
    unsetenv("https_proxy");
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    setenv("AWS_ENDPOINT_URL_INSPECTOR2", str(fstate, "endpoint"), 1);
    unsetenv("AWS_MAX_ATTEMPTS");
    cJSON_Delete(fstate);
    use_credentials(cJSON_GetObjectItemCaseSensitive(moto_state, "credentials"), NULL);

    /* the front knows the role's key and grants what the policy grants */
    cJSON *allow = cJSON_CreateObject();
    cJSON_AddStringToObject(allow, "cmd", "allow");
    cJSON_AddItemToObject(
        allow, "credentials",
        cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(moto_state, "credentials"), 1));
    cJSON *actions = cJSON_AddArrayToObject(allow, "actions");
    cJSON_AddItemToArray(actions, cJSON_CreateString("inspector2:GetConfiguration"));
    cJSON_AddItemToArray(actions, cJSON_CreateString("inspector2:UpdateConfiguration"));
    char *text = cJSON_PrintUnformatted(allow);
    cJSON *ok = test_peer_command(&front, text, 5000);
    cJSON_free(text);
    cJSON_Delete(allow);
    if (!ok)
        return -1;
    cJSON_Delete(ok);
    return 0;
}

static int stop_peers(void **state)
{
    test_peer_stop(&front);
    test_peer_stop(&moto);
    cJSON_Delete(moto_state);
    return 0;
}

static struct sw_aws_client *new_client(void)
{
    struct sw_error err = {0};
    struct sw_aws_client_options opt = {.request_timeout_ms = 10000};
    struct sw_aws_client *c = sw_aws_client_new(&opt, &err);
    if (!c)
        fail_msg("client: %s", err.msg);
    return c;
}

/* boto3 (as admin) through moto_peer: {"service", "operation", "params"} -> result. */
static cJSON *boto3(const char *service, const char *operation, const char *params_json)
{
    char cmd[4096];
    snprintf(cmd, sizeof(cmd),
             "{\"cmd\":\"call\",\"service\":\"%s\",\"operation\":\"%s\",\"params\":%s}", service,
             operation, params_json ? params_json : "{}");
    cJSON *answer = test_peer_command(&moto, cmd, 20000);
    assert_non_null(answer);
    if (!cJSON_GetObjectItemCaseSensitive(answer, "result"))
        fail_msg("boto3 %s.%s failed: %s", service, operation, cJSON_PrintUnformatted(answer));
    return answer;
}

static void inspector2_enable_and_status_round_trip(void **state)
{
    struct sw_aws_client *c = new_client();
    struct sw_account_status_list st;
    struct sw_enable_result en;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    const char *ids[] = {ACCOUNT_ID};
    const char *types[] = {"ECR"};

    int rc = sw_inspector2_batch_get_account_status(c, ids, 1, &st, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    const struct sw_account_status *a = sw_account_status_find(&st, ACCOUNT_ID);
    assert_true(a == NULL || strcmp(a->ecr.status, "ENABLED") != 0); /* not yet */
    sw_account_status_list_clear(&st);

    rc = sw_inspector2_enable(c, ids, 1, types, 1, &en, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(en.count, 1);
    assert_string_equal(en.accounts[0].account_id, ACCOUNT_ID);
    assert_string_equal(en.accounts[0].ecr_status, "ENABLED");
    sw_enable_result_clear(&en);

    cJSON *back =
        boto3("inspector2", "batch_get_account_status", "{\"accountIds\":[\"" ACCOUNT_ID "\"]}");
    const cJSON *acc =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                               cJSON_GetObjectItemCaseSensitive(back, "result"), "accounts"),
                           0);
    assert_string_equal(str(acc, "resourceState.ecr.status"), "ENABLED");
    cJSON_Delete(back);

    assert_int_equal(sw_inspector2_batch_get_account_status(c, ids, 1, &st, &aerr, &err), 0);
    assert_string_equal(sw_account_status_find(&st, ACCOUNT_ID)->ecr.status, "ENABLED");
    sw_account_status_list_clear(&st);
    assert_true(sw_aws_client_last_call(c)->new_connections == 0); /* kept alive */

    struct sw_member_list members;
    rc = sw_inspector2_list_members(c, true, NULL, &members, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(members.next_token, "");
    sw_member_list_clear(&members);
    sw_aws_client_free(c);
}

static void ecr_scanning_configuration_round_trip(void **state)
{
    struct sw_aws_client *c = new_client();
    struct sw_ecr_scanning_configuration want = {0}, got, echoed;
    struct sw_ecr_rule *r;
    struct sw_aws_error aerr;
    struct sw_error err = {0};

    strcpy(want.scan_type, "ENHANCED");
    assert_int_equal(sw_ecr_add_rule(&want, "CONTINUOUS_SCAN", &r, &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "*", "WILDCARD", &err), 0);
    assert_int_equal(sw_ecr_add_rule(&want, "SCAN_ON_PUSH", &r, &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "prod-*", "WILDCARD", &err), 0);
    int rc = sw_ecr_put_registry_scanning_configuration(c, &want, &echoed, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(echoed.scan_type, "ENHANCED");
    sw_ecr_scanning_configuration_clear(&echoed);

    cJSON *back = boto3("ecr", "get_registry_scanning_configuration", NULL);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(back, "result");
    assert_string_equal(str(res, "scanningConfiguration.scanType"), "ENHANCED");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(res, "scanningConfiguration"), "rules");
    assert_int_equal(cJSON_GetArraySize(rules), 2);
    assert_string_equal(str(cJSON_GetArrayItem(rules, 1), "scanFrequency"), "SCAN_ON_PUSH");
    assert_string_equal(
        str(cJSON_GetArrayItem(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rules, 1), "repositoryFilters"),
                0),
            "filter"),
        "prod-*");
    cJSON_Delete(back);

    rc = sw_ecr_get_registry_scanning_configuration(c, &got, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(got.registry_id, ACCOUNT_ID);
    assert_string_equal(got.scan_type, "ENHANCED");
    assert_int_equal(got.rule_count, 2);
    assert_string_equal(got.rules[0].scan_frequency, "CONTINUOUS_SCAN");
    assert_string_equal(got.rules[0].filters[0].filter, "*");
    sw_ecr_scanning_configuration_clear(&got);

    /* invalid configurations never leave the client */
    strcpy(want.rules[1].filters[0].filter, "UPPER");
    assert_int_equal(sw_ecr_put_registry_scanning_configuration(c, &want, NULL, &aerr, &err),
                     SW_EINVAL);
    assert_non_null(strstr(err.msg, "not sent"));
    sw_ecr_scanning_configuration_clear(&want);
    sw_aws_client_free(c);
}

static void sns_publish_reaches_the_subscriber(void **state)
{
    struct sw_aws_client *c = new_client();
    struct sw_notification n;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    char id[SW_SNS_MESSAGE_ID_MAX];
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "[CRITICAL] CVE-2023-44487 in web/api:1.4.2");
    sw_buf_append_str(&n.message, "Caf\xc3\xa9 & \"quotes\" + 100%\nsecond line ~*");
    sw_notification_add_attribute(&n, "event_kind", "finding");
    sw_notification_add_attribute(&n, "severity", "CRITICAL");
    sw_notification_add_attribute(&n, "account_id", ACCOUNT_ID);
    sw_notification_finish(&n);
    int rc = sw_sns_publish(c, topic_arn, &n, false, id, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_true(strlen(id) > 10);

    cJSON *m = test_peer_command(&moto, "{\"cmd\":\"messages\",\"expect\":1}", 20000);
    assert_non_null(m);
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(m, "messages");
    assert_int_equal(cJSON_GetArraySize(msgs), 1);
    const cJSON *env = cJSON_GetArrayItem(msgs, 0);
    assert_string_equal(str(env, "MessageId"), id);
    assert_string_equal(str(env, "TopicArn"), topic_arn);
    assert_string_equal(str(env, "Subject"), "[CRITICAL] CVE-2023-44487 in web/api:1.4.2");
    assert_string_equal(str(env, "Message"), "Caf\xc3\xa9 & \"quotes\" + 100%\nsecond line ~*");
    assert_string_equal(str(env, "MessageAttributes.event_kind.Value"), "finding");
    assert_string_equal(str(env, "MessageAttributes.event_kind.Type"), "String");
    assert_string_equal(str(env, "MessageAttributes.severity.Value"), "CRITICAL");
    assert_string_equal(str(env, "MessageAttributes.account_id.Value"), ACCOUNT_ID);
    cJSON_Delete(m);

    /* MessageStructure=json: each protocol gets its own message, SQS the "sqs" one */
    sw_notification_clear(&n);
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "structured");
    sw_buf_append_str(&n.message, "{\"default\":\"for everyone\",\"sqs\":\"for the queue\"}");
    rc = sw_sns_publish(c, topic_arn, &n, true, id, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    m = test_peer_command(&moto, "{\"cmd\":\"messages\",\"expect\":1}", 20000);
    assert_non_null(m);
    msgs = cJSON_GetObjectItemCaseSensitive(m, "messages");
    assert_int_equal(cJSON_GetArraySize(msgs), 1);
    assert_string_equal(str(cJSON_GetArrayItem(msgs, 0), "Message"), "for the queue");
    cJSON_Delete(m);
    sw_notification_clear(&n);
    sw_aws_client_free(c);
}

static void rescan_duration_through_the_front(void **state)
{
    struct sw_aws_client *c = new_client();
    struct sw_inspector2_configuration cfg;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    int rc = sw_inspector2_update_configuration(c, "DAYS_30", &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    cJSON *s = test_peer_command(&front, "{\"cmd\":\"state\"}", 5000);
    assert_string_equal(str(s, "configuration.ecrConfiguration.rescanDurationState.rescanDuration"),
                        "DAYS_30");
    cJSON_Delete(s);
    rc = sw_inspector2_get_configuration(c, &cfg, &aerr, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(cfg.rescan_duration, "DAYS_30");
    assert_string_equal(cfg.rescan_status, "SUCCESS");
    assert_true(cfg.rescan_updated_at > 1.7e9);

    /* an unknown value is sent as given and refused by the service, verbatim */
    assert_int_equal(sw_inspector2_update_configuration(c, "DAYS_1000", &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "ValidationException");
    assert_int_equal(aerr.http_status, 400);
    sw_aws_client_free(c);
}

static void wrong_secret_is_signature_does_not_match(void **state)
{
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(moto_state, "credentials");
    use_credentials(creds, "not-the-secret-key");
    struct sw_aws_client *c = new_client();
    struct sw_ecr_scanning_configuration got;
    struct sw_inspector2_configuration cfg;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    assert_int_equal(sw_ecr_get_registry_scanning_configuration(c, &got, &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "SignatureDoesNotMatch");
    assert_int_equal(aerr.http_status, 403);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 1);
    print_message("wrong secret: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "ecr:GetRegistryScanningConfiguration: SignatureDoesNotMatch: "
                                    "The request signature we calculated does not match"));
    assert_null(strstr(err.msg, "not-the-secret-key"));

    assert_int_equal(sw_inspector2_get_configuration(c, &cfg, &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "InvalidSignatureException");
    sw_aws_client_free(c);
    use_credentials(creds, NULL);
}

static void missing_permission_is_access_denied(void **state)
{
    /* a second role: the same policy without ecr:PutRegistryScanningConfiguration */
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "{\"cmd\":\"role\",\"name\":\"reader\",\"policy\":{\"Version\":\"2012-10-17\","
             "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
             "\"ecr:GetRegistryScanningConfiguration\",\"inspector2:BatchGetAccountStatus\"],"
             "\"Resource\":\"*\"}]}}");
    cJSON *role = test_peer_command(&moto, cmd, 20000);
    assert_non_null(role);
    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(role, "credentials");
    assert_non_null(creds);
    use_credentials(creds, NULL);
    struct sw_aws_client *c = new_client();
    struct sw_ecr_scanning_configuration want = {0};
    struct sw_ecr_rule *r;
    struct sw_notification n;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    char id[SW_SNS_MESSAGE_ID_MAX];
    strcpy(want.scan_type, "BASIC");
    sw_ecr_add_rule(&want, "SCAN_ON_PUSH", &r, &err);
    sw_ecr_rule_add_filter(r, "*", "WILDCARD", &err);
    assert_int_equal(sw_ecr_put_registry_scanning_configuration(c, &want, NULL, &aerr, &err),
                     SW_EAWS);
    print_message("missing permission: %s\n", err.msg);
    assert_string_equal(aerr.code, "AccessDenied");
    assert_int_equal(aerr.http_status, 403);
    assert_non_null(strstr(aerr.message, "not authorized to perform: "
                                         "ecr:PutRegistryScanningConfiguration"));
    assert_non_null(strstr(err.msg, "ecr:PutRegistryScanningConfiguration: AccessDenied: "));
    sw_ecr_scanning_configuration_clear(&want);

    sw_notification_init(&n);
    sw_buf_append_str(&n.message, "should not arrive");
    assert_int_equal(sw_sns_publish(c, topic_arn, &n, false, id, &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "AccessDenied");
    assert_non_null(strstr(aerr.message, "sns:Publish"));
    sw_notification_clear(&n);

    /* the front does not know this key at all */
    struct sw_inspector2_configuration cfg;
    assert_int_equal(sw_inspector2_get_configuration(c, &cfg, &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "UnrecognizedClientException");
    sw_aws_client_free(c);
    use_credentials(cJSON_GetObjectItemCaseSensitive(moto_state, "credentials"), NULL);
    cJSON_Delete(role);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inspector2_enable_and_status_round_trip),
        cmocka_unit_test(ecr_scanning_configuration_round_trip),
        cmocka_unit_test(sns_publish_reaches_the_subscriber),
        cmocka_unit_test(rescan_duration_through_the_front),
        cmocka_unit_test(wrong_secret_is_signature_does_not_match),
        cmocka_unit_test(missing_permission_is_access_denied),
    };
    return cmocka_run_group_tests(tests, start_peers, stop_peers);
}
