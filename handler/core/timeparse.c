/* sw_time: parses the timestamp styles found in AWS events into epoch milliseconds.
 *
 * A tiny cursor parser per style, tried in turn; days are counted with the civil
 * calendar algorithm (no timegm, no locale, no TZ variable), so results do not depend
 * on the machine. Anything not fully consumed is rejected rather than guessed at. */
#include "handler/core/timeparse.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct cursor {
    const char *s;
    size_t len;
    size_t pos;
};

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static bool at_end(const struct cursor *c)
{
    return c->pos >= c->len;
}

static char peek(const struct cursor *c)
{
    return at_end(c) ? '\0' : c->s[c->pos];
}

static bool eat(struct cursor *c, char ch)
{
    if (peek(c) != ch)
        return false;
    c->pos++;
    return true;
}

static void skip_spaces(struct cursor *c)
{
    while (peek(c) == ' ')
        c->pos++;
}

/* Reads between min and max digits. */
static bool digits(struct cursor *c, size_t min, size_t max, int *out)
{
    size_t n = 0;
    int v = 0;
    while (n < max && !at_end(c) && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
        n++;
    }
    *out = v;
    return n >= min;
}

static char lower(char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

/* Matches a word case-insensitively. */
static bool word(struct cursor *c, const char *w)
{
    size_t n = strlen(w);
    if (c->len - c->pos < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower(c->s[c->pos + i]) != lower(w[i]))
            return false;
    }
    c->pos += n;
    return true;
}

static bool month_name(struct cursor *c, int *month)
{
    for (int i = 0; i < 12; i++) {
        if (word(c, month_abbr[i])) {
            *month = i + 1;
            return true;
        }
    }
    return false;
}

/* Fraction of a second: digits after '.', kept to milliseconds. */
static bool fraction_ms(struct cursor *c, int *ms)
{
    size_t n = 0;
    int v = 0;
    while (!at_end(c) && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
        if (n < 3)
            v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
        n++;
        if (n > 12)
            return false;
    }
    if (n == 0)
        return false;
    for (size_t i = n; i < 3; i++)
        v *= 10;
    *ms = v;
    return true;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t compose(int y, int mo, int d, int h, int mi, int s, int ms, int offset_min)
{
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
        return SW_TIME_NONE;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + s;
    secs -= (int64_t)offset_min * 60;
    return secs * 1000 + ms;
}

/* Z, +hh:mm, +hhmm, +hh, -..., or " UTC"/" GMT"; nothing means UTC. */
static bool zone(struct cursor *c, int *offset_min)
{
    *offset_min = 0;
    if (at_end(c))
        return true;
    if (eat(c, 'Z') || eat(c, 'z'))
        return true;
    char sign = peek(c);
    if (sign == '+' || sign == '-') {
        int hh, mm = 0;
        c->pos++;
        if (!digits(c, 2, 2, &hh))
            return false;
        if (!at_end(c)) {
            eat(c, ':');
            if (!digits(c, 2, 2, &mm))
                return false;
        }
        if (hh > 23 || mm > 59)
            return false;
        *offset_min = (hh * 60 + mm) * (sign == '-' ? -1 : 1);
        return true;
    }
    skip_spaces(c);
    return word(c, "UTC") || word(c, "GMT") || at_end(c);
}

/* 2024-09-04T16:55:38.411Z and its variants. */
static int64_t parse_iso(struct cursor *c)
{
    int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, off = 0;
    if (!digits(c, 4, 4, &y) || !eat(c, '-') || !digits(c, 2, 2, &mo) || !eat(c, '-') ||
        !digits(c, 2, 2, &d))
        return SW_TIME_NONE;
    if (!at_end(c)) {
        if (!eat(c, 'T') && !eat(c, 't') && !eat(c, ' '))
            return SW_TIME_NONE;
        if (!digits(c, 2, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &mi))
            return SW_TIME_NONE;
        if (eat(c, ':') && !digits(c, 2, 2, &s))
            return SW_TIME_NONE;
        if ((eat(c, '.') || eat(c, ',')) && !fraction_ms(c, &ms))
            return SW_TIME_NONE;
        if (!zone(c, &off))
            return SW_TIME_NONE;
    }
    if (!at_end(c))
        return SW_TIME_NONE;
    return compose(y, mo, d, h, mi, s, ms, off);
}

/* Strict RFC 3339 date-time: 2016-02-25T06:03:31[.fff]Z or ...+02:00, nothing else. */
static int64_t parse_rfc3339(struct cursor *c)
{
    int y, mo, d, h, mi, s, ms = 0, oh = 0, om = 0;
    if (!digits(c, 4, 4, &y) || !eat(c, '-') || !digits(c, 2, 2, &mo) || !eat(c, '-') ||
        !digits(c, 2, 2, &d) || !(eat(c, 'T') || eat(c, 't')) || !digits(c, 2, 2, &h) ||
        !eat(c, ':') || !digits(c, 2, 2, &mi) || !eat(c, ':') || !digits(c, 2, 2, &s))
        return SW_TIME_NONE;
    if (eat(c, '.') && !fraction_ms(c, &ms))
        return SW_TIME_NONE;
    char sign = peek(c);
    if (eat(c, 'Z') || eat(c, 'z')) {
        sign = '+';
    } else if (!(eat(c, '+') || eat(c, '-')) || !digits(c, 2, 2, &oh) || !eat(c, ':') ||
               !digits(c, 2, 2, &om) || oh > 23 || om > 59) {
        return SW_TIME_NONE;
    }
    if (!at_end(c))
        return SW_TIME_NONE;
    return compose(y, mo, d, h, mi, s, ms, (oh * 60 + om) * (sign == '-' ? -1 : 1));
}

int64_t sw_time_parse_rfc3339(const char *s, size_t len)
{
    if (!s || len == 0 || len > 64)
        return SW_TIME_NONE;
    struct cursor c = {s, len, 0};
    return parse_rfc3339(&c);
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int64_t sw_time_parse_http_date(const char *s, size_t len)
{
    static const size_t digit_at[] = {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24};
    if (!s || len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' || memcmp(s + 26, "GMT", 3))
        return SW_TIME_NONE;
    for (size_t i = 0; i < sizeof(digit_at) / sizeof(digit_at[0]); i++)
        if (s[digit_at[i]] < '0' || s[digit_at[i]] > '9')
            return SW_TIME_NONE;
    int month = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(s + 8, month_abbr[m], 3) == 0)
            month = m + 1;
    if (month == 0)
        return SW_TIME_NONE;
    int year = two_digits(s + 12) * 100 + two_digits(s + 14);
    return compose(year, month, two_digits(s + 5), two_digits(s + 17), two_digits(s + 20),
                   two_digits(s + 23), 0, 0);
}

/* Wed Sep 04 16:55:38.411 UTC 2024 (Java's Date.toString with milliseconds). */
static int64_t parse_java(struct cursor *c)
{
    int y, mo, d, h, mi, s, ms = 0;
    bool day_ok = false;
    for (int i = 0; i < 7 && !day_ok; i++)
        day_ok = word(c, day_abbr[i]);
    if (!day_ok || !eat(c, ' '))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (!month_name(c, &mo) || !eat(c, ' '))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (!digits(c, 1, 2, &d) || !eat(c, ' ') || !digits(c, 2, 2, &h) || !eat(c, ':') ||
        !digits(c, 2, 2, &mi) || !eat(c, ':') || !digits(c, 2, 2, &s))
        return SW_TIME_NONE;
    if (eat(c, '.') && !fraction_ms(c, &ms))
        return SW_TIME_NONE;
    if (!eat(c, ' ') || !(word(c, "UTC") || word(c, "GMT")) || !eat(c, ' ') ||
        !digits(c, 4, 4, &y) || !at_end(c))
        return SW_TIME_NONE;
    return compose(y, mo, d, h, mi, s, ms, 0);
}

/* Dec 3, 2021, 6:02:30 PM (the console style early Inspector2 events carried). */
static int64_t parse_console(struct cursor *c)
{
    int y, mo, d, h, mi, s = 0;
    if (!month_name(c, &mo) || !eat(c, ' '))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (!digits(c, 1, 2, &d) || !eat(c, ','))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (!digits(c, 4, 4, &y) || !eat(c, ','))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (!digits(c, 1, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &mi))
        return SW_TIME_NONE;
    if (eat(c, ':') && !digits(c, 2, 2, &s))
        return SW_TIME_NONE;
    skip_spaces(c);
    if (word(c, "AM")) {
        if (h < 1 || h > 12)
            return SW_TIME_NONE;
        if (h == 12)
            h = 0;
    } else if (word(c, "PM")) {
        if (h < 1 || h > 12)
            return SW_TIME_NONE;
        if (h != 12)
            h += 12;
    }
    skip_spaces(c);
    if (!at_end(c) && !(word(c, "UTC") || word(c, "GMT")))
        return SW_TIME_NONE;
    if (!at_end(c))
        return SW_TIME_NONE;
    return compose(y, mo, d, h, mi, s, 0, 0);
}

int64_t sw_time_parse(const char *s, size_t len)
{
    if (!s)
        return SW_TIME_NONE;
    while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len > 64)
        return SW_TIME_NONE;

    struct cursor c = {s, len, 0};
    if (s[0] >= '0' && s[0] <= '9')
        return parse_iso(&c);
    int64_t t = parse_java(&c);
    if (t != SW_TIME_NONE)
        return t;
    c.pos = 0;
    return parse_console(&c);
}

/* Civil date of a day count (inverse of days_from_civil). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static size_t format(int64_t ms, char *out, size_t cap, bool iso)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (ms == SW_TIME_NONE)
        return 0;
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    int n = snprintf(out, cap,
                     iso ? "%04d-%02d-%02dT%02d:%02d:%02dZ" : "%04d-%02d-%02d %02d:%02d:%02d UTC",
                     y, mo, d, (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
    if (n < 0 || (size_t)n >= cap) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n;
}

size_t sw_time_format(int64_t ms, char *out, size_t cap)
{
    return format(ms, out, cap, false);
}

size_t sw_time_format_iso(int64_t ms, char *out, size_t cap)
{
    return format(ms, out, cap, true);
}
