/* Unit tests for sw_core: bounded buffers, UTF-8 helpers, SNS subject/message limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/core/buf.h"
#include "handler/core/error.h"
#include "handler/core/notification.h"
#include "handler/core/text.h"

#include <stdlib.h>
#include <string.h>

static void buf_append_past_ceiling_fails_and_keeps_content(void **state)
{
    struct sw_buf b;
    sw_buf_init(&b, 8);
    assert_int_equal(sw_buf_append_str(&b, "abcdef"), 0);
    assert_int_equal(sw_buf_append_str(&b, "xyz"), SW_ELIMIT);
    assert_string_equal(sw_buf_cstr(&b), "abcdef");
    assert_int_equal(sw_buf_appendf(&b, "%d", 12), 0);
    assert_string_equal(sw_buf_cstr(&b), "abcdef12");
    assert_int_equal(sw_buf_appendf(&b, "%d", 3), SW_ELIMIT);
    sw_buf_clear(&b);
}

static void buf_appendf_grows_past_stack_buffer(void **state)
{
    struct sw_buf b;
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    sw_buf_init(&b, 4096);
    assert_int_equal(sw_buf_appendf(&b, "<%s>", big), 0);
    assert_int_equal(b.len, 1001);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[1000], '>');
    char *owned = sw_buf_detach(&b);
    assert_int_equal(strlen(owned), 1001);
    free(owned);
    assert_null(b.data);
}

static void utf8_prefix_never_splits_a_character(void **state)
{
    const char *s = "ab\xc3\xa9\xe2\x82\xac"; /* ab é € */
    size_t len = strlen(s);
    assert_int_equal(sw_text_utf8_prefix(s, len, 100), len);
    assert_int_equal(sw_text_utf8_prefix(s, len, 3), 2); /* inside é */
    assert_int_equal(sw_text_utf8_prefix(s, len, 4), 4);
    assert_int_equal(sw_text_utf8_prefix(s, len, 5), 4); /* inside € */
    assert_int_equal(sw_text_utf8_prefix(s, len, 6), 4);
}

static void utf8_validation_rejects_overlong_and_surrogates(void **state)
{
    assert_true(sw_text_utf8_valid("h\xc3\xa9llo", 6));
    assert_false(sw_text_utf8_valid("\xc0\xaf", 2));     /* overlong '/' */
    assert_false(sw_text_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(sw_text_utf8_valid("\xe2\x82", 2));     /* truncated */
}

static void ascii_line_transliterates_and_flattens(void **state)
{
    char out[100];
    sw_text_ascii_line(
        "Caf\xc3\xa9 \xe2\x80\x9cna\xc3\xafve\xe2\x80\x9d\r\nline\ttwo \xf0\x9f\x94\xa5", out,
        sizeof(out), 99);
    assert_string_equal(out, "Cafe \"naive\" line two");
}

/* U+2028, U+2029, NEXT LINE (U+0085) and the other C1 controls are control characters like
 * CR/LF: a space in a one-line field or a subject, '?' in a message body. */
static void unicode_line_breaks_and_c1_are_control_characters(void **state)
{
    (void)state;
    static const char *const ctl[] = {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85", "\xc2\x80",
                                      "\xc2\x9f",     "\n",           "\x1b",     "\x7f"};
    for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++)
        assert_int_equal(sw_text_control_len(ctl[i], strlen(ctl[i])), strlen(ctl[i]));
    assert_int_equal(sw_text_control_len("\xc2\xa0", 2), 0); /* NO-BREAK SPACE is text */
    assert_int_equal(sw_text_control_len("\xe2\x80\xa7", 3), 0);
    assert_int_equal(sw_text_control_len("\xe2\x80", 2), 0); /* cut sequence: not one */

    char text[] = "a\xe2\x80\xa8"
                  "b\xc2\x85"
                  "c\xe2\x80\xa9"
                  "d\xc2\x9b"
                  "e\nf\tg";
    size_t len = sw_text_sanitize_utf8(text, strlen(text));
    assert_int_equal(len, strlen("a?b?c?d?e\nf\tg"));
    assert_string_equal(text, "a?b?c?d?e\nf\tg");

    struct sw_buf b;
    sw_buf_init(&b, 64);
    const char *field = "x\xe2\x80\xa8Severity: LOW\xc2\x85y\r\nz";
    assert_int_equal(sw_text_append_line(&b, field, strlen(field)), 0);
    assert_string_equal(sw_buf_cstr(&b), "x Severity: LOW y  z");
    sw_buf_clear(&b);

    char out[64];
    sw_text_ascii_line("a\xe2\x80\xa8"
                       "b\xc2\x85"
                       "c",
                       out, sizeof(out), 60);
    assert_string_equal(out, "a b c");
}

static void ascii_line_cuts_at_word_boundary(void **state)
{
    char out[100];
    size_t n =
        sw_text_ascii_line("[CRITICAL] CVE-2023-44487 in a-very-long-repository-name-that-keeps-"
                           "going-and-going/and-more:tag-1.2.3 with more words after",
                           out, sizeof(out), 99);
    assert_true(n <= 99);
    assert_non_null(strstr(out, "[CRITICAL] CVE-2023-44487"));
    for (size_t i = 0; i < n; i++)
        assert_true((unsigned char)out[i] >= 0x20 && (unsigned char)out[i] < 0x7f);
}

static void notification_message_cut_to_sns_limit_on_utf8_boundary(void **state)
{
    struct sw_notification n;
    sw_notification_init(&n);
    sw_notification_set_subject(&n, "[HIGH] CVE-1 in r:t");
    assert_int_equal(sw_notification_add_attribute(&n, "event_kind", "finding"), 0);
    /* 300 KiB of a 3-byte character: must be cut, and never mid-character. */
    for (int i = 0; i < 100 * 1024; i++)
        assert_int_equal(sw_buf_append_str(&n.message, "\xe2\x82\xac"), 0);
    sw_notification_finish(&n);
    assert_true(n.message.len <= SW_SNS_MESSAGE_MAX_BYTES);
    assert_true(sw_text_utf8_valid(n.message.data, n.message.len));
    assert_non_null(strstr(n.message.data, "message truncated"));
    sw_notification_clear(&n);
}

static void notification_attributes_are_bounded(void **state)
{
    struct sw_notification n;
    sw_notification_init(&n);
    for (int i = 0; i < SW_ATTRIBUTES_MAX; i++)
        assert_int_equal(sw_notification_add_attribute(&n, "a", "v"), 0);
    assert_int_equal(sw_notification_add_attribute(&n, "one_too_many", "v"), SW_ELIMIT);
    assert_string_equal(sw_notification_attribute(&n, "a"), "v");
    assert_null(sw_notification_attribute(&n, "missing"));
    sw_notification_clear(&n);
}

static void error_wrap_prefixes_context(void **state)
{
    struct sw_error err = {0};
    assert_int_equal(sw_error_set(&err, SW_EAWS, "AccessDeniedException: not allowed"), SW_EAWS);
    sw_error_wrap(&err, "ecr:%s", "PutRegistryScanningConfiguration");
    assert_string_equal(err.msg,
                        "ecr:PutRegistryScanningConfiguration: AccessDeniedException: not allowed");
    assert_string_equal(sw_strerror(SW_ECONFIG), "invalid configuration");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_append_past_ceiling_fails_and_keeps_content),
        cmocka_unit_test(buf_appendf_grows_past_stack_buffer),
        cmocka_unit_test(utf8_prefix_never_splits_a_character),
        cmocka_unit_test(utf8_validation_rejects_overlong_and_surrogates),
        cmocka_unit_test(ascii_line_transliterates_and_flattens),
        cmocka_unit_test(unicode_line_breaks_and_c1_are_control_characters),
        cmocka_unit_test(ascii_line_cuts_at_word_boundary),
        cmocka_unit_test(notification_message_cut_to_sns_limit_on_utf8_boundary),
        cmocka_unit_test(notification_attributes_are_bounded),
        cmocka_unit_test(error_wrap_prefixes_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
