/* lr_json: the JSON text the runtime writes itself (library-internal).
 *
 * Error bodies ({"errorMessage","errorType","stackTrace":[]}) carry messages
 * that often quote user input, so escaping must be exact: valid UTF-8 passes
 * through, control characters are escaped, invalid bytes become U+FFFD. Pure
 * functions, snprintf-style, for unit tests. Not part of the public API. */
#ifndef LR_JSON_H
#define LR_JSON_H

#include <stddef.h>

/* Writes s (len bytes) escaped for the inside of a JSON string into out: '"' and '\\'
 * backslash-escaped, \b \f \n \r \t short forms, other bytes < 0x20 and 0x7f as \u00XX,
 * valid UTF-8 unchanged, each maximal invalid UTF-8 subsequence (bad lead byte, bad or
 * missing continuation, overlong, surrogate, > U+10FFFF) as \ufffd. Writes at most cap-1
 * bytes plus a NUL (when cap > 0). Returns the full escaped length, like snprintf. */
size_t lr_json_escape(char *out, size_t cap, const char *s, size_t len);

/* Writes {"errorMessage":"...","errorType":"...","stackTrace":[]} into out, same contract
 * as lr_json_escape. */
size_t lr_json_error_body(char *out, size_t cap, const char *error_type, size_t type_len,
                          const char *message, size_t message_len);

/* Longest prefix of s (len bytes) of at most max bytes that does not split a UTF-8
 * character (a valid sequence is kept whole or dropped whole). */
size_t lr_utf8_prefix(const char *s, size_t len, size_t max);

/* Length of the valid UTF-8 character at s[0..len) (len >= 1), or, when the bytes there are
 * not valid UTF-8, minus the length of their maximal invalid subpart (at least 1), so that a
 * caller skips exactly that. */
long lr_utf8_seq(const char *s, size_t len);

#endif
