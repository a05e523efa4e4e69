/* sw_rate_gate: slots and shared pauses per service (see rate_gate.h). */
#include "handler/aws/rate_gate.h"

#include <errno.h>
#include <string.h>
#include <time.h>

int64_t sw_rate_lane_reserve(struct sw_rate_lane *l, unsigned max_per_second, int64_t now_us)
{
    int64_t start = now_us;
    if (l->next_us > start)
        start = l->next_us;
    if (l->paused_until_us > start)
        start = l->paused_until_us;
    /* Slots are spaced by the rounded-up interval: N slots never fit in less than a second. */
    int64_t interval = max_per_second > 0 ? (1000000 + max_per_second - 1) / max_per_second : 0;
    l->next_us = start + interval;
    return start;
}

void sw_rate_lane_throttled(struct sw_rate_lane *l, int64_t now_us, long backoff_ms)
{
    int64_t until = now_us + (backoff_ms > 0 ? (int64_t)backoff_ms * 1000 : 0);
    if (until > l->paused_until_us)
        l->paused_until_us = until;
}

int sw_rate_gate_init(struct sw_rate_gate *g, unsigned max_per_second)
{
    memset(g, 0, sizeof(*g));
    g->max_per_second = max_per_second > SW_RATE_MAX_PER_SECOND_LIMIT ? SW_RATE_MAX_PER_SECOND_LIMIT
                                                                      : max_per_second;
    return pthread_mutex_init(&g->lock, NULL);
}

void sw_rate_gate_destroy(struct sw_rate_gate *g)
{
    (void)pthread_mutex_destroy(&g->lock);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_us(int64_t us)
{
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

long sw_rate_gate_wait(struct sw_rate_gate *g, unsigned service, int64_t deadline_ms)
{
    if (service >= SW_RATE_GATE_LANES)
        return 0;
    int64_t now = mono_us();
    (void)pthread_mutex_lock(&g->lock);
    struct sw_rate_lane *l = &g->lanes[service];
    struct sw_rate_lane next = *l;
    int64_t start = sw_rate_lane_reserve(&next, g->max_per_second, now);
    int64_t wait_us = start - now;
    bool late = deadline_ms > 0 && wall_ms() + (wait_us + 999) / 1000 >= deadline_ms;
    if (!late) {
        *l = next;
        g->waited_us += (uint64_t)wait_us;
    }
    (void)pthread_mutex_unlock(&g->lock);
    if (late)
        return -1;
    if (wait_us > 0)
        sleep_us(wait_us);
    return (long)(wait_us / 1000);
}

void sw_rate_gate_throttled(struct sw_rate_gate *g, unsigned service, long backoff_ms)
{
    if (service >= SW_RATE_GATE_LANES)
        return;
    int64_t now = mono_us();
    (void)pthread_mutex_lock(&g->lock);
    sw_rate_lane_throttled(&g->lanes[service], now, backoff_ms);
    (void)pthread_mutex_unlock(&g->lock);
}
