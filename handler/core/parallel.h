/* sw_parallel: runs independent tasks on a few threads and waits for all of them.
 *
 * Where AWS calls do not depend on each other (the drift check's reads, then its writes;
 * the organization check's regions), running them together makes the wall time that of the
 * slowest call instead of the sum (docs/architecture.md, "Concurrency"). The tasks share
 * nothing through this module: each writes only its own slot of the caller's arrays, and
 * anything else they share must be safe to share (docs/internals.md says what is). */
#ifndef SW_PARALLEL_H
#define SW_PARALLEL_H

#include <stddef.h>

/* One task: index is 0 .. count-1, ctx the caller's. */
typedef void (*sw_parallel_fn)(void *ctx, size_t index);

/* Runs fn(ctx, i) for every i in 0 .. count-1, each exactly once, on at most max_threads
 * threads (the calling thread is one of them; 0 counts as 1), and returns when all have
 * returned. A thread that cannot be started only lowers the concurrency: its tasks run on
 * the others, so no task is lost. Returns how many threads ran tasks (1 when count <= 1 or
 * max_threads <= 1, when nothing is started). */
size_t sw_parallel_run(size_t count, size_t max_threads, sw_parallel_fn fn, void *ctx);

#endif
