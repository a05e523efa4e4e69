/* Unit tests for runtime/: header parsing and validation, HTTP framing (status line,
 * chunk sizes, Transfer-Encoding, Connection) and the endpoint split, JSON error escaping (UTF-8,
 * control characters, invalid bytes), log record formatting (TEXT/JSON) and filtering,
 * time remaining, and the runtime's argument checks. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lr_headers.h"
#include "lr_json.h"
#include "lr_log.h"
#include "lr_runtime.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- headers ---- */

static void parse(const char *line, enum lr_header want, const char *want_value)
{
    const char *v = NULL;
    size_t vlen = 0;
    enum lr_header h = lr_header_parse(line, strlen(line), &v, &vlen);
    assert_int_equal(h, want);
    if (want_value) {
        assert_int_equal(vlen, strlen(want_value));
        assert_memory_equal(v, want_value, vlen);
    }
}

static void header_lines_are_recognised_case_insensitively(void **state)
{
    parse("Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n",
          LR_HDR_REQUEST_ID, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
    parse("lambda-runtime-deadline-ms:1542409706888\r\n", LR_HDR_DEADLINE, "1542409706888");
    parse("LAMBDA-RUNTIME-INVOKED-FUNCTION-ARN: arn:aws:lambda:us-east-1:1:function:f\r\n",
          LR_HDR_FUNCTION_ARN, "arn:aws:lambda:us-east-1:1:function:f");
    parse("Lambda-Runtime-Trace-Id: \tRoot=1-a;Parent=b;Sampled=1 \r\n", LR_HDR_TRACE_ID,
          "Root=1-a;Parent=b;Sampled=1");
    parse("Lambda-Runtime-Client-Context: {\"a\": 1}\r\n", LR_HDR_CLIENT_CONTEXT, "{\"a\": 1}");
    parse("Lambda-Runtime-Cognito-Identity: {}\r\n", LR_HDR_COGNITO, "{}");
    parse("Lambda-Runtime-Aws-Tenant-Id: tenant-7\r\n", LR_HDR_TENANT_ID, "tenant-7");
    parse("content-type: text/plain; charset=utf-8\r\n", LR_HDR_CONTENT_TYPE,
          "text/plain; charset=utf-8");
    parse("Content-Length: 12\r\n", LR_HDR_CONTENT_LENGTH, "12");
    parse("Lambda-Runtime-Aws-Tenant-Id:\r\n", LR_HDR_TENANT_ID, "");
}

static void other_header_lines_are_unknown(void **state)
{
    parse("HTTP/1.1 200 OK\r\n", LR_HDR_UNKNOWN, NULL);
    parse("\r\n", LR_HDR_UNKNOWN, NULL);
    parse("Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n", LR_HDR_UNKNOWN, NULL);
    parse(": no name\r\n", LR_HDR_UNKNOWN, NULL);
    parse("Lambda-Runtime-Aws-Request-Id no colon\r\n", LR_HDR_UNKNOWN, NULL);
    parse("Lambda-Runtime-Aws-Request-Idx: 1\r\n", LR_HDR_UNKNOWN, NULL);
    parse("X-Lambda-Runtime-Aws-Request-Id: 1\r\n", LR_HDR_UNKNOWN, NULL);
}

static bool id_ok(const char *s)
{
    return lr_request_id_valid(s, strlen(s), LR_REQUEST_ID_MAX);
}

static void request_ids_must_be_safe_in_a_url_path(void **state)
{
    char long_id[LR_REQUEST_ID_MAX + 2];

    assert_true(id_ok("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
    assert_true(id_ok("a.b_c-D9"));
    assert_false(id_ok(""));
    assert_false(id_ok(".."));
    assert_false(id_ok("."));
    assert_false(id_ok("-abc"));
    assert_false(id_ok("a/../../init/error"));
    assert_false(id_ok("a b"));
    assert_false(id_ok("a\r\nX: y"));
    assert_false(id_ok("a%2f"));
    assert_false(id_ok("a?x=1"));
    assert_false(id_ok("caf\xc3\xa9"));
    memset(long_id, 'a', sizeof(long_id));
    long_id[LR_REQUEST_ID_MAX] = '\0';
    assert_true(id_ok(long_id));
    long_id[LR_REQUEST_ID_MAX] = 'a';
    long_id[LR_REQUEST_ID_MAX + 1] = '\0';
    assert_false(id_ok(long_id));
}

static bool deadline(const char *s, long long *out)
{
    return lr_deadline_parse(s, strlen(s), out);
}

static void deadlines_are_plain_epoch_milliseconds(void **state)
{
    long long v = -7;

    assert_true(deadline("1542409706888", &v));
    assert_int_equal(v, 1542409706888LL);
    assert_true(deadline("0", &v));
    assert_int_equal(v, 0);
    assert_true(deadline("9223372036854775807", &v));
    assert_true(v == LLONG_MAX);
    v = 42;
    assert_false(deadline("9223372036854775808", &v)); /* overflow */
    assert_false(deadline("99999999999999999999", &v));
    assert_false(deadline("", &v));
    assert_false(deadline("-1", &v));
    assert_false(deadline("+1", &v));
    assert_false(deadline("12ms", &v));
    assert_false(deadline("1.5", &v));
    assert_false(deadline(" 1", &v));
    assert_false(deadline("0x10", &v));
    assert_int_equal(v, 42); /* untouched on failure */
}

static void content_length_parses_digits_only(void **state)
{
    unsigned long long v = 0;
    assert_true(lr_content_length_parse("7340032", 7, &v));
    assert_true(v == 7340032ULL);
    assert_true(lr_content_length_parse("18446744073709551615", 20, &v));
    assert_false(lr_content_length_parse("18446744073709551616", 20, &v));
    assert_false(lr_content_length_parse("-1", 2, &v));
    assert_false(lr_content_length_parse("", 0, &v));
}

static void header_tokens_cannot_break_a_request(void **state)
{
    char out[16];

    assert_int_equal(lr_header_token_copy(out, sizeof(out), "Handler.Error"), 13);
    assert_string_equal(out, "Handler.Error");
    lr_header_token_copy(out, sizeof(out), "a\r\nX: b");
    assert_string_equal(out, "a__X:_b");
    lr_header_token_copy(out, sizeof(out), "caf\xc3\xa9");
    assert_string_equal(out, "caf__");
    assert_int_equal(lr_header_token_copy(out, 4, "abcdef"), 3);
    assert_string_equal(out, "abc");
    assert_true(lr_header_value_safe("text/plain; charset=utf-8", 25));
    assert_false(lr_header_value_safe("text/plain\r\n", 12));
    assert_false(lr_header_value_safe("t\x7f", 2));
}

static void time_remaining_is_deadline_minus_now(void **state)
{
    assert_true(lr_remaining_ms(1000, 400) == 600);
    assert_true(lr_remaining_ms(400, 1000) == -600);
    assert_true(lr_remaining_ms(0, 0) == 0);
    assert_true(lr_remaining_ms(LLONG_MAX, -10) == LLONG_MAX);
    assert_true(lr_remaining_ms(LLONG_MIN, 10) == LLONG_MIN);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    struct lr_invocation inv = {.deadline_ms = now + 5000};
    long long left = lr_time_remaining_ms(&inv);
    assert_true(left <= 5000 && left > 0); /* some of the 5 s may pass, never more */
    inv.deadline_ms = now - 1000;
    assert_true(lr_time_remaining_ms(&inv) <= -1000);
    assert_true(lr_time_remaining_ms(NULL) == 0);
}

/* ---- JSON ---- */

static void escapes_to(const char *in, size_t len, const char *want)
{
    char out[512];
    size_t n = lr_json_escape(out, sizeof(out), in, len);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

#define ESC(lit, want) escapes_to(lit, sizeof(lit) - 1, want)

static void json_escapes_quotes_backslashes_and_controls(void **state)
{
    ESC("plain text", "plain text");
    ESC("say \"hi\" \\o/", "say \\\"hi\\\" \\\\o/");
    ESC("a\nb\rc\td\be\ff", "a\\nb\\rc\\td\\be\\ff");
    ESC("\x01\x1f\x7f", "\\u0001\\u001f\\u007f");
    ESC("nul\0inside", "nul\\u0000inside"); /* length-based: binary safe */
    ESC("", "");
}

static void json_passes_valid_utf8_through(void **state)
{
    ESC("caf\xc3\xa9", "caf\xc3\xa9");                           /* é, 2 bytes */
    ESC("\xe2\x82\xac 5", "\xe2\x82\xac 5");                     /* €, 3 bytes */
    ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");                 /* 😀, 4 bytes */
    ESC("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"); /* 日本 */
    ESC("\xef\xbf\xbf", "\xef\xbf\xbf");                         /* U+FFFF is valid */
    ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");                 /* U+10FFFF */
    ESC("\xe2\x80\xa8", "\xe2\x80\xa8");                         /* U+2028 is valid JSON */
}

static void json_replaces_invalid_utf8_with_fffd(void **state)
{
    ESC("a\x80z", "a\\ufffdz");                              /* lone continuation byte */
    ESC("\xc0\xaf", "\\ufffd\\ufffd");                       /* overlong '/': C0 never valid */
    ESC("\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd");            /* overlong 3-byte */
    ESC("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");            /* UTF-16 surrogate D800 */
    ESC("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* > U+10FFFF */
    ESC("\xf5\x80", "\\ufffd\\ufffd");
    ESC("\xff", "\\ufffd");
    ESC("ab\xe2\x82", "ab\\ufffd"); /* truncated at the end: one U+FFFD */
    ESC("\xe2\x82z", "\\ufffdz");   /* bad continuation: maximal subpart */
    ESC("\xc3\xa9\xc3", "\xc3\xa9\\ufffd");
}

static void json_escape_reports_full_length_like_snprintf(void **state)
{
    char small[5];
    size_t n = lr_json_escape(small, sizeof(small), "ab\"cd", 5);
    assert_int_equal(n, 6);
    assert_int_equal(strlen(small), 4);
    assert_int_equal(lr_json_escape(NULL, 0, "\n\n", 2), 4);
}

static void error_body_is_exactly_what_the_api_expects(void **state)
{
    char out[256];
    const char *type = "Handler.Failed";
    const char *msg = "bad \"input\"\n\xc3\xa9\xff";
    size_t n = lr_json_error_body(out, sizeof(out), type, strlen(type), msg, strlen(msg));
    const char *want = "{\"errorMessage\":\"bad \\\"input\\\"\\n\xc3\xa9\\ufffd\","
                       "\"errorType\":\"Handler.Failed\",\"stackTrace\":[]}";
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    assert_int_equal(lr_json_error_body(NULL, 0, type, strlen(type), msg, strlen(msg)), n);
}

static void utf8_prefix_keeps_characters_whole(void **state)
{
    const char *s = "ab\xc3\xa9\xe2\x82\xac"; /* ab é € */
    assert_int_equal(lr_utf8_prefix(s, 7, 100), 7);
    assert_int_equal(lr_utf8_prefix(s, 7, 3), 2);
    assert_int_equal(lr_utf8_prefix(s, 7, 4), 4);
    assert_int_equal(lr_utf8_prefix(s, 7, 6), 4);
    assert_int_equal(lr_utf8_prefix("\xff\xff\xff", 3, 2), 2); /* invalid bytes cut anywhere */
}

/* ---- logging ---- */

/* 2024-03-05T06:07:08.009Z */
#define TS 1709618828009LL

static void log_text_record_has_the_same_facts(void **state)
{
    char out[256];
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_WARN, TS, "req-1",
                         "disk \"full\"");
    assert_string_equal(out, "2024-03-05T06:07:08.009Z WARN req-1 disk \"full\"");
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_INFO, TS, NULL, "up");
    assert_string_equal(out, "2024-03-05T06:07:08.009Z INFO up");
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_INFO, TS, "", "up");
    assert_string_equal(out, "2024-03-05T06:07:08.009Z INFO up");
}

static void log_json_record_is_one_object(void **state)
{
    char out[256];
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_JSON, LR_LOG_ERROR, TS, "req-1",
                         "say \"hi\"\\ caf\xc3\xa9");
    assert_string_equal(out, "{\"timestamp\":\"2024-03-05T06:07:08.009Z\",\"level\":\"ERROR\","
                             "\"requestId\":\"req-1\",\"message\":\"say \\\"hi\\\"\\\\ "
                             "caf\xc3\xa9\"}");
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_JSON, LR_LOG_DEBUG, 0, NULL, "x");
    assert_string_equal(out, "{\"timestamp\":\"1970-01-01T00:00:00.000Z\",\"level\":\"DEBUG\","
                             "\"message\":\"x\"}");
}

static void log_message_cannot_forge_a_second_line(void **state)
{
    char out[256];
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_INFO, TS, "r",
                         "a\nFATAL fake\r\x01");
    assert_null(strchr(out, '\n'));
    assert_null(strchr(out, '\r'));
    assert_string_equal(out, "2024-03-05T06:07:08.009Z INFO r a\\nFATAL fake\\r\\u0001");
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_JSON, LR_LOG_INFO, TS, "r\n", "a\nb");
    assert_null(strchr(out, '\n'));
}

static void log_record_is_cut_to_capacity(void **state)
{
    char out[16];
    size_t n = lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_INFO, TS, NULL,
                                    "long message");
    assert_int_equal(n, strlen(out));
    assert_true(n < sizeof(out));
}

static void log_timestamps_before_1970_stay_well_formed(void **state)
{
    char out[128];
    lr_log_format_record(out, sizeof(out), LR_LOG_FORMAT_TEXT, LR_LOG_INFO, -1, NULL, "m");
    assert_string_equal(out, "1969-12-31T23:59:59.999Z INFO m");
}

/* Reads what the logger wrote to f since the start. */
static char *slurp(FILE *f)
{
    static char buf[65536];
    fflush(f);
    long end = ftell(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fseek(f, end, SEEK_SET);
    return buf;
}

static void log_level_filters_and_request_id_is_stamped(void **state)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    lr_log_configure(LR_LOG_FORMAT_JSON, LR_LOG_WARN, f);
    lr_log_set_request_id("abc-123");
    lr_log(LR_LOG_INFO, "hidden %d", 1);
    lr_log(LR_LOG_WARN, "shown %d", 2);
    lr_log_set_request_id(NULL);
    lr_log(LR_LOG_ERROR, "outside");
    char *out = slurp(f);
    assert_null(strstr(out, "hidden"));
    assert_non_null(
        strstr(out, "\"level\":\"WARN\",\"requestId\":\"abc-123\",\"message\":\"shown 2\"}\n"));
    assert_non_null(strstr(out, "\"level\":\"ERROR\",\"message\":\"outside\"}\n"));
    assert_false(lr_log_enabled(LR_LOG_DEBUG));
    assert_true(lr_log_enabled(LR_LOG_FATAL));
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    fclose(f);
}

/* lr_log_fields: JSON puts the object's members beside message; TEXT one line; not an object:
 * the message alone. */
static void log_fields_are_fields_in_json_and_one_line_in_text(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    lr_log_configure(LR_LOG_FORMAT_JSON, LR_LOG_INFO, f);
    lr_log_fields(LR_LOG_INFO, "done", "{\"outcome\":\"ok\",\"drift\":[\"a\"]}");
    lr_log_fields(LR_LOG_INFO, "bare", "not an object");
    lr_log_fields(LR_LOG_DEBUG, "hidden", "{\"x\":1}");
    char *out = slurp(f);
    assert_non_null(strstr(out, "\"message\":\"done\",\"outcome\":\"ok\",\"drift\":[\"a\"]}\n"));
    assert_non_null(strstr(out, "\"message\":\"bare\"}\n"));
    assert_null(strstr(out, "hidden"));
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, f);
    lr_log_fields(LR_LOG_INFO, "done", "{\"outcome\":\"ok\"}");
    out = slurp(f);
    assert_non_null(strstr(out, " INFO done {\"outcome\":\"ok\"}\n"));
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    fclose(f);
}

static void log_long_message_stays_one_line(void **state)
{
    FILE *f = tmpfile();
    char *big = malloc(LR_LOG_MESSAGE_MAX * 2);
    assert_non_null(big);
    memset(big, 'x', LR_LOG_MESSAGE_MAX * 2 - 1);
    big[LR_LOG_MESSAGE_MAX * 2 - 1] = '\0';
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, f);
    lr_log(LR_LOG_INFO, "%s", big);
    char *out = slurp(f);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    assert_non_null(strstr(out, "x...\n"));
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    free(big);
    fclose(f);
}

/* True when s[0..len) is well-formed UTF-8 (RFC 3629), checked independently of lr_json. */
static bool utf8_ok(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80                 ? 1
                   : c >= 0xc2 && c <= 0xdf ? 2
                   : c >= 0xe0 && c <= 0xef ? 3
                   : c >= 0xf0 && c <= 0xf4 ? 4
                                            : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/* Every line of out is one JSON object with a string "message", in valid UTF-8; returns
 * the number of lines. */
static int assert_json_lines(const char *out)
{
    int lines = 0;
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        size_t len = (size_t)(nl - line);
        assert_true(utf8_ok((const unsigned char *)line, len));
        cJSON *rec = cJSON_ParseWithLength(line, len);
        if (!cJSON_IsObject(rec))
            fail_msg("not a JSON object (%zu bytes): ...%.80s", len, nl - (len < 80 ? len : 80));
        assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "message")));
        cJSON_Delete(rec);
        lines++;
        line = nl + 1;
    }
    return lines;
}

static void log_json_records_always_parse_whatever_the_message(void **state)
{
    /* 2 KiB of control characters: 6 escaped bytes each, so the record must be cut before
     * escaping, and still closed. */
    char ctl[2049];
    for (size_t i = 0; i < sizeof(ctl) - 1; i++)
        ctl[i] = (char)(1 + i % 31);
    ctl[sizeof(ctl) - 1] = '\0';
    char rec[4096];
    size_t n =
        lr_log_format_record(rec, sizeof(rec), LR_LOG_FORMAT_JSON, LR_LOG_WARN, TS, "r-1", ctl);
    assert_true(n < sizeof(rec));
    assert_int_equal(strlen(rec), n);
    strcat(rec, "\n");
    assert_int_equal(assert_json_lines(rec), 1);

    /* Through lr_log: four such fields in one message, and a long multi-byte message whose
     * cut at LR_LOG_MESSAGE_MAX falls inside a character. */
    FILE *f = tmpfile();
    assert_non_null(f);
    lr_log_configure(LR_LOG_FORMAT_JSON, LR_LOG_INFO, f);
    lr_log_set_request_id("abc-123");
    lr_log(LR_LOG_WARN, "source %s, %s, %s, %s", ctl, ctl, ctl, ctl);
    size_t big_len = LR_LOG_MESSAGE_MAX + 100;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    big[0] = 'x'; /* then U+20AC (3 bytes) repeatedly: 8191 - 1 is not a multiple of 3 */
    for (size_t i = 1; i + 3 <= big_len; i += 3)
        memcpy(big + i, "\xe2\x82\xac", 3);
    big[1 + (big_len - 1) / 3 * 3] = '\0';
    lr_log(LR_LOG_INFO, "%s", big);
    lr_log(LR_LOG_INFO, "%s\"\\%s", big, ctl);
    lr_log_set_request_id(NULL);
    char *out = slurp(f);
    assert_int_equal(assert_json_lines(out), 3);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    free(big);
    fclose(f);
}

static void log_text_record_cut_keeps_characters_whole(void **state)
{
    char rec[64];
    /* "2024-03-05T06:07:08.009Z INFO " is 30 bytes; the rest is U+00E9 (2 bytes each) */
    char msg[101];
    for (size_t i = 0; i < 100; i += 2)
        memcpy(msg + i, "\xc3\xa9", 2);
    msg[100] = '\0';
    for (size_t cap = 40; cap <= sizeof(rec); cap++) {
        size_t n = lr_log_format_record(rec, cap, LR_LOG_FORMAT_TEXT, LR_LOG_INFO, TS, NULL, msg);
        assert_true(n < cap);
        assert_true(utf8_ok((const unsigned char *)rec, n));
    }
}

static void log_c1_controls_and_line_separators_are_flattened(void **state)
{
    /* U+2028, U+2029 (line breaks to JavaScript and many viewers), U+0085 (NEL) and the other
     * C1 controls U+0080..U+009F, as UTF-8 */
    const char *msg = "a\xe2\x80\xa8"
                      "b\xe2\x80\xa9"
                      "c\xc2\x85"
                      "d\xc2\x80"
                      "e\xc2\x9f"
                      "f\xc2\xa0"
                      "g";
    char out[256];
    for (int fmt = LR_LOG_FORMAT_TEXT; fmt <= LR_LOG_FORMAT_JSON; fmt++) {
        lr_log_format_record(out, sizeof(out), (enum lr_log_format)fmt, LR_LOG_INFO, TS, "r", msg);
        assert_null(strstr(out, "\xe2\x80\xa8"));
        assert_null(strstr(out, "\xe2\x80\xa9"));
        for (unsigned c = 0x80; c <= 0x9f; c++) {
            char c1[3] = {(char)0xc2, (char)c, 0};
            assert_null(strstr(out, c1));
        }
        assert_non_null(strstr(out, "a\\u2028b\\u2029c\\u0085d\\u0080e\\u009ff\xc2\xa0g"));
    }
}

static void log_configuration_comes_from_the_environment(void **state)
{
    /* lr_log_init_from_env sets the format and the level and leaves the stream alone: start
     * from the opposite settings (TEXT, ERROR) into f, and check what it set by what
     * reaches f, with nothing configured in between. */
    FILE *f = tmpfile();
    assert_non_null(f);
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_ERROR, f);
    setenv("AWS_LAMBDA_LOG_FORMAT", "json", 1);
    setenv("AWS_LAMBDA_LOG_LEVEL", "debug", 1);
    lr_log_init_from_env();
    assert_true(lr_log_enabled(LR_LOG_DEBUG));
    assert_false(lr_log_enabled(LR_LOG_TRACE));
    lr_log(LR_LOG_DEBUG, "from the environment");
    lr_log(LR_LOG_TRACE, "trace is below debug");
    char *out = slurp(f);
    assert_int_equal(out[0], '{'); /* JSON, as the environment says */
    assert_non_null(strstr(out, "\"level\":\"DEBUG\",\"message\":\"from the environment\"}\n"));
    assert_null(strstr(out, "trace is below debug"));

    /* Format unset: TEXT; an unknown level: INFO. */
    unsetenv("AWS_LAMBDA_LOG_FORMAT");
    setenv("AWS_LAMBDA_LOG_LEVEL", "nonsense", 1);
    lr_log_init_from_env();
    assert_false(lr_log_enabled(LR_LOG_DEBUG));
    assert_true(lr_log_enabled(LR_LOG_INFO));
    lr_log(LR_LOG_DEBUG, "debug is below info");
    lr_log(LR_LOG_INFO, "a text record");
    out = slurp(f);
    assert_null(strstr(out, "debug is below info"));
    assert_non_null(strstr(out, " INFO a text record\n"));
    assert_null(strstr(out, "\"message\":\"a text record\""));

    /* Level names are case-insensitive. */
    setenv("AWS_LAMBDA_LOG_FORMAT", "JSON", 1);
    setenv("AWS_LAMBDA_LOG_LEVEL", "ERROR", 1);
    lr_log_init_from_env();
    assert_false(lr_log_enabled(LR_LOG_WARN));
    assert_true(lr_log_enabled(LR_LOG_ERROR));
    lr_log(LR_LOG_WARN, "warn is below error");
    lr_log(LR_LOG_ERROR, "an error record");
    out = slurp(f);
    assert_null(strstr(out, "warn is below error"));
    assert_non_null(strstr(out, "\"level\":\"ERROR\",\"message\":\"an error record\"}\n"));

    unsetenv("AWS_LAMBDA_LOG_FORMAT");
    unsetenv("AWS_LAMBDA_LOG_LEVEL");
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    fclose(f);
}

static void fatal_signal_record_is_one_line_with_the_request_id(void **state)
{
    FILE *f = tmpfile();
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, f);
    lr_log_set_request_id("req-9");
    lr_log_fatal_signal(SIGSEGV);
    lr_log_fatal_signal(SIGFPE);
    lr_log_set_request_id(NULL);
    fseek(f, 0, SEEK_END);
    char *out = slurp(f);
    assert_non_null(strstr(out, " FATAL req-9 the process is dying of signal 11 (SIGSEGV)\n"));
    assert_non_null(strstr(out, " FATAL req-9 the process is dying of signal 8 (SIGFPE)\n"));
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_INFO, NULL);
    fclose(f);
}

static void log_level_names(void **state)
{
    assert_string_equal(lr_log_level_name(LR_LOG_TRACE), "TRACE");
    assert_string_equal(lr_log_level_name(LR_LOG_FATAL), "FATAL");
    assert_string_equal(lr_log_level_name((enum lr_log_level)99), "INFO");
}

/* ---- HTTP framing ---- */

static bool status_of(const char *line, int *minor, int *status)
{
    return lr_status_line_parse(line, strlen(line), minor, status);
}

static void status_lines_give_version_and_code(void **state)
{
    int minor = -1, status = -1;
    assert_true(status_of("HTTP/1.1 200 OK\r\n", &minor, &status));
    assert_int_equal(minor, 1);
    assert_int_equal(status, 200);
    assert_true(status_of("HTTP/1.0 500 Internal Server Error\r\n", &minor, &status));
    assert_int_equal(minor, 0);
    assert_int_equal(status, 500);
    assert_true(status_of("HTTP/1.1 202\r\n", &minor, &status)); /* the reason is optional */
    assert_int_equal(status, 202);
    assert_true(status_of("HTTP/1.1 100 Continue\n", &minor, &status));
    assert_int_equal(status, 100);
    minor = status = -1;
    assert_false(status_of("HTTP/2 200\r\n", &minor, &status));
    assert_false(status_of("HTTP/1.1 20\r\n", &minor, &status));
    assert_false(status_of("HTTP/1.1 2000\r\n", &minor, &status));
    assert_false(status_of("HTTP/1.1 20x OK\r\n", &minor, &status));
    assert_false(status_of("HTTP/1.x 200 OK\r\n", &minor, &status));
    assert_false(status_of("ICY 200 OK\r\n", &minor, &status));
    assert_false(status_of("", &minor, &status));
    assert_int_equal(minor, -1); /* untouched on failure */
    assert_int_equal(status, -1);
}

static void chunk_sizes_are_bounded_hex(void **state)
{
    unsigned long long n = 99;
    assert_true(lr_chunk_size_parse("1a2B\r\n", 6, &n));
    assert_int_equal(n, 0x1a2b);
    assert_true(lr_chunk_size_parse("0\r\n", 3, &n));
    assert_int_equal(n, 0);
    assert_true(lr_chunk_size_parse("10;name=value\r\n", 15, &n));
    assert_int_equal(n, 16);
    assert_true(lr_chunk_size_parse("ff \r\n", 5, &n));
    assert_int_equal(n, 255);
    assert_true(lr_chunk_size_parse("fffffffffffffff\r\n", 17, &n)); /* 15 digits */
    assert_int_equal(n, 0xfffffffffffffffULL);
    n = 7;
    assert_false(lr_chunk_size_parse("1000000000000000\r\n", 18, &n)); /* 16: could overflow */
    assert_false(lr_chunk_size_parse("\r\n", 2, &n));
    assert_false(lr_chunk_size_parse("-1\r\n", 4, &n));
    assert_false(lr_chunk_size_parse("0x10\r\n", 6, &n));
    assert_false(lr_chunk_size_parse("12 34\r\n", 7, &n));
    assert_int_equal(n, 7);
}

static void framing_headers_are_read_as_lists(void **state)
{
#define CHUNKED(s) lr_transfer_chunked(s, strlen(s))
#define CLOSE(s) lr_connection_close(s, strlen(s))
    assert_true(CHUNKED("chunked"));
    assert_true(CHUNKED("Chunked\r\n"));
    assert_true(CHUNKED("gzip, chunked"));
    assert_false(CHUNKED("chunked, gzip")); /* chunked must be the last coding */
    assert_false(CHUNKED("xchunked"));
    assert_false(CHUNKED("gzip"));
    assert_false(CHUNKED(""));
    assert_true(CLOSE("close"));
    assert_true(CLOSE("Keep-Alive, CLOSE"));
    assert_false(CLOSE("keep-alive"));
    assert_false(CLOSE("closed"));
    assert_false(CLOSE(""));
    parse("Transfer-Encoding: chunked\r\n", LR_HDR_TRANSFER_ENCODING, "chunked");
    parse("connection: close\r\n", LR_HDR_CONNECTION, "close");
#undef CHUNKED
#undef CLOSE
}

static void endpoints_split_into_host_and_port(void **state)
{
    char host[64], port[8];
    assert_true(lr_endpoint_split("127.0.0.1:9001", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "127.0.0.1");
    assert_string_equal(port, "9001");
    assert_true(lr_endpoint_split("localhost", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "localhost");
    assert_string_equal(port, "80");
    assert_true(lr_endpoint_split("[::1]:9001", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "::1");
    assert_string_equal(port, "9001");
    assert_true(lr_endpoint_split("[fe80::1]", host, sizeof(host), port, sizeof(port)));
    assert_string_equal(host, "fe80::1");
    assert_string_equal(port, "80");
    assert_false(lr_endpoint_split("::1:9001", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("[::1:9001", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("[::1]x", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split(":9001", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("host:", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("host:0", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("host:65536", host, sizeof(host), port, sizeof(port)));
    assert_false(lr_endpoint_split("host:80a", host, sizeof(host), port, sizeof(port)));
    assert_false(
        lr_endpoint_split("a-host-name-longer-than-the-buffer-that-should-hold-it.example:1", host,
                          16, port, sizeof(port)));
}

/* ---- runtime arguments ---- */

static void runtime_needs_an_endpoint(void **state)
{
    struct lr_error err = {0};
    unsetenv("AWS_LAMBDA_RUNTIME_API");
    assert_null(lr_runtime_new(NULL, &err));
    assert_int_equal(err.code, LR_EINVAL);
    assert_non_null(strstr(err.msg, "AWS_LAMBDA_RUNTIME_API"));
    assert_null(lr_runtime_new("http://127.0.0.1:9001/x", &err));
    assert_int_equal(err.code, LR_EINVAL);
    assert_null(lr_runtime_new("127.0.0.1:9001\r\nX: y", &err));
    assert_null(lr_runtime_new("127.0.0.1:notaport", &err));
    assert_int_equal(err.code, LR_EINVAL);
    assert_null(lr_runtime_new("::1:9001", &err));
    struct lr_runtime *rt = lr_runtime_new("127.0.0.1:9", &err);
    assert_non_null(rt);
    assert_int_equal(lr_runtime_run(rt, NULL, NULL, &err), LR_EINVAL);
    lr_runtime_free(rt);
    lr_runtime_free(NULL);
    assert_string_equal(lr_strerror(LR_EIO), "Runtime API unreachable");
    assert_string_equal(lr_strerror(12345), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_lines_are_recognised_case_insensitively),
        cmocka_unit_test(other_header_lines_are_unknown),
        cmocka_unit_test(request_ids_must_be_safe_in_a_url_path),
        cmocka_unit_test(deadlines_are_plain_epoch_milliseconds),
        cmocka_unit_test(content_length_parses_digits_only),
        cmocka_unit_test(header_tokens_cannot_break_a_request),
        cmocka_unit_test(time_remaining_is_deadline_minus_now),
        cmocka_unit_test(json_escapes_quotes_backslashes_and_controls),
        cmocka_unit_test(json_passes_valid_utf8_through),
        cmocka_unit_test(json_replaces_invalid_utf8_with_fffd),
        cmocka_unit_test(json_escape_reports_full_length_like_snprintf),
        cmocka_unit_test(error_body_is_exactly_what_the_api_expects),
        cmocka_unit_test(utf8_prefix_keeps_characters_whole),
        cmocka_unit_test(log_text_record_has_the_same_facts),
        cmocka_unit_test(log_json_record_is_one_object),
        cmocka_unit_test(log_message_cannot_forge_a_second_line),
        cmocka_unit_test(log_record_is_cut_to_capacity),
        cmocka_unit_test(log_timestamps_before_1970_stay_well_formed),
        cmocka_unit_test(log_level_filters_and_request_id_is_stamped),
        cmocka_unit_test(log_long_message_stays_one_line),
        cmocka_unit_test(log_fields_are_fields_in_json_and_one_line_in_text),
        cmocka_unit_test(log_configuration_comes_from_the_environment),
        cmocka_unit_test(log_json_records_always_parse_whatever_the_message),
        cmocka_unit_test(log_text_record_cut_keeps_characters_whole),
        cmocka_unit_test(log_c1_controls_and_line_separators_are_flattened),
        cmocka_unit_test(fatal_signal_record_is_one_line_with_the_request_id),
        cmocka_unit_test(log_level_names),
        cmocka_unit_test(status_lines_give_version_and_code),
        cmocka_unit_test(chunk_sizes_are_bounded_hex),
        cmocka_unit_test(framing_headers_are_read_as_lists),
        cmocka_unit_test(endpoints_split_into_host_and_port),
        cmocka_unit_test(runtime_needs_an_endpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
