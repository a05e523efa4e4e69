/* sw_sigv4 canonicalization: the canonical request of one HTTP request (stage 1 of SigV4).
 *
 * The path, query, header and payload-hash rules of botocore's SigV4Auth
 * (canonical_request, canonical_headers, signed_headers): what is signed and how it is
 * spelled. Hashing and signing the result is sigv4.c's job. Pure; never logs. */
#include "handler/aws/sigv4.h"

#include <stdint.h>
#include <string.h>

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
    sw_buf_clear(&scratch);
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

int sw_sigv4_name_cmp(struct sw_str a, struct sw_str b)
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

/* Validates the request headers and collects the ones to sign into hs (plus the signer's own
 * additions), sorted by lower-case name, duplicates in request order. */
static int collect_headers(const struct sw_sigv4_request *req, const struct sw_sigv4_config *cfg,
                           const struct sw_sigv4_signer_values *v, struct sw_sigv4_header *hs,
                           size_t *count, struct sw_str *content_sha_in, struct sw_error *err)
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
            (v->token.len > 0 && name_is(name, "x-amz-security-token")) ||
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
        hs[n++] = (struct sw_sigv4_header){name, value};
    }
    if (!has_host)
        return sw_error_set(err, SW_EINVAL, "sigv4: the request has no Host header");
    hs[n++] = (struct sw_sigv4_header){SW_STR_LIT("x-amz-date"), v->amz_date};
    if (v->sign_token)
        hs[n++] = (struct sw_sigv4_header){SW_STR_LIT("x-amz-security-token"), v->token};
    if (cfg->add_content_sha256)
        hs[n++] = (struct sw_sigv4_header){SW_STR_LIT("x-amz-content-sha256"), v->payload_hash};

    for (size_t a = 1; a < n; a++) {
        struct sw_sigv4_header key = hs[a];
        size_t b = a;
        while (b > 0 && sw_sigv4_name_cmp(hs[b - 1].name, key.name) > 0) {
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
                          const struct sw_sigv4_header *hs, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i + 1;
        while (j < n && sw_sigv4_name_cmp(hs[i].name, hs[j].name) == 0)
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

bool sw_sigv4_is_token(struct sw_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (!is_tchar((unsigned char)s.ptr[i]))
            return false;
    return true;
}

int sw_sigv4_limit_error(int rc, struct sw_error *err, const char *what)
{
    if (rc == SW_ELIMIT)
        return sw_error_set(err, rc, "sigv4: the %s is longer than %d bytes", what,
                            SW_SIGV4_MAX_CANONICAL);
    if (rc == SW_ENOMEM)
        return sw_error_set(err, rc, "sigv4: out of memory building the %s", what);
    return sw_error_set(err, rc, "sigv4: could not build the %s", what);
}

/* Method, canonical path and canonical query lines. */
static int append_request_line(struct sw_buf *cr, const struct sw_sigv4_request *req,
                               const struct sw_sigv4_config *cfg, struct sw_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < req->method.len && !rc; i++) {
        unsigned char c = (unsigned char)req->method.ptr[i];
        rc = sw_buf_append_char(cr, (char)((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c));
    }
    if (!rc)
        rc = sw_buf_append_char(cr, '\n');
    if (!rc)
        rc = sw_sigv4_canonical_path(req->path, cfg->skip_path_normalization,
                                     cfg->skip_path_encoding, cr);
    if (!rc)
        rc = sw_buf_append_char(cr, '\n');
    if (!rc) {
        rc = sw_sigv4_canonical_query(req->query, cr);
        if (rc == SW_ELIMIT)
            return sw_error_set(err, rc, "sigv4: the query has more than %d parameters",
                                SW_SIGV4_MAX_QUERY_PARAMS);
    }
    if (!rc)
        rc = sw_buf_append_char(cr, '\n');
    return rc ? sw_sigv4_limit_error(rc, err, "canonical request") : 0;
}

int sw_sigv4_canonical_request(const struct sw_sigv4_request *req,
                               const struct sw_sigv4_config *cfg,
                               const struct sw_sigv4_signer_values *v, struct sw_buf *cr,
                               struct sw_buf *signed_names, struct sw_error *err)
{
    struct sw_sigv4_header hs[SW_SIGV4_MAX_HEADERS + 3];
    size_t hcount = 0;
    struct sw_str content_sha_in;
    int rc = collect_headers(req, cfg, v, hs, &hcount, &content_sha_in, err);
    if (!rc)
        rc = append_request_line(cr, req, cfg, err);
    if (rc)
        return rc;
    rc = append_headers(cr, signed_names, hs, hcount);
    if (!rc)
        rc = sw_buf_append_char(cr, '\n');
    if (!rc)
        rc = sw_buf_append(cr, signed_names->data, signed_names->len);
    if (!rc)
        rc = sw_buf_append_char(cr, '\n');
    if (!rc && content_sha_in.ptr)
        rc = sw_sigv4_trim_value(content_sha_in, cr);
    else if (!rc)
        rc = sw_buf_append(cr, v->payload_hash.ptr, v->payload_hash.len);
    return rc ? sw_sigv4_limit_error(rc, err, "canonical request") : 0;
}
