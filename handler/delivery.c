/* sw_delivery: rate cap and storm control around the publish callback (see delivery.h). */
#include "handler/delivery.h"

#include "runtime/lr_log.h"

#include <stdio.h>
#include <string.h>

int sw_delivery_park(struct sw_delivery *d, const struct sw_notification *n,
                     const struct sw_error *publish_err, struct sw_error *err)
{
    struct sw_error perr = {0};
    if (d->park == NULL) {
        if (err != publish_err)
            *err = *publish_err;
        return publish_err->code ? publish_err->code : SW_EAWS;
    }
    if (d->park(d->ctx, n, d->event_id, publish_err->msg, &perr) == SW_OK) {
        d->parked++;
        lr_log(LR_LOG_WARN, "notification parked in the dead-letter queue: %s: %s", n->subject,
               publish_err->msg);
        return SW_OK;
    }
    d->park_failed = true;
    snprintf(d->park_error, sizeof(d->park_error),
             "notification neither published nor parked: %.200s; parking in the dead-letter "
             "queue failed: %.200s",
             publish_err->msg, perr.msg);
    lr_log(LR_LOG_ERROR, "%s (subject: %s)", d->park_error, n->subject);
    return sw_error_set(err, perr.code ? perr.code : SW_EAWS, "%s", d->park_error);
}

/* What the outbox and the rate window publish through: the caller's publish, then parking. */
static int deliver(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct sw_delivery *d = ctx;
    struct sw_error perr = {0};
    int rc = d->publish(d->ctx, n, &perr);
    if (rc == SW_OK) {
        d->published++;
        return SW_OK;
    }
    if (perr.code == 0)
        perr.code = rc;
    return sw_delivery_park(d, n, &perr, err);
}

/* The first invocation after a minute in which notifications were suppressed publishes
 * their one summary before anything else. A failed publish is logged; the summary is not
 * kept (its count is in the log line). */
static void rate_begin(struct sw_delivery *d)
{
    struct sw_notification summary;
    struct sw_error err = {0};
    bool built = false;
    /* The earlier minute's summary is not this event's notification: the answer's "notified"
     * counts only this invocation's own (a parked summary still counts as parked). */
    size_t published = d->published, parked = d->parked;
    size_t suppressed = d->rate->suppressed;
    sw_notification_init(&summary);
    if (sw_rate_window_roll(d->rate, d->now_ms, &summary, &built, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu rate-limited notification(s) not built: %s",
               suppressed, err.msg);
    } else if (built && deliver(d, &summary, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu rate-limited notification(s) not published: %s",
               suppressed, err.msg);
    } else if (built) {
        lr_log(LR_LOG_WARN,
               "%s the summary of %zu notification(s) suppressed by "
               "MAX_NOTIFICATIONS_PER_MINUTE",
               d->parked > parked ? "parked" : "published", suppressed);
    }
    d->published = published;
    sw_notification_clear(&summary);
}

void sw_delivery_begin(struct sw_delivery *d, struct sw_rate_window *rate,
                       size_t max_per_invocation, sw_outbox_publish_fn publish,
                       sw_delivery_park_fn park, void *ctx, long long now_ms)
{
    memset(d, 0, sizeof(*d));
    d->rate = rate;
    d->publish = publish;
    d->park = park;
    d->ctx = ctx;
    d->now_ms = now_ms;
    sw_outbox_init(&d->storm, max_per_invocation);
    rate_begin(d);
}

int sw_delivery_send(struct sw_delivery *d, struct sw_notification *n, bool suppressible,
                     bool *suppressed, struct sw_error *err)
{
    n->generated_ms = d->now_ms;
    if (!sw_rate_window_admit(d->rate, d->now_ms, n, suppressible)) {
        if (suppressed)
            *suppressed = true;
        lr_log(LR_LOG_WARN, "notification suppressed: over MAX_NOTIFICATIONS_PER_MINUTE (%zu): %s",
               d->rate->max, n->subject);
        return SW_OK;
    }
    return sw_outbox_offer(&d->storm, n, deliver, d, err);
}

void sw_delivery_end(struct sw_delivery *d)
{
    struct sw_error err = {0};
    size_t held = d->storm.total;
    size_t published = 0;
    if (sw_outbox_finish(&d->storm, d->now_ms, deliver, d, &published, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "summary of %zu folded notification(s) not published: %s", held,
               err.msg);
    } else if (published) {
        lr_log(LR_LOG_WARN,
               "%zu notification(s) past MAX_NOTIFICATIONS_PER_INVOCATION folded "
               "into one summary",
               held);
    }
}
