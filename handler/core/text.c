/* sw_text: UTF-8 boundaries and validation, and ASCII renderings for SNS subjects. */
#include "handler/core/text.h"

#include "handler/core/error.h"

#include <string.h>

/* Decodes one UTF-8 sequence at s[0..len). Returns its length (1-4) and the code point,
 * or 0 when the bytes are not a well-formed sequence. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
        c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
        c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t sw_text_utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    /* Step back over continuation bytes to the start of the sequence that straddles max. */
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80 && max - cut < 4)
        cut--;
    return cut;
}

bool sw_text_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t sw_text_control_len(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (len == 0)
        return 0;
    if (p[0] < 0x20 || p[0] == 0x7f)
        return 1; /* C0, DEL */
    if (len >= 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        return 2; /* C1, U+0085 NEXT LINE included */
    if (len >= 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
        return 3; /* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR */
    return 0;
}

int sw_text_append_line(struct sw_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t run = 0;
        size_t ctl = 0;
        while (i + run < len && (ctl = sw_text_control_len(s + i + run, len - i - run)) == 0)
            run++;
        int rc = run ? sw_buf_append(b, s + i, run) : 0;
        i += run;
        if (rc == 0 && i < len) {
            rc = sw_buf_append_char(b, ' ');
            i += ctl;
        }
        if (rc)
            return rc;
    }
    return 0;
}

size_t sw_text_sanitize_utf8(char *s, size_t len)
{
    unsigned char *p = (unsigned char *)s;
    size_t i = 0;
    size_t o = 0;
    while (i < len) {
        unsigned cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        size_t ctl = sw_text_control_len(s + i, len - i);
        if (n == 0 || (ctl > 0 && cp != '\n' && cp != '\t')) {
            p[o++] = '?';
            i += n == 0 ? 1 : n;
            continue;
        }
        memmove(p + o, p + i, n);
        o += n;
        i += n;
    }
    if (o < len)
        p[o] = '\0';
    return o;
}

/* ASCII for the Latin-1 Supplement letters U+00C0..U+00FF ("" = drop). */
static const char *const latin1_letters[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "x", "O", "U", "U", "U", "U", "Y", "Th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "/", "o", "u", "u", "u", "u", "y", "th", "y",
};

static const char *transliterate(unsigned cp)
{
    if (cp >= 0xc0 && cp <= 0xff)
        return latin1_letters[cp - 0xc0];
    switch (cp) {
    case 0xa0:
    case 0x2002:
    case 0x2003:
    case 0x2009:
    case 0x202f:
        return " ";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212:
        return "-";
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x2032:
        return "'";
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x2033:
        return "\"";
    case 0x2026:
        return "...";
    case 0x2022:
    case 0xb7:
        return "*";
    case 0x2192:
        return "->";
    case 0x0152:
        return "OE";
    case 0x0153:
        return "oe";
    case 0x0160:
        return "S";
    case 0x0161:
        return "s";
    case 0x017d:
        return "Z";
    case 0x017e:
        return "z";
    default:
        return "";
    }
}

size_t sw_text_ascii_line(const char *in, char *out, size_t cap, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t inlen = strlen(in);
    size_t limit = max_chars < cap ? max_chars : cap - 1;
    size_t len = 0;
    bool truncated = false;

    if (cap == 0)
        return 0;
    for (size_t i = 0; i < inlen && !truncated;) {
        unsigned cp;
        size_t n = utf8_decode(p + i, inlen - i, &cp);
        const char *rep;
        char single[2] = {0, 0};
        if (n == 0) {
            n = 1;
            rep = "";
        } else if (sw_text_control_len((const char *)p + i, inlen - i) > 0) {
            rep = " ";
        } else if (cp < 0x80) {
            single[0] = (char)cp;
            rep = single;
        } else {
            rep = transliterate(cp);
        }
        i += n;
        for (const char *r = rep; *r; r++) {
            if (*r == ' ' && (len == 0 || out[len - 1] == ' '))
                continue;
            if (len >= limit) {
                truncated = true;
                break;
            }
            out[len++] = *r;
        }
    }
    if (truncated) {
        /* Prefer ending at a word boundary when one is within the last 15 characters. */
        size_t cut = len;
        while (cut > 0 && len - cut < 15 && out[cut - 1] != ' ')
            cut--;
        if (cut > 0 && len - cut < 15)
            len = cut;
    }
    while (len > 0 && out[len - 1] == ' ')
        len--;
    out[len] = '\0';
    return len;
}
