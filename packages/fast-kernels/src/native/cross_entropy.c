/* Fused (optionally soft-capped) softmax cross-entropy over rows of logits.
 *
 * forward:  z = cap * tanh(x / cap) (or z = x when cap == 0),
 *           loss[n] = logsumexp(z[n, :]) - z[n, target[n]]
 * backward: dx[n, j] = dloss[n] * (softmax(z[n, :])_j - [j == target[n]]) * dz/dx,
 *           dz/dx = 1 - (z / cap)^2
 * One pass over a row's logits per phase instead of tfjs's chain of element-wise kernels; the
 * backward recomputes z and the softmax rather than keeping a [N, V] activation alive.
 * Rows are split across the thread pool; each part keeps one row of scratch.
 * Targets outside [0, V) give loss 0 and zero gradient for that row (a masked position). */
#include "kernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fast_exp.h"
#include "threads.h"

/* tanh(x / cap) = 1 - 2 / (exp(2x / cap) + 1) */
static inline float tanh_scaled(float x, float two_over_cap) {
  return 1.0f - 2.0f / (fast_expf(x * two_over_cap) + 1.0f);
}

/* z = cap * tanh(x / cap), or z = x when cap <= 0 */
static void soft_cap_row(const float* restrict x, float* restrict z, size_t v, float cap) {
  if (cap <= 0.0f) {
    memcpy(z, x, v * sizeof(float));
    return;
  }
  const float two_over_cap = 2.0f / cap;
  for (size_t j = 0; j < v; j++) z[j] = cap * tanh_scaled(x[j], two_over_cap);
}

/* Reductions keep LANES partial results: float addition is not associative, so the compiler
 * vectorises a reduction only when the code itself spells out the lanes. */
#define LANES 16

static float row_max(const float* restrict z, size_t v) {
  float acc[LANES];
  for (int l = 0; l < LANES; l++) acc[l] = -INFINITY;
  size_t j = 0;
  for (; j + LANES <= v; j += LANES)
    for (int l = 0; l < LANES; l++) acc[l] = z[j + l] > acc[l] ? z[j + l] : acc[l];
  float m = -INFINITY;
  for (; j < v; j++) m = z[j] > m ? z[j] : m;
  for (int l = 0; l < LANES; l++) m = acc[l] > m ? acc[l] : m;
  return m;
}

/* sum_j exp(z_j - max); with keep, z_j is replaced by exp(z_j - max). */
static float row_sum_exp(float* restrict z, size_t v, float max, int keep) {
  float acc[LANES] = {0};
  float sum = 0.0f;
  size_t j = 0;
  if (keep) {
    for (; j + LANES <= v; j += LANES)
      for (int l = 0; l < LANES; l++) {
        z[j + l] = fast_expf(z[j + l] - max);
        acc[l] += z[j + l];
      }
    for (; j < v; j++) {
      z[j] = fast_expf(z[j] - max);
      sum += z[j];
    }
  } else {
    for (; j + LANES <= v; j += LANES)
      for (int l = 0; l < LANES; l++) acc[l] += fast_expf(z[j + l] - max);
    for (; j < v; j++) sum += fast_expf(z[j] - max);
  }
  for (int l = 0; l < LANES; l++) sum += acc[l];
  return sum;
}

typedef struct {
  typed_view logits, targets;
  int64_t vocab;
  double cap;
} ce_args;

static int ce_common(napi_env env, napi_value* argv, ce_args* out) {
  if (arg_float32(env, argv[0], "logits", &out->logits) || arg_int32(env, argv[1], "targets", &out->targets) ||
      arg_int(env, argv[2], "vocab", 1, &out->vocab) || arg_double(env, argv[3], "cap", &out->cap))
    return -1;
  if (out->logits.length != out->targets.length * (size_t)out->vocab) {
    throw_range(env, "fast-kernels: cross-entropy logits must be [targets.length, vocab]");
    return -1;
  }
  return 0;
}

/* Rows are independent: a call splits them across the thread pool. */
typedef struct {
  const float* x;
  const int32_t* t;
  const float* dl; /* backward only */
  float* out;      /* loss [rows] forward, dlogits [rows, v] backward */
  size_t begin, end, v;
  int64_t vocab;
  float cap;
  int failed;
} ce_rows;

static void* forward_rows(void* arg) {
  ce_rows* r = arg;
  const size_t v = r->v;
  float* z = malloc(v * sizeof(float));
  if (z == NULL) {
    r->failed = 1;
    return NULL;
  }
  for (size_t n = r->begin; n < r->end; n++) {
    if (r->t[n] < 0 || (int64_t)r->t[n] >= r->vocab) {
      r->out[n] = 0.0f;
      continue;
    }
    soft_cap_row(r->x + n * v, z, v, r->cap);
    const float max = row_max(z, v);
    r->out[n] = max + logf(row_sum_exp(z, v, max, 0)) - z[r->t[n]];
  }
  free(z);
  return NULL;
}

static void* backward_rows(void* arg) {
  ce_rows* r = arg;
  const size_t v = r->v;
  const float cap = r->cap;
  /* dz/dx = 1 - (z / cap)^2 per element of the row, kept while g is overwritten. */
  float* dz = cap > 0.0f ? malloc(v * sizeof(float)) : NULL;
  if (cap > 0.0f && dz == NULL) {
    r->failed = 1;
    return NULL;
  }
  for (size_t n = r->begin; n < r->end; n++) {
    float* restrict g = r->out + n * v;
    const int32_t target = r->t[n];
    if (target < 0 || (int64_t)target >= r->vocab) {
      memset(g, 0, v * sizeof(float));
      continue;
    }
    /* g holds z, then exp(z - max), then the gradient. */
    soft_cap_row(r->x + n * v, g, v, cap);
    if (cap > 0.0f) {
      const float inv_cap = 1.0f / cap;
      for (size_t j = 0; j < v; j++) dz[j] = 1.0f - (g[j] * inv_cap) * (g[j] * inv_cap);
    }
    const float max = row_max(g, v);
    const float dl = r->dl[n];
    const float scale = dl / row_sum_exp(g, v, max, 1);
    for (size_t j = 0; j < v; j++) g[j] *= scale;
    g[target] -= dl;
    if (cap > 0.0f)
      for (size_t j = 0; j < v; j++) g[j] *= dz[j];
  }
  free(dz);
  return NULL;
}

typedef struct {
  ce_rows all;
  void* (*work)(void*);
  size_t parts;
  atomic_int failed;
} ce_job;

static void ce_task(void* ctx, size_t part, int worker) {
  (void)worker;
  ce_job* job = ctx;
  ce_rows rows = job->all;
  rows.begin = job->all.end * part / job->parts;
  rows.end = job->all.end * (part + 1) / job->parts;
  job->work(&rows);
  if (rows.failed) atomic_store(&job->failed, 1);
}

/* Runs `work` over all rows in parts across the thread pool; returns 0, or -1 when out of memory. */
static int run_rows(ce_rows all, void* (*work)(void*)) {
  ce_job job = {all, work, 1, 0};
  const size_t rows = all.end;
  /* Below ~1 M elements threads cost more than they save. */
  if (rows * all.v >= ((size_t)1 << 20)) job.parts = fk_chunks(rows, 16);
  fk_parallel_for(job.parts, ce_task, &job, 0);
  return atomic_load(&job.failed) ? -1 : 0;
}

napi_value fk_cross_entropy_forward(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  ce_args a;
  typed_view loss;
  if (get_args(env, info, 5, argv) || ce_common(env, argv, &a) || arg_float32(env, argv[4], "loss", &loss)) return NULL;
  const size_t rows = a.targets.length;
  if (loss.length != rows) return throw_range(env, "fast-kernels: cross-entropy loss must hold one value per row");
  const ce_rows all = {a.logits.data, a.targets.data, NULL, loss.data, 0, rows, (size_t)a.vocab, a.vocab, (float)a.cap, 0};
  if (run_rows(all, forward_rows) != 0) return throw_range(env, "fast-kernels: out of memory");
  return NULL;
}

napi_value fk_cross_entropy_backward(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  ce_args a;
  typed_view dloss, dlogits;
  if (get_args(env, info, 6, argv) || ce_common(env, argv, &a) || arg_float32(env, argv[4], "dloss", &dloss) ||
      arg_float32(env, argv[5], "dlogits", &dlogits))
    return NULL;
  const size_t rows = a.targets.length;
  if (dloss.length != rows || dlogits.length != a.logits.length)
    return throw_range(env, "fast-kernels: cross-entropy gradient shapes do not match the logits");
  const ce_rows all = {a.logits.data, a.targets.data, dloss.data, dlogits.data, 0, rows, (size_t)a.vocab, a.vocab, (float)a.cap, 0};
  if (run_rows(all, backward_rows) != 0) return throw_range(env, "fast-kernels: out of memory");
  return NULL;
}
