/* sw_rate_window: the per-minute notification cap across the invocations of a warm process.
 *
 * A window opens with the first notification counted and lasts SW_RATE_WINDOW_MS. Finding-
 * side notifications (finding, scan, coverage, basic-scan) past MAX_NOTIFICATIONS_PER_MINUTE
 * in it are suppressed: only counted, and the first SW_RATE_WINDOW_LISTED_MAX recorded.
 * Drift/remediation notifications count but are never suppressed (they report writes to a
 * security control). Once the window has ended, sw_rate_window_roll gives one summary of
 * what was suppressed. Pure logic: the caller supplies the clock and publishes. */
#ifndef SW_RATE_WINDOW_H
#define SW_RATE_WINDOW_H

#include "handler/core/error.h"
#include "handler/core/notification.h"
#include "handler/notify/outbox.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_RATE_WINDOW_MS INT64_C(60000)
#define SW_RATE_WINDOW_LISTED_MAX 20 /* suppressed notifications listed by name in a summary */

struct sw_rate_window {
    size_t max;              /* MAX_NOTIFICATIONS_PER_MINUTE (>= 1) */
    bool open;               /* a window is open (window_start_ms is valid) */
    int64_t window_start_ms; /* when the open window started (Unix epoch ms) */
    size_t published;        /* notifications counted in the window (drift ones included) */
    size_t suppressed;       /* finding-side notifications suppressed in it */
    struct sw_outbox_record records[SW_RATE_WINDOW_LISTED_MAX]; /* the first suppressed ones */
};

/* Sets up w with no window open, for at most max (0 counts as 1) notifications a minute. */
void sw_rate_window_init(struct sw_rate_window *w, size_t max);

/* At now_ms: when the open window has ended (or the clock went back before its start),
 * closes it. If notifications were suppressed in it, builds their summary into *summary
 * (initialised by the caller) and sets *built. Returns 0 or the summary's build error (the
 * window is closed either way). Call it before sw_rate_window_admit, with the same clock. */
int sw_rate_window_roll(struct sw_rate_window *w, int64_t now_ms, struct sw_notification *summary,
                        bool *built, struct sw_error *err);

/* Decides for n at now_ms (opening a window when none is): true when n may be published
 * (it is counted), false when it is suppressed (recorded for the summary). With suppressible
 * false (drift, remediation) n is counted and always admitted. */
bool sw_rate_window_admit(struct sw_rate_window *w, int64_t now_ms, const struct sw_notification *n,
                          bool suppressible);

#endif
