/* Fault injection: the AWS client against tests/peers/fault_server.py (127.0.0.1, port 0).
 *
 * Each test scripts the server's answers (429, ThrottlingException, 500, 503, reset,
 * slow, truncated, garbage) and checks what a caller sees: the number of attempts, the
 * waits the injected sleep recorded, re-signing, the final error's wording. Sleep is
 * injected (never really sleeps) and random is fixed at 0.5, so waits are exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/aws_test_util.h"
#include "aws/peer.h"
#include "handler/aws/client.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sigv4.h"
#include "handler/aws/sns.h"
#include "handler/aws/xray.h"
#include "handler/core/clock.h"
#include "lr_log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEXAMPLESESSIONTOKEN"

struct hooks {
    long waits[32];
    int sleeps;
    time_t clock;
};

static struct test_peer server;
static char endpoint[64];

static void record_sleep(void *ctx, long ms)
{
    struct hooks *h = ctx;
    if (h->sleeps < 32)
        h->waits[h->sleeps] = ms;
    h->sleeps++;
}

static double half(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static time_t ticking_clock(void *ctx)
{
    struct hooks *h = ctx;
    return h->clock += 7; /* every attempt is signed at a new time */
}

static int start_server(void **state)
{
    signal(SIGPIPE, SIG_IGN);
    if (test_peer_start_fault_server(&server, endpoint, sizeof(endpoint)) != 0)
        return -1;
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    setenv("AWS_SESSION_TOKEN", TOKEN, 1);
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    return 0;
}

static int stop_server(void **state)
{
    test_peer_stop(&server);
    return 0;
}

static struct sw_aws_client *new_client(struct hooks *h, long request_timeout_ms)
{
    struct sw_error err = {0};
    /* every test starts from a server with nothing scripted and nothing recorded */
    cJSON_Delete(test_peer_command(&server, "{\"cmd\":\"reset\"}", 5000));
    memset(h, 0, sizeof(*h));
    h->clock = 1440938160; /* 2015-08-30T12:36:00Z */
    struct sw_aws_client_options opt = {
        .request_timeout_ms = request_timeout_ms,
        .sleep_ms = record_sleep,
        .random = half,
        .signing_time = ticking_clock,
        .hook_ctx = h,
    };
    struct sw_aws_client *c = sw_aws_client_new(&opt, &err);
    if (!c)
        fail_msg("client: %s", err.msg);
    return c;
}

/* Scripts answers: a JSON array text of response objects. */
static void script(const char *responses)
{
    assert_true(test_peer_script(&server, responses));
}

/* The requests received since the last call (caller cJSON_Delete). */
static cJSON *requests(void)
{
    cJSON *r = test_peer_requests(&server);
    assert_non_null(r);
    return r;
}

#define STATUS_OK_BODY                                                                             \
    "{\"status\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":"                \
    "\"{\\\"accounts\\\":[{\\\"accountId\\\":\\\"123456789012\\\",\\\"resourceState\\\":{"         \
    "\\\"ecr\\\":{\\\"status\\\":\\\"ENABLED\\\"}}}]}\"}"
#define THROTTLE_RESTJSON                                                                          \
    "{\"status\":429,\"headers\":{\"x-amzn-ErrorType\":\"ThrottlingException:http://internal/\","  \
    "\"x-amzn-RequestId\":\"req-429\"},\"body\":\"{\\\"message\\\":\\\"Rate exceeded\\\"}\"}"

static const char *const ACCOUNT[] = {"123456789012"};

static void throttled_then_ok_retries_once_resigned(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    script("[" THROTTLE_RESTJSON "," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err), 0);
    assert_string_equal(sw_account_status_find(&out, "123456789012")->ecr.status, "ENABLED");
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 2);
    assert_int_equal(h.sleeps, 1);
    assert_int_equal(h.waits[0], 500); /* 0.5 * 1 s throttling base */
    cJSON *r = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    assert_int_equal(cJSON_GetArraySize(list), 2);
    const cJSON *a = cJSON_GetArrayItem(list, 0), *b = cJSON_GetArrayItem(list, 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "path")->valuestring,
                        "/status/batch/get");
    assert_string_equal(test_peer_header(a, "X-Amz-Security-Token"), TOKEN);
    assert_string_equal(test_peer_header(a, "Content-Type"), "application/json");
    assert_string_not_equal(test_peer_header(a, "X-Amz-Date"), test_peer_header(b, "X-Amz-Date"));
    assert_string_not_equal(test_peer_header(a, "Authorization"),
                            test_peer_header(b, "Authorization"));
    assert_non_null(strstr(test_peer_header(a, "Authorization"),
                           "Credential=AKIDEXAMPLE/20150830/eu-west-1/inspector2/aws4_request"));
    assert_null(test_peer_header(a, "Expect"));
    cJSON_Delete(r);
    sw_account_status_list_clear(&out);
    sw_aws_client_free(c);
}

static void throttling_exhausts_three_attempts_with_growing_waits(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_ecr_scanning_configuration cfg;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    const char *t = "{\"status\":400,\"headers\":{\"x-amzn-RequestId\":\"r-1\"},\"body\":"
                    "\"{\\\"__type\\\":\\\"com.amazonaws.ecr#ThrottlingException\\\","
                    "\\\"message\\\":\\\"slow down\\\"}\"}";
    char s[4096];
    snprintf(s, sizeof(s), "[%s,%s,%s]", t, t, t);
    script(s);
    assert_int_equal(sw_ecr_get_registry_scanning_configuration(c, &cfg, &aerr, &err), SW_EAWS);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 3);
    assert_int_equal(h.sleeps, 2);
    assert_int_equal(h.waits[0], 500);
    assert_int_equal(h.waits[1], 1000);
    assert_string_equal(aerr.code, "ThrottlingException");
    assert_string_equal(aerr.message, "slow down");
    assert_string_equal(aerr.request_id, "r-1");
    assert_int_equal(aerr.http_status, 400);
    assert_non_null(strstr(err.msg, "ecr:GetRegistryScanningConfiguration"));
    assert_non_null(strstr(err.msg, "gave up after 3 attempts"));
    cJSON *r = requests();
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "requests"), 0);
    assert_string_equal(test_peer_header(first, "X-Amz-Target"),
                        "AmazonEC2ContainerRegistry_V20150921.GetRegistryScanningConfiguration");
    assert_string_equal(test_peer_header(first, "Content-Type"), "application/x-amz-json-1.1");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, "body")->valuestring, "{}");
    cJSON_Delete(r);
    sw_aws_client_free(c);
}

static void server_errors_500_503_then_publish_succeeds(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_notification n;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    char id[SW_SNS_MESSAGE_ID_MAX];
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "scanwarden: test");
    sw_buf_append_str(&n.message, "hello");
    script("[{\"status\":500,\"body\":\"<ErrorResponse><Error><Type>Receiver</Type><Code>"
           "InternalError</Code><Message>boom</Message></Error><RequestId>x</RequestId>"
           "</ErrorResponse>\"},"
           "{\"status\":503,\"body\":\"\"},"
           "{\"status\":200,\"body\":\"<PublishResponse><PublishResult><MessageId>m-1</MessageId>"
           "</PublishResult></PublishResponse>\"}]");
    assert_int_equal(
        sw_sns_publish(c, "arn:aws:sns:eu-west-1:123456789012:t", &n, false, id, &aerr, &err), 0);
    assert_string_equal(id, "m-1");
    assert_int_equal(h.sleeps, 2);
    assert_int_equal(h.waits[0], 25); /* 0.5 * 50 ms */
    assert_int_equal(h.waits[1], 50); /* 0.5 * 100 ms */
    cJSON_Delete(requests());
    sw_notification_clear(&n);
    sw_aws_client_free(c);
}

static void reset_connection_and_truncated_body_are_retried(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_error err = {0};
    script("[{\"action\":\"reset\"},{\"action\":\"truncate\",\"status\":200,\"body\":\"{}\"}"
           "," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 3);
    assert_int_equal(h.sleeps, 2);
    assert_int_equal(h.waits[0], 25);
    assert_true(sw_aws_client_last_call(c)->new_connections >= 2);
    cJSON_Delete(requests());
    sw_account_status_list_clear(&out);
    sw_aws_client_free(c);
}

static void slow_server_times_out_each_attempt_then_fails_clearly(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 300);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    script("[{\"action\":\"slow\",\"delay\":1.5,\"status\":200,\"body\":\"{}\"},"
           "{\"action\":\"slow\",\"delay\":1.5,\"status\":200,\"body\":\"{}\"},"
           "{\"action\":\"slow\",\"delay\":1.5,\"status\":200,\"body\":\"{}\"}]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                     SW_ETIMEOUT);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 3);
    assert_int_equal(h.sleeps, 2);
    assert_non_null(strstr(err.msg, "per-request timeout"));
    assert_non_null(strstr(err.msg, "gave up after 3 attempts"));
    assert_string_equal(aerr.code, ""); /* no AWS answer */
    cJSON_Delete(requests());
    sw_aws_client_free(c);
}

static void garbage_answers_fail_without_retry(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_inspector2_configuration cfg;
    struct sw_notification n;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    char id[SW_SNS_MESSAGE_ID_MAX];

    script("[{\"status\":200,\"body\":\"{\\\"ecrConfiguration\\\":[oops\"}]");
    assert_int_equal(sw_inspector2_get_configuration(c, &cfg, &aerr, &err), SW_EPARSE);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 1);
    assert_non_null(strstr(err.msg, "not valid JSON"));

    sw_notification_init(&n);
    sw_buf_append_str(&n.message, "m");
    script("[{\"status\":200,\"body\":\"<PublishResponse><PublishResult><MessageId>x"
           "</PublishResult>\"}]");
    assert_int_equal(sw_sns_publish(c, "arn:t", &n, false, id, &aerr, &err), SW_EPARSE);
    assert_non_null(strstr(err.msg, "not well-formed XML"));
    assert_string_equal(id, "");

    /* an HTML 500 three times: the error names the status and shows the body */
    const char *html = "{\"status\":500,\"headers\":{\"Content-Type\":\"text/html\"},\"body\":"
                       "\"<!doctype html><title>500 Internal Server Error</title>\"}";
    char s[2048];
    snprintf(s, sizeof(s), "[%s,%s,%s]", html, html, html);
    script(s);
    assert_int_equal(sw_sns_publish(c, "arn:t", &n, false, id, &aerr, &err), SW_EAWS);
    assert_string_equal(aerr.code, "HTTP 500");
    assert_non_null(strstr(aerr.message, "text/html"));
    assert_non_null(strstr(aerr.message, "Internal Server Error"));
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 3);
    cJSON_Delete(requests());
    sw_notification_clear(&n);
    sw_aws_client_free(c);
}

static void client_errors_are_not_retried(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    script("[{\"status\":403,\"headers\":{\"x-amzn-ErrorType\":\"AccessDeniedException\","
           "\"x-amzn-RequestId\":\"rid-7\"},\"body\":\"{\\\"message\\\":\\\"User is not "
           "authorized to perform: inspector2:UpdateConfiguration\\\"}\"}]");
    assert_int_equal(sw_inspector2_update_configuration(c, "DAYS_30", &aerr, &err), SW_EAWS);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 1);
    assert_int_equal(h.sleeps, 0);
    assert_string_equal(aerr.code, "AccessDeniedException");
    assert_string_equal(err.msg, "inspector2:UpdateConfiguration: AccessDeniedException: User is "
                                 "not authorized to perform: inspector2:UpdateConfiguration "
                                 "(HTTP 403, request id rid-7)");
    cJSON_Delete(requests());
    sw_aws_client_free(c);
}

static void never_sleeps_past_the_deadline(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    script("[" THROTTLE_RESTJSON "]");
    sw_aws_client_set_deadline(c, sw_clock_now_ms() + 400); /* the wait would be 500 ms */
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                     SW_ETIMEOUT);
    assert_int_equal(h.sleeps, 0);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 1);
    assert_string_equal(aerr.code, "ThrottlingException");
    assert_non_null(strstr(err.msg, "invocation deadline"));

    /* a deadline already passed: nothing is sent */
    sw_aws_client_set_deadline(c, sw_clock_now_ms() - 1);
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                     SW_ETIMEOUT);
    cJSON *r = requests();
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "requests")), 1);
    cJSON_Delete(r);
    sw_aws_client_free(c);
}

static void an_expired_deadline_sends_nothing_and_none_means_none(void **state)
{
    /* A deadline is any non-zero instant: long past (1, or negative as a deadline less a
     * reserve can become) means the budget is spent, not "no deadline". */
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    const int64_t expired[] = {SW_AWS_DEADLINE_EXPIRED, -800, sw_clock_now_ms() - 5000};
    for (size_t i = 0; i < sizeof(expired) / sizeof(expired[0]); i++) {
        sw_aws_client_set_deadline(c, expired[i]);
        assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                         SW_ETIMEOUT);
        print_message("expired: %s\n", err.msg);
        assert_non_null(strstr(err.msg, "inspector2:BatchGetAccountStatus"));
        assert_non_null(strstr(err.msg, "not sent"));
        assert_non_null(strstr(err.msg, "deadline"));
        assert_int_equal(h.sleeps, 0);
    }
    cJSON *r = requests();
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "requests")), 0);
    cJSON_Delete(r);

    /* the operator's command line: no deadline at all */
    sw_aws_client_set_deadline(c, SW_AWS_NO_DEADLINE);
    script("[" STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    sw_account_status_list_clear(&out);
    cJSON_Delete(requests());
    sw_aws_client_free(c);
}

static void retry_after_hint_and_enable_token_kept_across_retries(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_enable_result out;
    struct sw_error err = {0};
    const char *types[] = {"ECR"};
    script("[{\"status\":503,\"headers\":{\"x-amz-retry-after\":\"1500\"},\"body\":\"\"},"
           "{\"status\":200,\"body\":\"{\\\"accounts\\\":[{\\\"accountId\\\":\\\"123456789012\\\","
           "\\\"status\\\":\\\"ENABLED\\\",\\\"resourceStatus\\\":{\\\"ecr\\\":\\\"ENABLED\\\"}}],"
           "\\\"failedAccounts\\\":[]}\"}]");
    assert_int_equal(sw_inspector2_enable(c, ACCOUNT, 1, types, 1, &out, NULL, &err), 0);
    assert_int_equal(h.waits[0], 1500);
    assert_string_equal(out.accounts[0].ecr_status, "ENABLED");
    cJSON *r = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    const char *b1 =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "body")->valuestring;
    const char *b2 =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 1), "body")->valuestring;
    assert_non_null(strstr(b1, "\"clientToken\":\""));
    assert_string_equal(b1, b2);
    cJSON_Delete(r);
    sw_enable_result_clear(&out);
    sw_aws_client_free(c);
}

static void keeps_the_connection_across_calls(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_error err = {0};
    script("[" STATUS_OK_BODY "," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    sw_account_status_list_clear(&out);
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    assert_int_equal(sw_aws_client_last_call(c)->new_connections, 0);
    sw_account_status_list_clear(&out);
    cJSON *r = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "conn")->valueint,
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 1), "conn")->valueint);
    cJSON_Delete(r);
    sw_aws_client_free(c);
}

static void a_kept_connection_closed_by_the_server_is_replaced(void **state)
{
    /* what a warm Lambda finds after a long freeze: the server closed the idle connection */
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_error err = {0};
    script("[{\"action\":\"close\",\"status\":200,\"body\":\"{}\"}," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    sw_account_status_list_clear(&out);
    usleep(100000); /* let the close reach the client's socket */
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 1); /* no retry needed */
    assert_int_equal(sw_aws_client_last_call(c)->new_connections, 1);
    assert_int_equal(h.sleeps, 0);
    sw_account_status_list_clear(&out);
    cJSON_Delete(requests());
    sw_aws_client_free(c);
}

static void max_attempts_from_environment_and_quota(void **state)
{
    struct hooks h;
    struct sw_error err = {0};
    char s[8192] = "[";
    for (int i = 0; i < 5; i++)
        strcat(s, i ? ",{\"status\":503,\"body\":\"\"}" : "{\"status\":503,\"body\":\"\"}");
    strcat(s, "]");
    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    struct sw_aws_client *c = new_client(&h, 2000);
    unsetenv("AWS_MAX_ATTEMPTS");
    struct sw_account_status_list out;
    script(s);
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err),
                     SW_EAWS);
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 5);
    assert_int_equal(h.waits[3], 200); /* 0.5 * 50 * 2^3 */
    sw_aws_client_free(c);
    cJSON_Delete(requests());

    /* The 500-token quota: 14 per transient retry, so the 36th retry is refused. Ten
     * attempts per call: three calls take 27 retries, the fourth stops after 8 more. */
    setenv("AWS_MAX_ATTEMPTS", "10", 1);
    c = new_client(&h, 2000);
    unsetenv("AWS_MAX_ATTEMPTS");
    for (int call = 0; call < 4; call++) {
        char many[16384] = "[";
        for (int i = 0; i < 10; i++)
            strcat(many, i ? ",{\"status\":502,\"body\":\"\"}" : "{\"status\":502,\"body\":\"\"}");
        strcat(many, "]");
        script(many);
        assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err),
                         SW_EAWS);
        cJSON_Delete(requests());
        if (call < 3)
            assert_int_equal(sw_aws_client_last_call(c)->attempts, 10);
    }
    assert_int_equal(sw_aws_client_last_call(c)->attempts, 9);
    assert_non_null(strstr(err.msg, "retry quota exhausted"));
    sw_aws_client_free(c);
    /* drop the answer the fourth call left unserved */
    cJSON_Delete(test_peer_command(&server, "{\"cmd\":\"reset\"}", 5000));
}

static void no_secret_reaches_the_log(void **state)
{
    struct hooks h;
    struct sw_error err = {0};
    struct sw_account_status_list out;
    char logbuf[65536];
    FILE *log = tmpfile();
    assert_non_null(log);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_TRACE, log);
    struct sw_aws_client *c = new_client(&h, 2000);
    script("[" THROTTLE_RESTJSON "," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err), 0);
    sw_account_status_list_clear(&out);
    script("[{\"status\":403,\"body\":\"<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch"
           "</Code><Message>bad</Message></Error></Errors></ErrorResponse>\"}]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err),
                     SW_EAWS);
    sw_aws_client_free(c);
    fflush(log);
    rewind(log);
    size_t n = fread(logbuf, 1, sizeof(logbuf) - 1, log);
    logbuf[n] = '\0';
    fclose(log);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, stdout);
    assert_true(n > 0); /* the retry and the failure were logged */
    assert_non_null(strstr(logbuf, "ThrottlingException"));
    assert_null(strstr(logbuf, SECRET));
    assert_null(strstr(logbuf, TOKEN));
    assert_null(strstr(logbuf, "Signature="));
    assert_null(strstr(err.msg, SECRET));
    assert_null(strstr(err.msg, TOKEN));
    cJSON_Delete(requests());
}

static void a_16_kib_session_token_is_sent_whole(void **state)
{
    /* Session tokens up to SW_CREDS_MAX_TOKEN bytes are accepted from the environment; the
     * X-Amz-Security-Token header must carry all of it (header buffers sized from the value). */
    struct hooks h;
    struct sw_account_status_list out;
    struct sw_error err = {0};
    char *big = malloc(SW_SIGV4_MAX_SESSION_TOKEN + 1);
    assert_non_null(big);
    for (size_t i = 0; i < SW_SIGV4_MAX_SESSION_TOKEN; i++)
        big[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];
    big[SW_SIGV4_MAX_SESSION_TOKEN] = '\0';
    setenv("AWS_SESSION_TOKEN", big, 1);
    struct sw_aws_client *c = new_client(&h, 2000);
    script("[" STATUS_OK_BODY "]");
    int rc = sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, NULL, &err);
    setenv("AWS_SESSION_TOKEN", TOKEN, 1);
    if (rc != 0)
        fail_msg("%s", err.msg);
    sw_account_status_list_clear(&out);
    cJSON *r = requests();
    const cJSON *req = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "requests"), 0);
    assert_non_null(req);
    const char *sent = test_peer_header(req, "X-Amz-Security-Token");
    assert_non_null(sent);
    assert_int_equal(strlen(sent), SW_SIGV4_MAX_SESSION_TOKEN);
    assert_string_equal(sent, big);
    cJSON_Delete(r);
    sw_aws_client_free(c);
    free(big);
}

/* A SignatureDoesNotMatch-style 403 whose message quotes the canonical request with the token,
 * the credential scope with the key id, and (as a hostile endpoint could) part of the secret,
 * also in the error code and request id. */
static const char *signature_echo_answer(char *buf, size_t cap, int status)
{
    snprintf(buf, cap,
             "{\"status\":%d,\"headers\":{\"x-amzn-ErrorType\":\"InvalidSignatureException\","
             "\"x-amzn-RequestId\":\"rid-%.10s\"},\"body\":\"{\\\"message\\\":\\\"The request "
             "signature we calculated does not match the signature you provided. Credential="
             "AKIDEXAMPLE/20150830/eu-west-1/inspector2/aws4_request, key %.12s\\\\n\\\\nThe "
             "Canonical String for this request should have been\\\\n'POST\\\\n/enable\\\\n\\\\n"
             "host:inspector2.eu-west-1.amazonaws.com\\\\nx-amz-security-token:%s\\\\n'\\\"}\"}",
             status, SECRET + 3, SECRET + 10, TOKEN);
    return buf;
}

static void signature_echo_never_reaches_a_caller_or_the_log(void **state)
{
    struct hooks h;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    struct sw_enable_result out;
    const char *types[] = {"ECR"};
    char a1[2048], a2[2048], logbuf[65536];
    FILE *log = tmpfile();
    assert_non_null(log);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_TRACE, log);
    struct sw_aws_client *c = new_client(&h, 2000);
    char s[4200];
    /* a retried 503 (logged at WARN) and then the 403 the caller gets */
    snprintf(s, sizeof(s), "[%s,%s]", signature_echo_answer(a1, sizeof(a1), 503),
             signature_echo_answer(a2, sizeof(a2), 403));
    script(s);
    assert_int_equal(sw_inspector2_enable(c, ACCOUNT, 1, types, 1, &out, &aerr, &err), SW_EAWS);
    sw_aws_client_free(c);
    fflush(log);
    rewind(log);
    size_t n = fread(logbuf, 1, sizeof(logbuf) - 1, log);
    logbuf[n] = '\0';
    fclose(log);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, stdout);
    print_message("err: %s\naerr: %s | %s | %s\n", err.msg, aerr.code, aerr.message,
                  aerr.request_id);
    const char *creds[] = {"AKIDEXAMPLE", SECRET, TOKEN};
    const char *texts[] = {err.msg, aerr.code, aerr.message, aerr.request_id, logbuf};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        for (size_t k = 0; k < 3; k++) {
            if (aws_test_has_secret_run(texts[i], creds[k]))
                fail_msg("credential %zu in text %zu: %s", k, i, texts[i]);
        }
    }
    assert_null(strstr(aerr.message, "Canonical String"));
    assert_non_null(strstr(aerr.message, "does not match the signature you provided"));
    assert_string_equal(aerr.code, "InvalidSignatureException");
    assert_non_null(strstr(err.msg, "inspector2:Enable"));
    cJSON_Delete(requests());
}

static void failed_accounts_text_is_cleaned_too(void **state)
{
    /* A 200 whose failedAccounts errorMessage quotes the token and the key id: the operation
     * cleans it like the client's own messages before it reaches a notification. */
    struct hooks h;
    struct sw_enable_result out;
    struct sw_error err = {0};
    const char *types[] = {"ECR"};
    struct sw_aws_client *c = new_client(&h, 2000);
    char s[2048];
    snprintf(s, sizeof(s),
             "[{\"status\":200,\"body\":\"{\\\"accounts\\\":[],\\\"failedAccounts\\\":[{"
             "\\\"accountId\\\":\\\"123456789012\\\",\\\"status\\\":\\\"DISABLED\\\","
             "\\\"resourceStatus\\\":{\\\"ecr\\\":\\\"DISABLED\\\"},\\\"errorCode\\\":"
             "\\\"ACCESS_DENIED\\\",\\\"errorMessage\\\":\\\"denied for AKIDEXAMPLE with token "
             "%s\\\"}]}\"}]",
             TOKEN);
    script(s);
    assert_int_equal(sw_inspector2_enable(c, ACCOUNT, 1, types, 1, &out, NULL, &err), 0);
    assert_int_equal(out.failed_count, 1);
    print_message("failed: %s\n", out.failed[0].error_message);
    assert_string_equal(out.failed[0].error_code, "ACCESS_DENIED");
    assert_false(aws_test_has_secret_run(out.failed[0].error_message, TOKEN));
    assert_false(aws_test_has_secret_run(out.failed[0].error_message, "AKIDEXAMPLE"));
    assert_non_null(strstr(out.failed[0].error_message, "denied for"));
    sw_enable_result_clear(&out);
    cJSON_Delete(requests());
    sw_aws_client_free(c);
}

static void no_credentials_means_nothing_sent(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                     SW_ECREDS);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    setenv("AWS_SESSION_TOKEN", TOKEN, 1);
    print_message("no credentials: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "inspector2:BatchGetAccountStatus"));
    assert_non_null(strstr(err.msg, "AWS_ACCESS_KEY_ID"));
    assert_string_equal(aerr.code, "");
    assert_int_equal(h.sleeps, 0);
    cJSON *r = requests();
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "requests")), 0);
    cJSON_Delete(r);
    sw_aws_client_free(c);
}

/* ------------------------------------------------------------ tracing (docs/operations.md) */

#define TRACE_ROOT "1-5759e988-bd862e3fe1be46a994272793"
#define TRACE_PARENT "53995c3f42cd8ad8"
#define TRACE_SAMPLED "Root=" TRACE_ROOT ";Parent=" TRACE_PARENT ";Sampled=1"

/* A UDP listener on loopback standing in for the X-Ray daemon; sets AWS_XRAY_DAEMON_ADDRESS. */
static int fake_daemon(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    socklen_t sl = sizeof(sa);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    char addr[32];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
    setenv("AWS_XRAY_DAEMON_ADDRESS", addr, 1);
    return fd;
}

/* The next datagram's document (caller cJSON_Delete), checked against the header; NULL when
 * none arrives within timeout_ms. */
static cJSON *next_subsegment(int fd, int timeout_ms)
{
    static const char head[] = "{\"format\":\"json\",\"version\":1}\n";
    char buf[SW_XRAY_DOC_MAX + 1];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) != 1)
        return NULL;
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
    assert_true(n > (ssize_t)sizeof(head) - 1);
    buf[n] = '\0';
    assert_memory_equal(buf, head, sizeof(head) - 1);
    assert_null(strstr(buf, SECRET)); /* a trace document holds no secret */
    assert_null(strstr(buf, TOKEN));
    assert_null(strstr(buf, "AKIDEXAMPLE"));
    cJSON *d = cJSON_Parse(buf + sizeof(head) - 1);
    assert_non_null(d);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "trace_id")->valuestring, TRACE_ROOT);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "parent_id")->valuestring,
                        TRACE_PARENT);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "type")->valuestring, "subsegment");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "namespace")->valuestring, "aws");
    const char *id = cJSON_GetObjectItemCaseSensitive(d, "id")->valuestring;
    assert_int_equal(strlen(id), 16);
    assert_int_equal(strspn(id, "0123456789abcdef"), 16);
    double st = cJSON_GetObjectItemCaseSensitive(d, "start_time")->valuedouble;
    double et = cJSON_GetObjectItemCaseSensitive(d, "end_time")->valuedouble;
    assert_true(st > 1.6e9 && et >= st && et - st < 60);
    return d;
}

static const char *doc_string(const cJSON *d, const char *obj, const char *key)
{
    const cJSON *o = obj ? cJSON_GetObjectItemCaseSensitive(d, obj) : d;
    return cJSON_GetObjectItemCaseSensitive(o, key)->valuestring;
}

static void trace_header_on_every_attempt_and_one_subsegment_per_call(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    int daemon = fake_daemon();
    setenv("_X_AMZN_TRACE_ID", TRACE_SAMPLED, 1);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    struct sw_ecr_scanning_configuration cfg;
    script("[{\"status\":503,\"body\":\"\"}," STATUS_OK_BODY
           ",{\"status\":400,\"headers\":{\"x-amzn-RequestId\":\"r-1\"},\"body\":"
           "\"{\\\"__type\\\":\\\"com.amazonaws.ecr#ValidationException\\\"}\"}]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err), 0);
    assert_int_equal(sw_ecr_get_registry_scanning_configuration(c, &cfg, &aerr, &err), SW_EAWS);

    cJSON *r = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    assert_int_equal(cJSON_GetArraySize(list), 3);
    for (const cJSON *q = list->child; q; q = q->next) {
        assert_string_equal(test_peer_header(q, "X-Amzn-Trace-Id"), TRACE_SAMPLED);
        assert_null(
            strstr(test_peer_header(q, "Authorization"), "x-amzn-trace-id")); /* not signed */
    }
    cJSON_Delete(r);

    cJSON *a = next_subsegment(daemon, 2000); /* one per call, retries included */
    assert_non_null(a);
    assert_string_equal(doc_string(a, NULL, "name"), "inspector2");
    assert_string_equal(doc_string(a, "aws", "operation"), "BatchGetAccountStatus");
    assert_string_equal(doc_string(a, "aws", "region"), "eu-west-1");
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "aws"), "retries")
            ->valueint,
        1);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a, "fault")));
    cJSON *b = next_subsegment(daemon, 2000);
    assert_non_null(b);
    assert_string_equal(doc_string(b, NULL, "name"), "ecr");
    assert_string_equal(doc_string(b, "aws", "operation"), "GetRegistryScanningConfiguration");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "error")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(
                             cJSON_GetObjectItemCaseSensitive(b, "http"), "response"),
                         "status")
                         ->valueint,
                     400);
    assert_string_not_equal(doc_string(a, NULL, "id"), doc_string(b, NULL, "id"));
    assert_null(next_subsegment(daemon, 200)); /* and no more */
    cJSON_Delete(a);
    cJSON_Delete(b);
    sw_account_status_list_clear(&out);
    unsetenv("_X_AMZN_TRACE_ID");
    unsetenv("AWS_XRAY_DAEMON_ADDRESS");
    close(daemon);
    sw_aws_client_free(c);
}

static void not_sampled_or_no_header_sends_no_subsegment(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    int daemon = fake_daemon();
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    const char *unsampled = "Root=" TRACE_ROOT ";Parent=" TRACE_PARENT ";Sampled=0";
    setenv("_X_AMZN_TRACE_ID", unsampled, 1);
    script("[" STATUS_OK_BODY "," STATUS_OK_BODY "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err), 0);
    sw_account_status_list_clear(&out);
    unsetenv("_X_AMZN_TRACE_ID"); /* outside an invocation (the command line) */
    assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err), 0);
    sw_account_status_list_clear(&out);
    cJSON *r = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r, "requests");
    assert_string_equal(test_peer_header(cJSON_GetArrayItem(list, 0), "X-Amzn-Trace-Id"),
                        unsampled);
    assert_null(test_peer_header(cJSON_GetArrayItem(list, 1), "X-Amzn-Trace-Id"));
    cJSON_Delete(r);
    assert_null(next_subsegment(daemon, 200));
    unsetenv("AWS_XRAY_DAEMON_ADDRESS");
    close(daemon);
    sw_aws_client_free(c);
}

static void a_missing_or_unreachable_daemon_never_fails_a_call(void **state)
{
    struct hooks h;
    struct sw_aws_client *c = new_client(&h, 2000);
    struct sw_account_status_list out;
    struct sw_aws_error aerr;
    struct sw_error err = {0};
    setenv("_X_AMZN_TRACE_ID", TRACE_SAMPLED, 1);
    int closed = fake_daemon(); /* then nobody listens on its port */
    char closed_addr[32];
    snprintf(closed_addr, sizeof(closed_addr), "%s", getenv("AWS_XRAY_DAEMON_ADDRESS"));
    close(closed);
    const char *addresses[] = {NULL, "", "not-an-address", "169.254.79.129", closed_addr};
    script("[" STATUS_OK_BODY "," STATUS_OK_BODY "," STATUS_OK_BODY "," STATUS_OK_BODY
           "," STATUS_OK_BODY "]");
    for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
        if (addresses[i])
            setenv("AWS_XRAY_DAEMON_ADDRESS", addresses[i], 1);
        else
            unsetenv("AWS_XRAY_DAEMON_ADDRESS");
        int64_t t0 = sw_clock_now_ms();
        assert_int_equal(sw_inspector2_batch_get_account_status(c, ACCOUNT, 1, &out, &aerr, &err),
                         0);
        assert_true(sw_clock_now_ms() - t0 < 1000);
        sw_account_status_list_clear(&out);
    }
    unsetenv("_X_AMZN_TRACE_ID");
    unsetenv("AWS_XRAY_DAEMON_ADDRESS");
    sw_aws_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(throttled_then_ok_retries_once_resigned),
        cmocka_unit_test(throttling_exhausts_three_attempts_with_growing_waits),
        cmocka_unit_test(server_errors_500_503_then_publish_succeeds),
        cmocka_unit_test(reset_connection_and_truncated_body_are_retried),
        cmocka_unit_test(slow_server_times_out_each_attempt_then_fails_clearly),
        cmocka_unit_test(garbage_answers_fail_without_retry),
        cmocka_unit_test(client_errors_are_not_retried),
        cmocka_unit_test(never_sleeps_past_the_deadline),
        cmocka_unit_test(an_expired_deadline_sends_nothing_and_none_means_none),
        cmocka_unit_test(retry_after_hint_and_enable_token_kept_across_retries),
        cmocka_unit_test(keeps_the_connection_across_calls),
        cmocka_unit_test(a_kept_connection_closed_by_the_server_is_replaced),
        cmocka_unit_test(max_attempts_from_environment_and_quota),
        cmocka_unit_test(no_secret_reaches_the_log),
        cmocka_unit_test(a_16_kib_session_token_is_sent_whole),
        cmocka_unit_test(signature_echo_never_reaches_a_caller_or_the_log),
        cmocka_unit_test(failed_accounts_text_is_cleaned_too),
        cmocka_unit_test(no_credentials_means_nothing_sent),
        cmocka_unit_test(trace_header_on_every_attempt_and_one_subsegment_per_call),
        cmocka_unit_test(not_sampled_or_no_header_sends_no_subsegment),
        cmocka_unit_test(a_missing_or_unreachable_daemon_never_fails_a_call),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
