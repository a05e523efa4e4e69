/* sw_notify_text: the small toolkit the finding-side text builders share.
 *
 * A writer that appends to a notification's message until the first error (so a builder
 * checks once, at the end), "Label: value" lines that keep event fields on one line, and
 * the names every finding-side message uses (image name, severity label, attributes).
 * Used by notify_finding.c and notify_scan.c; what the messages say is left to them. */
#ifndef SW_NOTIFY_TEXT_H
#define SW_NOTIFY_TEXT_H

#include "handler/core/buf.h"
#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends to b; rc is the first error (later appends do nothing). Zero rc to start. */
struct sw_notify_text {
    struct sw_buf *b;
    int rc;
};

/* Appends s as it is (multi-line text: description, remediation); NULL appends nothing. */
void sw_notify_text_str(struct sw_notify_text *w, const char *s);

/* Appends printf-formatted text (at most 511 bytes). */
void sw_notify_text_fmt(struct sw_notify_text *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends an event field on one line: control characters become spaces (sw_text_append_line). */
void sw_notify_text_flat(struct sw_notify_text *w, const char *s);

/* "Label: value\n" when value is present. */
void sw_notify_text_line(struct sw_notify_text *w, const char *label, const char *value);

/* "Label: 2024-09-04 16:55:38 UTC\n", or the text as sent when ms is SW_TIME_NONE. */
void sw_notify_text_time(struct sw_notify_text *w, const char *label, int64_t ms, const char *text);

/* "Label: a, b (and N more)\n" when count > 0. */
void sw_notify_text_tags(struct sw_notify_text *w, const char *label, const char *const *tags,
                         size_t count, size_t omitted);

/* ASCII case-insensitive equality; false when either is NULL. */
bool sw_notify_eq_nocase(const char *a, const char *b);

/* A missing or unknown severity ranks as UNTRIAGED. */
enum sw_severity sw_notify_rank(enum sw_severity s);

/* Highest severity with a non-zero count at or above min; SW_SEVERITY_NONE when none. */
enum sw_severity sw_notify_highest_counted(const struct sw_severity_counts *c,
                                           enum sw_severity min);

/* The severity as shown: the known name, else what was sent, else UNTRIAGED. */
const char *sw_notify_severity_label(const struct sw_finding *f);

/* "repo:tag", else "repo@sha256:<12 hex>", else "repo", else the resource id; "" if none. */
void sw_notify_image_name(const char *repo, const char *const *tags, size_t tag_count,
                          const char *digest, const char *resource_id, char *out, size_t cap);

/* Adds event_kind, and severity, account_id, region when not NULL. 0 or SW_ELIMIT. */
int sw_notify_add_attributes(struct sw_notification *n, const char *kind, const char *severity,
                             const char *account, const char *region);

/* Ends a builder's text: w's first error as "building the <what> notification: ...", else
 * adds the attributes (sw_notify_add_attributes), failing as "adding <what> notification
 * attributes". Returns 0 or the error, with err set. */
int sw_notify_text_end(const struct sw_notify_text *w, const char *what, struct sw_notification *n,
                       const char *kind, const char *severity, const char *account,
                       const char *region, struct sw_error *err);

#endif
