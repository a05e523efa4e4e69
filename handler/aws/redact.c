/* sw_redact: credential runs out of messages (contract in redact.h).
 *
 * A run of >= 8 bytes shared with a secret is exactly a union of 8-byte windows that each
 * occur in the secret, so the secrets' windows, packed as 64-bit keys and sorted, answer
 * "is this window secret?" with one binary search, and one left-to-right pass over the
 * text merges the windows found into runs and rewrites them in place. */
#include "handler/aws/redact.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

_Static_assert(SW_REDACT_MIN_RUN == sizeof(uint64_t), "a window is one 64-bit key");
_Static_assert(sizeof(SW_REDACT_MARK) - 1 <= SW_REDACT_MIN_RUN, "the mark never grows a text");

static uint64_t window(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return w;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void sw_redactor_init(struct sw_redactor *r, const char *const *secrets, size_t n)
{
    size_t total = 0;
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i < n; i++) {
        size_t len = secrets[i] ? strlen(secrets[i]) : 0;
        if (len >= SW_REDACT_MIN_RUN)
            total += len - SW_REDACT_MIN_RUN + 1;
    }
    if (total == 0)
        return;
    r->grams = malloc(total * sizeof(*r->grams));
    if (!r->grams) {
        r->withhold = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = secrets[i] ? strlen(secrets[i]) : 0;
        for (size_t j = 0; j + SW_REDACT_MIN_RUN <= len; j++)
            r->grams[r->count++] = window(secrets[i] + j);
    }
    qsort(r->grams, r->count, sizeof(*r->grams), cmp_u64);
}

void sw_redactor_clear(struct sw_redactor *r)
{
    if (r->grams) {
        OPENSSL_cleanse(r->grams, r->count * sizeof(*r->grams));
        free(r->grams);
    }
    memset(r, 0, sizeof(*r));
}

static bool secret_window(const struct sw_redactor *r, const char *p)
{
    uint64_t key = window(p);
    return bsearch(&key, r->grams, r->count, sizeof(*r->grams), cmp_u64) != NULL;
}

bool sw_redactor_finds(const struct sw_redactor *r, const char *text)
{
    size_t len = strlen(text);
    if (r->withhold)
        return len > 0;
    for (size_t j = 0; r->count && j + SW_REDACT_MIN_RUN <= len; j++) {
        if (secret_window(r, text + j))
            return true;
    }
    return false;
}

static bool continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

size_t sw_redactor_apply(const struct sw_redactor *r, char *text)
{
    static const char mark[] = SW_REDACT_MARK;
    const size_t mark_len = sizeof(mark) - 1;
    size_t len = strlen(text);

    if (r->withhold && len > 0) {
        size_t n = len < mark_len ? len : mark_len;
        memcpy(text, mark, n);
        text[n] = '\0';
        return n;
    }
    if (r->count == 0 || len < SW_REDACT_MIN_RUN)
        return len;
    /* rd: next byte not yet copied; wr: where it goes (wr <= rd <= every window still to
     * look at, so rewriting in place never touches unread bytes). [cs, ce): the run open. */
    size_t rd = 0, wr = 0, cs = 0, ce = 0;
    bool open = false;
    for (size_t j = 0; j + SW_REDACT_MIN_RUN <= len; j++) {
        if (!secret_window(r, text + j))
            continue;
        if (open && j <= ce) {
            ce = j + SW_REDACT_MIN_RUN;
        } else {
            if (open) {
                memmove(text + wr, text + rd, cs - rd);
                wr += cs - rd;
                memcpy(text + wr, mark, mark_len);
                wr += mark_len;
                rd = ce;
            }
            open = true;
            cs = j;
            ce = j + SW_REDACT_MIN_RUN;
            while (cs > rd && continuation((unsigned char)text[cs])) /* whole characters */
                cs--;
        }
        while (ce < len && continuation((unsigned char)text[ce]))
            ce++;
    }
    if (open) {
        memmove(text + wr, text + rd, cs - rd);
        wr += cs - rd;
        memcpy(text + wr, mark, mark_len);
        wr += mark_len;
        rd = ce;
    }
    memmove(text + wr, text + rd, len - rd);
    wr += len - rd;
    text[wr] = '\0';
    return wr;
}

size_t sw_redact(char *text, const char *const *secrets, size_t n)
{
    struct sw_redactor r;
    sw_redactor_init(&r, secrets, n);
    size_t len = sw_redactor_apply(&r, text);
    sw_redactor_clear(&r);
    return len;
}

/* Case-insensitive search for needle in s[0..len). */
static const char *find_nocase(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (strncasecmp(s + i, needle, n) == 0)
            return s + i;
    }
    return NULL;
}

size_t sw_redact_signing_echo(const char *msg, size_t len)
{
    /* AWS's wording: IAM User Guide, "Troubleshoot Signature Version 4 signing for AWS API
     * requests" (docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html) */
    static const char *const echoes[] = {
        "The Canonical String for this request should have been",
        "The String-to-Sign should have been",
    };
    size_t keep = len;
    for (size_t i = 0; i < sizeof(echoes) / sizeof(echoes[0]); i++) {
        const char *at = find_nocase(msg, keep, echoes[i]);
        if (at)
            keep = (size_t)(at - msg);
    }
    if (keep == len)
        return len;
    while (keep > 0 && (msg[keep - 1] == ' ' || msg[keep - 1] == '\n' || msg[keep - 1] == '\r' ||
                        msg[keep - 1] == '\t'))
        keep--;
    return keep;
}
