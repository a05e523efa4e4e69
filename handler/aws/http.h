/* sw_http: the one place scanwarden's AWS client talks HTTP(S), over libcurl.
 *
 * A struct sw_http lives as long as the process (a Lambda runtime-lifetime
 * handle, owned by the AWS client) and keeps one keep-alive easy handle per
 * endpoint origin, so warm invocations reuse their TLS connections. Every
 * request is bounded by a per-request timeout and the invocation deadline, the
 * response body by SW_HTTP_BODY_MAX. Signing and retrying are the caller's job. */
#ifndef SW_HTTP_H
#define SW_HTTP_H

#include "handler/aws/ca_store.h"
#include "handler/core/buf.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_HTTP_BODY_MAX ((size_t)8 * 1024 * 1024) /* largest response body accepted */
#define SW_HTTP_REQUEST_BODY_MAX ((size_t)2 * 1024 * 1024)
#define SW_HTTP_HEADER_VALUE_MAX 256 /* captured response header values are cut here */
#define SW_HTTP_HEADERS_MAX 16       /* request headers per request */
/* One request header line "Name: value", sized from the value up to this (a session token
 * alone may be 16 KiB). */
#define SW_HTTP_HEADER_LINE_MAX (32 * 1024)
#define SW_HTTP_ORIGINS_MAX 8 /* endpoints with a kept-alive handle */
#define SW_HTTP_URL_MAX 2048

#define SW_HTTP_CONNECT_TIMEOUT_MS_DEFAULT 3000L
#define SW_HTTP_REQUEST_TIMEOUT_MS_DEFAULT 10000L

/* CA bundles tried, in order, when SSL_CERT_FILE is not set. */
#define SW_HTTP_CA_BUNDLE_AMAZON_LINUX "/etc/pki/tls/certs/ca-bundle.crt"
#define SW_HTTP_CA_BUNDLE_DEBIAN "/etc/ssl/certs/ca-certificates.crt"

struct sw_http_options {
    long connect_timeout_ms;  /* 0: SW_HTTP_CONNECT_TIMEOUT_MS_DEFAULT */
    long request_timeout_ms;  /* whole request, 0: SW_HTTP_REQUEST_TIMEOUT_MS_DEFAULT */
    bool no_connection_reuse; /* benchmarks only: a new connection for every request */
    /* The CA bundle to verify against, shared (a reference is taken): another handle set's
     * sw_http_ca_store. NULL: this handle set picks the bundle and makes its own. */
    struct sw_ca_store *ca_store;
    /* benchmarks only: let libcurl decode the CA bundle for every handle itself
     * (CURLOPT_CAINFO), as before the shared store */
    bool ca_per_handle;
};

struct sw_http_header {
    const char *name;
    const char *value;
};

struct sw_http_request {
    const char *method;                   /* "POST", "GET" */
    const char *url;                      /* absolute http:// or https:// URL */
    const struct sw_http_header *headers; /* sent as given (Host included); never logged */
    size_t header_count;
    const char *body; /* may be NULL when body_len is 0 */
    size_t body_len;
    int64_t deadline_ms; /* Unix epoch ms after which nothing may run; 0: none */
};

struct sw_http_response {
    long status;        /* 0 until a status line arrived */
    struct sw_buf body; /* at most SW_HTTP_BODY_MAX */
    char content_type[SW_HTTP_HEADER_VALUE_MAX];
    char amzn_request_id[SW_HTTP_HEADER_VALUE_MAX]; /* x-amzn-RequestId */
    char amz_request_id[SW_HTTP_HEADER_VALUE_MAX];  /* x-amz-request-id */
    char amzn_error_type[SW_HTTP_HEADER_VALUE_MAX]; /* x-amzn-ErrorType */
    char retry_after[SW_HTTP_HEADER_VALUE_MAX];     /* Retry-After */
    char amz_retry_after[SW_HTTP_HEADER_VALUE_MAX]; /* x-amz-retry-after */
    long new_connections; /* connections opened for this request: 0 means one was reused */
    double seconds;       /* wall time of the transfer */
};

struct sw_http;

/* Creates the handle set: picks the CA bundle unless opt->ca_store is given (AWS_CA_BUNDLE,
 * else SSL_CERT_FILE, else the first existing of SW_HTTP_CA_BUNDLE_AMAZON_LINUX,
 * SW_HTTP_CA_BUNDLE_DEBIAN, else libcurl's default), and the
 * proxy (HTTPS_PROXY/https_proxy with NO_PROXY/no_proxy when set; otherwise no proxy at all,
 * whatever other *_proxy variables say). Fails with SW_ECONFIG when SSL_CERT_FILE names a
 * file that does not exist. Reads no CA file: a bundle that exists but cannot be decoded fails
 * the first TLS handshake instead (SW_EIO naming the file). Calls curl_global_init once. */
struct sw_http *sw_http_new(const struct sw_http_options *opt, struct sw_error *err);
void sw_http_free(struct sw_http *h);

/* The CA bundle in use, or NULL for libcurl's built-in default. */
const char *sw_http_ca_bundle(const struct sw_http *h);
/* The shared CA store (decoded on the first TLS handshake of any handle set sharing it),
 * to pass as another handle set's sw_http_options.ca_store; NULL with libcurl's default. */
struct sw_ca_store *sw_http_ca_store(const struct sw_http *h);
/* The proxy in use, or NULL. */
const char *sw_http_proxy(const struct sw_http *h);

/* Pure: the CA bundle to use given SSL_CERT_FILE (may be NULL) and a file-exists test. */
const char *sw_http_choose_ca_bundle(const char *ssl_cert_file, bool (*exists)(const char *path));

/* Sends one request and fills resp (which must be initialised; it is reset first).
 * Returns 0 when an HTTP answer was received, whatever its status; otherwise
 * SW_ETIMEOUT (deadline already passed, connect or request timeout), SW_EIO (DNS, connect,
 * TLS, reset, truncated body), SW_ELIMIT (response body over SW_HTTP_BODY_MAX, too many
 * headers, request body too big), SW_EINVAL, SW_ENOMEM; err says what happened. */
int sw_http_send(struct sw_http *h, const struct sw_http_request *req,
                 struct sw_http_response *resp, struct sw_error *err);

void sw_http_response_init(struct sw_http_response *r);
void sw_http_response_reset(struct sw_http_response *r);
void sw_http_response_clear(struct sw_http_response *r);

#endif
