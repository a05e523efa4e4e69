/* sw_http: bounded HTTP(S) requests over long-lived libcurl easy handles.
 *
 * Why its own file: TLS, CA bundle, proxy, timeouts and response bounds are
 * decided once here, so the protocol code above only sees status, captured
 * headers and a bounded body. It never logs header values (Authorization and
 * X-Amz-Security-Token pass through here) nor bodies. */
#include "handler/aws/http.h"
#include "handler/aws/ca_store.h"
#include "handler/core/clock.h"

#include "lr_log.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ORIGIN_MAX 300
#define PROXY_MAX 1024

struct origin {
    char key[ORIGIN_MAX]; /* scheme://host[:port] */
    CURL *easy;
};

struct sw_http {
    struct sw_http_options opt;
    char ca_bundle[1024];         /* "" when libcurl's default is used */
    struct sw_ca_store *ca_store; /* a reference; NULL when libcurl's default is used */
    char proxy[PROXY_MAX];
    char no_proxy[PROXY_MAX];
    struct origin origins[SW_HTTP_ORIGINS_MAX];
    size_t next_evict;
};

/* Per-transfer state for the callbacks. */
struct transfer {
    struct sw_http_response *resp;
    struct sw_ca_store *ca_store;
    bool body_overflow;
    int body_rc;
    bool ca_failed; /* the CA bundle could not be loaded: ca_err says why */
    struct sw_error ca_err;
};

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

const char *sw_http_choose_ca_bundle(const char *ssl_cert_file, bool (*exists)(const char *path))
{
    if (ssl_cert_file && *ssl_cert_file)
        return ssl_cert_file;
    if (exists(SW_HTTP_CA_BUNDLE_AMAZON_LINUX))
        return SW_HTTP_CA_BUNDLE_AMAZON_LINUX;
    if (exists(SW_HTTP_CA_BUNDLE_DEBIAN))
        return SW_HTTP_CA_BUNDLE_DEBIAN;
    return NULL;
}

/* Picks the CA bundle from the environment (AWS_CA_BUNDLE, as the SDKs read it, wins over
 * SSL_CERT_FILE) and makes h's own CA store for it; reads nothing from the file yet. */
static int choose_ca_store(struct sw_http *h, struct sw_error *err)
{
    const char *ca_var = "AWS_CA_BUNDLE";
    const char *ssl_cert_file = getenv(ca_var);
    if (!ssl_cert_file || !*ssl_cert_file) {
        ca_var = "SSL_CERT_FILE";
        ssl_cert_file = getenv(ca_var);
    }
    const char *ca = sw_http_choose_ca_bundle(ssl_cert_file, file_exists);
    if (!ca)
        return 0;
    if (ca == ssl_cert_file && !file_exists(ca))
        return sw_error_set(err, SW_ECONFIG, "%s: \"%s\" does not exist or is not readable", ca_var,
                            ca);
    if (strlen(ca) >= sizeof(h->ca_bundle))
        return sw_error_set(err, SW_ECONFIG, "%s: path longer than %zu bytes", ca_var,
                            sizeof(h->ca_bundle) - 1);
    snprintf(h->ca_bundle, sizeof(h->ca_bundle), "%s", ca);
    h->ca_store = sw_ca_store_new(h->ca_bundle, err);
    if (!h->ca_store)
        return err ? err->code : SW_ENOMEM;
    return 0;
}

static const char *env_either(const char *upper, const char *lower)
{
    const char *v = getenv(upper);
    if (!v || !*v)
        v = getenv(lower);
    return (v && *v) ? v : NULL;
}

struct sw_http *sw_http_new(const struct sw_http_options *opt, struct sw_error *err)
{
    struct sw_http *h = calloc(1, sizeof(*h));
    if (!h) {
        sw_error_set(err, SW_ENOMEM, "out of memory creating the HTTP client");
        return NULL;
    }
    if (opt)
        h->opt = *opt;
    if (h->opt.connect_timeout_ms <= 0)
        h->opt.connect_timeout_ms = SW_HTTP_CONNECT_TIMEOUT_MS_DEFAULT;
    if (h->opt.request_timeout_ms <= 0)
        h->opt.request_timeout_ms = SW_HTTP_REQUEST_TIMEOUT_MS_DEFAULT;

    if (h->opt.ca_store) {
        h->ca_store = sw_ca_store_ref(h->opt.ca_store);
        h->opt.ca_store = NULL; /* never read again: the reference is h->ca_store */
        snprintf(h->ca_bundle, sizeof(h->ca_bundle), "%s", sw_ca_store_path(h->ca_store));
    } else if (choose_ca_store(h, err)) {
        free(h);
        return NULL;
    }

    const char *proxy = env_either("HTTPS_PROXY", "https_proxy");
    const char *no_proxy = env_either("NO_PROXY", "no_proxy");
    if ((proxy && strlen(proxy) >= PROXY_MAX) || (no_proxy && strlen(no_proxy) >= PROXY_MAX)) {
        sw_error_set(err, SW_ECONFIG, "HTTPS_PROXY/NO_PROXY: longer than %d bytes", PROXY_MAX - 1);
        goto out_free;
    }
    if (proxy)
        snprintf(h->proxy, sizeof(h->proxy), "%s", proxy);
    if (no_proxy)
        snprintf(h->no_proxy, sizeof(h->no_proxy), "%s", no_proxy);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sw_error_set(err, SW_EINTERNAL, "curl_global_init failed");
        goto out_free;
    }
    return h;

out_free:
    sw_ca_store_unref(h->ca_store);
    free(h);
    return NULL;
}

void sw_http_free(struct sw_http *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < SW_HTTP_ORIGINS_MAX; i++) {
        if (h->origins[i].easy)
            curl_easy_cleanup(h->origins[i].easy);
    }
    sw_ca_store_unref(h->ca_store); /* after the handles: their TLS contexts point into it */
    free(h);
    curl_global_cleanup();
}

const char *sw_http_ca_bundle(const struct sw_http *h)
{
    return h->ca_bundle[0] ? h->ca_bundle : NULL;
}

struct sw_ca_store *sw_http_ca_store(const struct sw_http *h)
{
    return h->ca_store;
}

const char *sw_http_proxy(const struct sw_http *h)
{
    return h->proxy[0] ? h->proxy : NULL;
}

void sw_http_response_init(struct sw_http_response *r)
{
    memset(r, 0, sizeof(*r));
    sw_buf_init(&r->body, SW_HTTP_BODY_MAX);
}

static void clear_headers(struct sw_http_response *r)
{
    r->content_type[0] = '\0';
    r->amzn_request_id[0] = '\0';
    r->amz_request_id[0] = '\0';
    r->amzn_error_type[0] = '\0';
    r->retry_after[0] = '\0';
    r->amz_retry_after[0] = '\0';
}

void sw_http_response_reset(struct sw_http_response *r)
{
    r->status = 0;
    sw_buf_reset(&r->body);
    clear_headers(r);
    r->new_connections = 0;
    r->seconds = 0;
}

void sw_http_response_clear(struct sw_http_response *r)
{
    sw_buf_clear(&r->body);
    sw_http_response_reset(r);
}

/* The origin (scheme://authority) of an absolute URL, or -1. */
static int url_origin(const char *url, char *out, size_t cap)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return -1;
    size_t scheme_len = (size_t)(sep - url);
    if (!((scheme_len == 4 && strncasecmp(url, "http", 4) == 0) ||
          (scheme_len == 5 && strncasecmp(url, "https", 5) == 0)))
        return -1;
    const char *auth = sep + 3;
    size_t n = strcspn(auth, "/?#");
    if (n == 0)
        return -1;
    size_t total = (size_t)(auth - url) + n;
    if (total >= cap)
        return -1;
    memcpy(out, url, total);
    out[total] = '\0';
    return 0;
}

static CURL *handle_for(struct sw_http *h, const char *origin)
{
    for (size_t i = 0; i < SW_HTTP_ORIGINS_MAX; i++) {
        if (h->origins[i].easy && strcmp(h->origins[i].key, origin) == 0)
            return h->origins[i].easy;
    }
    CURL *easy = curl_easy_init();
    if (!easy)
        return NULL;
    size_t slot = SW_HTTP_ORIGINS_MAX;
    for (size_t i = 0; i < SW_HTTP_ORIGINS_MAX; i++) {
        if (!h->origins[i].easy) {
            slot = i;
            break;
        }
    }
    if (slot == SW_HTTP_ORIGINS_MAX) { /* all in use: drop the oldest */
        slot = h->next_evict;
        h->next_evict = (h->next_evict + 1) % SW_HTTP_ORIGINS_MAX;
        curl_easy_cleanup(h->origins[slot].easy);
    }
    h->origins[slot].easy = easy;
    snprintf(h->origins[slot].key, sizeof(h->origins[slot].key), "%s", origin);
    return easy;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    int rc = sw_buf_append(&t->resp->body, ptr, n);
    if (rc) {
        t->body_overflow = rc == SW_ELIMIT;
        t->body_rc = rc;
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    }
    return n;
}

static void capture(char *dst, const char *value, size_t len)
{
    size_t n = len < SW_HTTP_HEADER_VALUE_MAX - 1 ? len : SW_HTTP_HEADER_VALUE_MAX - 1;
    memcpy(dst, value, n);
    dst[n] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    static const struct {
        const char *name;
        size_t offset;
    } wanted[] = {
        {"content-type", offsetof(struct sw_http_response, content_type)},
        {"x-amzn-requestid", offsetof(struct sw_http_response, amzn_request_id)},
        {"x-amz-request-id", offsetof(struct sw_http_response, amz_request_id)},
        {"x-amzn-errortype", offsetof(struct sw_http_response, amzn_error_type)},
        {"retry-after", offsetof(struct sw_http_response, retry_after)},
        {"x-amz-retry-after", offsetof(struct sw_http_response, amz_retry_after)},
    };

    if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        clear_headers(t->resp); /* a new response (after a 100 Continue, say) */
        return n;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return n;
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        if (strlen(wanted[i].name) == name_len &&
            strncasecmp(line, wanted[i].name, name_len) == 0) {
            capture((char *)t->resp + wanted[i].offset, v, (size_t)(end - v));
            break;
        }
    }
    return n;
}

static bool header_text_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\r' || *p == '\n' || *p == '\0')
            return false;
    }
    return true;
}

/* Frees a request header list after wiping it: it holds Authorization and the session token. */
static void free_headers(struct curl_slist *list)
{
    for (struct curl_slist *l = list; l; l = l->next) {
        if (l->data)
            OPENSSL_cleanse(l->data, strlen(l->data));
    }
    curl_slist_free_all(list);
}

static int build_headers(const struct sw_http_request *req, struct curl_slist **out,
                         struct sw_error *err)
{
    struct curl_slist *list = NULL;
    struct sw_buf line;
    int rc;

    /* sized from each value (a session token alone may be 16 KiB), up to the named limit */
    sw_buf_init(&line, SW_HTTP_HEADER_LINE_MAX + 1);
    if (req->header_count > SW_HTTP_HEADERS_MAX) {
        rc = sw_error_set(err, SW_ELIMIT, "more than %d request headers", SW_HTTP_HEADERS_MAX);
        goto out_free_list;
    }
    for (size_t i = 0; i < req->header_count; i++) {
        const struct sw_http_header *hd = &req->headers[i];
        if (!hd->name || !*hd->name || !hd->value || !header_text_ok(hd->name) ||
            !header_text_ok(hd->value) || strchr(hd->name, ':')) {
            rc = sw_error_set(err, SW_EINVAL, "request header %zu is malformed", i);
            goto out_free_list;
        }
        if (strlen(hd->name) + strlen(hd->value) + 2 > SW_HTTP_HEADER_LINE_MAX) {
            rc = sw_error_set(err, SW_ELIMIT, "request header %.64s is longer than %zu bytes",
                              hd->name, (size_t)SW_HTTP_HEADER_LINE_MAX);
            goto out_free_list;
        }
        sw_buf_reset(&line);
        /* curl sends "Name;" as an empty header; "Name:" would remove it */
        rc = *hd->value ? sw_buf_appendf(&line, "%s: %s", hd->name, hd->value)
                        : sw_buf_appendf(&line, "%s;", hd->name);
        if (rc) {
            rc = sw_error_set(err, rc, "out of memory building request headers");
            goto out_free_list;
        }
        struct curl_slist *next = curl_slist_append(list, sw_buf_cstr(&line));
        if (!next) {
            rc = sw_error_set(err, SW_ENOMEM, "out of memory building request headers");
            goto out_free_list;
        }
        list = next;
    }
    /* no "Expect: 100-continue" round trip for large SNS messages */
    struct curl_slist *next = curl_slist_append(list, "Expect:");
    if (!next) {
        rc = sw_error_set(err, SW_ENOMEM, "out of memory building request headers");
        goto out_free_list;
    }
    sw_buf_free_secure(&line);
    *out = next;
    return 0;

out_free_list:
    sw_buf_free_secure(&line);
    free_headers(list);
    return rc;
}

static int map_curl_error(CURLcode cc, const struct transfer *t, const char *errbuf,
                          const struct sw_http_request *req, long timeout_ms, bool by_deadline,
                          struct sw_error *err)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    if (t->ca_failed) /* ca_err names the bundle and OpenSSL's reason */
        return sw_error_set(err, SW_EIO, "%s %s: %s", req->method, req->url, t->ca_err.msg);
    switch (cc) {
    case CURLE_WRITE_ERROR:
        if (t->body_overflow)
            return sw_error_set(err, SW_ELIMIT,
                                "%s %s: response body larger than %zu bytes; not read further",
                                req->method, req->url, (size_t)SW_HTTP_BODY_MAX);
        if (t->body_rc == SW_ENOMEM)
            return sw_error_set(err, SW_ENOMEM, "%s %s: out of memory reading the response",
                                req->method, req->url);
        return sw_error_set(err, SW_EIO, "%s %s: %s", req->method, req->url, detail);
    case CURLE_OPERATION_TIMEDOUT:
        return sw_error_set(
            err, SW_ETIMEOUT, "%s %s: no complete answer within %ld ms (%s): %s", req->method,
            req->url, timeout_ms,
            by_deadline ? "the invocation's remaining time" : "the per-request timeout", detail);
    case CURLE_OUT_OF_MEMORY:
        return sw_error_set(err, SW_ENOMEM, "%s %s: out of memory", req->method, req->url);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return sw_error_set(err, SW_EINVAL, "%s %s: %s", req->method, req->url, detail);
    default:
        return sw_error_set(err, SW_EIO, "%s %s: %s", req->method, req->url, detail);
    }
}

/* Checks req and works out the transfer timeout: the client's, or less when the deadline
 * is nearer (by_deadline). Fills origin. */
static int check_request(const struct sw_http *h, const struct sw_http_request *req,
                         char origin[ORIGIN_MAX], long *timeout_ms, bool *by_deadline,
                         struct sw_error *err)
{
    if (!req->method || !req->url || (req->body_len && !req->body))
        return sw_error_set(err, SW_EINVAL, "HTTP request without method, URL or body");
    if (strlen(req->url) >= SW_HTTP_URL_MAX || url_origin(req->url, origin, ORIGIN_MAX))
        return sw_error_set(err, SW_EINVAL, "not an http(s) URL: %.200s", req->url);
    if (req->body_len > SW_HTTP_REQUEST_BODY_MAX)
        return sw_error_set(err, SW_ELIMIT, "%s %s: request body of %zu bytes exceeds %zu",
                            req->method, req->url, req->body_len, (size_t)SW_HTTP_REQUEST_BODY_MAX);
    *timeout_ms = h->opt.request_timeout_ms;
    *by_deadline = false;
    if (req->deadline_ms > 0) {
        int64_t remaining = req->deadline_ms - sw_clock_now_ms();
        if (remaining <= 0)
            return sw_error_set(err, SW_ETIMEOUT,
                                "%s %s: not sent, the invocation deadline has passed", req->method,
                                req->url);
        if (remaining < *timeout_ms) {
            *timeout_ms = (long)remaining;
            *by_deadline = true;
        }
    }
    return 0;
}

/* CURLOPT_SSL_CTX_FUNCTION, called for each new TLS connection before its handshake: the
 * connection verifies its peer against the shared CA store, decoded on the first call. */
static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *userdata)
{
    (void)easy;
    struct transfer *t = userdata;
    if (sw_ca_store_install(t->ca_store, ssl_ctx, &t->ca_err)) {
        t->ca_failed = true;
        return CURLE_SSL_CACERT_BADFILE;
    }
    return CURLE_OK;
}

/* Where a transfer's TLS peer is verified from: the shared CA store, with libcurl's own
 * CA file and directory unset so that it decodes nothing itself (curl_easy_reset brings
 * back its built-in defaults, so this runs for every transfer); or, for benchmarks, the
 * bundle handed to libcurl for every handle as before the shared store. */
static void set_ca(CURL *easy, const struct sw_http *h, struct transfer *t)
{
    if (!h->ca_store)
        return; /* no bundle found: libcurl's built-in default */
    if (h->opt.ca_per_handle) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, h->ca_bundle);
        return;
    }
    curl_easy_setopt(easy, CURLOPT_CAINFO, NULL);
    curl_easy_setopt(easy, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, t);
}

/* Connection, TLS and proxy options of one transfer. */
static void set_connection(CURL *easy, const struct sw_http *h, long timeout_ms, struct transfer *t)
{
    long connect_ms =
        h->opt.connect_timeout_ms < timeout_ms ? h->opt.connect_timeout_ms : timeout_ms;
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    set_ca(easy, h, t);
    curl_easy_setopt(easy, CURLOPT_PROXY, h->proxy); /* "" = no proxy, not even from env */
    if (h->proxy[0] && h->no_proxy[0])
        curl_easy_setopt(easy, CURLOPT_NOPROXY, h->no_proxy);
    if (h->opt.no_connection_reuse) {
        curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    }
}

/* Method, body, headers and the callbacks that collect the answer into t. */
static void set_request(CURL *easy, const struct sw_http_request *req, struct curl_slist *headers,
                        struct transfer *t)
{
    if (strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body_len ? req->body : "");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body_len) {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        }
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t);
}

int sw_http_send(struct sw_http *h, const struct sw_http_request *req,
                 struct sw_http_response *resp, struct sw_error *err)
{
    char origin[ORIGIN_MAX];
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers = NULL;
    struct transfer t = {.resp = resp, .ca_store = h->ca_store};
    long timeout_ms = 0;
    bool by_deadline = false;

    sw_http_response_reset(resp);
    int rc = check_request(h, req, origin, &timeout_ms, &by_deadline, err);
    if (!rc)
        rc = build_headers(req, &headers, err);
    if (rc)
        return rc;
    CURL *easy = handle_for(h, origin);
    if (!easy) {
        rc = sw_error_set(err, SW_ENOMEM, "curl_easy_init failed");
        goto out_free_headers;
    }
    /* reset keeps the live connection, TLS session and DNS cache */
    curl_easy_reset(easy);
    errbuf[0] = '\0';
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_URL, req->url);
    set_connection(easy, h, timeout_ms, &t);
    set_request(easy, req, headers, &t);

    CURLcode cc = curl_easy_perform(easy);
    long connects = 0;
    double seconds = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &seconds);
    resp->new_connections = connects;
    resp->seconds = seconds;
    /* the header list dies below: never leave the handle pointing at it */
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
    if (cc != CURLE_OK) {
        rc = map_curl_error(cc, &t, errbuf, req, timeout_ms, by_deadline, err);
        lr_log(LR_LOG_DEBUG, "http: %s %s failed after %.0f ms: %s", req->method, origin,
               seconds * 1000, curl_easy_strerror(cc));
        goto out_free_headers;
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
    /* no header value here: an answer's text is the caller's to clean (sw_aws_call logs the
     * request id once it has taken credentials out of it) */
    lr_log(LR_LOG_DEBUG, "http: %s %s -> %ld in %.0f ms (%s connection)", req->method, origin,
           resp->status, seconds * 1000, connects ? "new" : "reused");

out_free_headers:
    free_headers(headers);
    return rc;
}
