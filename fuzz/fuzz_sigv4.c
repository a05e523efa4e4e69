/* fuzz_sigv4: libFuzzer entry point for SigV4 signing of arbitrary requests.
 *
 * Input: a flags byte (path normalization and encoding, token placement, payload hash header,
 * session token), then lines: method, path, query, headers ("name:value") up to an empty
 * line, then the body. Signing must give a defined result; when it succeeds it must be
 * deterministic, the canonical path and query must use only the characters SigV4 allows,
 * and the secret key must appear in no output. */
#include "fuzz_check.h"
#include "handler/aws/sigv4.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FUZZ_HEADERS 70 /* a few past SW_SIGV4_MAX_HEADERS */
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static struct sw_str next_line(const char *d, size_t size, size_t *pos)
{
    size_t start = *pos, end = start;
    while (end < size && d[end] != '\n')
        end++;
    *pos = end < size ? end + 1 : end;
    return (struct sw_str){d + start, end - start};
}

/* Canonical URI / query text: unreserved characters, '%XX' upper-case hex, and seps. */
static void check_encoded(const struct sw_buf *b, const char *seps)
{
    const char *s = sw_buf_cstr(b);
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            FUZZ_CHECK(i + 2 < b->len);
            FUZZ_CHECK(isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2]));
            FUZZ_CHECK(!islower((unsigned char)s[i + 1]) && !islower((unsigned char)s[i + 2]));
            i += 2;
            continue;
        }
        FUZZ_CHECK(isalnum(c) || strchr("-_.~", c) || (c && strchr(seps, c)));
    }
}

/* True when the secret occurs in data (then it may rightly appear in the output). */
static bool has_secret(const uint8_t *data, size_t size)
{
    size_t k = sizeof(SECRET) - 1;
    for (size_t i = 0; i + k <= size; i++)
        if (memcmp(data + i, SECRET, k) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *d = (const char *)data + 1;
    size_t n = size - 1, pos = 0;
    uint8_t flags = data[0];

    struct sw_sigv4_request req = {0};
    struct sw_sigv4_header headers[MAX_FUZZ_HEADERS];
    size_t count = 0;
    req.method = next_line(d, n, &pos);
    req.path = next_line(d, n, &pos);
    req.query = next_line(d, n, &pos);
    if (!(flags & 0x20))
        headers[count++] = (struct sw_sigv4_header){
            SW_STR_LIT("Host"), SW_STR_LIT("inspector2.eu-west-1.amazonaws.com")};
    while (pos < n && count < MAX_FUZZ_HEADERS) {
        struct sw_str line = next_line(d, n, &pos);
        if (line.len == 0)
            break;
        const char *colon = memchr(line.ptr, ':', line.len);
        size_t nlen = colon ? (size_t)(colon - line.ptr) : line.len;
        headers[count++] = (struct sw_sigv4_header){
            {line.ptr, nlen},
            {colon ? colon + 1 : line.ptr + line.len, colon ? line.len - nlen - 1 : 0}};
    }
    req.headers = headers;
    req.header_count = count;
    req.body = (const unsigned char *)d + pos;
    req.body_len = n - pos;

    struct sw_sigv4_credentials creds = {"AKIDEXAMPLE", SECRET,
                                         (flags & 0x10) ? "IQoJb3JpZ2luX2VjEXAMPLETOKEN" : NULL};
    struct sw_sigv4_config cfg = {.region = "eu-west-1",
                                  .service = "inspector2",
                                  .time = 1440938160,
                                  .skip_path_normalization = flags & 1,
                                  .skip_path_encoding = flags & 2,
                                  .token_after_signing = flags & 4,
                                  .add_content_sha256 = flags & 8};
    struct sw_sigv4_signed out1 = {0}, out2 = {0};
    struct sw_sigv4_trace trace = {0};
    struct sw_error err = {0};
    int rc = sw_sigv4_sign_traced(&req, &creds, &cfg, &out1, &trace, &err);
    FUZZ_CHECK(rc == 0 || rc == SW_EINVAL || rc == SW_ELIMIT || rc == SW_ENOMEM);
    bool secret_in_input = has_secret(data, size);
    FUZZ_CHECK(secret_in_input || strstr(err.msg, SECRET) == NULL);
    if (rc == 0) {
        FUZZ_CHECK(sw_sigv4_sign(&req, &creds, &cfg, &out2, &err) == 0);
        FUZZ_CHECK(out1.count == out2.count);
        for (size_t i = 0; i < out1.count; i++) {
            FUZZ_CHECK(strcmp(out1.headers[i].name, out2.headers[i].name) == 0);
            FUZZ_CHECK(strcmp(sw_buf_cstr(&out1.headers[i].value),
                              sw_buf_cstr(&out2.headers[i].value)) == 0);
            FUZZ_CHECK(secret_in_input ||
                       strstr(sw_buf_cstr(&out1.headers[i].value), SECRET) == NULL);
            /* Header values we add must be safe to send: no CR, LF or other control. */
            FUZZ_CHECK(fuzz_ascii_printable(sw_buf_cstr(&out1.headers[i].value),
                                            out1.headers[i].value.len));
        }
        const char *auth = sw_sigv4_signed_get(&out1, "Authorization");
        FUZZ_CHECK(auth != NULL);
        const char *sig = strstr(auth, "Signature=");
        FUZZ_CHECK(sig != NULL && strlen(sig + 10) == SW_SIGV4_HEX_LEN);
        FUZZ_CHECK(strcmp(sig + 10, trace.signature) == 0);
        FUZZ_CHECK(secret_in_input ||
                   strstr(sw_buf_cstr(&trace.canonical_request), SECRET) == NULL);
    }
    sw_sigv4_trace_clear(&trace);
    sw_sigv4_signed_clear(&out1);
    sw_sigv4_signed_clear(&out2);

    /* The canonicalization stages alone, on the raw path and query. */
    struct sw_buf b;
    sw_buf_init(&b, SW_SIGV4_MAX_CANONICAL);
    if (req.path.len <= SW_SIGV4_MAX_PATH &&
        sw_sigv4_canonical_path(req.path, flags & 1, false, &b) == 0) {
        /* "/" for an empty path; a rooted path stays rooted (a relative one, which the
         * client never sends, stays relative, as botocore signs it). */
        if (req.path.len == 0 || req.path.ptr[0] == '/')
            FUZZ_CHECK(b.len > 0 && sw_buf_cstr(&b)[0] == '/');
        check_encoded(&b, "/");
    }
    sw_buf_reset(&b);
    if (req.query.len <= SW_SIGV4_MAX_QUERY && sw_sigv4_canonical_query(req.query, &b) == 0)
        check_encoded(&b, "=&");
    sw_buf_reset(&b);
    (void)sw_sigv4_trim_value(req.method, &b);
    sw_buf_clear(&b);
    return 0;
}
