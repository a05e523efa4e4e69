/* Sibling clients: calls sent together from several threads, one client each.
 *
 * Against tests/peers/fault_server.py, whose "together" answer is held until all the
 * requests scripted with it are in flight at once (a request sent after another one ends
 * gets 504 instead, so the tests need no clock), and tests/aws/creds_server.py as the
 * container credentials endpoint. What a caller relies on: siblings send at the same time
 * over their own kept connections, the trace header is on every request, one credentials
 * fetch serves the first client and all its siblings, and the retry quota and the
 * deadline are one for all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/peer.h"
#include "aws/test_proc.h"
#include "handler/aws/client.h"
#include "handler/aws/inspector2.h"
#include "handler/core/parallel.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRACE "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"
#define OK_TOGETHER(n)                                                                             \
    "{\"status\":200,\"action\":\"together\",\"count\":" #n ",\"delay\":5,"                        \
    "\"headers\":{\"Content-Type\":\"application/json\"},\"body\":"                                \
    "\"{\\\"accounts\\\":[{\\\"accountId\\\":\\\"123456789012\\\",\\\"resourceState\\\":{"         \
    "\\\"ecr\\\":{\\\"status\\\":\\\"ENABLED\\\"}}}]}\"}"

static struct test_peer server;
static pid_t creds_pid = -1;
static int creds_port;

static const char *const ACCOUNT[] = {"123456789012"};

static int start_peers(void **state)
{
    (void)state;
    char endpoint[64], script[1024];
    signal(SIGPIPE, SIG_IGN);
    if (test_peer_start_fault_server(&server, endpoint, sizeof(endpoint)) != 0)
        return -1;
    snprintf(script, sizeof(script), "%s/tests/aws/creds_server.py", SW_SOURCE_DIR);
    char *argv[] = {(char *)test_proc_python(), script, NULL};
    creds_pid = test_proc_start_server(argv, &creds_port, 10000);
    if (creds_pid < 0)
        return -1;
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ENDPOINT_URL", endpoint, 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("AWS_MAX_ATTEMPTS");
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    setenv("_X_AMZN_TRACE_ID", TRACE, 1); /* as runtime/ sets it per invocation */
    return 0;
}

static int stop_peers(void **state)
{
    (void)state;
    test_peer_stop(&server);
    if (creds_pid > 0)
        test_proc_stop(creds_pid);
    return 0;
}

static void no_sleep(void *ctx, long ms)
{
    (void)ctx;
    (void)ms;
}

static double half(void *ctx)
{
    (void)ctx;
    return 0.5;
}

static struct sw_aws_client *new_client(const struct sw_env *creds_env)
{
    struct sw_error err = {0};
    cJSON_Delete(test_peer_command(&server, "{\"cmd\":\"reset\"}", 5000));
    struct sw_aws_client_options opt = {
        .request_timeout_ms = 10000, /* longer than a "together" answer's wait */
        .sleep_ms = no_sleep,
        .random = half,
        .creds_env = creds_env,
    };
    struct sw_aws_client *c = sw_aws_client_new(&opt, &err);
    if (!c)
        fail_msg("client: %s", err.msg);
    return c;
}

static struct sw_aws_client *new_sibling(struct sw_aws_client *parent)
{
    struct sw_error err = {0};
    struct sw_aws_client *s = sw_aws_client_new_sibling(parent, &err);
    if (!s)
        fail_msg("sibling: %s", err.msg);
    return s;
}

static void script(const char *responses)
{
    assert_true(test_peer_script(&server, responses));
}

static cJSON *requests(void)
{
    cJSON *r = test_peer_requests(&server);
    assert_non_null(r);
    return r;
}

/* One BatchGetAccountStatus per client, all sent together by sw_parallel_run. */
struct round {
    struct sw_aws_client *clients[3];
    int rc[3];
    char error[3][SW_ERROR_MSG_MAX];
};

static void one_call(void *ctx, size_t i)
{
    struct round *r = ctx;
    struct sw_account_status_list out;
    struct sw_error err = {0};
    r->rc[i] = sw_inspector2_batch_get_account_status(r->clients[i], ACCOUNT, 1, &out, NULL, &err);
    snprintf(r->error[i], sizeof(r->error[i]), "%s", err.msg);
    if (r->rc[i] == 0)
        sw_account_status_list_clear(&out);
}

static void run_round(struct round *r, size_t n)
{
    assert_int_equal(sw_parallel_run(n, n, one_call, r), n);
    for (size_t i = 0; i < n; i++) {
        if (r->rc[i] != 0)
            fail_msg("call %zu: %s", i, r->error[i]);
    }
}

/* The connection number ("conn") of each recorded request, in the order they arrived. */
static void connections(const cJSON *reqs, int *conn, size_t n)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reqs, "requests");
    assert_int_equal(cJSON_GetArraySize(list), (int)n);
    for (size_t i = 0; i < n; i++) {
        const cJSON *req = cJSON_GetArrayItem(list, (int)i);
        conn[i] = (int)cJSON_GetObjectItemCaseSensitive(req, "conn")->valuedouble;
        assert_string_equal(test_peer_header(req, "X-Amzn-Trace-Id"), TRACE);
    }
}

static void siblings_send_together_on_their_own_kept_connections(void **state)
{
    (void)state;
    struct sw_aws_client *parent = new_client(NULL);
    struct round r = {.clients = {new_sibling(parent), new_sibling(parent)}};
    int first[2], second[2];

    script("[" OK_TOGETHER(2) "," OK_TOGETHER(2) "]");
    run_round(&r, 2); /* sent one after the other, they would get 504 */
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(sw_aws_client_last_call(r.clients[i])->new_connections, 1);
    cJSON *reqs = requests();
    connections(reqs, first, 2);
    cJSON_Delete(reqs);
    assert_int_not_equal(first[0], first[1]);
    assert_int_equal(sw_aws_client_last_call(parent)->attempts, 0); /* its own info */

    /* The next invocation: together again, each over the connection it kept. */
    cJSON_Delete(test_peer_command(&server, "{\"cmd\":\"reset\"}", 5000));
    script("[" OK_TOGETHER(2) "," OK_TOGETHER(2) "]");
    run_round(&r, 2);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(sw_aws_client_last_call(r.clients[i])->new_connections, 0);
    reqs = requests();
    connections(reqs, second, 2);
    cJSON_Delete(reqs);
    assert_true((second[0] == first[0] && second[1] == first[1]) ||
                (second[0] == first[1] && second[1] == first[0]));

    sw_aws_client_free(r.clients[0]);
    sw_aws_client_free(r.clients[1]);
    sw_aws_client_free(parent);
}

static const char *creds_get(void *ctx, const char *name)
{
    return strcmp(name, "AWS_CONTAINER_CREDENTIALS_FULL_URI") == 0 ? ctx : NULL;
}

static void one_credentials_fetch_serves_parent_and_siblings(void **state)
{
    (void)state;
    char url[128];
    /* /slow answers after 1.5 s: the three calls all wait for the one fetch */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/slow", creds_port);
    struct sw_env env = {creds_get, url};
    struct sw_aws_client *parent = new_client(&env);
    struct round r = {.clients = {parent, new_sibling(parent), new_sibling(parent)}};

    script("[" OK_TOGETHER(3) "," OK_TOGETHER(3) "," OK_TOGETHER(3) "]");
    run_round(&r, 3);
    cJSON *reqs = requests();
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reqs, "requests");
    assert_int_equal(cJSON_GetArraySize(list), 3);
    for (int i = 0; i < 3; i++) {
        const char *auth = test_peer_header(cJSON_GetArrayItem(list, i), "Authorization");
        assert_non_null(auth);
        /* the server numbers the credentials of each fetch: all three signed with the first */
        assert_non_null(strstr(auth, "Credential=ASIAOK000001/"));
        assert_string_equal(test_peer_header(cJSON_GetArrayItem(list, i), "X-Amz-Security-Token"),
                            "token-1");
    }
    cJSON_Delete(reqs);

    sw_aws_client_free(r.clients[1]);
    sw_aws_client_free(r.clients[2]);
    sw_aws_client_free(parent);
}

static void retry_quota_and_deadline_are_shared(void **state)
{
    (void)state;
    struct sw_aws_client *parent = new_client(NULL);
    struct sw_aws_client *s = new_sibling(parent);
    struct sw_account_status_list out;
    struct sw_error err = {0};

    assert_int_equal(sw_aws_client_retry_tokens(parent), 500);
    script("[{\"status\":503,\"body\":\"\"},{\"status\":503,\"body\":\"\"},"
           "{\"status\":503,\"body\":\"\"}]");
    assert_int_equal(sw_inspector2_batch_get_account_status(s, ACCOUNT, 1, &out, NULL, &err),
                     SW_EAWS);
    assert_int_equal(sw_aws_client_last_call(s)->attempts, 3);
    /* two transient retries by the sibling, 14 tokens each, are the parent's too */
    assert_int_equal(sw_aws_client_retry_tokens(parent), 500 - 2 * 14);
    assert_int_equal(sw_aws_client_retry_tokens(s), 500 - 2 * 14);
    cJSON_Delete(requests());

    /* The parent's deadline, set for an invocation, holds for its siblings. */
    sw_aws_client_set_deadline(parent, SW_AWS_DEADLINE_EXPIRED);
    assert_int_equal(sw_inspector2_batch_get_account_status(s, ACCOUNT, 1, &out, NULL, &err),
                     SW_ETIMEOUT);
    cJSON *reqs = requests();
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reqs, "requests")), 0);
    cJSON_Delete(reqs);

    /* Freeing a sibling leaves the parent whole. */
    sw_aws_client_free(s);
    sw_aws_client_set_deadline(parent, SW_AWS_NO_DEADLINE);
    script("[" OK_TOGETHER(1) "]");
    assert_int_equal(sw_inspector2_batch_get_account_status(parent, ACCOUNT, 1, &out, NULL, &err),
                     0);
    sw_account_status_list_clear(&out);
    cJSON_Delete(requests());
    sw_aws_client_free(parent);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(siblings_send_together_on_their_own_kept_connections),
        cmocka_unit_test(one_credentials_fetch_serves_parent_and_siblings),
        cmocka_unit_test(retry_quota_and_deadline_are_shared),
    };
    return cmocka_run_group_tests(tests, start_peers, stop_peers);
}
