/* Unit tests of the wire formats: request bodies byte-for-byte against the files under
 * tests/aws/data/requests, answer parsers against tests/aws/data/responses, validation of what
 * is sent, and the XML reader. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/aws_test_util.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sns.h"
#include "handler/aws/sqs.h"
#include "handler/aws/sts.h"
#include "handler/aws/xml.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void assert_body_equals_file(const struct sw_buf *body, const char *rel)
{
    size_t len = 0;
    char *want = aws_test_read(rel, &len);
    assert_non_null(want);
    assert_string_equal(sw_buf_cstr(body), want);
    assert_int_equal(body->len, len);
    free(want);
}

static void inspector2_bodies_are_byte_exact(void **state)
{
    struct sw_buf b;
    struct sw_error err = {0};
    sw_buf_init(&b, 1 << 16);
    const char *ids[] = {"123456789012", "210987654321"};
    assert_int_equal(sw_inspector2_batch_get_account_status_body(ids, 2, &b, &err), 0);
    assert_body_equals_file(&b, "requests/inspector2-batch-get-account-status.body");

    const char *types[] = {"ECR"};
    assert_int_equal(sw_inspector2_enable_body(ids, 1, types, 1,
                                               "3f0e3c2a-8a4b-4c55-9a4e-0c7d6b1f2e10", &b, &err),
                     0);
    assert_body_equals_file(&b, "requests/inspector2-enable.body");

    assert_int_equal(sw_inspector2_update_configuration_body("DAYS_30", &b, &err), 0);
    assert_body_equals_file(&b, "requests/inspector2-update-configuration.body");

    assert_int_equal(sw_inspector2_list_members_body(true, 50, "page-2", &b, &err), 0);
    assert_body_equals_file(&b, "requests/inspector2-list-members.body");
    assert_int_equal(sw_inspector2_list_members_body(false, 50, NULL, &b, &err), 0);
    assert_string_equal(sw_buf_cstr(&b), "{\"onlyAssociated\":false,\"maxResults\":50}");
    sw_buf_clear(&b);
}

static void inspector2_bodies_reject_bad_input(void **state)
{
    struct sw_buf b;
    struct sw_error err = {0};
    const char *ids[101];
    for (size_t i = 0; i < 101; i++)
        ids[i] = "123456789012";
    sw_buf_init(&b, 1 << 16);
    assert_int_equal(sw_inspector2_batch_get_account_status_body(ids, 0, &b, &err), SW_EINVAL);
    assert_int_equal(sw_inspector2_batch_get_account_status_body(ids, 101, &b, &err), SW_ELIMIT);
    assert_non_null(strstr(err.msg, "at most 100"));
    const char *types[] = {"ECR"};
    assert_int_equal(sw_inspector2_enable_body(ids, 1, types, 0, NULL, &b, &err), SW_EINVAL);
    assert_int_equal(sw_inspector2_update_configuration_body("", &b, &err), SW_EINVAL);
    assert_int_equal(sw_inspector2_list_members_body(true, 51, NULL, &b, &err), SW_EINVAL);
    sw_buf_clear(&b);
}

static void client_token_is_a_uuid_v4(void **state)
{
    char a[40], b[40];
    struct sw_error err = {0};
    assert_int_equal(sw_inspector2_new_client_token(a, sizeof(a), &err), 0);
    assert_int_equal(sw_inspector2_new_client_token(b, sizeof(b), &err), 0);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_int_equal(a[8], '-');
    assert_string_not_equal(a, b);
}

static void parses_account_status_keeping_unknown_enums(void **state)
{
    size_t len = 0;
    char *json = aws_test_read("responses/inspector2-batch-get-account-status.json", &len);
    struct sw_account_status_list l;
    struct sw_error err = {0};
    assert_non_null(json);
    assert_int_equal(sw_inspector2_parse_account_status(json, len, &l, &err), 0);
    assert_int_equal(l.count, 1);
    const struct sw_account_status *a = sw_account_status_find(&l, "123456789012");
    assert_non_null(a);
    assert_string_equal(a->state.status, "ENABLED");
    assert_string_equal(a->ecr.status, "ENABLED");
    assert_string_equal(a->ecr.error_code, "ALREADY_ENABLED");
    assert_string_equal(a->ec2.status, "DISABLED");
    assert_string_equal(a->code_repository.status, "FUTURE_STATE");
    assert_null(sw_account_status_find(&l, "999999999999"));
    assert_int_equal(l.failed_count, 1);
    assert_string_equal(l.failed[0].account_id, "210987654321");
    assert_string_equal(l.failed[0].error_code, "ACCESS_DENIED");
    assert_string_equal(l.failed[0].ecr_status, "DISABLED");
    assert_string_equal(l.failed[0].error_message, "Caller is not the delegated administrator");
    sw_account_status_list_clear(&l);
    free(json);

    /* moto: a never-enabled account is simply absent */
    assert_int_equal(sw_inspector2_parse_account_status("{\"accounts\":[]}", 15, &l, &err), 0);
    assert_int_equal(l.count, 0);
    sw_account_status_list_clear(&l);
}

static void parses_enable_configuration_members(void **state)
{
    size_t len = 0;
    struct sw_error err = {0};
    char *json = aws_test_read("responses/inspector2-enable.json", &len);
    struct sw_enable_result e;
    assert_int_equal(sw_inspector2_parse_enable(json, len, &e, &err), 0);
    assert_int_equal(e.count, 1);
    assert_string_equal(e.accounts[0].ecr_status, "ENABLING");
    assert_string_equal(e.accounts[0].status, "ENABLING");
    assert_int_equal(e.failed_count, 0);
    sw_enable_result_clear(&e);
    free(json);

    json = aws_test_read("responses/inspector2-get-configuration.json", &len);
    struct sw_inspector2_configuration cfg;
    assert_int_equal(sw_inspector2_parse_configuration(json, len, &cfg, &err), 0);
    assert_true(cfg.has_ecr);
    assert_string_equal(cfg.rescan_duration, "DAYS_30");
    assert_string_equal(cfg.rescan_status, "SUCCESS");
    assert_string_equal(cfg.pull_date_rescan_mode, "LAST_PULL_DATE");
    assert_true(cfg.rescan_updated_at > 1.7e9 && cfg.rescan_updated_at < 1.7e9 + 1);
    assert_string_equal(cfg.ec2_scan_mode, "EC2_HYBRID");
    free(json);
    assert_int_equal(sw_inspector2_parse_configuration("{}", 2, &cfg, &err), 0);
    assert_false(cfg.has_ecr);
    assert_string_equal(cfg.rescan_duration, "");

    json = aws_test_read("responses/inspector2-list-members.json", &len);
    struct sw_member_list m;
    assert_int_equal(sw_inspector2_parse_members(json, len, &m, &err), 0);
    assert_int_equal(m.count, 2);
    assert_string_equal(m.members[0].delegated_admin_account_id, "123456789012");
    assert_string_equal(m.members[1].relationship_status, "SOME_NEW_STATE");
    assert_string_equal(m.next_token, "tok-2");
    sw_member_list_clear(&m);
    free(json);
}

static void parsers_reject_garbage_and_wrong_types(void **state)
{
    struct sw_error err = {0};
    struct sw_account_status_list l;
    struct sw_ecr_scanning_configuration c;
    const char *garbage = "<html>oops";
    assert_int_equal(sw_inspector2_parse_account_status(garbage, strlen(garbage), &l, &err),
                     SW_EPARSE);
    assert_non_null(strstr(err.msg, "BatchGetAccountStatus"));
    const char *wrong = "{\"accounts\":{\"accountId\":\"1\"}}";
    assert_int_equal(sw_inspector2_parse_account_status(wrong, strlen(wrong), &l, &err), SW_EPARSE);
    const char *wrong2 = "{\"accounts\":[{\"accountId\":12}]}";
    assert_int_equal(sw_inspector2_parse_account_status(wrong2, strlen(wrong2), &l, &err),
                     SW_EPARSE);
    assert_null(l.accounts);
    const char *truncated = "{\"registryId\":\"1\",\"scanningConfiguration\":{\"scanType\":\"ENH";
    assert_int_equal(sw_ecr_parse_get(truncated, strlen(truncated), &c, &err), SW_EPARSE);
    /* nesting bomb */
    char deep[200];
    memset(deep, '[', sizeof(deep));
    memcpy(deep, "{\"a\":", 5);
    assert_int_equal(sw_ecr_parse_get(deep, sizeof(deep), &c, &err), SW_EPARSE);
}

static void ecr_body_is_byte_exact_and_validated(void **state)
{
    struct sw_ecr_scanning_configuration cfg = {0};
    struct sw_ecr_rule *r;
    struct sw_error err = {0};
    struct sw_buf b;
    sw_buf_init(&b, 1 << 16);
    strcpy(cfg.scan_type, "ENHANCED");
    assert_int_equal(sw_ecr_add_rule(&cfg, "CONTINUOUS_SCAN", &r, &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "*", "WILDCARD", &err), 0);
    assert_int_equal(sw_ecr_add_rule(&cfg, "SCAN_ON_PUSH", &r, &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "prod-*", "WILDCARD", &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "team/app", "WILDCARD", &err), 0);
    assert_int_equal(sw_ecr_validate(&cfg, &err), 0);
    assert_int_equal(sw_ecr_put_body(&cfg, &b, &err), 0);
    assert_body_equals_file(&b, "requests/ecr-put-registry-scanning-configuration.body");

    /* what moto would accept and AWS would not */
    assert_int_equal(sw_ecr_add_rule(&cfg, "CONTINUOUS_SCAN", &r, &err), 0);
    assert_int_equal(sw_ecr_rule_add_filter(r, "x", "WILDCARD", &err), 0);
    assert_int_equal(sw_ecr_validate(&cfg, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "at most 2"));
    cfg.rule_count = 2;
    strcpy(cfg.rules[1].scan_frequency, "MANUAL");
    assert_int_equal(sw_ecr_validate(&cfg, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "MANUAL"));
    strcpy(cfg.rules[1].scan_frequency, "SCAN_ON_PUSH");
    strcpy(cfg.rules[1].filters[0].filter, "Prod");
    assert_int_equal(sw_ecr_validate(&cfg, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "Prod"));
    sw_ecr_scanning_configuration_clear(&cfg);
    sw_buf_clear(&b);

    assert_true(sw_repository_filter_ok("*"));
    assert_true(sw_repository_filter_ok("a.b_c-d/e*"));
    assert_false(sw_repository_filter_ok(""));
    assert_false(sw_repository_filter_ok("-a"));
    assert_false(sw_repository_filter_ok("a-"));
    assert_false(sw_repository_filter_ok("a//b"));
    assert_false(sw_repository_filter_ok("a b"));
}

static void ecr_answers_parse_with_unknown_filter_types(void **state)
{
    size_t len = 0;
    struct sw_error err = {0};
    struct sw_ecr_scanning_configuration c;
    char *json = aws_test_read("responses/ecr-get-registry-scanning-configuration.json", &len);
    assert_int_equal(sw_ecr_parse_get(json, len, &c, &err), 0);
    assert_string_equal(c.registry_id, "123456789012");
    assert_string_equal(c.scan_type, "ENHANCED");
    assert_int_equal(c.rule_count, 2);
    assert_string_equal(c.rules[0].scan_frequency, "SCAN_ON_PUSH");
    assert_int_equal(c.rules[1].filter_count, 2);
    assert_string_equal(c.rules[1].filters[1].filter_type, "PREFIX_MATCH");
    sw_ecr_scanning_configuration_clear(&c);
    free(json);
    json = aws_test_read("responses/ecr-put-registry-scanning-configuration.json", &len);
    assert_int_equal(sw_ecr_parse_put(json, len, &c, &err), 0);
    assert_int_equal(c.rule_count, 1);
    assert_string_equal(c.rules[0].filters[0].filter, "*");
    sw_ecr_scanning_configuration_clear(&c);
    free(json);
}

static void sns_body_is_byte_exact(void **state)
{
    struct sw_notification n;
    struct sw_buf b;
    struct sw_error err = {0};
    sw_notification_init(&n);
    sw_buf_init(&b, SW_SNS_BODY_MAX);
    sw_notification_set_subject(&n, "[CRITICAL] CVE-2023-44487 in web/api:1.4.2");
    sw_buf_append_str(&n.message, "Caf\xc3\xa9 \"quoted\" & more\nline two ~*+");
    sw_notification_add_attribute(&n, "event_kind", "finding");
    sw_notification_add_attribute(&n, "severity", "CRITICAL");
    assert_int_equal(
        sw_sns_publish_body("arn:aws:sns:eu-west-1:123456789012:scanwarden", &n, false, &b, &err),
        0);
    assert_body_equals_file(&b, "requests/sns-publish.body");

    n.subject[0] = '\0';
    assert_int_equal(sw_sns_publish_body("arn:t", &n, true, &b, &err), 0);
    assert_null(strstr(sw_buf_cstr(&b), "Subject="));
    assert_non_null(strstr(sw_buf_cstr(&b), "&MessageStructure=json&"));

    strcpy(n.subject, "line\nbreak");
    assert_int_equal(sw_sns_publish_body("arn:t", &n, false, &b, &err), SW_EINVAL);
    n.subject[0] = '\0';
    sw_buf_reset(&n.message);
    assert_int_equal(sw_sns_publish_body("arn:t", &n, false, &b, &err), SW_EINVAL);
    sw_buf_append_str(&n.message, "bad \xff utf8");
    assert_int_equal(sw_sns_publish_body("arn:t", &n, false, &b, &err), SW_EINVAL);
    sw_notification_clear(&n);
    sw_buf_clear(&b);
}

static void sns_answer_gives_message_id(void **state)
{
    size_t len = 0;
    char id[SW_SNS_MESSAGE_ID_MAX];
    struct sw_error err = {0};
    char *xml = aws_test_read("responses/sns-publish.xml", &len);
    assert_int_equal(sw_sns_parse_publish(xml, len, id, sizeof(id), &err), 0);
    assert_string_equal(id, "94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
    assert_int_equal(sw_sns_parse_publish(xml, len / 2, id, sizeof(id), &err), SW_EPARSE);
    free(xml);
    const char *no_id = "<PublishResponse><PublishResult/></PublishResponse>";
    assert_int_equal(sw_sns_parse_publish(no_id, strlen(no_id), id, sizeof(id), &err), SW_EPARSE);
    assert_non_null(strstr(err.msg, "no MessageId"));
}

/* The answer of the STS API Reference's GetCallerIdentity example (docs.aws.amazon.com/STS/
 * latest/APIReference/API_GetCallerIdentity.html); the account must be 12 digits. */
static void sts_answer_gives_the_account(void **state)
{
    (void)state;
    char account[SW_STS_ACCOUNT_MAX];
    struct sw_error err = {0};
    const char *xml =
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
        "  <GetCallerIdentityResult>\n"
        "  <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\n"
        "    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>\n"
        "    <Account>123456789012</Account>\n"
        "  </GetCallerIdentityResult>\n"
        "  <ResponseMetadata>\n"
        "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</GetCallerIdentityResponse>\n";
    assert_int_equal(sw_sts_parse_caller_identity(xml, strlen(xml), account, &err), 0);
    assert_string_equal(account, "123456789012");
    assert_string_equal(SW_STS_GET_CALLER_IDENTITY_BODY,
                        "Action=GetCallerIdentity&Version=2011-06-15");
    static const char *const bad[] = {
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>12345678901x</Account>"
        "</GetCallerIdentityResult></GetCallerIdentityResponse>",
        "<GetCallerIdentityResponse><GetCallerIdentityResult/></GetCallerIdentityResponse>",
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sw_sts_parse_caller_identity(bad[i], strlen(bad[i]), account, &err),
                         SW_EPARSE);
        assert_string_equal(account, "");
    }
}

static void xml_reader_decodes_and_checks_structure(void **state)
{
    char out[64];
    const char *doc = "<?xml version=\"1.0\"?>\n<!-- c --><a:R xmlns:a=\"x\"><a:E t='1'>"
                      "<Code>A&amp;B &#x41;&#66;<![CDATA[<c>]]></Code></a:E><Code>no</Code></a:R>";
    assert_int_equal(sw_xml_find_text(doc, strlen(doc), "E/Code", out, sizeof(out)), 1);
    assert_string_equal(out, "A&B AB<c>");
    assert_int_equal(sw_xml_find_text(doc, strlen(doc), "R/Code", out, sizeof(out)), 1);
    assert_string_equal(out, "no");
    assert_int_equal(sw_xml_find_text(doc, strlen(doc), "Missing", out, sizeof(out)), 0);
    assert_int_equal(sw_xml_find_text(doc, strlen(doc), "Code", out, 4), SW_ELIMIT);

    const char *bad[] = {
        "<a><b></a></b>", "<a>",
        "<a></a><b></b>", "text<a/>",
        "<a>&bogus;</a>", "<!DOCTYPE x [<!ENTITY e \"boom\">]><a>&e;</a>",
        "<a x=1></a>",    "",
        "<a>&#0;</a>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(sw_xml_find_text(bad[i], strlen(bad[i]), "a", out, sizeof(out)),
                         SW_EPARSE);

    char deep[SW_XML_MAX_DEPTH * 3 + 10];
    size_t n = 0;
    for (int i = 0; i <= SW_XML_MAX_DEPTH; i++) {
        memcpy(deep + n, "<a>", 3);
        n += 3;
    }
    assert_int_equal(sw_xml_find_text(deep, n, "b", out, sizeof(out)), SW_ELIMIT);
}

/* sqs:SendMessage (awsJson1_0): the queue, the body and String attributes; bounds checked. */
static void sqs_send_body_and_bounds(void **state)
{
    (void)state;
    struct sw_buf b;
    struct sw_error err = {0};
    const char *url = "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq";
    struct sw_sqs_attribute attrs[] = {{"scanwarden-parked", "1"},
                                       {"scanwarden-reason", "sns:Publish: \"quoted\"\n"}};
    struct sw_sqs_outgoing m = {"{\"kind\":\"finding\"}", 18, attrs, 2};
    sw_buf_init(&b, 1 << 20);
    assert_int_equal(sw_sqs_send_body(url, &m, &b, &err), 0);
    cJSON *root = cJSON_Parse(sw_buf_cstr(&b));
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "QueueUrl")->valuestring, url);
    assert_string_equal(cJSON_GetObjectItem(root, "MessageBody")->valuestring,
                        "{\"kind\":\"finding\"}");
    const cJSON *reason =
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "MessageAttributes"), "scanwarden-reason");
    assert_string_equal(cJSON_GetObjectItem(reason, "DataType")->valuestring, "String");
    assert_string_equal(cJSON_GetObjectItem(reason, "StringValue")->valuestring,
                        "sns:Publish: \"quoted\"\n");
    cJSON_Delete(root);

    assert_int_equal(sw_sqs_send_body("", &m, &b, &err), SW_EINVAL);
    struct sw_sqs_attribute empty[] = {{"a", ""}};
    struct sw_sqs_outgoing bad = {"x", 1, empty, 1};
    assert_int_equal(sw_sqs_send_body(url, &bad, &b, &err), SW_EINVAL);
    struct sw_sqs_attribute many[11];
    for (int i = 0; i < 11; i++)
        many[i] = (struct sw_sqs_attribute){"n", "v"};
    struct sw_sqs_outgoing too_many = {"x", 1, many, 11};
    assert_int_equal(sw_sqs_send_body(url, &too_many, &b, &err), SW_EINVAL);
    size_t big_len = SW_SQS_MESSAGE_MAX_BYTES;
    char *big = malloc(big_len);
    assert_non_null(big);
    memset(big, 'a', big_len);
    struct sw_sqs_outgoing too_big = {big, big_len, attrs, 1};
    assert_int_equal(sw_sqs_send_body(url, &too_big, &b, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "over the"));
    free(big);
    sw_buf_clear(&b);
}

static void sqs_receive_answer_parses_and_bounds(void **state)
{
    (void)state;
    struct sw_sqs_received r;
    struct sw_error err = {0};
    const char *answer =
        "{\"Messages\":[{\"MessageId\":\"m-1\",\"ReceiptHandle\":\"rh-1\",\"Body\":\"{}\","
        "\"MessageAttributes\":{\"scanwarden-parked\":{\"DataType\":\"String\",\"StringValue\":"
        "\"1\"},\"bin\":{\"DataType\":\"Binary\",\"BinaryValue\":\"AA==\"}}},"
        "{\"MessageId\":\"m-2\",\"ReceiptHandle\":\"rh-2\",\"Body\":\"event\"}]}";
    assert_int_equal(sw_sqs_parse_receive(answer, strlen(answer), &r, &err), 0);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.messages[0].receipt, "rh-1");
    assert_string_equal(sw_sqs_message_attribute(&r.messages[0], "scanwarden-parked"), "1");
    assert_null(sw_sqs_message_attribute(&r.messages[0], "bin"));
    assert_null(sw_sqs_message_attribute(&r.messages[1], "scanwarden-parked"));
    assert_string_equal(r.messages[1].body, "event");
    sw_sqs_received_clear(&r);
    assert_int_equal(sw_sqs_parse_receive("{}", 2, &r, &err), 0);
    assert_int_equal(r.count, 0);
    const char *no_receipt = "{\"Messages\":[{\"MessageId\":\"m\",\"Body\":\"x\"}]}";
    assert_int_equal(sw_sqs_parse_receive(no_receipt, strlen(no_receipt), &r, &err), SW_EPARSE);
    assert_int_equal(r.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inspector2_bodies_are_byte_exact),
        cmocka_unit_test(inspector2_bodies_reject_bad_input),
        cmocka_unit_test(client_token_is_a_uuid_v4),
        cmocka_unit_test(parses_account_status_keeping_unknown_enums),
        cmocka_unit_test(parses_enable_configuration_members),
        cmocka_unit_test(parsers_reject_garbage_and_wrong_types),
        cmocka_unit_test(ecr_body_is_byte_exact_and_validated),
        cmocka_unit_test(ecr_answers_parse_with_unknown_filter_types),
        cmocka_unit_test(sns_body_is_byte_exact),
        cmocka_unit_test(sns_answer_gives_message_id),
        cmocka_unit_test(sts_answer_gives_the_account),
        cmocka_unit_test(xml_reader_decodes_and_checks_structure),
        cmocka_unit_test(sqs_send_body_and_bounds),
        cmocka_unit_test(sqs_receive_answer_parses_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
