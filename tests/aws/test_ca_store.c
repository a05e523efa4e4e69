/* The CA bundle decoded once and shared (handler/aws/ca_store.c), against two local TLS
 * peers (tests/peers/fault_server.py --tls, each with its own self-signed certificate, so
 * each is its own CA): a client, its sibling and another region's client verify peers at
 * two origins with one load of the bundle (also when siblings handshake at once); a peer whose CA
 * is not in the bundle is refused on every one of their handles; a bundle that cannot be decoded
 * fails the handshake with an error naming the file, every time, while plain HTTP is unaffected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/peer.h"
#include "handler/aws/ca_store_internal.h"
#include "handler/aws/client.h"
#include "handler/aws/http.h"
#include "handler/core/parallel.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct test_peer peer_a, peer_b, peer_plain;
static char url_a[64], url_b[64], url_plain[64];
static char dir[64], bundle_ab[128], bundle_a[128], bundle_bad[128];

/* Appends the file at from to the file at to. */
static int append_file(const char *to, const char *from)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "ab");
    int rc = (in && out) ? 0 : -1;
    char buf[8192];
    size_t n;
    while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Starts a fault_server answering 200 to everything; fills url (and cert, with --tls). */
static int start_peer(struct test_peer *p, bool tls, char *url, size_t cap, char *cert,
                      size_t cert_cap)
{
    const char *targs[] = {"--tls", NULL};
    cJSON *ready = test_peer_start(p, "fault_server.py", tls ? targs : NULL, 20000);
    if (!ready)
        return -1;
    int port = cJSON_GetObjectItemCaseSensitive(ready, "port")->valueint;
    snprintf(url, cap, "%s://127.0.0.1:%d", tls ? "https" : "http", port);
    if (cert)
        snprintf(cert, cert_cap, "%s",
                 cJSON_GetObjectItemCaseSensitive(ready, "cert")->valuestring);
    cJSON_Delete(ready);
    cJSON_Delete(test_peer_command(
        p, "{\"cmd\":\"default\",\"response\":{\"status\":200,\"body\":\"{}\"}}", 5000));
    return 0;
}

static int start(void **state)
{
    (void)state;
    char cert_a[512], cert_b[512];
    signal(SIGPIPE, SIG_IGN);
    const char *vars[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",   "ALL_PROXY",
                          "all_proxy",   "NO_PROXY",    "no_proxy",   "SSL_CERT_FILE"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    if (start_peer(&peer_a, true, url_a, sizeof(url_a), cert_a, sizeof(cert_a)) ||
        start_peer(&peer_b, true, url_b, sizeof(url_b), cert_b, sizeof(cert_b)) ||
        start_peer(&peer_plain, false, url_plain, sizeof(url_plain), NULL, 0))
        return -1;
    snprintf(dir, sizeof(dir), "/tmp/sw_ca_store.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(bundle_ab, sizeof(bundle_ab), "%s/ab.pem", dir);
    snprintf(bundle_a, sizeof(bundle_a), "%s/a.pem", dir);
    snprintf(bundle_bad, sizeof(bundle_bad), "%s/bad.pem", dir);
    /* a system-sized bundle (Debian's when present) with both peers' CAs at its end */
    if (access(SW_HTTP_CA_BUNDLE_DEBIAN, R_OK) == 0 &&
        append_file(bundle_ab, SW_HTTP_CA_BUNDLE_DEBIAN))
        return -1;
    if (append_file(bundle_ab, cert_a) || append_file(bundle_ab, cert_b) ||
        append_file(bundle_a, cert_a) ||
        write_text(bundle_bad, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
                               "-----END CERTIFICATE-----\n"))
        return -1;
    setenv("AWS_REGION", "eu-west-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    unsetenv("AWS_SESSION_TOKEN");
    setenv("AWS_MAX_ATTEMPTS", "1", 1);
    /* two origins: Inspector2 at peer A, STS at peer B */
    setenv("AWS_ENDPOINT_URL_INSPECTOR2", url_a, 1);
    setenv("AWS_ENDPOINT_URL_STS", url_b, 1);
    return 0;
}

static int stop(void **state)
{
    (void)state;
    test_peer_stop(&peer_a);
    test_peer_stop(&peer_b);
    test_peer_stop(&peer_plain);
    unlink(bundle_ab);
    unlink(bundle_a);
    unlink(bundle_bad);
    rmdir(dir);
    return 0;
}

/* One call to service through c: 0 or the call's status; err says why. */
static int call(struct sw_aws_client *c, enum sw_aws_service service, struct sw_error *err)
{
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    static const char body[] = "{}";
    struct sw_aws_request req = {
        .service = service,
        .protocol = SW_AWS_PROTOCOL_JSON_1_1,
        .operation = "Probe",
        .path = "/",
        .content_type = "application/x-amz-json-1.1",
        .target = "Probe.Probe",
        .body = body,
        .body_len = sizeof(body) - 1,
    };
    int rc = sw_aws_call(c, &req, &resp, NULL, err);
    sw_http_response_clear(&resp);
    return rc;
}

struct three {
    struct sw_aws_client *parent, *sibling, *other_region;
};

/* A client (the bundle from AWS_CA_BUNDLE=bundle), its sibling, and a client for another
 * region given the first one's CA store, as the organization check makes them. */
static void three_clients(struct three *t, const char *bundle)
{
    struct sw_error err = {0};
    setenv("AWS_CA_BUNDLE", bundle, 1);
    t->parent = sw_aws_client_new(NULL, &err);
    unsetenv("AWS_CA_BUNDLE");
    if (!t->parent)
        fail_msg("client: %s", err.msg);
    t->sibling = sw_aws_client_new_sibling(t->parent, &err);
    if (!t->sibling)
        fail_msg("sibling: %s", err.msg);
    struct sw_aws_client_options opt = {
        .region = "us-west-2",
        .ca_store = sw_aws_client_ca_store(t->parent),
    };
    t->other_region = sw_aws_client_new(&opt, &err);
    if (!t->other_region)
        fail_msg("other region: %s", err.msg);
}

static void free_three(struct three *t)
{
    sw_aws_client_free(t->sibling);
    sw_aws_client_free(t->other_region);
    sw_aws_client_free(t->parent);
}

static void clients_verify_two_origins_with_one_load(void **state)
{
    (void)state;
    struct three t;
    three_clients(&t, bundle_ab);
    struct sw_ca_store *store = sw_aws_client_ca_store(t.parent);
    assert_non_null(store);
    assert_ptr_equal(sw_aws_client_ca_store(t.sibling), store);
    assert_ptr_equal(sw_aws_client_ca_store(t.other_region), store);
    assert_string_equal(sw_ca_store_path(store), bundle_ab);
    assert_int_equal(sw_ca_store_loads(store), 0); /* nothing read before a handshake */

    struct sw_aws_client *clients[] = {t.parent, t.sibling, t.other_region};
    for (size_t i = 0; i < 3; i++) {
        struct sw_error err = {0};
        assert_int_equal(call(clients[i], SW_AWS_SERVICE_INSPECTOR2, &err), 0);
        assert_int_equal(sw_aws_client_last_call(clients[i])->new_connections, 1);
        assert_int_equal(call(clients[i], SW_AWS_SERVICE_STS, &err), 0);
        assert_int_equal(sw_aws_client_last_call(clients[i])->new_connections, 1);
    }
    /* six TLS handshakes, verified against one decoding of the bundle */
    assert_int_equal(sw_ca_store_loads(store), 1);

    /* a client made without the store decodes the bundle for itself */
    setenv("AWS_CA_BUNDLE", bundle_ab, 1);
    struct sw_error err = {0};
    struct sw_aws_client *alone = sw_aws_client_new(NULL, &err);
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(alone);
    assert_ptr_not_equal(sw_aws_client_ca_store(alone), store);
    assert_int_equal(call(alone, SW_AWS_SERVICE_STS, &err), 0);
    assert_int_equal(sw_ca_store_loads(sw_aws_client_ca_store(alone)), 1);
    sw_aws_client_free(alone);

    /* the store outlives the client that made it while others still hold it */
    sw_aws_client_free(t.sibling);
    t.sibling = NULL;
    sw_aws_client_free(t.parent);
    t.parent = NULL;
    assert_int_equal(call(t.other_region, SW_AWS_SERVICE_INSPECTOR2, &err), 0);
    assert_int_equal(sw_ca_store_loads(sw_aws_client_ca_store(t.other_region)), 1);
    free_three(&t);
}

static void a_peer_whose_ca_is_not_in_the_bundle_is_refused_on_every_handle(void **state)
{
    (void)state;
    struct three t;
    three_clients(&t, bundle_a); /* peer B's CA is not in it */
    struct sw_aws_client *clients[] = {t.parent, t.sibling, t.other_region};
    for (int round = 0; round < 2; round++) { /* before and after the store is loaded */
        for (size_t i = 0; i < 3; i++) {
            struct sw_error err = {0};
            assert_int_equal(call(clients[i], SW_AWS_SERVICE_STS, &err), SW_EIO);
            print_message("refused: %s\n", err.msg);
            assert_non_null(strstr(err.msg, "certificate"));
            assert_int_equal(call(clients[i], SW_AWS_SERVICE_INSPECTOR2, &err), 0);
        }
    }
    assert_int_equal(sw_ca_store_loads(sw_aws_client_ca_store(t.parent)), 1);
    free_three(&t);
}

#define TOGETHER 6

struct together {
    struct sw_aws_client *clients[TOGETHER];
    int rc_a[TOGETHER], rc_b[TOGETHER];
};

static void first_calls(void *ctx, size_t i)
{
    struct together *t = ctx;
    struct sw_error err = {0};
    t->rc_a[i] = call(t->clients[i], SW_AWS_SERVICE_INSPECTOR2, &err);
    t->rc_b[i] = call(t->clients[i], SW_AWS_SERVICE_STS, &err);
}

static void siblings_handshaking_at_once_decode_the_bundle_once(void **state)
{
    (void)state;
    struct sw_error err = {0};
    for (int with_b = 1; with_b >= 0; with_b--) { /* B's CA in the bundle, then not */
        struct together t = {0};
        setenv("AWS_CA_BUNDLE", with_b ? bundle_ab : bundle_a, 1);
        t.clients[0] = sw_aws_client_new(NULL, &err);
        unsetenv("AWS_CA_BUNDLE");
        assert_non_null(t.clients[0]);
        for (size_t i = 1; i < TOGETHER; i++) {
            t.clients[i] = sw_aws_client_new_sibling(t.clients[0], &err);
            assert_non_null(t.clients[i]);
        }
        assert_int_equal(sw_parallel_run(TOGETHER, TOGETHER, first_calls, &t), TOGETHER);
        for (size_t i = 0; i < TOGETHER; i++) {
            assert_int_equal(t.rc_a[i], 0);
            assert_int_equal(t.rc_b[i], with_b ? 0 : SW_EIO);
        }
        assert_int_equal(sw_ca_store_loads(sw_aws_client_ca_store(t.clients[0])), 1);
        for (size_t i = TOGETHER; i-- > 0;)
            sw_aws_client_free(t.clients[i]);
    }
}

static int get(struct sw_http *h, const char *url, struct sw_error *err)
{
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    struct sw_http_request req = {.method = "GET", .url = url};
    int rc = sw_http_send(h, &req, &resp, err);
    if (!rc && resp.status != 200)
        rc = -1;
    sw_http_response_clear(&resp);
    return rc;
}

static void every_new_connection_is_verified_with_the_shared_store(void **state)
{
    (void)state;
    struct sw_error err = {0};
    setenv("AWS_CA_BUNDLE", bundle_a, 1);
    struct sw_http_options opt = {.no_connection_reuse = true};
    struct sw_http *h = sw_http_new(&opt, &err);
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(h);
    /* libcurl keeps the store of a handle's first connection for its next ones */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get(h, url_a, &err), 0);
        assert_int_equal(get(h, url_b, &err), SW_EIO);
    }
    assert_int_equal(sw_ca_store_loads(sw_http_ca_store(h)), 1);
    sw_http_free(h);
}

static void a_bundle_that_cannot_be_decoded_fails_each_handshake_naming_it(void **state)
{
    (void)state;
    struct sw_error err = {0};
    setenv("AWS_CA_BUNDLE", bundle_bad, 1);
    struct sw_http *h = sw_http_new(NULL, &err); /* exists: the file is read on first use */
    unsetenv("AWS_CA_BUNDLE");
    assert_non_null(h);
    struct sw_http_options opt = {.ca_store = sw_http_ca_store(h)};
    struct sw_http *sibling = sw_http_new(&opt, &err);
    assert_non_null(sibling);
    struct sw_http *both[] = {h, sibling, h};
    for (size_t i = 0; i < 3; i++) {
        err = (struct sw_error){0};
        assert_int_equal(get(both[i], url_a, &err), SW_EIO);
        print_message("bad bundle: %s\n", err.msg);
        assert_non_null(strstr(err.msg, bundle_bad));
        assert_non_null(strstr(err.msg, "CA bundle"));
    }
    assert_int_equal(sw_ca_store_loads(sw_http_ca_store(h)), 0);
    /* plain HTTP (the container credentials endpoint's kind) needs no CA */
    assert_int_equal(get(h, url_plain, &err), 0);
    sw_http_free(sibling);
    sw_http_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clients_verify_two_origins_with_one_load),
        cmocka_unit_test(a_peer_whose_ca_is_not_in_the_bundle_is_refused_on_every_handle),
        cmocka_unit_test(siblings_handshaking_at_once_decode_the_bundle_once),
        cmocka_unit_test(every_new_connection_is_verified_with_the_shared_store),
        cmocka_unit_test(a_bundle_that_cannot_be_decoded_fails_each_handshake_naming_it),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
