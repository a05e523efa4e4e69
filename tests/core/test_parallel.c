/* Unit tests for sw_parallel_run: every task runs exactly once, the tasks really run at the
 * same time (up to the bound and never beyond it), and one thread means the caller's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/core/parallel.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#define TASKS 40

struct counting {
    atomic_int runs[TASKS];
    pthread_t ran_on[TASKS];
};

static void count_task(void *ctx, size_t i)
{
    struct counting *c = ctx;
    atomic_fetch_add(&c->runs[i], 1);
    c->ran_on[i] = pthread_self();
}

static void every_task_runs_exactly_once(void **state)
{
    (void)state;
    for (size_t threads = 0; threads <= 9; threads += 3) {
        struct counting c = {0};
        size_t used = sw_parallel_run(TASKS, threads, count_task, &c);
        assert_true(used >= 1 && used <= (threads ? threads : 1));
        for (size_t i = 0; i < TASKS; i++)
            assert_int_equal(atomic_load(&c.runs[i]), 1);
    }
}

static void one_thread_is_the_callers_and_zero_tasks_run_nothing(void **state)
{
    (void)state;
    struct counting c = {0};
    assert_int_equal(sw_parallel_run(TASKS, 1, count_task, &c), 1);
    for (size_t i = 0; i < TASKS; i++)
        assert_true(pthread_equal(c.ran_on[i], pthread_self()));
    struct counting none = {0};
    assert_int_equal(sw_parallel_run(0, 8, count_task, &none), 1);
    for (size_t i = 0; i < TASKS; i++)
        assert_int_equal(atomic_load(&none.runs[i]), 0);
}

/* Each task waits (up to 5 s) until `want` tasks are inside at once: it can only see them
 * if the pool really runs them together. The most seen inside at once is kept, to show the
 * bound holds. */
struct rendezvous {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int inside, most_inside, want, met;
};

static void meet_task(void *ctx, size_t i)
{
    (void)i;
    struct rendezvous *r = ctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&r->lock);
    r->inside++;
    if (r->inside > r->most_inside)
        r->most_inside = r->inside;
    pthread_cond_broadcast(&r->changed);
    int rc = 0;
    while (r->most_inside < r->want && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&r->changed, &r->lock, &until);
    if (r->most_inside >= r->want)
        r->met++;
    r->inside--;
    pthread_mutex_unlock(&r->lock);
}

static void tasks_run_together_up_to_the_bound(void **state)
{
    (void)state;
    struct rendezvous r = {.want = 4};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    assert_int_equal(sw_parallel_run(4, 4, meet_task, &r), 4);
    assert_int_equal(r.met, 4);
    assert_int_equal(r.most_inside, 4);

    /* 12 tasks on 3 threads: never more than 3 inside at once. */
    struct rendezvous bounded = {.want = 3};
    pthread_mutex_init(&bounded.lock, NULL);
    pthread_cond_init(&bounded.changed, NULL);
    assert_int_equal(sw_parallel_run(12, 3, meet_task, &bounded), 3);
    assert_int_equal(bounded.most_inside, 3);
    assert_int_equal(bounded.met, 12);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&bounded.lock);
    pthread_cond_destroy(&bounded.changed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_task_runs_exactly_once),
        cmocka_unit_test(one_thread_is_the_callers_and_zero_tasks_run_nothing),
        cmocka_unit_test(tasks_run_together_up_to_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
