/* sw_notify_text: the line writer and names the finding-side text builders share.
 *
 * Kept apart from the builders so each builder file reads as the message it writes. The
 * writer remembers its first error, so a builder appends freely and checks once. Only
 * fields the event carried are printed: a missing value is left out, never "null". */
#include "handler/notify/notify_text.h"

#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SHORT_DIGEST_HEX 12 /* sha256:<12 hex> in image names */

void sw_notify_text_str(struct sw_notify_text *w, const char *s)
{
    if (w->rc == 0 && s)
        w->rc = sw_buf_append_str(w->b, s);
}

void sw_notify_text_fmt(struct sw_notify_text *w, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    if (w->rc != 0)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->rc = SW_EINTERNAL;
        return;
    }
    w->rc = sw_buf_append(w->b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Appends an event field that belongs on one line: every control character (CR, LF, tab,
 * C1, U+2028, U+2029: sw_text_control_len) becomes a space, so that a field cannot start a
 * line of its own (a forged "Severity: LOW") in the message. Multi-line texts (description,
 * remediation) use sw_notify_text_str. */
void sw_notify_text_flat(struct sw_notify_text *w, const char *s)
{
    if (s && w->rc == 0)
        w->rc = sw_text_append_line(w->b, s, strlen(s));
}

/* "Label: value\n" when value is present. */
void sw_notify_text_line(struct sw_notify_text *w, const char *label, const char *value)
{
    if (!value)
        return;
    sw_notify_text_str(w, label);
    sw_notify_text_str(w, ": ");
    sw_notify_text_flat(w, value);
    sw_notify_text_str(w, "\n");
}

/* A time as "2024-09-04 16:55:38 UTC", or the text as sent when it could not be parsed. */
void sw_notify_text_time(struct sw_notify_text *w, const char *label, int64_t ms, const char *text)
{
    char out[40];
    if (ms != SW_TIME_NONE && sw_time_format(ms, out, sizeof(out)) > 0)
        sw_notify_text_line(w, label, out);
    else
        sw_notify_text_line(w, label, text);
}

/* "repo:tag", else "repo@sha256:<12 hex>", else "repo", else the resource id; "" if none. */
void sw_notify_image_name(const char *repo, const char *const *tags, size_t tag_count,
                          const char *digest, const char *resource_id, char *out, size_t cap)
{
    out[0] = '\0';
    if (repo && tag_count > 0) {
        snprintf(out, cap, "%s:%s", repo, tags[0]);
    } else if (repo && digest) {
        const char *hex = strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest;
        snprintf(out, cap, "%s@sha256:%.*s", repo, SHORT_DIGEST_HEX, hex);
    } else if (repo) {
        snprintf(out, cap, "%s", repo);
    } else if (resource_id) {
        snprintf(out, cap, "%s", resource_id);
    }
}

void sw_notify_text_tags(struct sw_notify_text *w, const char *label, const char *const *tags,
                         size_t count, size_t omitted)
{
    if (count == 0)
        return;
    sw_notify_text_str(w, label);
    sw_notify_text_str(w, ": ");
    for (size_t i = 0; i < count; i++) {
        if (i)
            sw_notify_text_str(w, ", ");
        sw_notify_text_flat(w, tags[i]);
    }
    if (omitted)
        sw_notify_text_fmt(w, " (and %zu more)", omitted);
    sw_notify_text_str(w, "\n");
}

bool sw_notify_eq_nocase(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'a' && *a <= 'z') ? (char)(*a - 'a' + 'A') : *a;
        char y = (*b >= 'a' && *b <= 'z') ? (char)(*b - 'a' + 'A') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* A missing or unknown severity ranks as UNTRIAGED. */
enum sw_severity sw_notify_rank(enum sw_severity s)
{
    return s == SW_SEVERITY_NONE ? SW_SEVERITY_UNTRIAGED : s;
}

/* The severity as shown: the known name, else what was sent, else UNTRIAGED. */
const char *sw_notify_severity_label(const struct sw_finding *f)
{
    if (f->severity != SW_SEVERITY_NONE)
        return sw_severity_name(f->severity);
    return f->severity_text ? f->severity_text : "UNTRIAGED";
}

/* Highest severity with a non-zero count at or above min; SW_SEVERITY_NONE when none. */
enum sw_severity sw_notify_highest_counted(const struct sw_severity_counts *c, enum sw_severity min)
{
    for (int s = SW_SEVERITY_CRITICAL; s >= (int)sw_notify_rank(min); s--) {
        if (c->present[s] && c->count[s] > 0)
            return (enum sw_severity)s;
    }
    return SW_SEVERITY_NONE;
}

int sw_notify_add_attributes(struct sw_notification *n, const char *kind, const char *severity,
                             const char *account, const char *region)
{
    int rc = sw_notification_add_attribute(n, "event_kind", kind);
    if (rc == 0 && severity)
        rc = sw_notification_add_attribute(n, "severity", severity);
    if (rc == 0 && account)
        rc = sw_notification_add_attribute(n, "account_id", account);
    if (rc == 0 && region)
        rc = sw_notification_add_attribute(n, "region", region);
    return rc;
}

int sw_notify_text_end(const struct sw_notify_text *w, const char *what, struct sw_notification *n,
                       const char *kind, const char *severity, const char *account,
                       const char *region, struct sw_error *err)
{
    if (w->rc != 0)
        return sw_error_set(err, w->rc, "building the %s notification: %s", what,
                            sw_strerror(w->rc));
    int rc = sw_notify_add_attributes(n, kind, severity, account, region);
    if (rc != 0)
        return sw_error_set(err, rc, "adding %s notification attributes", what);
    return 0;
}
