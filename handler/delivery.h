/* sw_delivery: the one way a notification of an invocation goes out (docs/contract.md §1.4).
 *
 * Rate cap first: a finding-side notification (suppressible) past
 * MAX_NOTIFICATIONS_PER_MINUTE is only recorded for the summary the next invocation after
 * the minute publishes; drift and remediation ones count but always go on. Then storm
 * control: the first MAX_NOTIFICATIONS_PER_INVOCATION are published at once, later ones
 * are folded into one summary when the invocation ends. A notification (summaries too)
 * whose publish fails is parked in the dead-letter queue when park is set
 * (docs/operations.md): then it counts as delivered, and a failed park is remembered for
 * the invocation's answer. One sw_delivery lives for one invocation; the rate window it
 * borrows lasts between invocations. */
#ifndef SW_DELIVERY_H
#define SW_DELIVERY_H

#include "handler/core/error.h"
#include "handler/core/notification.h"
#include "handler/notify/outbox.h"
#include "handler/notify/rate_window.h"

#include <stdbool.h>
#include <stddef.h>

/* Parks n, whose publish failed with reason, in the dead-letter queue; see struct
 * sw_function_io. */
typedef int (*sw_delivery_park_fn)(void *ctx, const struct sw_notification *n, const char *event_id,
                                   const char *reason, struct sw_error *err);

struct sw_delivery {
    struct sw_rate_window *rate; /* borrowed: lasts between invocations */
    struct sw_outbox storm;      /* this invocation's */
    sw_outbox_publish_fn publish;
    sw_delivery_park_fn park; /* NULL: no dead-letter queue, a failed publish is an error */
    void *ctx;
    long long now_ms;
    const char *event_id; /* borrowed: the event's id, once parsed (NULL before) */
    size_t published;     /* notifications published */
    size_t parked;        /* notifications parked after a failed publish */
    /* A notification could neither be published nor parked: the invocation must fail. */
    bool park_failed;
    char park_error[SW_ERROR_MSG_MAX];
};

/* Starts an invocation's delivery at now_ms through publish(ctx, ...) and park(ctx, ...)
 * (may be NULL): publishes the summary of the last minute's suppressed notifications first,
 * if one is due (a failure is logged, the summary parked or, without a queue, not kept). */
void sw_delivery_begin(struct sw_delivery *d, struct sw_rate_window *rate,
                       size_t max_per_invocation, sw_outbox_publish_fn publish,
                       sw_delivery_park_fn park, void *ctx, long long now_ms);

/* The parking decision: n's publish failed with publish_err. Without park, returns the
 * failure. With it, parks n with the failure as reason: 0 when parked (counted in
 * d->parked), else the park's failure with err saying both, and d->park_failed set. */
int sw_delivery_park(struct sw_delivery *d, const struct sw_notification *n,
                     const struct sw_error *publish_err, struct sw_error *err);

/* Sends n (stamped with now_ms) through the rate cap and storm control. Returns 0
 * (published, parked, or recorded for a summary; *suppressed set, when not NULL, if the
 * rate cap held it back) or the publish failure (err set; with a queue, only when parking
 * failed too). */
int sw_delivery_send(struct sw_delivery *d, struct sw_notification *n, bool suppressible,
                     bool *suppressed, struct sw_error *err);

/* Ends the invocation: publishes the summary of what storm control folded, if anything. */
void sw_delivery_end(struct sw_delivery *d);

#endif
