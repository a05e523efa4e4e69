/* sw_text: UTF-8 and ASCII helpers for text that leaves the function.
 *
 * SNS subjects must be ASCII, under 100 characters, with no line breaks; SNS
 * messages must be UTF-8 and at most 256 KiB. Event fields are untrusted, so
 * these helpers also neutralise control characters. */
#ifndef SW_TEXT_H
#define SW_TEXT_H

#include "handler/core/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Length of the longest prefix of s[0..len) that is at most max bytes and does not end inside
 * a UTF-8 sequence. */
size_t sw_text_utf8_prefix(const char *s, size_t len, size_t max);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
bool sw_text_utf8_valid(const char *s, size_t len);

/* Writes into out (cap bytes, NUL-terminated) an ASCII rendering of the UTF-8 text in:
 * Latin letters with diacritics lose them (e -> e), typographic quotes, dashes, spaces and
 * ellipses become their ASCII forms, other non-ASCII characters are dropped, control
 * characters (sw_text_control_len) become a space, runs of spaces collapse and the result
 * is trimmed. At most max_chars characters are kept (cut at a word boundary when one is
 * near). Returns the length written. */
size_t sw_text_ascii_line(const char *in, char *out, size_t cap, size_t max_chars);

/* Byte length of the control character at s[0..len): C0 (line breaks and tabs included),
 * DEL, C1 (U+0080..U+009F, NEXT LINE included), U+2028 and U+2029 (line and paragraph
 * separators, which mail and chat clients render as line breaks); 0 when s does not start
 * with one. The one definition of "control character" for text that leaves the function. */
size_t sw_text_control_len(const char *s, size_t len);

/* Appends s[0..len) as one line: every control character (sw_text_control_len) becomes one
 * space, so an event field cannot start a line of its own. Returns 0 or the sw_buf error. */
int sw_text_append_line(struct sw_buf *b, const char *s, size_t len);

/* Replaces, in place, every control character (sw_text_control_len) other than \n and \t,
 * and every invalid UTF-8 byte, with one '?', so a message is printable and valid UTF-8.
 * Returns the new length (never more than len; s is NUL-terminated there when shorter). */
size_t sw_text_sanitize_utf8(char *s, size_t len);

#endif
