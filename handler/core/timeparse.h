/* sw_time: the timestamp styles AWS events use, to epoch milliseconds, and back to text.
 *
 * Inspector has sent three styles over the years ("Dec 3, 2021, 6:02:30 PM",
 * "Wed Sep 04 16:55:38.411 UTC 2024", ISO 8601); EventBridge and CloudTrail use ISO
 * 8601; AWS credential endpoints RFC 3339; Retry-After an HTTP date. Pure functions over the given
 * bytes: no locale, no TZ, no timegm. Part of sw_core, so the AWS client (handler/aws/) uses it
 * too. */
#ifndef SW_TIMEPARSE_H
#define SW_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/* "No time": a missing or unparseable timestamp. */
#define SW_TIME_NONE INT64_MIN

#define SW_TIME_HOUR_MS ((int64_t)3600 * 1000)
#define SW_TIME_DAY_MS ((int64_t)24 * SW_TIME_HOUR_MS)

/* Parses s[0..len) (surrounding blanks allowed) as one of:
 *   ISO 8601: 2024-09-04T16:55:38Z, 2024-09-04T16:55:38.411123+02:00, "...T...+0200",
 *             a space instead of T, no zone (taken as UTC), or a date alone;
 *   Java Date: Wed Sep 04 16:55:38.411 UTC 2024 (zone UTC or GMT; fraction optional);
 *   Inspector console style: Dec 3, 2021, 6:02:30 PM (taken as UTC; AM/PM or 24 h).
 * Returns epoch milliseconds (fraction truncated to ms), or SW_TIME_NONE. Years 1970-9999. */
int64_t sw_time_parse(const char *s, size_t len);

/* Parses s[0..len) as a strict RFC 3339 date-time, the form AWS credential endpoints use:
 * 2016-02-25T06:03:31Z, with an optional fraction and a zone of Z or +hh:mm / -hh:mm, no
 * blanks. Returns epoch milliseconds (fraction truncated to ms), or SW_TIME_NONE. */
int64_t sw_time_parse_rfc3339(const char *s, size_t len);

/* Parses s[0..len) as an HTTP IMF-fixdate (RFC 9110), "Sun, 06 Nov 1994 08:49:37 GMT",
 * exactly (month names case-sensitive, the day name not checked), as Retry-After sends it.
 * Returns epoch milliseconds, or SW_TIME_NONE. */
int64_t sw_time_parse_http_date(const char *s, size_t len);

/* Writes "2024-09-04 16:55:38 UTC" (cap >= 24), or "" for SW_TIME_NONE.
 * Returns the length written. */
size_t sw_time_format(int64_t ms, char *out, size_t cap);

/* Writes "2024-09-04T16:55:38Z" (cap >= 21), or "" for SW_TIME_NONE. Returns the length. */
size_t sw_time_format_iso(int64_t ms, char *out, size_t cap);

#endif
