/* sw_rate_gate: the requests-per-second ceiling and the shared backoff of one region's AWS calls.
 *
 * One gate per region, one lane per service (inspector2, ecr, sns, ...). Every attempt of
 * every client attached to the gate (a region's client and its siblings, on several threads)
 * takes a start slot from its service's lane before it is sent: slots are at least
 * 1 / max_per_second apart, so no second-long window holds more than max_per_second
 * attempts of that service in that region. When AWS throttles one of them, the lane pauses
 * for that call's backoff: the other calls of the service and region wait with it instead of
 * running into the same throttling (docs/organization.md, "Throttling").
 *
 * The lane's arithmetic is pure (sw_rate_lane_*, unit-tested with a given clock); the gate
 * wraps it in a mutex and sleeps. */
#ifndef SW_RATE_GATE_H
#define SW_RATE_GATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define SW_RATE_GATE_LANES 8 /* services (enum sw_aws_service fits) */
#define SW_RATE_MAX_PER_SECOND_LIMIT 1000

/* One service's slots: the next free start, and the end of a backoff every call waits for
 * (microseconds on the caller's clock). */
struct sw_rate_lane {
    int64_t next_us;
    int64_t paused_until_us;
};

/* The start of the next attempt for a call arriving at now_us under max_per_second (0: no
 * ceiling): the later of now, the lane's next slot and its pause; the slot after it is
 * reserved (start + 1e6 / max_per_second). */
int64_t sw_rate_lane_reserve(struct sw_rate_lane *l, unsigned max_per_second, int64_t now_us);

/* A call of the lane was throttled at now_us and waits backoff_ms before its next attempt:
 * every other call of the lane waits at least as long (the pause only grows). */
void sw_rate_lane_throttled(struct sw_rate_lane *l, int64_t now_us, long backoff_ms);

struct sw_rate_gate {
    pthread_mutex_t lock;
    unsigned max_per_second; /* 0: no ceiling (the backoff is still shared) */
    struct sw_rate_lane lanes[SW_RATE_GATE_LANES];
    uint64_t waited_us; /* the time calls spent waiting at the gate (logs, tests) */
};

/* Readies g with a ceiling of max_per_second attempts per service (0: none, else at most
 * SW_RATE_MAX_PER_SECOND_LIMIT). Returns 0, or an errno-style value from the mutex. */
int sw_rate_gate_init(struct sw_rate_gate *g, unsigned max_per_second);
void sw_rate_gate_destroy(struct sw_rate_gate *g);

/* Waits (sleeps) until lane `service` gives this attempt its slot; never past deadline_ms
 * (Unix epoch ms, 0: none): returns -1 without taking the slot when the slot would start
 * at or after it, else how long it waited (ms). */
long sw_rate_gate_wait(struct sw_rate_gate *g, unsigned service, int64_t deadline_ms);

/* A call of `service` was throttled and will wait backoff_ms: the lane pauses as long. */
void sw_rate_gate_throttled(struct sw_rate_gate *g, unsigned service, long backoff_ms);

#endif
