/* sw_sigv4: AWS Signature Version 4 for one HTTP request (contract in sigv4.h).
 *
 * Every AWS call the function makes goes through here, so the signer follows
 * botocore's SigV4Auth stage by stage: canonical request (sigv4_canonical.c) -> string
 * to sign -> signature -> Authorization (this file: hashing, key derivation, input
 * checks and the stages' order), checked against the aws-c-auth vectors and botocore
 * itself. It never reads the clock or the environment and never logs. */
#include "handler/aws/sigv4.h"

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

static const char hex_lower[] = "0123456789abcdef";

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
    if (!sw_sigv4_is_token(req->method))
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

/* One signing's working state, stage by stage: canonical request -> string to sign ->
 * signature -> headers to add (aws-c-auth's order). */
struct signing {
    const struct sw_sigv4_request *req;
    const struct sw_sigv4_credentials *creds;
    const struct sw_sigv4_config *cfg;
    struct hasher hasher;
    struct sw_sigv4_signer_values values;
    char amz_date[SW_SIGV4_AMZ_DATE_LEN + 1];
    char date8[9];
    char payload_hash[SW_SIGV4_HEX_LEN + 1];
    char signature[SW_SIGV4_HEX_LEN + 1];
    struct sw_buf cr, signed_names, sts, auth;
};

/* Checks the inputs, fixes the date and hashes the body. */
static int stage_prepare(struct signing *g, struct sw_error *err)
{
    const struct sw_sigv4_credentials *creds = g->creds;
    bool has_token = creds->session_token && creds->session_token[0];
    int rc = check_inputs(g->req, creds, g->cfg, has_token, err);
    if (rc)
        return rc;
    g->values.token = has_token ? sw_str_from_cstr(creds->session_token) : (struct sw_str){NULL, 0};
    g->values.sign_token = has_token && !g->cfg->token_after_signing;
    if (sw_sigv4_amz_date(g->cfg->time, g->amz_date))
        return sw_error_set(err, SW_EINVAL, "sigv4: the signing time is outside 1970..9999");
    memcpy(g->date8, g->amz_date, 8);
    g->date8[8] = '\0';
    g->values.amz_date = (struct sw_str){g->amz_date, SW_SIGV4_AMZ_DATE_LEN};
    if (hasher_init(&g->hasher))
        return sw_error_set(err, SW_EINTERNAL, "sigv4: OpenSSL has no SHA-256");
    const struct sw_sigv4_request *req = g->req;
    rc = sha256_hex(&g->hasher, req->body_len ? req->body : (const unsigned char *)"",
                    req->body_len, g->payload_hash);
    if (rc)
        return sw_error_set(err, rc, "sigv4: SHA-256 of the body failed");
    g->values.payload_hash = (struct sw_str){g->payload_hash, SW_SIGV4_HEX_LEN};
    return 0;
}

/* String to sign from the canonical request, then the signature. */
static int stage_sign(struct signing *g, struct sw_error *err)
{
    char cr_hash[SW_SIGV4_HEX_LEN + 1];
    int rc = sha256_hex(&g->hasher, g->cr.data, g->cr.len, cr_hash);
    if (!rc)
        rc = sw_buf_appendf(&g->sts, ALGORITHM "\n%s\n%s/%s/%s/" TERMINATOR "\n%s", g->amz_date,
                            g->date8, g->cfg->region, g->cfg->service, cr_hash);
    if (rc)
        return sw_sigv4_limit_error(rc, err, "string to sign");
    rc = compute_signature(&g->hasher, g->creds->secret_access_key, g->date8, g->cfg->region,
                           g->cfg->service, (struct sw_str){g->sts.data, g->sts.len}, g->signature);
    if (rc)
        return sw_error_set(err, rc, "sigv4: HMAC-SHA256 failed");
    return 0;
}

/* The headers to add: token, date, content hash, Authorization. */
static int stage_headers(struct signing *g, struct sw_sigv4_signed *out, struct sw_error *err)
{
    const struct sw_sigv4_config *cfg = g->cfg;
    int rc = sw_buf_appendf(&g->auth,
                            ALGORITHM " Credential=%s/%s/%s/%s/" TERMINATOR
                                      ", SignedHeaders=%s, Signature=%s",
                            g->creds->access_key_id, g->date8, cfg->region, cfg->service,
                            sw_buf_cstr(&g->signed_names), g->signature);
    if (!rc && g->values.token.len > 0)
        rc = add_header(out, HDR_TOKEN, g->values.token.ptr, g->values.token.len);
    if (!rc)
        rc = add_header(out, HDR_DATE, g->amz_date, SW_SIGV4_AMZ_DATE_LEN);
    if (!rc && cfg->add_content_sha256)
        rc = add_header(out, HDR_CONTENT_SHA, g->payload_hash, SW_SIGV4_HEX_LEN);
    if (!rc)
        rc = add_header(out, HDR_AUTH, g->auth.data, g->auth.len);
    if (rc)
        return sw_sigv4_limit_error(rc, err, "Authorization header");
    return 0;
}

static int copy_trace(const struct signing *g, struct sw_sigv4_trace *trace, struct sw_error *err)
{
    sw_sigv4_trace_clear(trace);
    sw_buf_init(&trace->canonical_request, SW_SIGV4_MAX_CANONICAL);
    sw_buf_init(&trace->string_to_sign, 1024);
    int rc = sw_buf_append(&trace->canonical_request, g->cr.data, g->cr.len);
    if (!rc)
        rc = sw_buf_append(&trace->string_to_sign, g->sts.data, g->sts.len);
    memcpy(trace->signature, g->signature, sizeof(g->signature));
    if (rc)
        return sw_error_set(err, rc, "sigv4: out of memory copying the trace");
    return 0;
}

static void signing_free(struct signing *g)
{
    hasher_free(&g->hasher);
    OPENSSL_cleanse(g->signature, sizeof(g->signature));
    sw_buf_free_secure(&g->auth);
    sw_buf_clear(&g->sts);
    sw_buf_clear(&g->signed_names);
    sw_buf_free_secure(&g->cr); /* holds the signed session token */
}

int sw_sigv4_sign_traced(const struct sw_sigv4_request *req,
                         const struct sw_sigv4_credentials *creds,
                         const struct sw_sigv4_config *cfg, struct sw_sigv4_signed *out,
                         struct sw_sigv4_trace *trace, struct sw_error *err)
{
    struct signing g = {.req = req, .creds = creds, .cfg = cfg};
    sw_buf_init(&g.cr, SW_SIGV4_MAX_CANONICAL);
    sw_buf_init(&g.signed_names, SW_SIGV4_MAX_CANONICAL);
    sw_buf_init(&g.sts, 1024);
    sw_buf_init(&g.auth, SW_SIGV4_MAX_CANONICAL);
    if (!out)
        return sw_error_set(err, SW_EINVAL, "sigv4: no output struct");
    memset(out, 0, sizeof(*out));
    if (!req || !creds || !cfg)
        return sw_error_set(err, SW_EINVAL, "sigv4: request, credentials and config are required");

    int rc = stage_prepare(&g, err);
    if (!rc)
        rc = sw_sigv4_canonical_request(req, cfg, &g.values, &g.cr, &g.signed_names, err);
    if (!rc)
        rc = stage_sign(&g, err);
    if (!rc)
        rc = stage_headers(&g, out, err);
    if (!rc && trace)
        rc = copy_trace(&g, trace, err);
    if (rc)
        sw_sigv4_signed_clear(out);
    signing_free(&g);
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
        if (sw_sigv4_name_cmp(n, sw_str_from_cstr(s->headers[i].name)) == 0)
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
    sw_buf_clear(&trace->string_to_sign);
    OPENSSL_cleanse(trace->signature, sizeof(trace->signature));
}
