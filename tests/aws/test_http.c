/* sw_http against tests/peers/fault_server.py (plain and --tls, 127.0.0.1, port 0): CA bundle
 * choice and TLS verification, proxy choice, the response body bound, captured headers,
 * header injection refused, and the deadline cutting a slow request short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/peer.h"
#include "handler/aws/http.h"
#include "handler/core/clock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct test_peer plain, tls;
static char plain_url[64], tls_url[64], tls_cert[512];

static void clear_proxy_env(void)
{
    const char *vars[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                          "ALL_PROXY",   "all_proxy",   "NO_PROXY",   "no_proxy"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
}

static int start(void **state)
{
    signal(SIGPIPE, SIG_IGN);
    clear_proxy_env();
    unsetenv("SSL_CERT_FILE");
    unsetenv("AWS_CA_BUNDLE");
    cJSON *a = test_peer_start(&plain, "fault_server.py", NULL, 10000);
    const char *targs[] = {"--tls", NULL};
    cJSON *b = test_peer_start(&tls, "fault_server.py", targs, 20000);
    if (!a || !b)
        return -1;
    snprintf(plain_url, sizeof(plain_url), "http://127.0.0.1:%d/x",
             cJSON_GetObjectItemCaseSensitive(a, "port")->valueint);
    snprintf(tls_url, sizeof(tls_url), "https://127.0.0.1:%d/x",
             cJSON_GetObjectItemCaseSensitive(b, "port")->valueint);
    snprintf(tls_cert, sizeof(tls_cert), "%s",
             cJSON_GetObjectItemCaseSensitive(b, "cert")->valuestring);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return 0;
}

static int stop(void **state)
{
    test_peer_stop(&plain);
    test_peer_stop(&tls);
    return 0;
}

static void script(struct test_peer *p, const char *responses)
{
    assert_true(test_peer_script(p, responses));
}

static int send_post(struct sw_http *h, const char *url, int64_t deadline_ms,
                     struct sw_http_response *resp, struct sw_error *err)
{
    struct sw_http_header hd[] = {{"Content-Type", "application/json"}};
    struct sw_http_request req = {
        .method = "POST",
        .url = url,
        .headers = hd,
        .header_count = 1,
        .body = "{}",
        .body_len = 2,
        .deadline_ms = deadline_ms,
    };
    return sw_http_send(h, &req, resp, err);
}

static bool only_debian(const char *path)
{
    return strcmp(path, SW_HTTP_CA_BUNDLE_DEBIAN) == 0;
}
static bool both(const char *path)
{
    (void)path;
    return true;
}
static bool none(const char *path)
{
    (void)path;
    return false;
}

static void ca_bundle_order(void **state)
{
    assert_string_equal(sw_http_choose_ca_bundle("/x/ca.pem", none), "/x/ca.pem");
    assert_string_equal(sw_http_choose_ca_bundle(NULL, both), SW_HTTP_CA_BUNDLE_AMAZON_LINUX);
    assert_string_equal(sw_http_choose_ca_bundle("", only_debian), SW_HTTP_CA_BUNDLE_DEBIAN);
    assert_null(sw_http_choose_ca_bundle(NULL, none));

    struct sw_error err = {0};
    setenv("SSL_CERT_FILE", "/nonexistent/ca.pem", 1);
    assert_null(sw_http_new(NULL, &err));
    unsetenv("SSL_CERT_FILE");
    assert_int_equal(err.code, SW_ECONFIG);
    assert_non_null(strstr(err.msg, "SSL_CERT_FILE"));
    assert_non_null(strstr(err.msg, "/nonexistent/ca.pem"));

    /* AWS_CA_BUNDLE is the SDKs' variable for the same thing, and wins. */
    setenv("AWS_CA_BUNDLE", "/nonexistent/aws-ca.pem", 1);
    setenv("SSL_CERT_FILE", tls_cert, 1);
    assert_null(sw_http_new(NULL, &err));
    unsetenv("SSL_CERT_FILE");
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(strstr(err.msg, "AWS_CA_BUNDLE"));
    assert_non_null(strstr(err.msg, "/nonexistent/aws-ca.pem"));
}

static void tls_is_verified_against_the_chosen_bundle(void **state)
{
    struct sw_error err = {0};
    struct sw_http_response resp;
    sw_http_response_init(&resp);

    /* the system bundle does not know the test's self-signed certificate */
    struct sw_http *h = sw_http_new(NULL, &err);
    assert_non_null(h);
    assert_int_equal(send_post(h, tls_url, 0, &resp, &err), SW_EIO);
    print_message("untrusted: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "certificate"));
    sw_http_free(h);

    setenv("AWS_CA_BUNDLE", tls_cert, 1);
    h = sw_http_new(NULL, &err);
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(h);
    assert_string_equal(sw_http_ca_bundle(h), tls_cert);
    script(&tls, "[{\"status\":200,\"body\":\"ok\"}]");
    assert_int_equal(send_post(h, tls_url, 0, &resp, &err), 0); /* verified with AWS_CA_BUNDLE */
    sw_http_free(h);

    setenv("SSL_CERT_FILE", tls_cert, 1);
    h = sw_http_new(NULL, &err);
    unsetenv("SSL_CERT_FILE");
    assert_non_null(h);
    assert_string_equal(sw_http_ca_bundle(h), tls_cert);
    script(&tls, "[{\"status\":200,\"body\":\"ok\"},{\"status\":200,\"body\":\"ok\"}]");
    assert_int_equal(send_post(h, tls_url, 0, &resp, &err), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(sw_buf_cstr(&resp.body), "ok");
    assert_int_equal(resp.new_connections, 1);
    assert_int_equal(send_post(h, tls_url, 0, &resp, &err), 0);
    assert_int_equal(resp.new_connections, 0); /* the TLS connection was kept */
    sw_http_free(h);
    sw_http_response_clear(&resp);
}

static void proxies_from_the_environment_are_ignored_unless_https_proxy(void **state)
{
    struct sw_error err = {0};
    struct sw_http_response resp;
    sw_http_response_init(&resp);

    /* a dead proxy in the variables libcurl would read: must not be used */
    setenv("http_proxy", "http://127.0.0.1:9", 1);
    setenv("ALL_PROXY", "http://127.0.0.1:9", 1);
    struct sw_http *h = sw_http_new(NULL, &err);
    assert_null(sw_http_proxy(h));
    script(&plain, "[{\"status\":200,\"body\":\"direct\"}]");
    assert_int_equal(send_post(h, plain_url, 0, &resp, &err), 0);
    assert_string_equal(sw_buf_cstr(&resp.body), "direct");
    sw_http_free(h);

    /* HTTPS_PROXY is used (here: a dead one, so the request fails) ... */
    setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1);
    h = sw_http_new(NULL, &err);
    assert_string_equal(sw_http_proxy(h), "http://127.0.0.1:9");
    assert_int_equal(send_post(h, plain_url, 0, &resp, &err), SW_EIO);
    sw_http_free(h);
    /* ... except for NO_PROXY hosts */
    setenv("NO_PROXY", "127.0.0.1", 1);
    h = sw_http_new(NULL, &err);
    script(&plain, "[{\"status\":200,\"body\":\"direct\"}]");
    assert_int_equal(send_post(h, plain_url, 0, &resp, &err), 0);
    sw_http_free(h);
    clear_proxy_env();
    sw_http_response_clear(&resp);
}

static void body_is_bounded_and_headers_captured(void **state)
{
    struct sw_error err = {0};
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    struct sw_http *h = sw_http_new(NULL, &err);

    script(&plain, "[{\"status\":200,\"body_size\":9437184}]"); /* 9 MiB */
    assert_int_equal(send_post(h, plain_url, 0, &resp, &err), SW_ELIMIT);
    assert_non_null(strstr(err.msg, "larger than 8388608 bytes"));

    char long_value[400];
    memset(long_value, 'v', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    char s[2048];
    snprintf(s, sizeof(s),
             "[{\"status\":429,\"headers\":{\"X-AMZN-REQUESTID\":\"rid\",\"x-amz-request-id\":"
             "\"s3id\",\"X-Amzn-ErrorType\":\"%s\",\"retry-after\":\"3\",\"X-Amz-Retry-After\":"
             "\"1500\",\"Content-Type\":\"application/json\"},\"body\":\"{}\"}]",
             long_value);
    script(&plain, s);
    assert_int_equal(send_post(h, plain_url, 0, &resp, &err), 0);
    assert_int_equal(resp.status, 429);
    assert_string_equal(resp.amzn_request_id, "rid");
    assert_string_equal(resp.amz_request_id, "s3id");
    assert_string_equal(resp.retry_after, "3");
    assert_string_equal(resp.amz_retry_after, "1500");
    assert_string_equal(resp.content_type, "application/json");
    assert_int_equal(strlen(resp.amzn_error_type), SW_HTTP_HEADER_VALUE_MAX - 1);

    /* no header injection */
    struct sw_http_header bad[] = {{"X-Test", "a\r\nX-Injected: 1"}};
    struct sw_http_request req = {
        .method = "POST", .url = plain_url, .headers = bad, .header_count = 1};
    assert_int_equal(sw_http_send(h, &req, &resp, &err), SW_EINVAL);
    req.url = "ftp://127.0.0.1/x";
    req.header_count = 0;
    assert_int_equal(sw_http_send(h, &req, &resp, &err), SW_EINVAL);
    sw_http_free(h);
    sw_http_response_clear(&resp);
    cJSON_Delete(test_peer_command(&plain, "{\"cmd\":\"reset\"}", 5000));
}

static void deadline_cuts_a_slow_request(void **state)
{
    struct sw_error err = {0};
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    struct sw_http *h = sw_http_new(NULL, &err); /* 10 s request timeout */
    script(&plain, "[{\"action\":\"slow\",\"delay\":2,\"status\":200,\"body\":\"late\"}]");
    int64_t t0 = sw_clock_now_ms();
    assert_int_equal(send_post(h, plain_url, t0 + 300, &resp, &err), SW_ETIMEOUT);
    int64_t took = sw_clock_now_ms() - t0;
    assert_true(took >= 250 && took < 1500);
    assert_non_null(strstr(err.msg, "invocation's remaining time"));
    sw_http_free(h);
    sw_http_response_clear(&resp);
    cJSON_Delete(test_peer_command(&plain, "{\"cmd\":\"reset\"}", 5000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ca_bundle_order),
        cmocka_unit_test(tls_is_verified_against_the_chosen_bundle),
        cmocka_unit_test(proxies_from_the_environment_are_ignored_unless_https_proxy),
        cmocka_unit_test(body_is_bounded_and_headers_captured),
        cmocka_unit_test(deadline_cuts_a_slow_request),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
