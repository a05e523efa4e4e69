/* sw_sigv4: AWS Signature Version 4 (AWS4-HMAC-SHA256) for one HTTP request.
 *
 * Builds the canonical request, the string to sign, the signature and the
 * headers to add (X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256,
 * Authorization) exactly as botocore and aws-c-auth do. Pure: the signing time
 * and the credentials are arguments; sending the request is the caller's job. */
#ifndef SW_SIGV4_H
#define SW_SIGV4_H

#include "handler/core/buf.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Limits on what the signer accepts (checked before any work). */
#define SW_SIGV4_MAX_HEADERS 64             /* request headers, duplicates counted */
#define SW_SIGV4_MAX_HEADER_NAME 128        /* bytes in one header name */
#define SW_SIGV4_MAX_HEADER_VALUE 16384     /* bytes in one header value */
#define SW_SIGV4_MAX_PATH 8192              /* bytes in the path as sent */
#define SW_SIGV4_MAX_QUERY 16384            /* bytes in the query as sent */
#define SW_SIGV4_MAX_QUERY_PARAMS 256       /* key=value pairs in the query */
#define SW_SIGV4_MAX_CANONICAL (256 * 1024) /* bytes in the canonical request */
#define SW_SIGV4_MAX_SCOPE_PART 64          /* bytes in region / service */
#define SW_SIGV4_MAX_ACCESS_KEY_ID 128      /* bytes in the access key id */
#define SW_SIGV4_MAX_SECRET 256             /* bytes in the secret access key */
#define SW_SIGV4_MAX_SESSION_TOKEN 16384    /* bytes in the session token */
#define SW_SIGV4_MAX_ADDED 4                /* headers the signer adds */

#define SW_SIGV4_AMZ_DATE_LEN 16 /* "20150830T123600Z" */
#define SW_SIGV4_HEX_LEN 64      /* hex SHA-256 / signature */

/* One request header, borrowed. Values may contain folded lines ("a\n  b"). */
struct sw_sigv4_header {
    struct sw_str name;
    struct sw_str value;
};

/* The request as it will be sent. Borrowed; nothing is copied past the call. */
struct sw_sigv4_request {
    struct sw_str method;                  /* "GET", "POST" (upper-cased for signing) */
    struct sw_str path;                    /* as sent: percent-encoded, no query; empty = "/" */
    struct sw_str query;                   /* as sent, after '?', RFC 3986-encoded; may be empty */
    const struct sw_sigv4_header *headers; /* must include Host (with a non-default port) */
    size_t header_count;
    const unsigned char *body; /* the exact body bytes; may be NULL when body_len is 0 */
    size_t body_len;
};

/* Borrowed credentials. session_token NULL or "" for long-term keys. */
struct sw_sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
};

/* What to sign with. A zeroed struct plus region, service and time gives the SDK default
 * (normalized, double-encoded path; token signed; no X-Amz-Content-Sha256). */
struct sw_sigv4_config {
    const char *region;  /* signing region, e.g. "us-east-1" */
    const char *service; /* signing name, e.g. "inspector2", "ecr", "sns" */
    time_t time;         /* signing time (UTC seconds since the epoch), never read inside */
    bool skip_path_normalization; /* keep "//", "." and ".." segments (S3 style) */
    bool skip_path_encoding;      /* sign the path as sent, not URI-encoded again (S3 style) */
    bool token_after_signing;     /* add X-Amz-Security-Token unsigned, after signing */
    bool add_content_sha256;      /* add and sign X-Amz-Content-Sha256: hex SHA-256 of body */
};

/* A header the signer adds; name is a static string, value is owned. */
struct sw_sigv4_added_header {
    const char *name;
    struct sw_buf value;
};

/* The signer's output: headers to send after the request's own, in this order. A zeroed
 * struct is empty; sw_sigv4_signed_clear() wipes and frees it (values hold the token and
 * the signature). */
struct sw_sigv4_signed {
    struct sw_sigv4_added_header headers[SW_SIGV4_MAX_ADDED];
    size_t count;
};

/* Signs req. On success out holds, in order, X-Amz-Security-Token (when a token is set),
 * X-Amz-Date, X-Amz-Content-Sha256 (when asked) and Authorization. The request must not
 * carry Authorization, X-Amz-Date or (with a token) X-Amz-Security-Token itself. An
 * X-Amz-Content-Sha256 header already in the request is used as the payload hash (e.g.
 * UNSIGNED-PAYLOAD), as botocore does. Returns 0, SW_EINVAL, SW_ELIMIT or SW_ENOMEM; on
 * failure out is empty. Nothing secret reaches err. */
int sw_sigv4_sign(const struct sw_sigv4_request *req, const struct sw_sigv4_credentials *creds,
                  const struct sw_sigv4_config *cfg, struct sw_sigv4_signed *out,
                  struct sw_error *err);

/* The value of the added header called name (case-insensitive), or NULL. */
const char *sw_sigv4_signed_get(const struct sw_sigv4_signed *s, const char *name);

/* Wipes and frees the values; s is empty and reusable afterwards. NULL-safe. */
void sw_sigv4_signed_clear(struct sw_sigv4_signed *s);

/* ---- The stages, one by one ----
 * Production code calls sw_sigv4_sign() only. These exist so the data-driven tests can
 * compare every stage (canonical request, string to sign, signature) with the vector files,
 * as aws-c-auth's private header does, and so sigv4.c and sigv4_canonical.c share them. */

/* The intermediate results of one signing. Zero it before use; clear it after. */
struct sw_sigv4_trace {
    struct sw_buf canonical_request;
    struct sw_buf string_to_sign;
    char signature[SW_SIGV4_HEX_LEN + 1];
};

/* sw_sigv4_sign() that also fills trace (when not NULL). */
int sw_sigv4_sign_traced(const struct sw_sigv4_request *req,
                         const struct sw_sigv4_credentials *creds,
                         const struct sw_sigv4_config *cfg, struct sw_sigv4_signed *out,
                         struct sw_sigv4_trace *trace, struct sw_error *err);

/* Wipes and frees the trace buffers. */
void sw_sigv4_trace_clear(struct sw_sigv4_trace *trace);

/* "YYYYMMDDTHHMMSSZ" for t (UTC) into out. Returns 0 or SW_EINVAL (before 1970, after 9999). */
int sw_sigv4_amz_date(time_t t, char out[SW_SIGV4_AMZ_DATE_LEN + 1]);

/* Appends the canonical URI of path (as sent) to out: dot segments and empty segments removed
 * unless skip_normalization, then every byte but A-Z a-z 0-9 - _ . ~ / percent-encoded unless
 * skip_encoding. An empty path gives "/". */
int sw_sigv4_canonical_path(struct sw_str path, bool skip_normalization, bool skip_encoding,
                            struct sw_buf *out);

/* Appends the canonical query string of query (as sent, without '?') to out: each key and
 * value percent-decoded, re-encoded per RFC 3986 (unreserved kept, %XX upper-case), pairs
 * sorted by encoded key then value, joined with '&'. An empty segment ("a=1&&b=2", "a&")
 * is an empty key with an empty value ("="), as botocore signs it. Returns 0, SW_ELIMIT (more than
 * SW_SIGV4_MAX_QUERY_PARAMS) or SW_ENOMEM. */
int sw_sigv4_canonical_query(struct sw_str query, struct sw_buf *out);

/* Appends value with leading/trailing whitespace removed and each inner run of whitespace
 * (space, tab, CR, LF, VT, FF, 0x1C-0x1F: what Python's str.split() treats as whitespace in
 * ASCII) replaced by one space. */
int sw_sigv4_trim_value(struct sw_str value, struct sw_buf *out);

/* Hex SHA-256 of data into out (65 bytes). Returns 0 or SW_EINTERNAL. */
int sw_sigv4_sha256_hex(const void *data, size_t len, char out[SW_SIGV4_HEX_LEN + 1]);

/* Derives the signing key from secret, date (YYYYMMDD), region and service, and writes the
 * hex HMAC-SHA256 of string_to_sign into out. Wipes every intermediate key. */
int sw_sigv4_signature(const char *secret, const char *date8, const char *region,
                       const char *service, struct sw_str string_to_sign,
                       char out[SW_SIGV4_HEX_LEN + 1]);

/* Internal to the signer (sigv4.c and sigv4_canonical.c). */

/* The values the signer adds to the signed headers. */
struct sw_sigv4_signer_values {
    struct sw_str amz_date;     /* X-Amz-Date */
    struct sw_str token;        /* the session token; empty without one */
    bool sign_token;            /* X-Amz-Security-Token is signed (not added after signing) */
    struct sw_str payload_hash; /* hex SHA-256 of the body */
};

/* Validates req's headers and appends the canonical request (method, path, query, headers,
 * signed header list, payload hash) to cr and the signed header list to signed_names.
 * Returns 0 or the error, described in err. */
int sw_sigv4_canonical_request(const struct sw_sigv4_request *req,
                               const struct sw_sigv4_config *cfg,
                               const struct sw_sigv4_signer_values *v, struct sw_buf *cr,
                               struct sw_buf *signed_names, struct sw_error *err);

/* Case-insensitive byte order of two header names (<0, 0, >0). */
int sw_sigv4_name_cmp(struct sw_str a, struct sw_str b);

/* Whether every byte of s is an HTTP token character (RFC 9110 tchar). */
bool sw_sigv4_is_token(struct sw_str s);

/* Sets err for a failure building what (SW_ELIMIT, SW_ENOMEM or other) and returns rc. */
int sw_sigv4_limit_error(int rc, struct sw_error *err, const char *what);

#endif
