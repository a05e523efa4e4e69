/* sw_sigv4: AWS Signature Version 4 for one HTTP request (contract in sigv4.h).
 *
 * Every AWS call the function makes goes through here, so this file follows
 * botocore's SigV4Auth stage by stage (canonical request -> string to sign ->
 * signature -> Authorization) and is checked against the aws-c-auth vectors and
 * botocore itself. It never reads the clock or the environment and never logs. */
#include "handler/aws/sigv4.h"
#include "handler/aws/sigv4_internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"
#define HDR_TOKEN "X-Amz-Security-Token"
#define HDR_DATE "X-Amz-Date"
#define HDR_CONTENT_SHA "X-Amz-Content-Sha256"
#define HDR_AUTH "Authorization"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Headers botocore never signs (auth.py SIGNED_HEADERS_BLACKLIST): hop-by-hop headers and
 * ones proxies or the HTTP library may rewrite. */
static const char *const unsigned_headers[] = {
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
};

static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

/* ASCII whitespace as Python's str.split() sees it. */
static bool is_split_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* HTTP token characters (RFC 9110 tchar). */
static bool is_tchar(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Case-insensitive comparison of a header name with a lower-case C string. */
static bool name_is(struct sw_str name, const char *lc)
{
    size_t n = strlen(lc);
    if (name.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)name.ptr[i]) != (unsigned char)lc[i])
            return false;
    return true;
}

static void to_hex(const unsigned char *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_lower[in[i] >> 4];
        out[2 * i + 1] = hex_lower[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

int sw_sigv4_amz_date(time_t t, char out[SW_SIGV4_AMZ_DATE_LEN + 1])
{
    struct tm tm;
    if (t < 0 || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999)
        return SW_EINVAL;
    if (strftime(out, SW_SIGV4_AMZ_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) != SW_SIGV4_AMZ_DATE_LEN)
        return SW_EINVAL;
    return 0;
}

/* One SHA-256 implementation and context for all the digests of one signature. OpenSSL 3
 * looks the algorithm up on every one-shot HMAC()/EVP_Digest() call; fetching it once per
 * signature and doing HMAC's two digests here (RFC 2104) halves the cost of signing. */
struct hasher {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

static int hasher_init(struct hasher *h)
{
    h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    h->ctx = EVP_MD_CTX_new();
    return h->md && h->ctx ? 0 : SW_EINTERNAL;
}

static void hasher_free(struct hasher *h)
{
    EVP_MD_CTX_free(h->ctx); /* resets, which cleanses the digest state */
    EVP_MD_free(h->md);
    h->ctx = NULL;
    h->md = NULL;
}

/* SHA-256 of a || b (b may be empty). */
static int digest2(struct hasher *h, const void *a, size_t alen, const void *b, size_t blen,
                   unsigned char out[32])
{
    unsigned int n = 0;
    if (!EVP_DigestInit_ex2(h->ctx, h->md, NULL) || !EVP_DigestUpdate(h->ctx, a, alen) ||
        (blen && !EVP_DigestUpdate(h->ctx, b, blen)) || !EVP_DigestFinal_ex(h->ctx, out, &n) ||
        n != 32)
        return SW_EINTERNAL;
    return 0;
}

static int sha256_hex(struct hasher *h, const void *data, size_t len,
                      char out[SW_SIGV4_HEX_LEN + 1])
{
    unsigned char md[32];
    int rc = digest2(h, data, len, NULL, 0, md);
    if (!rc)
        to_hex(md, 32, out);
    return rc;
}

int sw_sigv4_sha256_hex(const void *data, size_t len, char out[SW_SIGV4_HEX_LEN + 1])
{
    struct hasher h = {0};
    int rc = hasher_init(&h);
    if (!rc)
        rc = sha256_hex(&h, data, len, out);
    hasher_free(&h);
    return rc;
}

/* Appends s percent-encoded: every byte except the unreserved ones (and '/' when keep_slash). */
static int append_encoded(struct sw_buf *out, const char *s, size_t len, bool keep_slash)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            rc = sw_buf_append_char(out, (char)c);
        } else {
            char esc[3] = {'%', hex_upper[c >> 4], hex_upper[c & 0xf]};
            rc = sw_buf_append(out, esc, sizeof(esc));
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Appends s percent-decoded then re-encoded (query keys and values). A '%' not followed by
 * two hex digits stays a literal '%' (and is encoded as %25), like Python's unquote. */
static int append_reencoded(struct sw_buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && len - i >= 3) {
            int hi = hex_value((unsigned char)s[i + 1]);
            int lo = hex_value((unsigned char)s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = (unsigned char)(hi * 16 + lo);
                i += 2;
            }
        }
        int rc = append_encoded(out, (const char *)&c, 1, false);
        if (rc)
            return rc;
    }
    return 0;
}

/* botocore utils.remove_dot_segments: drops empty and "." segments, ".." pops one; keeps a
 * leading '/' and a trailing '/' when any segment is left. Segments are written to out as they
 * come; ".." cuts out back to the previous '/' (encoded segments hold no '/'). */
static int append_normalized(struct sw_buf *out, struct sw_str path, bool encode)
{
    int rc = 0;
    if (path.ptr[0] == '/')
        rc = sw_buf_append_char(out, '/');
    size_t base = out->len;
    size_t kept = 0;
    size_t i = 0;
    while (!rc && i <= path.len) {
        size_t j = i;
        while (j < path.len && path.ptr[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 2 && path.ptr[i] == '.' && path.ptr[i + 1] == '.') {
            if (kept > 0) {
                size_t p = out->len;
                while (p > base && out->data[p - 1] != '/')
                    p--;
                out->len = p > base ? p - 1 : base; /* truncate in place */
                out->data[out->len] = '\0';
                kept--;
            }
        } else if (seg > 0 && !(seg == 1 && path.ptr[i] == '.')) {
            if (kept > 0)
                rc = sw_buf_append_char(out, '/');
            if (!rc)
                rc = encode ? append_encoded(out, path.ptr + i, seg, false)
                            : sw_buf_append(out, path.ptr + i, seg);
            kept++;
        }
        i = j + 1;
    }
    if (!rc && kept > 0 && path.ptr[path.len - 1] == '/')
        rc = sw_buf_append_char(out, '/');
    return rc;
}

int sw_sigv4_canonical_path(struct sw_str path, bool skip_normalization, bool skip_encoding,
                            struct sw_buf *out)
{
    if (path.len == 0)
        return sw_buf_append_char(out, '/');
    if (path.len > SW_SIGV4_MAX_PATH)
        return SW_ELIMIT;
    if (!skip_normalization)
        return append_normalized(out, path, !skip_encoding);
    if (skip_encoding)
        return sw_buf_append(out, path.ptr, path.len);
    return append_encoded(out, path.ptr, path.len, true);
}

struct query_pair {
    size_t key_off, key_len; /* into the scratch buffer */
    size_t val_off, val_len;
};

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int cmp_pair(const char *base, const struct query_pair *a, const struct query_pair *b)
{
    int c = cmp_bytes(base + a->key_off, a->key_len, base + b->key_off, b->key_len);
    if (c)
        return c;
    return cmp_bytes(base + a->val_off, a->val_len, base + b->val_off, b->val_len);
}

int sw_sigv4_canonical_query(struct sw_str query, struct sw_buf *out)
{
    struct query_pair pairs[SW_SIGV4_MAX_QUERY_PARAMS];
    struct sw_buf scratch;
    size_t n = 0;
    int rc = 0;

    if (query.len == 0)
        return 0;
    if (query.len > SW_SIGV4_MAX_QUERY)
        return SW_ELIMIT;
    sw_buf_init(&scratch, 3 * SW_SIGV4_MAX_QUERY + 16);

    /* Every '&'-separated segment is a pair, empty ones included ("a&&b", "a&"): an empty
     * segment is an empty key with an empty value, as botocore signs it. */
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < query.len && query.ptr[j] != '&')
            j++;
        if (n == SW_SIGV4_MAX_QUERY_PARAMS) {
            rc = SW_ELIMIT;
            goto out_free_scratch;
        }
        const char *eq = memchr(query.ptr + i, '=', j - i);
        size_t klen = eq ? (size_t)(eq - (query.ptr + i)) : j - i;
        struct query_pair *p = &pairs[n++];
        p->key_off = scratch.len;
        rc = append_reencoded(&scratch, query.ptr + i, klen);
        if (rc)
            goto out_free_scratch;
        p->key_len = scratch.len - p->key_off;
        p->val_off = scratch.len;
        if (eq) {
            rc = append_reencoded(&scratch, eq + 1, (size_t)(query.ptr + j - eq - 1));
            if (rc)
                goto out_free_scratch;
        }
        p->val_len = scratch.len - p->val_off;
        if (j == query.len)
            break;
        i = j + 1;
    }

    /* Insertion sort: n is bounded and usually tiny; stable. */
    const char *base = scratch.data ? scratch.data : ""; /* all keys and values may be empty */
    for (size_t a = 1; a < n; a++) {
        struct query_pair key = pairs[a];
        size_t b = a;
        while (b > 0 && cmp_pair(base, &pairs[b - 1], &key) > 0) {
            pairs[b] = pairs[b - 1];
            b--;
        }
        pairs[b] = key;
    }
    for (size_t k = 0; k < n && !rc; k++) {
        if (k > 0)
            rc = sw_buf_append_char(out, '&');
        if (!rc)
            rc = sw_buf_append(out, base + pairs[k].key_off, pairs[k].key_len);
        if (!rc)
            rc = sw_buf_append_char(out, '=');
        if (!rc)
            rc = sw_buf_append(out, base + pairs[k].val_off, pairs[k].val_len);
    }

out_free_scratch:
    sw_buf_free(&scratch);
    return rc;
}

int sw_sigv4_trim_value(struct sw_str value, struct sw_buf *out)
{
    size_t i = 0;
    bool pending_space = false;
    bool any = false;
    while (i < value.len) {
        unsigned char c = (unsigned char)value.ptr[i];
        if (is_split_space(c)) {
            pending_space = any;
            i++;
            continue;
        }
        size_t j = i;
        while (j < value.len && !is_split_space((unsigned char)value.ptr[j]))
            j++;
        int rc = 0;
        if (pending_space)
            rc = sw_buf_append_char(out, ' ');
        if (!rc)
            rc = sw_buf_append(out, value.ptr + i, j - i);
        if (rc)
            return rc;
        pending_space = false;
        any = true;
        i = j;
    }
    return 0;
}

/* HMAC-SHA256 (RFC 2104, block size 64). */
static int hmac(struct hasher *h, const void *key, size_t key_len, const void *msg, size_t msg_len,
                unsigned char out[32])
{
    unsigned char k[64] = {0}, ipad[64], opad[64], inner[32];
    int rc = 0;
    if (key_len > sizeof(k))
        rc = digest2(h, key, key_len, NULL, 0, k);
    else
        memcpy(k, key, key_len);
    for (size_t i = 0; i < sizeof(k); i++) {
        ipad[i] = (unsigned char)(k[i] ^ 0x36);
        opad[i] = (unsigned char)(k[i] ^ 0x5c);
    }
    if (!rc)
        rc = digest2(h, ipad, sizeof(ipad), msg, msg_len, inner);
    if (!rc)
        rc = digest2(h, opad, sizeof(opad), inner, sizeof(inner), out);
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
    OPENSSL_cleanse(inner, sizeof(inner));
    return rc;
}

static int compute_signature(struct hasher *h, const char *secret, const char *date8,
                             const char *region, const char *service, struct sw_str string_to_sign,
                             char out[SW_SIGV4_HEX_LEN + 1])
{
    unsigned char key[4 + SW_SIGV4_MAX_SECRET];
    unsigned char k1[32], k2[32];
    int rc = SW_EINVAL;
    size_t secret_len = strlen(secret);
    if (secret_len > SW_SIGV4_MAX_SECRET)
        goto out_wipe;
    memcpy(key, "AWS4", 4);
    memcpy(key + 4, secret, secret_len);
    rc = hmac(h, key, 4 + secret_len, date8, strlen(date8), k1);
    if (!rc)
        rc = hmac(h, k1, 32, region, strlen(region), k2);
    if (!rc)
        rc = hmac(h, k2, 32, service, strlen(service), k1);
    if (!rc)
        rc = hmac(h, k1, 32, TERMINATOR, sizeof(TERMINATOR) - 1, k2);
    if (!rc)
        rc = hmac(h, k2, 32, string_to_sign.ptr, string_to_sign.len, k1);
    if (!rc)
        to_hex(k1, 32, out);
out_wipe:
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    return rc;
}

int sw_sigv4_signature(const char *secret, const char *date8, const char *region,
                       const char *service, struct sw_str string_to_sign,
                       char out[SW_SIGV4_HEX_LEN + 1])
{
    struct hasher h = {0};
    int rc = hasher_init(&h);
    if (!rc)
        rc = compute_signature(&h, secret, date8, region, service, string_to_sign, out);
    hasher_free(&h);
    return rc;
}

/* One header as the signer sees it: a request header or one it adds. */
struct sign_header {
    struct sw_str name;
    struct sw_str value;
};

static int cmp_names(struct sw_str a, struct sw_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    for (size_t i = 0; i < n; i++) {
        unsigned char ca = lower((unsigned char)a.ptr[i]);
        unsigned char cb = lower((unsigned char)b.ptr[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

static bool is_unsigned_header(struct sw_str name)
{
    for (size_t i = 0; i < sizeof(unsigned_headers) / sizeof(unsigned_headers[0]); i++)
        if (name_is(name, unsigned_headers[i]))
            return true;
    return false;
}

/* Checks one credential/scope string: non-empty, at most max bytes, printable ASCII without
 * the characters that would break the scope or the Authorization header. */
static bool valid_part(const char *s, size_t max, const char *forbidden)
{
    if (!s || !*s)
        return false;
    size_t len = strlen(s);
    if (len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c >= 0x7f || strchr(forbidden, c))
            return false;
    }
    return true;
}

static int check_inputs(const struct sw_sigv4_request *req,
                        const struct sw_sigv4_credentials *creds, const struct sw_sigv4_config *cfg,
                        bool has_token, struct sw_error *err)
{
    if (!req || !creds || !cfg)
        return sw_error_set(err, SW_EINVAL, "sigv4: request, credentials and config are required");
    if (!valid_part(cfg->region, SW_SIGV4_MAX_SCOPE_PART, "/,;="))
        return sw_error_set(err, SW_EINVAL, "sigv4: the signing region is empty or malformed");
    if (!valid_part(cfg->service, SW_SIGV4_MAX_SCOPE_PART, "/,;="))
        return sw_error_set(err, SW_EINVAL, "sigv4: the signing service is empty or malformed");
    if (!valid_part(creds->access_key_id, SW_SIGV4_MAX_ACCESS_KEY_ID, "/,;="))
        return sw_error_set(err, SW_EINVAL, "sigv4: the access key id is empty or malformed");
    if (!creds->secret_access_key || !*creds->secret_access_key ||
        strlen(creds->secret_access_key) > SW_SIGV4_MAX_SECRET)
        return sw_error_set(err, SW_EINVAL,
                            "sigv4: the secret access key is empty or longer than %d bytes",
                            SW_SIGV4_MAX_SECRET);
    if (has_token) {
        size_t tlen = strlen(creds->session_token);
        if (tlen > SW_SIGV4_MAX_SESSION_TOKEN)
            return sw_error_set(err, SW_ELIMIT, "sigv4: the session token is longer than %d bytes",
                                SW_SIGV4_MAX_SESSION_TOKEN);
        if (strpbrk(creds->session_token, "\r\n"))
            return sw_error_set(err, SW_EINVAL, "sigv4: the session token contains a line break");
    }
    if (req->method.len == 0 || req->method.len > 32)
        return sw_error_set(err, SW_EINVAL, "sigv4: the HTTP method is empty or too long");
    for (size_t i = 0; i < req->method.len; i++)
        if (!is_tchar((unsigned char)req->method.ptr[i]))
            return sw_error_set(err, SW_EINVAL, "sigv4: the HTTP method is not a token");
    if (req->path.len > SW_SIGV4_MAX_PATH)
        return sw_error_set(err, SW_ELIMIT, "sigv4: the path is longer than %d bytes",
                            SW_SIGV4_MAX_PATH);
    if (req->query.len > SW_SIGV4_MAX_QUERY)
        return sw_error_set(err, SW_ELIMIT, "sigv4: the query is longer than %d bytes",
                            SW_SIGV4_MAX_QUERY);
    if (req->body_len > 0 && !req->body)
        return sw_error_set(err, SW_EINVAL, "sigv4: body_len is set but body is NULL");
    if (req->header_count > SW_SIGV4_MAX_HEADERS)
        return sw_error_set(err, SW_ELIMIT, "sigv4: more than %d request headers",
                            SW_SIGV4_MAX_HEADERS);
    if (req->header_count > 0 && !req->headers)
        return sw_error_set(err, SW_EINVAL, "sigv4: header_count is set but headers is NULL");
    return 0;
}

/* Validates the request headers and collects the ones to sign into hs (plus the signer's own
 * additions), sorted by lower-case name, duplicates in request order. */
static int collect_headers(const struct sw_sigv4_request *req, const struct sw_sigv4_config *cfg,
                           bool sign_token, struct sw_str token, struct sw_str amz_date,
                           struct sw_str payload_hash, struct sign_header *hs, size_t *count,
                           struct sw_str *content_sha_in, struct sw_error *err)
{
    size_t n = 0;
    bool has_host = false;
    *content_sha_in = (struct sw_str){NULL, 0};
    for (size_t i = 0; i < req->header_count; i++) {
        struct sw_str name = req->headers[i].name;
        struct sw_str value = req->headers[i].value;
        if (name.len == 0 || name.len > SW_SIGV4_MAX_HEADER_NAME)
            return sw_error_set(err, SW_EINVAL,
                                "sigv4: header %zu has an empty name or one over %d bytes", i,
                                SW_SIGV4_MAX_HEADER_NAME);
        for (size_t k = 0; k < name.len; k++)
            if (!is_tchar((unsigned char)name.ptr[k]))
                return sw_error_set(err, SW_EINVAL,
                                    "sigv4: header %zu has a name with a character that is not "
                                    "allowed in HTTP header names",
                                    i);
        if (value.len > SW_SIGV4_MAX_HEADER_VALUE)
            return sw_error_set(err, SW_ELIMIT, "sigv4: header %.*s is longer than %d bytes",
                                (int)name.len, name.ptr, SW_SIGV4_MAX_HEADER_VALUE);
        if (value.len > 0 && !value.ptr)
            return sw_error_set(err, SW_EINVAL, "sigv4: header %.*s has a NULL value",
                                (int)name.len, name.ptr);
        if (name_is(name, "authorization") || name_is(name, "x-amz-date") ||
            (token.len > 0 && name_is(name, "x-amz-security-token")) ||
            (cfg->add_content_sha256 && name_is(name, "x-amz-content-sha256")))
            return sw_error_set(err, SW_EINVAL,
                                "sigv4: the request already has a %.*s header; the signer sets it",
                                (int)name.len, name.ptr);
        if (name_is(name, "host"))
            has_host = true;
        if (name_is(name, "x-amz-content-sha256") && !content_sha_in->ptr)
            *content_sha_in = value;
        if (is_unsigned_header(name))
            continue;
        hs[n++] = (struct sign_header){name, value};
    }
    if (!has_host)
        return sw_error_set(err, SW_EINVAL, "sigv4: the request has no Host header");
    hs[n++] = (struct sign_header){SW_STR_LIT("x-amz-date"), amz_date};
    if (sign_token)
        hs[n++] = (struct sign_header){SW_STR_LIT("x-amz-security-token"), token};
    if (cfg->add_content_sha256)
        hs[n++] = (struct sign_header){SW_STR_LIT("x-amz-content-sha256"), payload_hash};

    for (size_t a = 1; a < n; a++) {
        struct sign_header key = hs[a];
        size_t b = a;
        while (b > 0 && cmp_names(hs[b - 1].name, key.name) > 0) {
            hs[b] = hs[b - 1];
            b--;
        }
        hs[b] = key;
    }
    *count = n;
    return 0;
}

static int append_lower(struct sw_buf *out, struct sw_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        int rc = sw_buf_append_char(out, (char)lower((unsigned char)s.ptr[i]));
        if (rc)
            return rc;
    }
    return 0;
}

/* Canonical headers block ("name:v1,v2\n" per name) into cr, and the signed header list into
 * signed_names. */
static int append_headers(struct sw_buf *cr, struct sw_buf *signed_names,
                          const struct sign_header *hs, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i + 1;
        while (j < n && cmp_names(hs[i].name, hs[j].name) == 0)
            j++;
        rc = append_lower(cr, hs[i].name);
        if (!rc && signed_names->len > 0)
            rc = sw_buf_append_char(signed_names, ';');
        if (!rc)
            rc = append_lower(signed_names, hs[i].name);
        if (!rc)
            rc = sw_buf_append_char(cr, ':');
        for (size_t k = i; k < j && !rc; k++) {
            if (k > i)
                rc = sw_buf_append_char(cr, ',');
            if (!rc)
                rc = sw_sigv4_trim_value(hs[k].value, cr);
        }
        if (!rc)
            rc = sw_buf_append_char(cr, '\n');
        i = j;
    }
    return rc;
}

static int limit_error(int rc, struct sw_error *err, const char *what)
{
    if (rc == SW_ELIMIT)
        return sw_error_set(err, rc, "sigv4: the %s is longer than %d bytes", what,
                            SW_SIGV4_MAX_CANONICAL);
    if (rc == SW_ENOMEM)
        return sw_error_set(err, rc, "sigv4: out of memory building the %s", what);
    return sw_error_set(err, rc, "sigv4: could not build the %s", what);
}

static int add_header(struct sw_sigv4_signed *out, const char *name, const char *value, size_t len)
{
    struct sw_sigv4_added_header *h = &out->headers[out->count];
    h->name = name;
    sw_buf_init(&h->value, len + 1);
    int rc = sw_buf_append(&h->value, value, len);
    if (rc)
        return rc;
    out->count++;
    return 0;
}

int sw_sigv4_sign_traced(const struct sw_sigv4_request *req,
                         const struct sw_sigv4_credentials *creds,
                         const struct sw_sigv4_config *cfg, struct sw_sigv4_signed *out,
                         struct sw_sigv4_trace *trace, struct sw_error *err)
{
    struct sign_header hs[SW_SIGV4_MAX_HEADERS + 3];
    size_t hcount = 0;
    struct sw_buf cr, signed_names, sts, auth;
    char amz_date[SW_SIGV4_AMZ_DATE_LEN + 1];
    char payload_hash[SW_SIGV4_HEX_LEN + 1];
    char cr_hash[SW_SIGV4_HEX_LEN + 1];
    char signature[SW_SIGV4_HEX_LEN + 1];
    char date8[9];
    struct sw_str content_sha_in;
    struct hasher hasher = {0};
    int rc;

    sw_buf_init(&cr, SW_SIGV4_MAX_CANONICAL);
    sw_buf_init(&signed_names, SW_SIGV4_MAX_CANONICAL);
    sw_buf_init(&sts, 1024);
    sw_buf_init(&auth, SW_SIGV4_MAX_CANONICAL);
    signature[0] = '\0';
    if (out)
        memset(out, 0, sizeof(*out));
    if (!out) {
        rc = sw_error_set(err, SW_EINVAL, "sigv4: no output struct");
        goto out_free;
    }

    if (!req || !creds || !cfg) {
        rc = sw_error_set(err, SW_EINVAL, "sigv4: request, credentials and config are required");
        goto out_free;
    }
    bool has_token = creds->session_token && creds->session_token[0];
    rc = check_inputs(req, creds, cfg, has_token, err);
    if (rc)
        goto out_free;
    struct sw_str token =
        has_token ? sw_str_from_cstr(creds->session_token) : (struct sw_str){NULL, 0};
    bool sign_token = has_token && !cfg->token_after_signing;

    if (sw_sigv4_amz_date(cfg->time, amz_date)) {
        rc = sw_error_set(err, SW_EINVAL, "sigv4: the signing time is outside 1970..9999");
        goto out_free;
    }
    memcpy(date8, amz_date, 8);
    date8[8] = '\0';
    if (hasher_init(&hasher)) {
        rc = sw_error_set(err, SW_EINTERNAL, "sigv4: OpenSSL has no SHA-256");
        goto out_free;
    }
    rc = sha256_hex(&hasher, req->body_len ? req->body : (const unsigned char *)"", req->body_len,
                    payload_hash);
    if (rc) {
        sw_error_set(err, rc, "sigv4: SHA-256 of the body failed");
        goto out_free;
    }

    rc = collect_headers(
        req, cfg, sign_token, token, (struct sw_str){amz_date, SW_SIGV4_AMZ_DATE_LEN},
        (struct sw_str){payload_hash, SW_SIGV4_HEX_LEN}, hs, &hcount, &content_sha_in, err);
    if (rc)
        goto out_free;

    /* Canonical request. */
    for (size_t i = 0; i < req->method.len && !rc; i++) {
        unsigned char c = (unsigned char)req->method.ptr[i];
        rc = sw_buf_append_char(&cr, (char)((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c));
    }
    if (!rc)
        rc = sw_buf_append_char(&cr, '\n');
    if (!rc)
        rc = sw_sigv4_canonical_path(req->path, cfg->skip_path_normalization,
                                     cfg->skip_path_encoding, &cr);
    if (!rc)
        rc = sw_buf_append_char(&cr, '\n');
    if (!rc) {
        rc = sw_sigv4_canonical_query(req->query, &cr);
        if (rc == SW_ELIMIT) {
            sw_error_set(err, rc, "sigv4: the query has more than %d parameters",
                         SW_SIGV4_MAX_QUERY_PARAMS);
            goto out_free;
        }
    }
    if (!rc)
        rc = sw_buf_append_char(&cr, '\n');
    if (!rc)
        rc = append_headers(&cr, &signed_names, hs, hcount);
    if (!rc)
        rc = sw_buf_append_char(&cr, '\n');
    if (!rc)
        rc = sw_buf_append(&cr, signed_names.data, signed_names.len);
    if (!rc)
        rc = sw_buf_append_char(&cr, '\n');
    if (!rc && content_sha_in.ptr)
        rc = sw_sigv4_trim_value(content_sha_in, &cr);
    else if (!rc)
        rc = sw_buf_append(&cr, payload_hash, SW_SIGV4_HEX_LEN);
    if (rc) {
        limit_error(rc, err, "canonical request");
        goto out_free;
    }

    /* String to sign. */
    rc = sha256_hex(&hasher, cr.data, cr.len, cr_hash);
    if (!rc)
        rc = sw_buf_appendf(&sts, ALGORITHM "\n%s\n%s/%s/%s/" TERMINATOR "\n%s", amz_date, date8,
                            cfg->region, cfg->service, cr_hash);
    if (rc) {
        limit_error(rc, err, "string to sign");
        goto out_free;
    }

    rc = compute_signature(&hasher, creds->secret_access_key, date8, cfg->region, cfg->service,
                           (struct sw_str){sts.data, sts.len}, signature);
    if (rc) {
        sw_error_set(err, rc, "sigv4: HMAC-SHA256 failed");
        goto out_free;
    }

    rc = sw_buf_appendf(
        &auth, ALGORITHM " Credential=%s/%s/%s/%s/" TERMINATOR ", SignedHeaders=%s, Signature=%s",
        creds->access_key_id, date8, cfg->region, cfg->service, sw_buf_cstr(&signed_names),
        signature);
    if (!rc && has_token)
        rc = add_header(out, HDR_TOKEN, token.ptr, token.len);
    if (!rc)
        rc = add_header(out, HDR_DATE, amz_date, SW_SIGV4_AMZ_DATE_LEN);
    if (!rc && cfg->add_content_sha256)
        rc = add_header(out, HDR_CONTENT_SHA, payload_hash, SW_SIGV4_HEX_LEN);
    if (!rc)
        rc = add_header(out, HDR_AUTH, auth.data, auth.len);
    if (rc) {
        limit_error(rc, err, "Authorization header");
        sw_sigv4_signed_clear(out);
        goto out_free;
    }

    if (trace) {
        sw_sigv4_trace_clear(trace);
        sw_buf_init(&trace->canonical_request, SW_SIGV4_MAX_CANONICAL);
        sw_buf_init(&trace->string_to_sign, 1024);
        rc = sw_buf_append(&trace->canonical_request, cr.data, cr.len);
        if (!rc)
            rc = sw_buf_append(&trace->string_to_sign, sts.data, sts.len);
        memcpy(trace->signature, signature, sizeof(signature));
        if (rc) {
            sw_error_set(err, rc, "sigv4: out of memory copying the trace");
            sw_sigv4_signed_clear(out);
            goto out_free;
        }
    }

out_free:
    hasher_free(&hasher);
    OPENSSL_cleanse(signature, sizeof(signature));
    sw_buf_free_secure(&auth);
    sw_buf_free(&sts);
    sw_buf_free(&signed_names);
    sw_buf_free_secure(&cr); /* holds the signed session token */
    return rc;
}

int sw_sigv4_sign(const struct sw_sigv4_request *req, const struct sw_sigv4_credentials *creds,
                  const struct sw_sigv4_config *cfg, struct sw_sigv4_signed *out,
                  struct sw_error *err)
{
    return sw_sigv4_sign_traced(req, creds, cfg, out, NULL, err);
}

const char *sw_sigv4_signed_get(const struct sw_sigv4_signed *s, const char *name)
{
    if (!s || !name)
        return NULL;
    struct sw_str n = sw_str_from_cstr(name);
    for (size_t i = 0; i < s->count; i++)
        if (cmp_names(n, sw_str_from_cstr(s->headers[i].name)) == 0)
            return sw_buf_cstr(&s->headers[i].value);
    return NULL;
}

void sw_sigv4_signed_clear(struct sw_sigv4_signed *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        sw_buf_free_secure(&s->headers[i].value);
    memset(s, 0, sizeof(*s));
}

void sw_sigv4_trace_clear(struct sw_sigv4_trace *trace)
{
    if (!trace)
        return;
    sw_buf_free_secure(&trace->canonical_request);
    sw_buf_free(&trace->string_to_sign);
    OPENSSL_cleanse(trace->signature, sizeof(trace->signature));
}
