/* sw_parallel_run: a pool made for one call (see parallel.h). Threads take the next index
 * from a shared counter, so a slow task delays only its own thread. */
#include "handler/core/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* More threads than this would not help: the work is a handful of regions or calls. */
#define SW_PARALLEL_THREADS_MAX 64

struct pool {
    atomic_size_t next;
    size_t count;
    sw_parallel_fn fn;
    void *ctx;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->count)
            return NULL;
        p->fn(p->ctx, i);
    }
}

size_t sw_parallel_run(size_t count, size_t max_threads, sw_parallel_fn fn, void *ctx)
{
    struct pool p = {.count = count, .fn = fn, .ctx = ctx};
    atomic_init(&p.next, 0);
    size_t want = max_threads < count ? max_threads : count;
    if (want > SW_PARALLEL_THREADS_MAX)
        want = SW_PARALLEL_THREADS_MAX;
    pthread_t threads[SW_PARALLEL_THREADS_MAX];
    size_t started = 0;
    for (size_t t = 1; t < want; t++) {
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break; /* fewer threads; the ones running take its share */
        started++;
    }
    (void)worker(&p);
    for (size_t t = 0; t < started; t++)
        (void)pthread_join(threads[t], NULL);
    return started + 1;
}
