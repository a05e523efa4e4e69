/* sw_creds container provider: credentials from the container endpoint (contract in
 * credentials_container.h).
 *
 * The fetch is rare (SnapStart, ECS, EKS; once per hour at most), so it uses a fresh
 * libcurl easy handle rather than the client's kept-alive ones. Secrets live in fixed
 * buffers, are overwritten with OPENSSL_cleanse when replaced, and are never formatted
 * into a message. */
#include "handler/aws/credentials_container.h"

#include "handler/aws/http.h"
#include "handler/aws/redact.h"
#include "handler/core/buf.h"
#include "handler/core/timeparse.h"
#include "runtime/lr_log.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ENV_AUTH "AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define ENV_AUTH_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
#define SERVER_TEXT_MAX 200 /* bytes of the endpoint's Code/Message quoted in errors */

void sw_creds_slot_wipe(struct sw_creds_slot *s)
{
    OPENSSL_cleanse(s, sizeof(*s));
}

bool sw_creds_has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s == 0x7f)
            return true;
    return false;
}

bool sw_creds_copy_secret(char *dst, size_t cap, const char *src)
{
    size_t len = strlen(src);
    if (len >= cap)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

int sw_creds_parse_time(const char *s, time_t *out)
{
    int64_t ms = s ? sw_time_parse_rfc3339(s, strlen(s)) : SW_TIME_NONE;
    if (ms == SW_TIME_NONE || ms < 1000) /* 0 is "does not expire", not an expiration */
        return SW_EPARSE;
    *out = (time_t)(ms / 1000);
    return 0;
}

struct body_sink {
    struct sw_buf buf;
    bool too_big;
};

static size_t write_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct body_sink *sink = userdata;
    size_t n = size * nmemb;
    if (sw_buf_append(&sink->buf, data, n) != 0) {
        sink->too_big = true;
        return 0; /* aborts the transfer */
    }
    return n;
}

/* Reads the token file named by ENV_AUTH_FILE into tok (cap bytes). */
static int read_token_file(const char *path, char *tok, size_t cap, struct sw_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sw_error_set(err, SW_ECONFIG, "%s: cannot open %s: %s", ENV_AUTH_FILE, path,
                            strerror(errno));
    size_t len = 0;
    int rc = 0;
    for (;;) {
        if (len == cap - 1) {
            char extra;
            if (read(fd, &extra, 1) > 0)
                rc = sw_error_set(err, SW_ECONFIG, "%s: %s is larger than %d bytes", ENV_AUTH_FILE,
                                  path, SW_CREDS_MAX_AUTH_TOKEN);
            break;
        }
        ssize_t n = read(fd, tok + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = sw_error_set(err, SW_ECONFIG, "%s: cannot read %s: %s", ENV_AUTH_FILE, path,
                              strerror(errno));
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    tok[len] = '\0';
    if (!rc && strlen(tok) != len)
        rc = sw_error_set(err, SW_ECONFIG, "%s: %s contains a NUL byte", ENV_AUTH_FILE, path);
    return rc;
}

/* Copies a short, printable excerpt of server text into out, dropping it entirely when it
 * quotes any part (a run of SW_REDACT_MIN_RUN bytes or more) of the Authorization token: a
 * misbehaving endpoint echoing it back. */
static void server_text(const cJSON *obj, const char *key, const struct sw_redactor *auth,
                        char *out, size_t cap)
{
    out[0] = '\0';
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return;
    if (sw_redactor_finds(auth, v->valuestring)) {
        snprintf(out, cap, "(%s withheld: it quotes the authorization token)", key);
        return;
    }
    size_t j = 0;
    for (const char *c = v->valuestring; *c && j + 1 < cap && j < SERVER_TEXT_MAX; c++)
        out[j++] = ((unsigned char)*c < ' ' || *c == 0x7f) ? '?' : *c;
    out[j] = '\0';
}

/* Parses a 200 answer into slot. */
static int parse_container_body(const char *body, size_t len, struct sw_creds_slot *slot,
                                const char *url, struct sw_error *err)
{
    int rc = 0;
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(root)) {
        rc = sw_error_set(err, SW_ECREDS,
                          "container credentials endpoint %s answered 200 without a JSON object",
                          url);
        goto out_delete;
    }
    const char *names[] = {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"};
    const char *vals[4];
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, names[i]);
        if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring) {
            rc = sw_error_set(err, SW_ECREDS,
                              "container credentials endpoint %s answered without a string %s", url,
                              names[i]);
            goto out_delete;
        }
        vals[i] = v->valuestring;
    }
    sw_creds_slot_wipe(slot);
    if (!sw_creds_copy_secret(slot->access_key_id, sizeof(slot->access_key_id), vals[0]) ||
        !sw_creds_copy_secret(slot->secret, sizeof(slot->secret), vals[1]) ||
        !sw_creds_copy_secret(slot->token, sizeof(slot->token), vals[2]) ||
        sw_creds_has_ctl(vals[0]) || sw_creds_has_ctl(vals[1]) || sw_creds_has_ctl(vals[2])) {
        sw_creds_slot_wipe(slot);
        rc = sw_error_set(err, SW_ECREDS,
                          "container credentials endpoint %s answered with a key, secret or "
                          "token that is too long or has control characters",
                          url);
        goto out_delete;
    }
    if (sw_creds_parse_time(vals[3], &slot->expiration) != 0) {
        sw_creds_slot_wipe(slot);
        rc = sw_error_set(err, SW_ECREDS,
                          "container credentials endpoint %s answered with an Expiration that "
                          "is not an RFC 3339 time: \"%.40s\"",
                          url, vals[3]);
        goto out_delete;
    }
    slot->set = true;

out_delete:
    sw_creds_json_delete(root);
    return rc;
}

void sw_creds_json_delete(struct cJSON *root)
{
    if (root) {
        const cJSON *item;
        cJSON_ArrayForEach(item, root)
        {
            if (cJSON_IsString(item) && item->valuestring)
                OPENSSL_cleanse(item->valuestring, strlen(item->valuestring));
        }
    }
    cJSON_Delete(root);
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

static void sleep_ms(const struct sw_creds_options *o, long ms)
{
    if (ms <= 0)
        return;
    if (o->sleep_ms) {
        o->sleep_ms(o->sleep_ctx, ms);
        return;
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One GET. Returns 0 with *status and sink filled, or SW_EIO / SW_ETIMEOUT / SW_ELIMIT. */
static int http_get(const struct sw_creds_options *o, const char *url, const char *auth,
                    long *status, struct body_sink *sink, long *fetches, struct sw_error *err)
{
    int rc = 0;
    struct curl_slist *headers = NULL, *tmp;
    struct sw_buf auth_line;
    sw_buf_init(&auth_line, SW_CREDS_MAX_AUTH_TOKEN + 32);
    CURL *h = curl_easy_init();
    if (!h)
        return sw_error_set(err, SW_ENOMEM, "credentials: curl_easy_init failed");

    tmp = curl_slist_append(headers, "Accept: application/json");
    if (!tmp) {
        rc = sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
        goto out_cleanup;
    }
    headers = tmp;
    if (auth) {
        if (sw_buf_appendf(&auth_line, "Authorization: %s", auth) != 0 ||
            !(tmp = curl_slist_append(headers, auth_line.data))) {
            rc = sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
            goto out_cleanup;
        }
        headers = tmp;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*"); /* credentials never go through a proxy */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
    if (strncasecmp(url, "https://", 8) == 0) {
        const char *ca = sw_http_choose_ca_bundle(getenv("SSL_CERT_FILE"), file_exists);
        if (ca)
            curl_easy_setopt(h, CURLOPT_CAINFO, ca);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    (*fetches)++;
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_WRITE_ERROR && sink->too_big) {
        rc = sw_error_set(err, SW_ELIMIT,
                          "container credentials endpoint %s answered with more than %d bytes", url,
                          SW_CREDS_MAX_RESPONSE);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        rc = sw_error_set(err, SW_ETIMEOUT,
                          "container credentials endpoint %s did not answer within %ld ms", url,
                          o->timeout_ms);
    } else if (cc != CURLE_OK) {
        rc = sw_error_set(err, SW_EIO, "container credentials endpoint %s: %s", url,
                          curl_easy_strerror(cc));
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    }

out_cleanup:
    curl_slist_free_all(headers);
    sw_buf_free_secure(&auth_line);
    curl_easy_cleanup(h);
    return rc;
}

/* The authorization token into *auth (NULL when none is set): the file first (re-read on
 * each fetch, it rotates), then the variable; *token_var names where it came from. */
static int load_auth_token(const struct sw_env *env, char **auth, const char **token_var,
                           struct sw_error *err)
{
    const char *file = sw_env_get_nonempty(env, ENV_AUTH_FILE);
    *auth = NULL;
    *token_var = file ? ENV_AUTH_FILE : ENV_AUTH;
    if (file) {
        *auth = calloc(1, SW_CREDS_MAX_AUTH_TOKEN + 1);
        if (!*auth)
            return sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
        return read_token_file(file, *auth, SW_CREDS_MAX_AUTH_TOKEN + 1, err);
    }
    const char *v = sw_env_get_nonempty(env, ENV_AUTH);
    if (!v)
        return 0;
    if (strlen(v) > SW_CREDS_MAX_AUTH_TOKEN)
        return sw_error_set(err, SW_ECONFIG, "%s is longer than %d bytes", ENV_AUTH,
                            SW_CREDS_MAX_AUTH_TOKEN);
    *auth = strdup(v);
    if (!*auth)
        return sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
    return 0;
}

/* Refuses a token that would break or smuggle a header line. */
static int check_auth_token(const char *auth, const char *token_var, struct sw_error *err)
{
    if (auth && (strchr(auth, '\r') || strchr(auth, '\n')))
        return sw_error_set(err, SW_ECONFIG,
                            "%s: the container authorization token contains a CR or LF character "
                            "and was not sent",
                            token_var);
    if (auth && sw_creds_has_ctl(auth))
        return sw_error_set(err, SW_ECONFIG,
                            "%s: the container authorization token contains a control character "
                            "and was not sent",
                            token_var);
    return 0;
}

/* The error for a non-200 answer, quoting the endpoint's Code and Message (never the token). */
static int answer_error(const struct body_sink *sink, const char *url, long status,
                        const char *auth, struct sw_error *err)
{
    char code[SERVER_TEXT_MAX + 1] = "", msg[SERVER_TEXT_MAX + 1] = "";
    cJSON *root = cJSON_ParseWithLength(sink->buf.data ? sink->buf.data : "", sink->buf.len);
    if (cJSON_IsObject(root)) {
        const char *secrets[] = {auth};
        struct sw_redactor r;
        sw_redactor_init(&r, secrets, 1);
        server_text(root, "Code", &r, code, sizeof(code));
        server_text(root, "Message", &r, msg, sizeof(msg));
        sw_redactor_clear(&r);
    }
    cJSON_Delete(root);
    return sw_error_set(err, SW_ECREDS,
                        "container credentials endpoint %s answered HTTP %ld%s%s%s%s", url, status,
                        code[0] ? ": " : "", code, msg[0] ? ": " : "", msg);
}

/* One attempt; *retry says whether another may succeed. */
static int fetch_once(const struct sw_creds_options *o, const char *url, const char *auth,
                      struct sw_creds_slot *out, long *fetches, bool *retry, struct sw_error *err)
{
    struct body_sink sink = {.too_big = false};
    long status = 0;
    sw_buf_init(&sink.buf, SW_CREDS_MAX_RESPONSE);
    int rc = http_get(o, url, auth, &status, &sink, fetches, err);
    *retry = rc == SW_EIO || rc == SW_ETIMEOUT;
    if (!rc && status == 200) {
        rc = parse_container_body(sink.buf.data ? sink.buf.data : "", sink.buf.len, out, url, err);
        *retry = rc != 0;
    } else if (!rc) {
        rc = answer_error(&sink, url, status, auth, err);
        *retry = status >= 500 || status == 429;
    }
    sw_buf_free_secure(&sink.buf);
    return rc;
}

/* Up to o->attempts attempts, o->retry_delay_ms apart, while a retry may help. */
static int fetch_attempts(const struct sw_creds_options *o, const char *url, const char *auth,
                          struct sw_creds_slot *out, long *fetches, struct sw_error *err)
{
    int rc = 0;
    for (int attempt = 1; attempt <= o->attempts; attempt++) {
        bool retry = false;
        if (attempt > 1)
            sleep_ms(o, o->retry_delay_ms);
        rc = fetch_once(o, url, auth, out, fetches, &retry, err);
        if (!rc || !retry)
            break;
        if (attempt < o->attempts)
            lr_log(LR_LOG_WARN, "credentials: attempt %d of %d failed: %s", attempt, o->attempts,
                   err ? err->msg : "");
    }
    /* Transport failures are credential failures to the caller; the message keeps the detail. */
    if (rc == SW_EIO || rc == SW_ETIMEOUT || rc == SW_ELIMIT) {
        rc = SW_ECREDS;
        if (err)
            err->code = SW_ECREDS;
    }
    return rc;
}

int sw_creds_container_fetch(const struct sw_creds_options *o, const char *url,
                             struct sw_creds_slot *out, long *fetches, struct sw_error *err)
{
    char *auth = NULL;
    const char *token_var = ENV_AUTH;
    int rc = load_auth_token(o->env, &auth, &token_var, err);
    if (!rc)
        rc = check_auth_token(auth, token_var, err);
    if (!rc)
        rc = fetch_attempts(o, url, auth, out, fetches, err);
    if (auth) {
        OPENSSL_cleanse(auth, strlen(auth));
        free(auth);
    }
    return rc;
}
