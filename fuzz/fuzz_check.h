/* fuzz_check: the invariants the fuzz targets assert on what leaves the function.
 *
 * A notification must satisfy docs/contract.md §4 whatever the input was, and text that reaches a
 * log line or a header must carry no control character (no log or header injection). A broken
 * invariant aborts, which libFuzzer reports as a crash with the input that caused it.
 * Header-only (static functions) so each target stays one file. */
#ifndef SW_FUZZ_CHECK_H
#define SW_FUZZ_CHECK_H

#include "handler/core/notification.h"
#include "handler/core/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Aborts (a libFuzzer crash) when cond is false. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* True when every byte of s[0..len) is printable ASCII (0x20..0x7e). */
static inline bool fuzz_ascii_printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

/* True when s[0..len) has no C0 control character other than \n and \t, and no DEL. */
static inline bool fuzz_no_controls(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* A value in its array of cap bytes: NUL-terminated within it and without a control character
 * (below space, or DEL; a tab passes when tab_ok), as credentials and what reaches a header or
 * a message must be. Bytes from 0x80 (UTF-8) pass. */
static inline void fuzz_check_value(const char *v, size_t cap, bool tab_ok)
{
    size_t n = strnlen(v, cap);
    FUZZ_CHECK(n < cap);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        FUZZ_CHECK((c >= 0x20 && c != 0x7f) || (tab_ok && c == '\t'));
    }
}

/* True when s holds a run of `run` consecutive characters of secret (what redaction,
 * handler/aws/redact.c, must leave none of: run is SW_REDACT_MIN_RUN). */
static inline bool fuzz_holds_run_of(const char *s, const char *secret, size_t run)
{
    size_t n = strlen(s), m = strlen(secret);
    for (size_t i = 0; i + run <= n; i++)
        for (size_t j = 0; j + run <= m; j++)
            if (memcmp(s + i, secret + j, run) == 0)
                return true;
    return false;
}

/* docs/contract.md §4 on a finished notification: ASCII subject of at most 99 characters without
 * line breaks, a non-empty valid printable UTF-8 message within 256 KiB, ASCII attributes. */
static inline void fuzz_check_notification(const struct sw_notification *n)
{
    size_t slen = strnlen(n->subject, sizeof(n->subject));
    FUZZ_CHECK(slen <= SW_SUBJECT_MAX_CHARS);
    FUZZ_CHECK(fuzz_ascii_printable(n->subject, slen));
    const char *msg = sw_buf_cstr(&n->message);
    FUZZ_CHECK(n->message.len <= SW_SNS_MESSAGE_MAX_BYTES);
    FUZZ_CHECK(sw_text_utf8_valid(msg, n->message.len));
    FUZZ_CHECK(fuzz_no_controls(msg, n->message.len));
    FUZZ_CHECK(n->attribute_count <= SW_ATTRIBUTES_MAX);
    for (size_t i = 0; i < n->attribute_count; i++) {
        const struct sw_attribute *a = &n->attributes[i];
        FUZZ_CHECK(fuzz_ascii_printable(a->name, strnlen(a->name, sizeof(a->name))));
        FUZZ_CHECK(fuzz_ascii_printable(a->value, strnlen(a->value, sizeof(a->value))));
    }
}

#endif
