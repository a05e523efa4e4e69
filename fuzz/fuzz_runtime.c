/* fuzz_runtime: libFuzzer entry point for what the runtime reads from and writes to the
 * Runtime API, short of the socket.
 *
 * Each input line goes through lr_header_parse and the checks lr_runtime.c applies to that
 * header (request id safe in a URL path, deadline, Content-Length), and through the framing
 * parsers lr_http.c applies to a line (status line, chunk size, Transfer-Encoding,
 * Connection, the endpoint split); the whole input is
 * escaped into an error body (lr_json_escape, lr_json_error_body), which must parse back
 * as JSON and, for valid UTF-8 input, decode to the same text; and it is logged as message
 * and request id, which must stay one line (TEXT) or one JSON object (JSON). */
#include "fuzz_check.h"
#include "lr_headers.h"
#include "lr_json.h"
#include "lr_log.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The framing parsers: a result only from well-formed lines, within their bounds. */
static void check_framing(const char *line, size_t len)
{
    int minor = -1, status = -1;
    if (lr_status_line_parse(line, len, &minor, &status)) {
        FUZZ_CHECK(len >= 12 && memcmp(line, "HTTP/1.", 7) == 0);
        FUZZ_CHECK(minor >= 0 && minor <= 9 && status >= 0 && status <= 999);
    } else {
        FUZZ_CHECK(minor == -1 && status == -1);
    }
    unsigned long long size;
    if (lr_chunk_size_parse(line, len, &size))
        FUZZ_CHECK(size < (1ULL << 60));
    (void)lr_transfer_chunked(line, len);
    (void)lr_connection_close(line, len);
    if (len < 300 && memchr(line, '\0', len) == NULL) {
        char ep[300], host[64], port[8];
        memcpy(ep, line, len);
        ep[len] = '\0';
        if (lr_endpoint_split(ep, host, sizeof(host), port, sizeof(port))) {
            FUZZ_CHECK(strlen(host) > 0 && strlen(host) < sizeof(host));
            long p = strtol(port, NULL, 10);
            FUZZ_CHECK(p >= 1 && p <= 65535);
        }
    }
}

static void check_line(const char *line, size_t len)
{
    const char *v = NULL;
    size_t vlen = 0;
    check_framing(line, len);
    enum lr_header h = lr_header_parse(line, len, &v, &vlen);
    if (h == LR_HDR_UNKNOWN)
        return;
    FUZZ_CHECK(h >= 0 && h < LR_HDR_COUNT);
    FUZZ_CHECK(v >= line && v + vlen <= line + len);
    if (vlen > 0)
        FUZZ_CHECK(!blank(v[0]) && !blank(v[vlen - 1]));
    if (h == LR_HDR_REQUEST_ID && lr_request_id_valid(v, vlen, 128)) {
        /* It goes into /runtime/invocation/<id>/response: no '/', '?', '%', control. */
        FUZZ_CHECK(vlen >= 1 && vlen <= 128);
        for (size_t i = 0; i < vlen; i++)
            FUZZ_CHECK(strchr("/?%#", v[i]) == NULL && v[i] > 0x20 && v[i] < 0x7f);
        FUZZ_CHECK(v[0] != '.'); /* never "." or ".." as a path segment */
    }
    if (h == LR_HDR_DEADLINE) {
        long long ms = -1;
        if (lr_deadline_parse(v, vlen, &ms)) {
            FUZZ_CHECK(ms >= 0);
            char copy[32];
            FUZZ_CHECK(vlen < sizeof(copy));
            memcpy(copy, v, vlen);
            copy[vlen] = '\0';
            FUZZ_CHECK(strtoll(copy, NULL, 10) == ms);
            (void)lr_remaining_ms(ms, INT64_C(1728518400000));
            (void)lr_remaining_ms(ms, -ms);
        }
    }
    if (h == LR_HDR_CONTENT_LENGTH) {
        unsigned long long cl;
        (void)lr_content_length_parse(v, vlen, &cl);
    }
}

static void check_escape(const char *s, size_t len)
{
    size_t need = lr_json_escape(NULL, 0, s, len);
    char *out = malloc(need + 3);
    FUZZ_CHECK(out != NULL);
    out[0] = '"';
    FUZZ_CHECK(lr_json_escape(out + 1, need + 1, s, len) == need);
    out[need + 1] = '"';
    out[need + 2] = '\0';
    FUZZ_CHECK(sw_text_utf8_valid(out, need + 2));
    for (size_t i = 0; i < need + 2; i++)
        FUZZ_CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
    cJSON *j = cJSON_ParseWithLength(out, need + 2);
    FUZZ_CHECK(cJSON_IsString(j));
    if (sw_text_utf8_valid(s, len) && memchr(s, '\0', len) == NULL)
        FUZZ_CHECK(strlen(j->valuestring) == len && memcmp(j->valuestring, s, len) == 0);
    cJSON_Delete(j);

    /* A short buffer: same length returned, NUL-terminated within cap. */
    char small[16];
    FUZZ_CHECK(lr_json_escape(small, sizeof(small), s, len) == need);
    FUZZ_CHECK(strlen(small) < sizeof(small));
    free(out);
}

static void check_error_body(const char *s, size_t len)
{
    size_t tlen = len < 40 ? len : 40;
    size_t need = lr_json_error_body(NULL, 0, s, tlen, s, len);
    char *out = malloc(need + 1);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(lr_json_error_body(out, need + 1, s, tlen, s, len) == need);
    cJSON *j = cJSON_ParseWithLength(out, need);
    FUZZ_CHECK(cJSON_IsObject(j));
    FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "errorMessage")));
    FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "errorType")));
    cJSON_Delete(j);
    free(out);

    char token[64];
    size_t n = lr_header_token_copy(token, sizeof(token), s);
    FUZZ_CHECK(n < sizeof(token) && strlen(token) == n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(token[i] >= 0x21 && token[i] <= 0x7e);
}

static void check_log_record(const char *s)
{
    char line[4096];
    for (int json = 0; json < 2; json++) {
        enum lr_log_format fmt = json ? LR_LOG_FORMAT_JSON : LR_LOG_FORMAT_TEXT;
        size_t n = lr_log_format_record(line, sizeof(line), fmt, LR_LOG_ERROR,
                                        INT64_C(1728518400000), s, s);
        FUZZ_CHECK(n < sizeof(line) && strlen(line) == n);
        /* One record, one line: a newline only at the very end. */
        const char *nl = strchr(line, '\n');
        FUZZ_CHECK(nl == NULL || nl == line + n - 1);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK((unsigned char)line[i] >= 0x20 || line[i] == '\n' || line[i] == '\t');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* NUL-terminated copy: lr_header_token_copy reads a C string. */
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';

    for (size_t start = 0; start < size;) {
        const char *nl = memchr(s + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - s) + 1 : size;
        check_line(s + start, end - start);
        start = end;
    }
    check_escape(s, size);
    check_error_body(s, size);
    check_log_record(s);
    for (size_t max = 0; max <= size && max < 8; max++) {
        size_t p = lr_utf8_prefix(s, size, max);
        FUZZ_CHECK(p <= max);
        if (sw_text_utf8_valid(s, size))
            FUZZ_CHECK(sw_text_utf8_valid(s, p));
    }
    if (lr_header_value_safe(s, size))
        FUZZ_CHECK(fuzz_ascii_printable(s, size));
    free(s);
    return 0;
}
