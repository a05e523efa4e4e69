/* sw_creds: environment and container credential providers with a refresh cache
 * (contract in credentials.h).
 *
 * The container fetch is rare (SnapStart, ECS, EKS; once per hour at most), so it uses
 * a fresh libcurl easy handle rather than the client's kept-alive ones. Secrets live in
 * fixed buffers inside the provider, are overwritten with OPENSSL_cleanse when replaced
 * or freed, and are never formatted into a message. */
#include "handler/aws/credentials.h"

#include "handler/aws/http.h"
#include "handler/aws/redact.h"
#include "handler/buf.h"
#include "handler/timeparse.h"
#include "runtime/lr_log.h"

#include <arpa/inet.h>
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

#define ENV_KEY "AWS_ACCESS_KEY_ID"
#define ENV_SECRET "AWS_SECRET_ACCESS_KEY"
#define ENV_TOKEN "AWS_SESSION_TOKEN"
#define ENV_TOKEN_LEGACY "AWS_SECURITY_TOKEN"
#define ENV_RELATIVE "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define ENV_FULL "AWS_CONTAINER_CREDENTIALS_FULL_URI"
#define ENV_AUTH "AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define ENV_AUTH_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
#define SERVER_TEXT_MAX 200 /* bytes of the endpoint's Code/Message quoted in errors */

/* One set of credentials, in fixed buffers so that no copy is left behind by realloc. */
struct creds_slot {
    char access_key_id[SW_CREDS_MAX_ACCESS_KEY_ID + 1];
    char secret[SW_CREDS_MAX_SECRET + 1];
    char token[SW_CREDS_MAX_TOKEN + 1];
    time_t expiration; /* 0: does not expire */
    bool set;
};

struct sw_creds_provider {
    struct sw_creds_options opt;
    struct creds_slot current;   /* environment credentials (re-read on every call) */
    struct creds_slot container; /* cached container credentials */
    enum sw_creds_source source;
    long fetches;
};

static void slot_wipe(struct creds_slot *s)
{
    OPENSSL_cleanse(s, sizeof(*s));
}

struct sw_creds_provider *sw_creds_provider_new(const struct sw_creds_options *opt,
                                                struct sw_error *err)
{
    struct sw_creds_provider *p = calloc(1, sizeof(*p));
    if (!p) {
        sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
        return NULL;
    }
    if (opt)
        p->opt = *opt;
    if (p->opt.timeout_ms <= 0)
        p->opt.timeout_ms = SW_CREDS_FETCH_TIMEOUT_MS;
    if (p->opt.attempts <= 0)
        p->opt.attempts = SW_CREDS_FETCH_ATTEMPTS;
    if (p->opt.retry_delay_ms == 0)
        p->opt.retry_delay_ms = SW_CREDS_RETRY_DELAY_MS;
    return p;
}

void sw_creds_provider_free(struct sw_creds_provider *p)
{
    if (!p)
        return;
    slot_wipe(&p->current);
    slot_wipe(&p->container);
    free(p);
}

enum sw_creds_source sw_creds_source(const struct sw_creds_provider *p)
{
    return p ? p->source : SW_CREDS_NONE;
}

time_t sw_creds_expiration(const struct sw_creds_provider *p)
{
    return p && p->source == SW_CREDS_CONTAINER ? p->container.expiration : 0;
}

long sw_creds_fetch_count(const struct sw_creds_provider *p)
{
    return p ? p->fetches : 0;
}

enum sw_creds_refresh sw_creds_refresh_need(time_t expiration, time_t now)
{
    if (expiration == 0)
        return SW_CREDS_REFRESH_NONE;
    if (expiration - now < SW_CREDS_MANDATORY_REFRESH_S)
        return SW_CREDS_REFRESH_MANDATORY;
    if (expiration - now < SW_CREDS_ADVISORY_REFRESH_S)
        return SW_CREDS_REFRESH_ADVISORY;
    return SW_CREDS_REFRESH_NONE;
}

/* ---- pure helpers ---- */

int sw_creds_parse_time(const char *s, time_t *out)
{
    int64_t ms = s ? sw_time_parse_rfc3339(s, strlen(s)) : SW_TIME_NONE;
    if (ms == SW_TIME_NONE)
        return SW_EPARSE;
    *out = (time_t)(ms / 1000);
    return 0;
}

/* Splits url into scheme (true for https) and host (IPv6 without brackets). */
static bool url_host(const char *url, bool *https, char *host, size_t cap)
{
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        *https = true;
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        *https = false;
        p = url + 7;
    } else {
        return false;
    }
    size_t auth_len = strcspn(p, "/?#");
    if (memchr(p, '@', auth_len))
        return false; /* user info: refuse rather than guess the host */
    const char *auth_end = p + auth_len;
    const char *start = p;
    size_t len;
    if (*p == '[') {
        const char *close = memchr(p, ']', auth_len);
        if (!close)
            return false;
        if (close + 1 < auth_end && close[1] != ':')
            return false;
        start = p + 1;
        len = (size_t)(close - start);
    } else {
        len = strcspn(p, ":/?#");
        if (len > auth_len)
            len = auth_len;
    }
    if (len == 0 || len >= cap)
        return false;
    memcpy(host, start, len);
    host[len] = '\0';
    return true;
}

bool sw_creds_uri_allowed(const char *url)
{
    char host[256];
    bool https = false;
    if (!url || strlen(url) > SW_CREDS_MAX_URI || !url_host(url, &https, host, sizeof(host)))
        return false;
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
            return false;
    if (https)
        return true;
    if (strcasecmp(host, "localhost") == 0)
        return true;
    unsigned char a4[4];
    if (inet_pton(AF_INET, host, a4) == 1)
        return a4[0] == 127 ||
               (a4[0] == 169 && a4[1] == 254 && a4[2] == 170 && (a4[3] == 2 || a4[3] == 23));
    unsigned char a6[16], want[16];
    if (inet_pton(AF_INET6, host, a6) == 1) {
        inet_pton(AF_INET6, "::1", want);
        if (memcmp(a6, want, 16) == 0)
            return true;
        inet_pton(AF_INET6, "fd00:ec2::23", want);
        return memcmp(a6, want, 16) == 0;
    }
    return false;
}

/* ---- environment provider ---- */

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s == 0x7f)
            return true;
    return false;
}

/* Copies src into dst (cap bytes). False when it does not fit. */
static bool copy_secret(char *dst, size_t cap, const char *src)
{
    size_t len = strlen(src);
    if (len >= cap)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

/* 1: environment credentials loaded into p->current; 0: none set; < 0: error. */
static int from_environment(struct sw_creds_provider *p, struct sw_error *err)
{
    const struct sw_env *env = p->opt.env;
    const char *key = sw_env_get_nonempty(env, ENV_KEY);
    const char *secret = sw_env_get_nonempty(env, ENV_SECRET);
    if (!key && !secret)
        return 0;
    if (!key || !secret) {
        if (p->current.set)
            slot_wipe(&p->current);
        return sw_error_set(err, SW_ECREDS,
                            "partial credentials in the environment: %s is set but %s is not",
                            key ? ENV_KEY : ENV_SECRET, key ? ENV_SECRET : ENV_KEY);
    }
    const char *token_var = ENV_TOKEN;
    const char *token = sw_env_get_nonempty(env, ENV_TOKEN);
    if (!token) {
        token_var = ENV_TOKEN_LEGACY;
        token = sw_env_get_nonempty(env, ENV_TOKEN_LEGACY);
    }
    struct creds_slot *s = &p->current;
    if (s->set && strcmp(s->access_key_id, key) == 0 && strcmp(s->secret, secret) == 0 &&
        strcmp(s->token, token ? token : "") == 0)
        return 1; /* unchanged since the last call: nothing to copy */
    slot_wipe(s);
    if (!copy_secret(s->access_key_id, sizeof(s->access_key_id), key) || has_ctl(key))
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            ENV_KEY, SW_CREDS_MAX_ACCESS_KEY_ID);
    if (!copy_secret(s->secret, sizeof(s->secret), secret) || has_ctl(secret)) {
        slot_wipe(s);
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            ENV_SECRET, SW_CREDS_MAX_SECRET);
    }
    if (token && (!copy_secret(s->token, sizeof(s->token), token) || has_ctl(token))) {
        slot_wipe(s);
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            token_var, SW_CREDS_MAX_TOKEN);
    }
    s->set = true;
    return 1;
}

/* ---- container provider ---- */

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
static int parse_container_body(const char *body, size_t len, struct creds_slot *slot,
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
    slot_wipe(slot);
    if (!copy_secret(slot->access_key_id, sizeof(slot->access_key_id), vals[0]) ||
        !copy_secret(slot->secret, sizeof(slot->secret), vals[1]) ||
        !copy_secret(slot->token, sizeof(slot->token), vals[2]) || has_ctl(vals[0]) ||
        has_ctl(vals[1]) || has_ctl(vals[2])) {
        slot_wipe(slot);
        rc = sw_error_set(err, SW_ECREDS,
                          "container credentials endpoint %s answered with a key, secret or "
                          "token that is too long or has control characters",
                          url);
        goto out_delete;
    }
    if (sw_creds_parse_time(vals[3], &slot->expiration) != 0) {
        slot_wipe(slot);
        rc = sw_error_set(err, SW_ECREDS,
                          "container credentials endpoint %s answered with an Expiration that "
                          "is not an RFC 3339 time: \"%.40s\"",
                          url, vals[3]);
        goto out_delete;
    }
    slot->set = true;

out_delete:
    /* The parsed tree holds the secret and token: wipe its strings before freeing. */
    if (root) {
        const cJSON *item;
        cJSON_ArrayForEach(item, root)
        {
            if (cJSON_IsString(item) && item->valuestring)
                OPENSSL_cleanse(item->valuestring, strlen(item->valuestring));
        }
    }
    cJSON_Delete(root);
    return rc;
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

static void sleep_ms(struct sw_creds_provider *p, long ms)
{
    if (ms <= 0)
        return;
    if (p->opt.sleep_ms) {
        p->opt.sleep_ms(p->opt.sleep_ctx, ms);
        return;
    }
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One GET. Returns 0 with *status and sink filled, or SW_EIO / SW_ETIMEOUT / SW_ELIMIT. */
static int http_get(struct sw_creds_provider *p, const char *url, const char *auth, long *status,
                    struct body_sink *sink, struct sw_error *err)
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
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, p->opt.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, p->opt.timeout_ms);
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
    p->fetches++;
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_WRITE_ERROR && sink->too_big) {
        rc = sw_error_set(err, SW_ELIMIT,
                          "container credentials endpoint %s answered with more than %d bytes", url,
                          SW_CREDS_MAX_RESPONSE);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        rc = sw_error_set(err, SW_ETIMEOUT,
                          "container credentials endpoint %s did not answer within %ld ms", url,
                          p->opt.timeout_ms);
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

/* Fetches container credentials into p->container (attempts with a delay between). */
static int fetch_container(struct sw_creds_provider *p, const char *url, struct sw_error *err)
{
    const struct sw_env *env = p->opt.env;
    char *auth = NULL;
    int rc = 0;

    /* The token: file first (re-read on each fetch, it rotates), then the variable. */
    const char *file = sw_env_get_nonempty(env, ENV_AUTH_FILE);
    const char *token_var = file ? ENV_AUTH_FILE : ENV_AUTH;
    if (file) {
        auth = calloc(1, SW_CREDS_MAX_AUTH_TOKEN + 1);
        if (!auth)
            return sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
        rc = read_token_file(file, auth, SW_CREDS_MAX_AUTH_TOKEN + 1, err);
        if (rc)
            goto out_free_auth;
    } else {
        const char *v = sw_env_get_nonempty(env, ENV_AUTH);
        if (v) {
            if (strlen(v) > SW_CREDS_MAX_AUTH_TOKEN) {
                rc = sw_error_set(err, SW_ECONFIG, "%s is longer than %d bytes", ENV_AUTH,
                                  SW_CREDS_MAX_AUTH_TOKEN);
                goto out_free_auth;
            }
            auth = strdup(v);
            if (!auth) {
                rc = sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
                goto out_free_auth;
            }
        }
    }
    if (auth && (strchr(auth, '\r') || strchr(auth, '\n'))) {
        rc = sw_error_set(err, SW_ECONFIG,
                          "%s: the container authorization token contains a CR or LF character "
                          "and was not sent",
                          token_var);
        goto out_free_auth;
    }
    if (auth && has_ctl(auth)) {
        rc = sw_error_set(err, SW_ECONFIG,
                          "%s: the container authorization token contains a control character "
                          "and was not sent",
                          token_var);
        goto out_free_auth;
    }

    for (int attempt = 1; attempt <= p->opt.attempts; attempt++) {
        struct body_sink sink = {.too_big = false};
        long status = 0;
        sw_buf_init(&sink.buf, SW_CREDS_MAX_RESPONSE);
        if (attempt > 1)
            sleep_ms(p, p->opt.retry_delay_ms);
        rc = http_get(p, url, auth, &status, &sink, err);
        bool retry = rc == SW_EIO || rc == SW_ETIMEOUT;
        if (!rc && status == 200) {
            rc = parse_container_body(sink.buf.data ? sink.buf.data : "", sink.buf.len,
                                      &p->container, url, err);
            retry = rc != 0;
        } else if (!rc) {
            char code[SERVER_TEXT_MAX + 1] = "", msg[SERVER_TEXT_MAX + 1] = "";
            cJSON *root = cJSON_ParseWithLength(sink.buf.data ? sink.buf.data : "", sink.buf.len);
            if (cJSON_IsObject(root)) {
                const char *secrets[] = {auth};
                struct sw_redactor r;
                sw_redactor_init(&r, secrets, 1);
                server_text(root, "Code", &r, code, sizeof(code));
                server_text(root, "Message", &r, msg, sizeof(msg));
                sw_redactor_clear(&r);
            }
            cJSON_Delete(root);
            rc = sw_error_set(err, SW_ECREDS,
                              "container credentials endpoint %s answered HTTP %ld%s%s%s%s", url,
                              status, code[0] ? ": " : "", code, msg[0] ? ": " : "", msg);
            retry = status >= 500 || status == 429;
        }
        sw_buf_free_secure(&sink.buf);
        if (!rc || !retry)
            break;
        if (attempt < p->opt.attempts)
            lr_log(LR_LOG_WARN, "credentials: attempt %d of %d failed: %s", attempt,
                   p->opt.attempts, err ? err->msg : "");
    }

    /* Transport failures are credential failures to the caller; the message keeps the detail. */
    if (rc == SW_EIO || rc == SW_ETIMEOUT || rc == SW_ELIMIT) {
        rc = SW_ECREDS;
        if (err)
            err->code = SW_ECREDS;
    }

out_free_auth:
    if (auth) {
        OPENSSL_cleanse(auth, strlen(auth));
        free(auth);
    }
    return rc;
}

/* The container URL from the environment into url; 0 when neither variable is set. */
static int container_url(const struct sw_env *env, char *url, size_t cap, struct sw_error *err)
{
    const char *rel = sw_env_get_nonempty(env, ENV_RELATIVE);
    if (rel) {
        if (rel[0] != '/')
            return sw_error_set(err, SW_ECONFIG, "%s must start with '/'", ENV_RELATIVE);
        if ((size_t)snprintf(url, cap, "http://%s%s", SW_CREDS_ECS_HOST, rel) >= cap)
            return sw_error_set(err, SW_ECONFIG, "%s is too long", ENV_RELATIVE);
        if (!sw_creds_uri_allowed(url))
            return sw_error_set(err, SW_ECONFIG, "%s has characters that are not allowed in a URL",
                                ENV_RELATIVE);
        return 1;
    }
    const char *full = sw_env_get_nonempty(env, ENV_FULL);
    if (!full)
        return 0;
    if (strlen(full) >= cap)
        return sw_error_set(err, SW_ECONFIG, "%s is longer than %d bytes", ENV_FULL,
                            SW_CREDS_MAX_URI);
    if (!sw_creds_uri_allowed(full))
        return sw_error_set(err, SW_ECONFIG,
                            "%s=%.200s is not allowed: use https://, or http:// to a loopback "
                            "address (127.0.0.0/8, localhost, [::1]) or 169.254.170.2, "
                            "169.254.170.23, [fd00:ec2::23]",
                            ENV_FULL, full);
    memcpy(url, full, strlen(full) + 1);
    return 1;
}

static void hand_out(const struct creds_slot *s, struct sw_sigv4_credentials *out)
{
    out->access_key_id = s->access_key_id;
    out->secret_access_key = s->secret;
    out->session_token = s->token[0] ? s->token : NULL;
}

int sw_creds_get(struct sw_creds_provider *p, time_t now, struct sw_sigv4_credentials *out,
                 struct sw_error *err)
{
    char url[SW_CREDS_MAX_URI + 1];
    memset(out, 0, sizeof(*out));

    int rc = from_environment(p, err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        p->source = SW_CREDS_ENVIRONMENT;
        hand_out(&p->current, out);
        return 0;
    }

    rc = container_url(p->opt.env, url, sizeof(url), err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (p->current.set)
            slot_wipe(&p->current);
        p->source = SW_CREDS_NONE;
        return sw_error_set(err, SW_ECREDS,
                            "no AWS credentials found: looked for %s and %s in the environment, "
                            "then for %s or %s (container credentials); none is set",
                            ENV_KEY, ENV_SECRET, ENV_RELATIVE, ENV_FULL);
    }

    enum sw_creds_refresh need = p->container.set
                                     ? sw_creds_refresh_need(p->container.expiration, now)
                                     : SW_CREDS_REFRESH_MANDATORY;
    if (need != SW_CREDS_REFRESH_NONE) {
        struct creds_slot old = p->container; /* kept for the advisory case */
        rc = fetch_container(p, url, err);
        if (rc == 0 &&
            sw_creds_refresh_need(p->container.expiration, now) == SW_CREDS_REFRESH_MANDATORY) {
            rc = sw_error_set(err, SW_ECREDS,
                              "credentials were refreshed from %s, but the refreshed credentials "
                              "are still expired (or expire within %d minutes)",
                              url, SW_CREDS_MANDATORY_REFRESH_S / 60);
            slot_wipe(&p->container);
        }
        if (rc && need == SW_CREDS_REFRESH_ADVISORY && old.set) {
            lr_log(LR_LOG_WARN,
                   "credentials: refresh before expiry failed, using the current ones: %s",
                   err ? err->msg : "");
            p->container = old;
            rc = 0;
        }
        slot_wipe(&old);
        if (rc) {
            slot_wipe(&p->container);
            slot_wipe(&p->current);
            p->source = SW_CREDS_NONE;
            return rc;
        }
    }
    if (p->current.set)
        slot_wipe(&p->current); /* environment credentials no longer in use */
    p->source = SW_CREDS_CONTAINER;
    hand_out(&p->container, out);
    return 0;
}
