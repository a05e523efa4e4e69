/* sw_rate_window: MAX_NOTIFICATIONS_PER_MINUTE over a fixed 60 s window.
 *
 * The window is fixed (opened by the first notification, closed 60 s later), not sliding,
 * so its state is a few counters and a bounded list of records: no allocation, nothing to
 * free. The summary of a window is built by the outbox's summary builder, so it reads and
 * is shaped like the per-invocation storm summary (kind "summary"). */
#include "handler/notify/rate_window.h"

#include <string.h>

void sw_rate_window_init(struct sw_rate_window *w, size_t max)
{
    memset(w, 0, sizeof(*w));
    w->max = max ? max : 1;
}

static bool ended(const struct sw_rate_window *w, int64_t now_ms)
{
    return w->open &&
           (now_ms < w->window_start_ms || now_ms - w->window_start_ms >= SW_RATE_WINDOW_MS);
}

int sw_rate_window_roll(struct sw_rate_window *w, int64_t now_ms, struct sw_notification *summary,
                        bool *built, struct sw_error *err)
{
    int rc = 0;
    *built = false;
    if (!ended(w, now_ms))
        return 0;
    if (w->suppressed > 0) {
        struct sw_outbox_summary s = {.records = w->records,
                                      .listed = SW_RATE_WINDOW_LISTED_MAX,
                                      .total = w->suppressed,
                                      .sent = w->published,
                                      .limit = w->max,
                                      .per_minute = true,
                                      .window_start_ms = w->window_start_ms};
        rc = sw_outbox_summary_build(&s, now_ms, summary, err);
        *built = rc == 0;
    }
    sw_rate_window_init(w, w->max);
    return rc;
}

bool sw_rate_window_admit(struct sw_rate_window *w, int64_t now_ms, const struct sw_notification *n,
                          bool suppressible)
{
    if (ended(w, now_ms) && w->suppressed == 0)
        sw_rate_window_init(w, w->max); /* nothing to summarise: a new window may open */
    if (!w->open) {
        w->open = true;
        w->window_start_ms = now_ms;
    }
    if (!suppressible || w->published < w->max) {
        w->published++;
        return true;
    }
    if (w->suppressed < SW_RATE_WINDOW_LISTED_MAX)
        sw_outbox_record_of(&w->records[w->suppressed], n);
    w->suppressed++;
    return false;
}
