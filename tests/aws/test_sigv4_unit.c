/* SigV4 stages and input checks, table-driven.
 *
 * The vector suite and the botocore comparison show that well-formed requests sign
 * right; this file covers the stages on edge inputs (dot segments, odd escapes, empty
 * query segments, whitespace), every refusal (limits, reserved headers, malformed
 * credentials) and that no refusal quotes a secret or leaves output behind. */
#include "handler/aws/sigv4.h"
#include "sigv4_query_rows.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "session-token-value"

static void test_canonical_path(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool skip_norm, skip_enc;
        const char *want;
    } rows[] = {
        {"", false, false, "/"},
        {"/", false, false, "/"},
        {"//", false, false, "/"},
        {"/a/b/../../..", false, false, "/"},
        {"/a/./b/", false, false, "/a/b/"},
        {"/a//b//", false, false, "/a/b/"},
        {"/a/b/..", false, false, "/a"},
        {"/a/b/../", false, false, "/a/"},
        {"a/./b", false, false, "a/b"},
        {"/%2E%2E/x", false, false, "/%252E%252E/x"},             /* escaped dots are not dots */
        {"/status/batch/get", false, false, "/status/batch/get"}, /* Inspector2 */
        {"/a b/\xe1\x88\xb4", false, false, "/a%20b/%E1%88%B4"},
        {"/x%20y", false, false, "/x%2520y"}, /* double encoding, like botocore */
        {"/~-_.*", false, false, "/~-_.%2A"},
        {"//a/../b", true, false, "//a/../b"},
        {"/x%20y//", true, true, "/x%20y//"}, /* S3 style: as sent */
        {"/a/../b", false, true, "/b"},
        {"", true, true, "/"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sw_buf out;
        sw_buf_init(&out, 4096);
        assert_int_equal(sw_sigv4_canonical_path(sw_str_from_cstr(rows[i].in), rows[i].skip_norm,
                                                 rows[i].skip_enc, &out),
                         0);
        if (strcmp(sw_buf_cstr(&out), rows[i].want) != 0)
            fail_msg("path \"%s\": got \"%s\", want \"%s\"", rows[i].in, sw_buf_cstr(&out),
                     rows[i].want);
        sw_buf_clear(&out);
    }
}

/* Expectations and their sources: sigv4_query_rows.h (AWS documentation, and botocore
 * checked row by row in test_sigv4_botocore). */
static void test_canonical_query(void **state)
{
    (void)state;
    for (size_t i = 0; i < SIGV4_QUERY_ROWS; i++) {
        const struct sigv4_query_row *row = &sigv4_query_rows[i];
        struct sw_buf out;
        sw_buf_init(&out, 4096);
        assert_int_equal(sw_sigv4_canonical_query(sw_str_from_cstr(row->in), &out), 0);
        if (strcmp(sw_buf_cstr(&out), row->want) != 0)
            fail_msg("query \"%s\": got \"%s\", want \"%s\"", row->in, sw_buf_cstr(&out),
                     row->want);
        sw_buf_clear(&out);
    }
}

static void test_trim_value(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want;
    } rows[] = {
        {"", ""},
        {"   ", ""},
        {"  a  ", "a"},
        {"a   b\t\tc", "a b c"},
        {"value1\n  value2\n     value3", "value1 value2 value3"},
        {"\"a   b   c\"", "\"a b c\""},
        {"x\x0b\x0c\x1fy", "x y"},
        {"\xc2\xa0x\xc2\xa0", "\xc2\xa0x\xc2\xa0"}, /* non-ASCII spaces are kept */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sw_buf out;
        sw_buf_init(&out, 4096);
        assert_int_equal(sw_sigv4_trim_value(sw_str_from_cstr(rows[i].in), &out), 0);
        assert_string_equal(sw_buf_cstr(&out), rows[i].want);
        sw_buf_clear(&out);
    }
}

/* A typical Inspector2 request, which the rows below vary. */
struct fixture {
    struct sw_sigv4_header headers[SW_SIGV4_MAX_HEADERS + 2];
    struct sw_sigv4_request req;
    struct sw_sigv4_credentials creds;
    struct sw_sigv4_config cfg;
};

static void fixture_init(struct fixture *f)
{
    static const char body[] = "{\"accountIds\":[]}";
    memset(f, 0, sizeof(*f));
    f->headers[0] = (struct sw_sigv4_header){SW_STR_LIT("Host"),
                                             SW_STR_LIT("inspector2.us-east-1.amazonaws.com")};
    f->headers[1] =
        (struct sw_sigv4_header){SW_STR_LIT("Content-Type"), SW_STR_LIT("application/json")};
    f->req = (struct sw_sigv4_request){
        .method = SW_STR_LIT("POST"),
        .path = SW_STR_LIT("/status/batch/get"),
        .headers = f->headers,
        .header_count = 2,
        .body = (const unsigned char *)body,
        .body_len = sizeof(body) - 1,
    };
    f->creds = (struct sw_sigv4_credentials){"ASIAEXAMPLE", SECRET, TOKEN};
    f->cfg = (struct sw_sigv4_config){
        .region = "us-east-1", .service = "inspector2", .time = 1440938160};
}

static void assert_refused(struct fixture *f, int want_rc, const char *words)
{
    struct sw_sigv4_signed out = {0};
    struct sw_error err = {0};
    int rc = sw_sigv4_sign(&f->req, &f->creds, &f->cfg, &out, &err);
    if (rc != want_rc)
        fail_msg("rc %d, want %d (%s)", rc, want_rc, err.msg);
    assert_int_equal(out.count, 0);
    if (!strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
    assert_null(strstr(err.msg, SECRET));
    assert_null(strstr(err.msg, TOKEN));
}

static void test_refusals(void **state)
{
    (void)state;
    struct fixture f;
    static char big[SW_SIGV4_MAX_HEADER_VALUE + 2];
    static char long_path[SW_SIGV4_MAX_PATH + 2];
    static char many_params[SW_SIGV4_MAX_QUERY_PARAMS * 2 + 8];

    fixture_init(&f);
    f.headers[0].name = SW_STR_LIT("X-Not-Host");
    assert_refused(&f, SW_EINVAL, "no Host header");

    const char *reserved[] = {"Authorization", "x-amz-date", "X-AMZ-SECURITY-TOKEN"};
    for (int i = 0; i < 3; i++) {
        fixture_init(&f);
        f.headers[2] = (struct sw_sigv4_header){sw_str_from_cstr(reserved[i]), SW_STR_LIT("x")};
        f.req.header_count = 3;
        assert_refused(&f, SW_EINVAL, "the signer sets it");
    }
    fixture_init(&f);
    f.cfg.add_content_sha256 = true;
    f.headers[2] = (struct sw_sigv4_header){SW_STR_LIT("X-Amz-Content-Sha256"), SW_STR_LIT("x")};
    f.req.header_count = 3;
    assert_refused(&f, SW_EINVAL, "the signer sets it");

    const char *bad_names[] = {"Bad Name", "a:b", "", "caf\xc3\xa9"};
    for (int i = 0; i < 4; i++) {
        fixture_init(&f);
        f.headers[2] = (struct sw_sigv4_header){sw_str_from_cstr(bad_names[i]), SW_STR_LIT("x")};
        f.req.header_count = 3;
        assert_refused(&f, SW_EINVAL, "header 2");
    }

    fixture_init(&f);
    memset(big, 'v', sizeof(big) - 1);
    f.headers[2] = (struct sw_sigv4_header){SW_STR_LIT("X-Big"), sw_str_from_cstr(big)};
    f.req.header_count = 3;
    assert_refused(&f, SW_ELIMIT, "X-Big");

    fixture_init(&f);
    for (size_t i = 2; i < SW_SIGV4_MAX_HEADERS + 1; i++)
        f.headers[i] = (struct sw_sigv4_header){SW_STR_LIT("X-Many"), SW_STR_LIT("1")};
    f.req.header_count = SW_SIGV4_MAX_HEADERS + 1;
    assert_refused(&f, SW_ELIMIT, "request headers");

    fixture_init(&f);
    memset(long_path, 'p', sizeof(long_path) - 1);
    long_path[0] = '/';
    f.req.path = sw_str_from_cstr(long_path);
    assert_refused(&f, SW_ELIMIT, "path");

    fixture_init(&f);
    for (size_t i = 0; i <= SW_SIGV4_MAX_QUERY_PARAMS; i++)
        memcpy(many_params + 2 * i, i ? "&a" : "a&", 2);
    many_params[2 * (SW_SIGV4_MAX_QUERY_PARAMS + 1)] = '\0';
    f.req.query = sw_str_from_cstr(many_params);
    assert_refused(&f, SW_ELIMIT, "parameters");

    fixture_init(&f);
    f.cfg.region = "us-east-1/evil";
    assert_refused(&f, SW_EINVAL, "region");
    fixture_init(&f);
    f.cfg.service = "";
    assert_refused(&f, SW_EINVAL, "service");
    fixture_init(&f);
    f.creds.access_key_id = "AKID WITH SPACE";
    assert_refused(&f, SW_EINVAL, "access key id");
    fixture_init(&f);
    f.creds.secret_access_key = "";
    assert_refused(&f, SW_EINVAL, "secret access key");
    fixture_init(&f);
    f.creds.session_token = TOKEN "\r\nX-Injected: 1";
    assert_refused(&f, SW_EINVAL, "line break");
    fixture_init(&f);
    f.cfg.time = -1;
    assert_refused(&f, SW_EINVAL, "signing time");
    fixture_init(&f);
    f.req.body = NULL;
    assert_refused(&f, SW_EINVAL, "body");
    fixture_init(&f);
    f.req.method = SW_STR_LIT("PO ST");
    assert_refused(&f, SW_EINVAL, "method");
}

static void test_added_headers(void **state)
{
    (void)state;
    struct fixture f;
    struct sw_sigv4_signed out = {0};
    struct sw_sigv4_trace trace = {0};
    struct sw_error err = {0};

    /* Default: token signed, no X-Amz-Content-Sha256, order token/date/authorization. */
    fixture_init(&f);
    assert_int_equal(sw_sigv4_sign_traced(&f.req, &f.creds, &f.cfg, &out, &trace, &err), 0);
    assert_int_equal(out.count, 3);
    assert_string_equal(out.headers[0].name, "X-Amz-Security-Token");
    assert_string_equal(sw_buf_cstr(&out.headers[0].value), TOKEN);
    assert_string_equal(out.headers[1].name, "X-Amz-Date");
    assert_string_equal(sw_buf_cstr(&out.headers[1].value), "20150830T123600Z");
    assert_string_equal(out.headers[2].name, "Authorization");
    const char *auth = sw_sigv4_signed_get(&out, "authorization");
    assert_non_null(strstr(auth, "Credential=ASIAEXAMPLE/20150830/us-east-1/inspector2/"
                                 "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                                 "x-amz-security-token, Signature="));
    assert_null(sw_sigv4_signed_get(&out, "X-Amz-Content-Sha256"));
    assert_non_null(strstr(sw_buf_cstr(&trace.canonical_request), "POST\n/status/batch/get\n\n"));
    char body_hash[SW_SIGV4_HEX_LEN + 1];
    sw_sigv4_sha256_hex(f.req.body, f.req.body_len, body_hash);
    const char *cr = sw_buf_cstr(&trace.canonical_request);
    assert_string_equal(cr + strlen(cr) - SW_SIGV4_HEX_LEN, body_hash);
    char first_sig[SW_SIGV4_HEX_LEN + 1];
    memcpy(first_sig, trace.signature, sizeof(first_sig));
    sw_sigv4_signed_clear(&out);
    sw_sigv4_trace_clear(&trace);

    /* Token after signing: same header, not signed, so a different signature. */
    f.cfg.token_after_signing = true;
    assert_int_equal(sw_sigv4_sign_traced(&f.req, &f.creds, &f.cfg, &out, &trace, &err), 0);
    assert_string_equal(sw_sigv4_signed_get(&out, "X-Amz-Security-Token"), TOKEN);
    assert_non_null(strstr(sw_sigv4_signed_get(&out, "Authorization"),
                           "SignedHeaders=content-type;host;x-amz-date, "));
    assert_null(strstr(sw_buf_cstr(&trace.canonical_request), TOKEN));
    assert_string_not_equal(trace.signature, first_sig);
    sw_sigv4_signed_clear(&out);
    sw_sigv4_trace_clear(&trace);

    /* X-Amz-Content-Sha256 added and signed; user-agent never signed. */
    fixture_init(&f);
    f.cfg.add_content_sha256 = true;
    f.headers[2] = (struct sw_sigv4_header){SW_STR_LIT("User-Agent"), SW_STR_LIT("scanwarden")};
    f.req.header_count = 3;
    f.creds.session_token = NULL;
    assert_int_equal(sw_sigv4_sign(&f.req, &f.creds, &f.cfg, &out, &err), 0);
    assert_int_equal(out.count, 3);
    assert_string_equal(out.headers[1].name, "X-Amz-Content-Sha256");
    assert_string_equal(sw_buf_cstr(&out.headers[1].value), body_hash);
    assert_non_null(strstr(sw_sigv4_signed_get(&out, "Authorization"),
                           "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "));
    sw_sigv4_signed_clear(&out);

    /* A request's own X-Amz-Content-Sha256 is the payload hash (UNSIGNED-PAYLOAD). */
    fixture_init(&f);
    f.headers[2] = (struct sw_sigv4_header){SW_STR_LIT("x-amz-content-sha256"),
                                            SW_STR_LIT("UNSIGNED-PAYLOAD")};
    f.req.header_count = 3;
    assert_int_equal(sw_sigv4_sign_traced(&f.req, &f.creds, &f.cfg, &out, &trace, &err), 0);
    cr = sw_buf_cstr(&trace.canonical_request);
    assert_string_equal(cr + strlen(cr) - strlen("\nUNSIGNED-PAYLOAD"), "\nUNSIGNED-PAYLOAD");
    sw_sigv4_signed_clear(&out);
    sw_sigv4_trace_clear(&trace);

    /* Method is upper-cased for signing; an empty body hashes to the empty-string hash. */
    fixture_init(&f);
    f.req.method = SW_STR_LIT("get");
    f.req.body = NULL;
    f.req.body_len = 0;
    assert_int_equal(sw_sigv4_sign_traced(&f.req, &f.creds, &f.cfg, &out, &trace, &err), 0);
    cr = sw_buf_cstr(&trace.canonical_request);
    assert_memory_equal(cr, "GET\n", 4);
    assert_string_equal(cr + strlen(cr) - SW_SIGV4_HEX_LEN,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sw_sigv4_signed_clear(&out);
    sw_sigv4_trace_clear(&trace);
    sw_sigv4_signed_clear(NULL);
}

static void test_amz_date(void **state)
{
    (void)state;
    char d[SW_SIGV4_AMZ_DATE_LEN + 1];
    assert_int_equal(sw_sigv4_amz_date(0, d), 0);
    assert_string_equal(d, "19700101T000000Z");
    assert_int_equal(sw_sigv4_amz_date(1440938160, d), 0);
    assert_string_equal(d, "20150830T123600Z");
    assert_int_equal(sw_sigv4_amz_date(951782400, d), 0); /* leap day 2000-02-29 */
    assert_string_equal(d, "20000229T000000Z");
    assert_int_equal(sw_sigv4_amz_date(-5, d), SW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_path), cmocka_unit_test(test_canonical_query),
        cmocka_unit_test(test_trim_value),     cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_added_headers),  cmocka_unit_test(test_amz_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
