/* sw_outbox: the notifications of one invocation, and storm control over them.
 *
 * Every notification the pipeline produces is offered to the invocation's outbox. The
 * first MAX_NOTIFICATIONS_PER_INVOCATION are published at once, so the first alerts are
 * never delayed; every later one is only recorded (a small record, the first
 * SW_OUTBOX_LISTED_MAX of them), and when the invocation ends they are folded into one
 * summary notification (kind "summary") that lists each subject, so a burst (an
 * organization-wide run, a re-scan of every image) cannot flood a mailbox or a chat channel.
 * The per-minute cap (handler/notify/rate_window.c) builds its summary with the same builder. */
#ifndef SW_OUTBOX_H
#define SW_OUTBOX_H

#include "handler/core/error.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_OUTBOX_LISTED_MAX 500 /* notifications listed by name in a summary; the rest counted */
#define SW_OUTBOX_KIND_MAX 24
#define SW_OUTBOX_FIELD_MAX 32

/* What a summary keeps of a folded notification. */
struct sw_outbox_record {
    char subject[SW_SUBJECT_MAX_CHARS + 1];
    char kind[SW_OUTBOX_KIND_MAX];
    char severity[SW_OUTBOX_FIELD_MAX];
    char account[SW_OUTBOX_FIELD_MAX];
    char region[SW_OUTBOX_FIELD_MAX];
    bool high_priority;
};

/* A value: sw_outbox_init, then sw_outbox_offer for each notification, sw_outbox_finish at
 * the end of the invocation (which empties it); sw_outbox_clear releases it on any path. */
struct sw_outbox {
    size_t max;                       /* MAX_NOTIFICATIONS_PER_INVOCATION */
    size_t sent;                      /* published one by one by sw_outbox_offer */
    size_t total;                     /* recorded past the cap, to be summarised */
    struct sw_outbox_record *records; /* the first SW_OUTBOX_LISTED_MAX of them */
    size_t record_count;
};

/* Publishes one finished notification; see struct sw_function_io. */
typedef int (*sw_outbox_publish_fn)(void *ctx, const struct sw_notification *n,
                                    struct sw_error *err);

/* Fills r with what a summary keeps of n (subject and attributes). */
void sw_outbox_record_of(struct sw_outbox_record *r, const struct sw_notification *n);

/* Sets up an empty outbox for at most max (0 counts as 1) individual notifications. */
void sw_outbox_init(struct sw_outbox *o, size_t max);

/* Frees what the outbox holds; it is empty and reusable (same max) afterwards. */
void sw_outbox_clear(struct sw_outbox *o);

/* The first max notifications offered are published at once (n is left to the caller);
 * later ones are only recorded (n untouched), to be folded into one summary by
 * sw_outbox_finish. Returns 0 or the publish failure (err set). */
int sw_outbox_offer(struct sw_outbox *o, const struct sw_notification *n,
                    sw_outbox_publish_fn publish, void *ctx, struct sw_error *err);

/* Publishes the summary of what was recorded past the cap, if anything was. *published is 1
 * when a summary went out. The outbox is emptied either way. */
int sw_outbox_finish(struct sw_outbox *o, int64_t generated_ms, sw_outbox_publish_fn publish,
                     void *ctx, size_t *published, struct sw_error *err);

/* What a summary is of: records[0..listed) of total notifications held back, after sent
 * went out under the cap limit; per_minute: MAX_NOTIFICATIONS_PER_MINUTE's window from
 * window_start_ms, else MAX_NOTIFICATIONS_PER_INVOCATION. */
struct sw_outbox_summary {
    const struct sw_outbox_record *records;
    size_t listed; /* at most total */
    size_t total;
    size_t sent;
    size_t limit;
    bool per_minute;
    int64_t window_start_ms;
};

/* Builds into n (initialised) the summary notification of s at generated_ms: subject, text
 * listing each record, attributes (highest severity, common account and region, priority)
 * and the "summary" document. Returns 0 or SW_ENOMEM / SW_ELIMIT with err set. Pure. */
int sw_outbox_summary_build(const struct sw_outbox_summary *s, int64_t generated_ms,
                            struct sw_notification *n, struct sw_error *err);

#endif
