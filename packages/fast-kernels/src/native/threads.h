/* A small pool of worker threads shared by every kernel: fk_parallel_for runs task(ctx, i,
 * worker) for i in [0, tasks) across the pool, the calling thread included, and returns when
 * all are done. Workers sleep between calls. Calls from several JS threads take turns, so a
 * task may keep per-worker scratch space indexed by `worker`. */
#ifndef FAST_KERNELS_THREADS_H
#define FAST_KERNELS_THREADS_H

#include <stddef.h>

typedef void (*fk_task)(void* ctx, size_t task, int worker);

/* The number of threads a parallel call uses (default: the cores this process may run on,
 * or $AUTORESEARCH_THREADS). */
int fk_threads(void);
/* Sets it (1..FK_MAX_THREADS); returns the count now in use. */
int fk_set_threads(int threads);
/* max_threads 0: the pool's size; 1: on the calling thread (still taking its turn). */
void fk_parallel_for(size_t tasks, fk_task task, void* ctx, int max_threads);

/* Below this many elements an element-wise loop runs on the calling thread only: waking the
 * pool costs more than it saves. */
#define FK_PARALLEL_MIN_ELEMENTS ((size_t)1 << 15)

/* How many chunks of at least min_chunk elements an element-wise loop over n splits into. */
size_t fk_chunks(size_t n, size_t min_chunk);

#define FK_MAX_THREADS 64

#endif
