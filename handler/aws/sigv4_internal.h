/* sw_sigv4 internals: each SigV4 stage callable alone, for the tests and the benchmark.
 *
 * Production code calls sw_sigv4_sign() (sigv4.h) only. These functions exist so the
 * data-driven test can compare every stage (canonical request, string to sign,
 * signature) with the vector files, as aws-c-auth's private header does. */
#ifndef SW_SIGV4_INTERNAL_H
#define SW_SIGV4_INTERNAL_H

#include "handler/aws/sigv4.h"

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
