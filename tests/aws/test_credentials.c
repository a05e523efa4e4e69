/* Credential providers: environment, container (against a real local HTTP peer), expiry.
 *
 * The container endpoint is tests/aws/creds_server.py, started by this test on 127.0.0.1
 * port 0 and stopped at the end; it records every request (path, Authorization) so the
 * test can check what was sent, and that nothing was sent when a URL or token is refused.
 * The environment is a table given through struct sw_env; time is an argument. */
#include "aws/aws_test_util.h"
#include "handler/aws/credentials.h"
#include "test_proc.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- a table environment ---- */

#define ENV_MAX 16
struct table_env {
    const char *names[ENV_MAX];
    char values[ENV_MAX][2048];
    bool set[ENV_MAX];
};

static const char *table_get(void *ctx, const char *name)
{
    struct table_env *t = ctx;
    for (int i = 0; i < ENV_MAX; i++)
        if (t->names[i] && t->set[i] && strcmp(t->names[i], name) == 0)
            return t->values[i];
    return NULL;
}

static void env_set(struct table_env *t, const char *name, const char *value)
{
    int free_slot = -1;
    for (int i = 0; i < ENV_MAX; i++) {
        if (t->names[i] && strcmp(t->names[i], name) == 0) {
            free_slot = i;
            break;
        }
        if (!t->names[i] && free_slot < 0)
            free_slot = i;
    }
    assert_true(free_slot >= 0);
    t->names[free_slot] = name;
    t->set[free_slot] = value != NULL;
    snprintf(t->values[free_slot], sizeof(t->values[free_slot]), "%s", value ? value : "");
}

/* ---- the peer ---- */

static pid_t server_pid;
static int server_port;
static char tmpdir[512];

static int start_server(void **state)
{
    (void)state;
    char script[1024];
    snprintf(script, sizeof(script), "%s/tests/aws/creds_server.py", SW_SOURCE_DIR);
    char *argv[] = {(char *)test_proc_python(), script, NULL};
    server_pid = test_proc_start_server(argv, &server_port, 10000);
    if (server_pid <= 0)
        return -1;
    return test_proc_tempdir(tmpdir, sizeof(tmpdir));
}

static int stop_server(void **state)
{
    (void)state;
    test_proc_stop(server_pid);
    const char *const files[] = {"token"};
    test_proc_rmdir(tmpdir, files, 1);
    return 0;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct sw_buf *b = userdata;
    return sw_buf_append(b, data, size * nmemb) == 0 ? size * nmemb : 0;
}

/* The server's request log (parsed JSON array; caller deletes). */
static cJSON *server_log(void)
{
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/__log", server_port);
    struct sw_buf b;
    sw_buf_init(&b, 1 << 20);
    CURL *h = curl_easy_init();
    assert_non_null(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    cJSON *log = cJSON_ParseWithLength(sw_buf_cstr(&b), b.len);
    sw_buf_clear(&b);
    assert_true(cJSON_IsArray(log));
    return log;
}

static int log_size(void)
{
    cJSON *log = server_log();
    int n = cJSON_GetArraySize(log);
    cJSON_Delete(log);
    return n;
}

/* Field of the last logged request (copied into out). */
static void last_logged(const char *field, char *out, size_t cap)
{
    cJSON *log = server_log();
    int n = cJSON_GetArraySize(log);
    assert_true(n > 0);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(log, n - 1), field);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "(none)");
    cJSON_Delete(log);
}

static void set_uri(struct table_env *t, const char *path)
{
    char url[256];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", server_port, path);
    env_set(t, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
}

static long slept_total;
static int sleeps;
static void fake_sleep(void *ctx, long ms)
{
    (void)ctx;
    slept_total += ms;
    sleeps++;
}

static struct sw_creds_provider *new_provider(struct table_env *t, struct sw_env *env)
{
    env->get = table_get;
    env->ctx = t;
    struct sw_creds_options opt = {.env = env, .sleep_ms = fake_sleep, .timeout_ms = 2000};
    struct sw_error err = {0};
    struct sw_creds_provider *p = sw_creds_provider_new(&opt, &err);
    assert_non_null(p);
    slept_total = 0;
    sleeps = 0;
    return p;
}

/* 2030-01-01T00:00:00Z, the servers's default Expiration. */
#define T_EXP ((time_t)1893456000)

/* ---- pure helpers ---- */

static void test_refresh_windows(void **state)
{
    (void)state;
    assert_int_equal(sw_creds_refresh_need(0, T_EXP), SW_CREDS_REFRESH_NONE);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP - 3600), SW_CREDS_REFRESH_NONE);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP - 15 * 60), SW_CREDS_REFRESH_NONE);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP - 15 * 60 + 1), SW_CREDS_REFRESH_ADVISORY);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP - 10 * 60), SW_CREDS_REFRESH_ADVISORY);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP - 10 * 60 + 1), SW_CREDS_REFRESH_MANDATORY);
    assert_int_equal(sw_creds_refresh_need(T_EXP, T_EXP + 5), SW_CREDS_REFRESH_MANDATORY);
}

static void test_uri_allow_list(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        bool allowed;
    } rows[] = {
        {"https://creds.example.com/v1", true},
        {"HTTPS://anything:8443/x?y=z", true},
        {"http://127.0.0.1:8080/creds", true},
        {"http://127.1.2.3/creds", true},
        {"http://localhost/creds", true},
        {"http://LOCALHOST:99", true},
        {"http://[::1]:8080/creds", true},
        {"http://[0:0:0:0:0:0:0:1]/", true},
        {"http://169.254.170.2/v2/credentials/abc", true},
        {"http://169.254.170.23/v1/credentials", true},
        {"http://[fd00:ec2::23]/v1/credentials", true},
        {"http://169.254.169.254/latest/meta-data/", false},
        {"http://169.254.170.3/", false},
        {"http://10.0.0.1/", false},
        {"http://0.0.0.0:80/", false},
        {"http://example.com/", false},
        {"http://127.0.0.1.example.com/", false},
        {"http://localhost.example.com/", false},
        {"http://[fd00:ec2::24]/", false},
        {"http://[::ffff:127.0.0.1]/", false},
        {"http://user@127.0.0.1/", false},
        {"http://evil.com@127.0.0.1/", false},
        {"ftp://127.0.0.1/", false},
        {"127.0.0.1:80", false},
        {"http://127.0.0.1/a b", false},
        {"http://[::1/", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (sw_creds_uri_allowed(rows[i].url) != rows[i].allowed)
            fail_msg("%s: want %s", rows[i].url, rows[i].allowed ? "allowed" : "refused");
}

static void test_parse_time(void **state)
{
    (void)state;
    time_t t = 0;
    assert_int_equal(sw_creds_parse_time("2030-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, T_EXP);
    assert_int_equal(sw_creds_parse_time("2016-02-25T06:03:31Z", &t), 0);
    assert_int_equal(t, 1456380211);
    assert_int_equal(sw_creds_parse_time("2016-02-25T06:03:31.123Z", &t), 0);
    assert_int_equal(t, 1456380211);
    assert_int_equal(sw_creds_parse_time("2016-02-25T08:03:31+02:00", &t), 0);
    assert_int_equal(t, 1456380211);
    assert_int_equal(sw_creds_parse_time("2016-02-25T05:03:31-01:00", &t), 0);
    assert_int_equal(t, 1456380211);
    const char *bad[] = {"", "2016-02-25", "2016-02-25 06:03:31Z", "2016-13-25T06:03:31Z",
                         "2016-02-25T06:03:31", "2016-02-25T06:03:31ZZ", "20x6-02-25T06:03:31Z",
                         "2016-02-25T06:03:31+0200", "2016-02-25T06:03:31.",
                         /* an expiration of 0 (or before) would read as "does not expire" */
                         "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.999Z",
                         "1970-01-01T01:00:00+01:00", "1969-12-31T23:59:59Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (sw_creds_parse_time(bad[i], &t) != SW_EPARSE)
            fail_msg("\"%s\" should not parse", bad[i]);
}

/* ---- environment provider ---- */

static void test_environment(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};

    env_set(&t, "AWS_ACCESS_KEY_ID", "AKIAENV");
    env_set(&t, "AWS_SECRET_ACCESS_KEY", "env-secret");
    env_set(&t, "AWS_SESSION_TOKEN", "env-token");
    env_set(&t, "AWS_SECURITY_TOKEN", "legacy-token");
    set_uri(&t, "/ok"); /* the environment wins: never fetched */
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAENV");
    assert_string_equal(c.secret_access_key, "env-secret");
    assert_string_equal(c.session_token, "env-token");
    assert_int_equal(sw_creds_source(p), SW_CREDS_ENVIRONMENT);
    assert_int_equal(sw_creds_expiration(p), 0);
    assert_int_equal(sw_creds_fetch_count(p), 0);

    /* AWS_SECURITY_TOKEN is the fallback; re-read on every call. */
    env_set(&t, "AWS_SESSION_TOKEN", NULL);
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), 0);
    assert_string_equal(c.session_token, "legacy-token");

    /* Long-term keys: no token. */
    env_set(&t, "AWS_SECURITY_TOKEN", "");
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), 0);
    assert_null(c.session_token);

    /* Partial: names what is missing, never the value that is present. */
    env_set(&t, "AWS_ACCESS_KEY_ID", NULL);
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "AWS_ACCESS_KEY_ID"));
    assert_null(strstr(err.msg, "env-secret"));
    assert_null(c.secret_access_key);

    /* A control character in a value is refused without quoting it. */
    env_set(&t, "AWS_ACCESS_KEY_ID", "AKIAENV");
    env_set(&t, "AWS_SESSION_TOKEN", "tok\r\nX-Evil: 1");
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "AWS_SESSION_TOKEN"));
    assert_null(strstr(err.msg, "X-Evil"));
    assert_int_equal(log_size(), 0);
    sw_creds_provider_free(p);
}

static void test_nothing_configured(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    env_set(&t, "AWS_SESSION_TOKEN", "lonely-session-token");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "lonely-auth-token");
    assert_int_equal(sw_creds_get(p, T_EXP, &c, &err), SW_ECREDS);
    assert_int_equal(err.code, SW_ECREDS);
    const char *want[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI"};
    for (size_t i = 0; i < 4; i++)
        if (!strstr(err.msg, want[i]))
            fail_msg("message \"%s\" does not name %s", err.msg, want[i]);
    assert_null(strstr(err.msg, "lonely"));
    assert_int_equal(sw_creds_source(p), SW_CREDS_NONE);
    assert_null(c.access_key_id);
    sw_creds_provider_free(p);
}

/* ---- container provider ---- */

static void test_container_token_header(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    char seen[256];

    set_uri(&t, "/ok");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer-less token value");
    int before = log_size();
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), 0);
    assert_int_equal(log_size(), before + 1);
    last_logged("authorization", seen, sizeof(seen));
    assert_string_equal(seen, "Bearer-less token value");
    last_logged("accept", seen, sizeof(seen));
    assert_string_equal(seen, "application/json");
    assert_memory_equal(c.access_key_id, "ASIAOK", 6);
    assert_non_null(strstr(c.secret_access_key, "secret-"));
    assert_non_null(strstr(c.session_token, "token-"));
    assert_int_equal(sw_creds_source(p), SW_CREDS_CONTAINER);
    assert_int_equal(sw_creds_expiration(p), T_EXP);

    /* Cached: a second call within the hour does not fetch. */
    char first_key[64];
    snprintf(first_key, sizeof(first_key), "%s", c.access_key_id);
    assert_int_equal(sw_creds_get(p, T_EXP - 3000, &c, &err), 0);
    assert_string_equal(c.access_key_id, first_key);
    assert_int_equal(sw_creds_fetch_count(p), 1);
    sw_creds_provider_free(p);
}

static void write_token_file(const char *content)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/token", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void test_container_token_file_and_refresh(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    char seen[256], path[600], key1[64];

    snprintf(path, sizeof(path), "%s/token", tmpdir);
    write_token_file("file-token-1");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path);
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token-loses");
    set_uri(&t, "/ok");
    assert_int_equal(sw_creds_get(p, T_EXP - 30 * 60, &c, &err), 0);
    last_logged("authorization", seen, sizeof(seen));
    assert_string_equal(seen, "file-token-1");
    snprintf(key1, sizeof(key1), "%s", c.access_key_id);

    /* 12 minutes left: advisory refresh; the token file is read again. */
    write_token_file("file-token-2");
    set_uri(&t, "/ok?exp=2030-01-01T01:00:00Z");
    assert_int_equal(sw_creds_get(p, T_EXP - 12 * 60, &c, &err), 0);
    last_logged("authorization", seen, sizeof(seen));
    assert_string_equal(seen, "file-token-2");
    assert_string_not_equal(c.access_key_id, key1);
    assert_int_equal(sw_creds_expiration(p), T_EXP + 3600);
    assert_int_equal(sw_creds_fetch_count(p), 2);

    /* Fresh again: no fetch. */
    assert_int_equal(sw_creds_get(p, T_EXP - 5 * 60, &c, &err), 0);
    assert_int_equal(sw_creds_fetch_count(p), 2);

    /* An unreadable token file is a configuration error naming the variable. */
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/sw-token");
    assert_int_equal(sw_creds_get(p, T_EXP + 3600 - 60, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    sw_creds_provider_free(p);
}

static void test_container_advisory_failure_keeps_old(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    char key1[64];

    set_uri(&t, "/ok");
    assert_int_equal(sw_creds_get(p, T_EXP - 30 * 60, &c, &err), 0);
    snprintf(key1, sizeof(key1), "%s", c.access_key_id);

    set_uri(&t, "/error"); /* 403: not retried */
    assert_int_equal(sw_creds_get(p, T_EXP - 12 * 60, &c, &err), 0);
    assert_string_equal(c.access_key_id, key1);
    assert_int_equal(sw_creds_fetch_count(p), 2);

    /* Inside the mandatory window the failure is an error. */
    set_uri(&t, "/always500");
    assert_int_equal(sw_creds_get(p, T_EXP - 5 * 60, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_non_null(strstr(err.msg, "InternalError"));
    assert_non_null(strstr(err.msg, "boom"));
    assert_int_equal(sw_creds_fetch_count(p), 2 + 3); /* three attempts */
    assert_int_equal(sleeps, 2);
    assert_int_equal(slept_total, 2 * SW_CREDS_RETRY_DELAY_MS);
    assert_null(c.access_key_id);
    assert_int_equal(sw_creds_source(p), SW_CREDS_NONE);
    sw_creds_provider_free(p);
}

static void test_container_still_expired(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    set_uri(&t, "/ok");
    assert_int_equal(sw_creds_get(p, T_EXP - 5 * 60, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "still expired"));
    sw_creds_provider_free(p);
}

static void test_container_errors(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        long fetches;
        const char *words[3];
    } rows[] = {
        {"/error", 1, {"HTTP 403", "AccessDenied", "Unable to fetch credentials"}},
        {"/garbage", 3, {"without a JSON object", NULL, NULL}},
        {"/missing", 3, {"without a string Token", NULL, NULL}},
        {"/big", 1, {"more than", NULL, NULL}},
        {"/nope", 1, {"HTTP 404", "NotFound", NULL}},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct table_env t = {0};
        struct sw_env env;
        struct sw_creds_provider *p = new_provider(&t, &env);
        struct sw_sigv4_credentials c;
        struct sw_error err = {0};
        set_uri(&t, rows[i].path);
        assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECREDS);
        if (sw_creds_fetch_count(p) != rows[i].fetches)
            fail_msg("%s: %ld fetches, want %ld", rows[i].path, sw_creds_fetch_count(p),
                     rows[i].fetches);
        for (int w = 0; w < 3 && rows[i].words[w]; w++)
            if (!strstr(err.msg, rows[i].words[w]))
                fail_msg("%s: message \"%s\" lacks \"%s\"", rows[i].path, err.msg,
                         rows[i].words[w]);
        sw_creds_provider_free(p);
    }
}

static void test_container_retries_then_succeeds(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    set_uri(&t, "/flaky");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), 0);
    assert_int_equal(sw_creds_fetch_count(p), 3);
    assert_int_equal(sleeps, 2);
    sw_creds_provider_free(p);
}

static void test_container_timeout(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env = {table_get, &t};
    struct sw_creds_options opt = {
        .env = &env, .timeout_ms = 300, .attempts = 1, .sleep_ms = fake_sleep};
    struct sw_error err = {0};
    struct sw_creds_provider *p = sw_creds_provider_new(&opt, &err);
    struct sw_sigv4_credentials c;
    set_uri(&t, "/slow");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "within 300 ms"));
    sw_creds_provider_free(p);
}

static void test_container_refusals_send_nothing(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    char url[256], path[600];
    int before = log_size();

    /* 0.0.0.0 reaches this very server on Linux, but it is not on the allow-list. */
    snprintf(url, sizeof(url), "http://0.0.0.0:%d/ok", server_port);
    env_set(&t, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "not allowed"));

    /* EC2 instance metadata is not a container endpoint. */
    env_set(&t, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.169.254/latest/");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECONFIG);

    /* A relative URI must be a path (else "http://169.254.170.2@evil/" tricks). */
    env_set(&t, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.example/creds");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
    env_set(&t, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", NULL);

    /* CR/LF in the token (variable or file) is refused and never quoted. */
    set_uri(&t, "/ok");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-part\r\nX-Injected: yes");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "CR or LF"));
    assert_null(strstr(err.msg, "secret-part"));
    assert_null(strstr(err.msg, "X-Injected"));

    write_token_file("file-secret\n");
    snprintf(path, sizeof(path), "%s/token", tmpdir);
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path);
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    assert_null(strstr(err.msg, "file-secret"));

    assert_int_equal(sw_creds_fetch_count(p), 0);
    assert_int_equal(log_size(), before);
    sw_creds_provider_free(p);
}

static void test_container_echoed_token_not_in_message(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    set_uri(&t, "/echo-token");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "echo-me-not");
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_null(strstr(err.msg, "echo-me-not"));
    sw_creds_provider_free(p);
}

static void test_container_partly_echoed_token_not_in_message(void **state)
{
    (void)state;
    struct table_env t = {0};
    struct sw_env env;
    struct sw_creds_provider *p = new_provider(&t, &env);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    const char *token = "eyJhbGciOiJFUzI1NiJ9.c2NhbndhcmRlbi1lY3MtdGFzay1yb2xl.sig0123456789";
    set_uri(&t, "/echo-token-part");
    env_set(&t, "AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
    assert_int_equal(sw_creds_get(p, T_EXP - 3600, &c, &err), SW_ECREDS);
    print_message("partly echoed: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "HTTP 401"));
    assert_false(aws_test_has_secret_run(err.msg, token));
    sw_creds_provider_free(p);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refresh_windows),
        cmocka_unit_test(test_uri_allow_list),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_nothing_configured),
        cmocka_unit_test(test_container_token_header),
        cmocka_unit_test(test_container_token_file_and_refresh),
        cmocka_unit_test(test_container_advisory_failure_keeps_old),
        cmocka_unit_test(test_container_still_expired),
        cmocka_unit_test(test_container_errors),
        cmocka_unit_test(test_container_retries_then_succeeds),
        cmocka_unit_test(test_container_timeout),
        cmocka_unit_test(test_container_refusals_send_nothing),
        cmocka_unit_test(test_container_echoed_token_not_in_message),
        cmocka_unit_test(test_container_partly_echoed_token_not_in_message),
    };
    int rc = cmocka_run_group_tests(tests, start_server, stop_server);
    curl_global_cleanup();
    return rc;
}
