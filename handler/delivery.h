/* sw_delivery: the one way a notification of an invocation goes out (docs/contract.md §1.4).
 *
 * Rate cap first: a finding-side notification (suppressible) past
 * MAX_NOTIFICATIONS_PER_MINUTE is only recorded for the summary the next invocation after
 * the minute publishes; drift and remediation ones count but always go on. Then storm
 * control: the first MAX_NOTIFICATIONS_PER_INVOCATION are published at once, later ones
 * are folded into one summary when the invocation ends. One sw_delivery lives for one
 * invocation; the rate window it borrows lasts between invocations. */
#ifndef SW_DELIVERY_H
#define SW_DELIVERY_H

#include "handler/core/error.h"
#include "handler/core/notification.h"
#include "handler/notify/outbox.h"
#include "handler/notify/rate_window.h"

#include <stdbool.h>
#include <stddef.h>

struct sw_delivery {
    struct sw_rate_window *rate; /* borrowed: lasts between invocations */
    struct sw_outbox storm;      /* this invocation's */
    sw_outbox_publish_fn publish;
    void *ctx;
    long long now_ms;
};

/* Starts an invocation's delivery at now_ms through publish(ctx, ...): publishes the
 * summary of the last minute's suppressed notifications first, if one is due (a failure
 * is logged, the summary not kept). */
void sw_delivery_begin(struct sw_delivery *d, struct sw_rate_window *rate,
                       size_t max_per_invocation, sw_outbox_publish_fn publish, void *ctx,
                       long long now_ms);

/* Sends n (stamped with now_ms) through the rate cap and storm control. Returns 0
 * (published, or recorded for a summary; *suppressed set, when not NULL, if the rate cap
 * held it back) or the publish failure (err set). */
int sw_delivery_send(struct sw_delivery *d, struct sw_notification *n, bool suppressible,
                     bool *suppressed, struct sw_error *err);

/* Ends the invocation: publishes the summary of what storm control folded, if anything. */
void sw_delivery_end(struct sw_delivery *d);

#endif
