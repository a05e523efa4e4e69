/* sw_outbox: the notifications of one invocation, and storm control over them.
 *
 * Every notification the pipeline produces goes through an outbox and is published when
 * the outbox is flushed. Up to MAX_NOTIFICATIONS_PER_INVOCATION they go out one by one;
 * past it they are folded into one summary notification (kind "summary") that lists each
 * subject, so a burst (an organization-wide run, a re-scan of every image) cannot flood
 * a mailbox or a chat channel. Past the cap, only a small record of each is kept. */
#ifndef SW_OUTBOX_H
#define SW_OUTBOX_H

#include "handler/error.h"
#include "handler/notification.h"

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

struct sw_outbox {
    size_t max;                      /* MAX_NOTIFICATIONS_PER_INVOCATION */
    struct sw_notification *pending; /* held while total <= max (array of max) */
    size_t pending_count;
    size_t total;                     /* notifications added */
    struct sw_outbox_record *records; /* the first SW_OUTBOX_LISTED_MAX, for a summary */
    size_t record_count;
    size_t sent; /* streaming mode: published one by one by sw_outbox_offer */
};

/* Publishes one finished notification; see struct sw_function_io. */
typedef int (*sw_outbox_publish_fn)(void *ctx, const struct sw_notification *n,
                                    struct sw_error *err);

/* Fills r with what a summary keeps of n (subject and attributes). */
void sw_outbox_record_of(struct sw_outbox_record *r, const struct sw_notification *n);

/* Sets up an empty outbox for at most max (>= 1) individual notifications. */
void sw_outbox_init(struct sw_outbox *o, size_t max);

/* Frees everything the outbox holds; it is empty and reusable afterwards. */
void sw_outbox_free(struct sw_outbox *o);

/* Takes n (finished; moved out, n is left empty and initialised). Returns 0 or SW_ENOMEM. */
int sw_outbox_add(struct sw_outbox *o, struct sw_notification *n, struct sw_error *err);

/* True when the notifications added so far will be folded into one summary. */
bool sw_outbox_folded(const struct sw_outbox *o);

/* Builds into n (initialised) the summary of everything added, at generated_ms. */
int sw_outbox_summary(const struct sw_outbox *o, int64_t generated_ms, struct sw_notification *n,
                      struct sw_error *err);

/* The same summary for the per-minute cap (handler/rate_window.c): records[0..listed) of
 * total notifications suppressed in the minute from window_start_ms, after published
 * went out in it under limit (MAX_NOTIFICATIONS_PER_MINUTE). */
int sw_outbox_rate_summary(const struct sw_outbox_record *records, size_t listed, size_t total,
                           size_t published, size_t limit, int64_t window_start_ms,
                           int64_t generated_ms, struct sw_notification *n, struct sw_error *err);

/* Publishes what was added: each notification, or the one summary when folded. Every
 * notification is attempted; *published counts the successes. Returns 0, or the first
 * failure (err set). The outbox is emptied either way. */
int sw_outbox_flush(struct sw_outbox *o, int64_t generated_ms, sw_outbox_publish_fn publish,
                    void *ctx, size_t *published, struct sw_error *err);

/* Streaming mode (the pipeline's): the first max notifications offered are published at
 * once (n is left to the caller); later ones are only recorded (n untouched), to be folded
 * into one summary by sw_outbox_finish. Returns 0 or the publish failure (err set). */
int sw_outbox_offer(struct sw_outbox *o, const struct sw_notification *n,
                    sw_outbox_publish_fn publish, void *ctx, struct sw_error *err);

/* Streaming mode: publishes the summary of what was recorded past the cap, if anything was.
 * *published is 1 when a summary went out. The outbox is emptied either way. */
int sw_outbox_finish(struct sw_outbox *o, int64_t generated_ms, sw_outbox_publish_fn publish,
                     void *ctx, size_t *published, struct sw_error *err);

#endif
