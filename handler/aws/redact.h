/* sw_redact: takes credentials out of the text the AWS client hands back.
 *
 * AWS error answers can quote what was signed: SignatureDoesNotMatch echoes the canonical
 * request (with its x-amz-security-token line) and the string to sign (with the credential
 * scope). The client passes every message it returns or logs through here, so no caller can
 * leak: each run of SW_REDACT_MIN_RUN or more bytes that also occurs in one of the secrets
 * (access key id, secret access key, session token) becomes SW_REDACT_MARK. Pure: no I/O. */
#ifndef SW_REDACT_H
#define SW_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_REDACT_MIN_RUN 8       /* shorter runs are not a usable part of a credential */
#define SW_REDACT_MARK "[secret]" /* as long as the shortest run redacted: text never grows */

/* The secrets' SW_REDACT_MIN_RUN-byte windows, sorted, so that each window of a text is
 * looked up in O(log n): O((S + T) log S) for secrets of S bytes and a text of T bytes.
 * Initialise with sw_redactor_init, release with sw_redactor_clear. */
struct sw_redactor {
    uint64_t *grams; /* every window of every secret (they are secret too: wiped on clear) */
    size_t count;
    bool withhold; /* memory ran out: every non-empty text is replaced by the mark */
};

/* Builds r from n secrets (NULL or shorter than SW_REDACT_MIN_RUN ones are skipped). Never
 * fails: without memory for the table, r withholds every text rather than let one through. */
void sw_redactor_init(struct sw_redactor *r, const char *const *secrets, size_t n);

/* Replaces, in the NUL-terminated text, every maximal run of bytes covered by windows that
 * occur in a secret with SW_REDACT_MARK (a run is widened to whole UTF-8 characters). The
 * text never grows. Returns its new length. */
size_t sw_redactor_apply(const struct sw_redactor *r, char *text);

/* True when text holds a run that sw_redactor_apply would replace (always, for a non-empty
 * text, when r withholds). */
bool sw_redactor_finds(const struct sw_redactor *r, const char *text);

/* Wipes and frees the table. r may be zeroed or already cleared. */
void sw_redactor_clear(struct sw_redactor *r);

/* sw_redactor_init + sw_redactor_apply + sw_redactor_clear, for one text. */
size_t sw_redact(char *text, const char *const *secrets, size_t n);

/* Length of the part of an AWS error message (len bytes) to keep: up to, not including, where
 * it starts quoting what was signed ("The Canonical String for this request should have
 * been", "The String-to-Sign should have been", any case), with trailing blanks dropped. */
size_t sw_redact_signing_echo(const char *msg, size_t len);

#endif
