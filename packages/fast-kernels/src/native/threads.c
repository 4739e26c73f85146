/* The worker pool behind fk_parallel_for (see threads.h). One job at a time: a job is a task
 * function, its context and an atomic counter of the next task index; every thread, the
 * caller included, takes indices until none are left. */
#define _GNU_SOURCE
#include "threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static int thread_count = 1; /* threads a job uses, caller included */
static int started = 0;      /* workers created so far (they never exit) */
static unsigned long generation = 0;

static fk_task job_task;
static void* job_ctx;
static size_t job_tasks;
static int job_workers; /* workers (not counting the caller) that take part */
static atomic_size_t next_task;
static atomic_int running; /* workers still inside the current job */

static int default_threads(void) {
  const char* env = getenv("AUTORESEARCH_THREADS");
  if (env != NULL && atoi(env) > 0) return atoi(env);
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? (int)cores : 1;
}

static int clamp_threads(int threads) { return threads < 1 ? 1 : threads > FK_MAX_THREADS ? FK_MAX_THREADS : threads; }

static void init(void) { thread_count = clamp_threads(default_threads()); }

static void take_tasks(int worker) {
  for (;;) {
    const size_t i = atomic_fetch_add(&next_task, 1);
    if (i >= job_tasks) return;
    job_task(job_ctx, i, worker);
  }
}

static void* worker_main(void* arg) {
  const int worker = (int)(size_t)arg;
  unsigned long seen = 0;
  for (;;) {
    pthread_mutex_lock(&wake_lock);
    while (generation == seen) pthread_cond_wait(&wake, &wake_lock);
    seen = generation;
    const int takes_part = worker <= job_workers;
    pthread_mutex_unlock(&wake_lock);
    if (takes_part) {
      take_tasks(worker);
      atomic_fetch_sub(&running, 1);
    }
  }
  return NULL;
}

int fk_threads(void) {
  pthread_once(&init_once, init);
  return thread_count;
}

int fk_set_threads(int threads) {
  pthread_once(&init_once, init);
  pthread_mutex_lock(&submit_lock);
  thread_count = clamp_threads(threads);
  pthread_mutex_unlock(&submit_lock);
  return thread_count;
}

size_t fk_chunks(size_t n, size_t min_chunk) {
  const size_t threads = (size_t)fk_threads();
  if (n < 2 * min_chunk || threads < 2) return 1;
  /* A few chunks per thread, so a core slowed by other processes does not hold up the rest. */
  size_t parts = 4 * threads;
  if (n / parts < min_chunk) parts = n / min_chunk;
  return parts < 1 ? 1 : parts;
}

void fk_parallel_for(size_t tasks, fk_task task, void* ctx, int max_threads) {
  if (tasks == 0) return;
  pthread_once(&init_once, init);
  pthread_mutex_lock(&submit_lock);
  int workers = (max_threads > 0 && max_threads < thread_count ? max_threads : thread_count) - 1;
  if (tasks == 1 || workers < 1) {
    for (size_t i = 0; i < tasks; i++) task(ctx, i, 0);
    pthread_mutex_unlock(&submit_lock);
    return;
  }
  if ((size_t)workers > tasks - 1) workers = (int)(tasks - 1);
  /* Start missing workers; run with fewer if the system refuses threads. */
  while (started < workers) {
    pthread_t id;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&id, &attr, worker_main, (void*)(size_t)(started + 1));
    pthread_attr_destroy(&attr);
    if (failed) break;
    started++;
  }
  if (workers > started) workers = started;
  job_task = task;
  job_ctx = ctx;
  job_tasks = tasks;
  atomic_store(&next_task, 0);
  atomic_store(&running, workers);
  pthread_mutex_lock(&wake_lock);
  job_workers = workers;
  generation++;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&wake_lock);
  take_tasks(0);
  /* The caller's share is done; the workers finish theirs within a task's time. */
  while (atomic_load(&running) > 0) sched_yield();
  pthread_mutex_unlock(&submit_lock);
}
