/* Unit tests for sw_rate_gate (handler/aws/rate_gate.h): no second holds more attempts of a
 * service than the ceiling, a throttled call pauses the other calls of its service (and only
 * of its service), and a slot past the deadline is refused without being taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/aws/rate_gate.h"

#include <pthread.h>
#include <time.h>

#define SECOND_US INT64_C(1000000)

/* The most starts in any half-open window [t, t + 1 s) over sorted starts. */
static int most_in_a_second(const int64_t *starts, int n)
{
    int most = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = i; j < n && starts[j] < starts[i] + SECOND_US; j++)
            k++;
        if (k > most)
            most = k;
    }
    return most;
}

static void no_second_holds_more_than_the_ceiling(void **state)
{
    (void)state;
    const unsigned ceilings[] = {1, 3, 7, 10, 40, 333, 1000};
    for (size_t c = 0; c < sizeof(ceilings) / sizeof(ceilings[0]); c++) {
        struct sw_rate_lane lane = {0};
        int64_t starts[400];
        int n = 0;
        /* Bursts: 4 calls arrive together every 37 ms, faster than any ceiling here allows. */
        for (int64_t now = 5 * SECOND_US; n < 400; now += 37000) {
            for (int k = 0; k < 4 && n < 400; k++) {
                starts[n] = sw_rate_lane_reserve(&lane, ceilings[c], now);
                assert_true(starts[n] >= now); /* never before the call arrives */
                if (n > 0)
                    assert_true(starts[n] >= starts[n - 1]);
                n++;
            }
        }
        assert_true(most_in_a_second(starts, n) <= (int)ceilings[c]);
        /* and when calls come faster (~108 a second here), the ceiling is reached: the gate
         * does not slow them down more than it must; slower, it does not slow them at all */
        if (ceilings[c] < 100)
            assert_true(most_in_a_second(starts, n) >= (int)ceilings[c] - 1);
        else /* the last of each burst of 4 starts 3 slots after it arrived, no later */
            assert_true(starts[n - 1] - (5 * SECOND_US + (n / 4 - 1) * 37000) <=
                        3 * ((SECOND_US + ceilings[c] - 1) / ceilings[c]));
    }
}

static void no_ceiling_starts_every_call_at_once(void **state)
{
    (void)state;
    struct sw_rate_lane lane = {0};
    for (int i = 0; i < 50; i++)
        assert_int_equal(sw_rate_lane_reserve(&lane, 0, 1000), 1000);
}

static void a_throttled_call_pauses_its_lane(void **state)
{
    (void)state;
    struct sw_rate_lane lane = {0};
    int64_t t0 = 10 * SECOND_US;
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0), t0);
    sw_rate_lane_throttled(&lane, t0, 800); /* one call: 800 ms backoff */
    /* every call of the lane that arrives during the backoff starts when it ends */
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0 + 1000), t0 + 800000);
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0 + 500000), t0 + 800000);
    /* a shorter backoff later does not shorten the pause; a longer one extends it */
    sw_rate_lane_throttled(&lane, t0 + 100000, 200);
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0 + 100000), t0 + 800000);
    sw_rate_lane_throttled(&lane, t0 + 100000, 1000);
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0 + 100000), t0 + 1100000);
    /* after the pause, calls start when they arrive */
    assert_int_equal(sw_rate_lane_reserve(&lane, 0, t0 + 2 * SECOND_US), t0 + 2 * SECOND_US);
    /* with a ceiling, the slots after the pause are spaced again */
    sw_rate_lane_throttled(&lane, t0 + 3 * SECOND_US, 100);
    assert_int_equal(sw_rate_lane_reserve(&lane, 4, t0 + 3 * SECOND_US),
                     t0 + 3 * SECOND_US + 100000);
    assert_int_equal(sw_rate_lane_reserve(&lane, 4, t0 + 3 * SECOND_US),
                     t0 + 3 * SECOND_US + 350000);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct waiter {
    struct sw_rate_gate *gate;
    unsigned service;
    long waited_ms;
};

static void *wait_thread(void *arg)
{
    struct waiter *w = arg;
    w->waited_ms = sw_rate_gate_wait(w->gate, w->service, 0);
    return NULL;
}

/* Threads: one call of inspector2 (lane 0) is throttled with a 300 ms backoff; the other calls
 * of inspector2, on other threads, wait for it; a call of another service does not. */
static void the_other_threads_of_the_service_wait_for_the_backoff(void **state)
{
    (void)state;
    struct sw_rate_gate gate;
    assert_int_equal(sw_rate_gate_init(&gate, 0), 0);
    assert_int_equal(sw_rate_gate_wait(&gate, 0, 0), 0);
    sw_rate_gate_throttled(&gate, 0, 300);
    struct waiter w[3] = {{&gate, 0, -2}, {&gate, 0, -2}, {&gate, 2, -2}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, wait_thread, &w[i]), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_true(w[0].waited_ms >= 250 && w[0].waited_ms <= 300);
    assert_true(w[1].waited_ms >= 250 && w[1].waited_ms <= 300);
    assert_int_equal(w[2].waited_ms, 0); /* sns: its own lane */
    sw_rate_gate_destroy(&gate);
}

static void a_slot_past_the_deadline_is_refused_and_not_taken(void **state)
{
    (void)state;
    struct sw_rate_gate gate;
    assert_int_equal(sw_rate_gate_init(&gate, 1), 0); /* one a second */
    assert_int_equal(sw_rate_gate_wait(&gate, 0, 0), 0);
    /* the next slot is ~1 s away: a deadline in 200 ms refuses it, twice (nothing taken) */
    assert_int_equal(sw_rate_gate_wait(&gate, 0, wall_ms() + 200), -1);
    assert_int_equal(sw_rate_gate_wait(&gate, 0, wall_ms() + 200), -1);
    sw_rate_gate_throttled(&gate, 1, 5000);
    assert_int_equal(sw_rate_gate_wait(&gate, 1, wall_ms() + 1000), -1);
    assert_int_equal(sw_rate_gate_wait(&gate, 3, wall_ms() + 1000), 0); /* another lane */
    sw_rate_gate_destroy(&gate);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_second_holds_more_than_the_ceiling),
        cmocka_unit_test(no_ceiling_starts_every_call_at_once),
        cmocka_unit_test(a_throttled_call_pauses_its_lane),
        cmocka_unit_test(the_other_threads_of_the_service_wait_for_the_backoff),
        cmocka_unit_test(a_slot_past_the_deadline_is_refused_and_not_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
