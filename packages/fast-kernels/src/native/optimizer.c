/* Fused optimizer updates: an AdamW step, Muon's Nesterov momentum, its NorMuon normalisation
 * and its cautious update, each one or two passes over the parameter and its state instead of
 * a chain of 6-14 tfjs kernels (each a pass over memory and an output allocation). The arithmetic follows the canvas's stock-op chains
 * step by step, so the two agree to float32 rounding. */
#include "kernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "threads.h"

typedef struct {
  const float *p, *m, *v, *g;
  float *p_out, *m_out, *v_out;
  float lr, beta1, beta2, eps, bc1, bc2, decay;
  size_t n, parts;
} adamw_job;

static void adamw_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const adamw_job* job = ctx;
  const float b1 = job->beta1, b2 = job->beta2, c1 = 1.0f - b1, c2 = 1.0f - b2;
  const float bc1 = job->bc1, bc2 = job->bc2, eps = job->eps, lr = job->lr, decay = job->decay;
  /* restrict: the outputs are fresh tensors, so the loop vectorises without alias checks. */
  const float *restrict p_in = job->p, *restrict m_in = job->m, *restrict v_in = job->v, *restrict g_in = job->g;
  float *restrict p_out = job->p_out, *restrict m_out = job->m_out, *restrict v_out = job->v_out;
  for (size_t i = job->n * part / job->parts, end = job->n * (part + 1) / job->parts; i < end; i++) {
    const float g = g_in[i];
    const float m = m_in[i] * b1 + g * c1;
    const float v = v_in[i] * b2 + (g * g) * c2;
    const float step = (m / bc1) / (sqrtf(v / bc2) + eps);
    m_out[i] = m;
    v_out[i] = v;
    p_out[i] = p_in[i] * decay - step * lr;
  }
}

/* adamw(p, m, v, g, lr, beta1, beta2, eps, step, weightDecay, pOut, mOut, vOut): bias-corrected
 * for `step` (counted from 1); decoupled weight decay p *= 1 - lr * weightDecay. */
napi_value fk_adamw(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  typed_view p, m, v, g, po, mo, vo;
  double lr, b1, b2, eps, wd;
  int64_t step;
  if (get_args(env, info, 13, argv) || arg_float32(env, argv[0], "param", &p) || arg_float32(env, argv[1], "m", &m) ||
      arg_float32(env, argv[2], "v", &v) || arg_float32(env, argv[3], "grad", &g) || arg_double(env, argv[4], "lr", &lr) ||
      arg_double(env, argv[5], "beta1", &b1) || arg_double(env, argv[6], "beta2", &b2) || arg_double(env, argv[7], "eps", &eps) ||
      arg_int(env, argv[8], "step", 1, &step) || arg_double(env, argv[9], "weightDecay", &wd) ||
      arg_float32(env, argv[10], "paramOut", &po) || arg_float32(env, argv[11], "mOut", &mo) || arg_float32(env, argv[12], "vOut", &vo))
    return NULL;
  const size_t n = p.length;
  if (m.length != n || v.length != n || g.length != n || po.length < n || mo.length < n || vo.length < n)
    return throw_range(env, "fast-kernels: adamw wants param, m, v and grad of one size, the outputs as large");
  adamw_job job = {p.data, m.data, v.data, g.data, po.data, mo.data, vo.data, (float)lr, (float)b1, (float)b2, (float)eps,
                   (float)(1.0 - pow(b1, (double)step)), (float)(1.0 - pow(b2, (double)step)), (float)(1.0 - lr * wd), n, 1};
  if (n >= FK_PARALLEL_MIN_ELEMENTS) job.parts = fk_chunks(n, FK_PARALLEL_MIN_ELEMENTS / 4);
  fk_parallel_for(job.parts, adamw_part, &job, 0);
  return NULL;
}

typedef struct {
  const float *p, *u;
  float* out;
  float lr, decay_lr;
  size_t n, parts;
} cautious_job;

static void cautious_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const cautious_job* job = ctx;
  const float *restrict p_in = job->p, *restrict u_in = job->u;
  float* restrict out = job->out;
  const float lr = job->lr, decay_lr = job->decay_lr;
  for (size_t i = job->n * part / job->parts, end = job->n * (part + 1) / job->parts; i < end; i++) {
    const float p = p_in[i], u = u_in[i];
    const float agree = u * p >= 0.0f ? 1.0f : 0.0f;
    out[i] = p - (u * lr + (p * agree) * decay_lr);
  }
}

/* cautiousUpdate(p, u, lr, decayLr, out): out = p - (lr u + decayLr p [u p >= 0]) (Muon's step
 * with cautious weight decay: decay only where the update agrees in sign with the weight). */
napi_value fk_cautious_update(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  typed_view p, u, out;
  double lr, decay_lr;
  if (get_args(env, info, 5, argv) || arg_float32(env, argv[0], "param", &p) || arg_float32(env, argv[1], "update", &u) ||
      arg_double(env, argv[2], "lr", &lr) || arg_double(env, argv[3], "decayLr", &decay_lr) || arg_float32(env, argv[4], "out", &out))
    return NULL;
  if (u.length != p.length || out.length < p.length)
    return throw_range(env, "fast-kernels: cautiousUpdate wants param and update of one size, the output as large");
  cautious_job job = {p.data, u.data, out.data, (float)lr, (float)decay_lr, p.length, 1};
  if (p.length >= FK_PARALLEL_MIN_ELEMENTS) job.parts = fk_chunks(p.length, FK_PARALLEL_MIN_ELEMENTS / 4);
  fk_parallel_for(job.parts, cautious_part, &job, 0);
  return NULL;
}

typedef struct {
  const float *m, *g;
  float *m_out, *u_out;
  float beta;
  size_t n, parts;
} nesterov_job;

static void nesterov_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const nesterov_job* job = ctx;
  const float *restrict m_in = job->m, *restrict g_in = job->g;
  float *restrict m_out = job->m_out, *restrict u_out = job->u_out;
  const float beta = job->beta, rest = 1.0f - job->beta;
  for (size_t i = job->n * part / job->parts, end = job->n * (part + 1) / job->parts; i < end; i++) {
    const float g = g_in[i] * rest;
    const float m = m_in[i] * beta + g;
    m_out[i] = m;
    u_out[i] = g + m * beta;
  }
}

/* nesterovMomentum(m, g, beta, mOut, updateOut): mOut = beta m + (1 - beta) g and
 * updateOut = (1 - beta) g + beta mOut (Muon's Nesterov momentum). */
napi_value fk_nesterov_momentum(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  typed_view m, g, mo, uo;
  double beta;
  if (get_args(env, info, 5, argv) || arg_float32(env, argv[0], "momentum", &m) || arg_float32(env, argv[1], "grad", &g) ||
      arg_double(env, argv[2], "beta", &beta) || arg_float32(env, argv[3], "momentumOut", &mo) ||
      arg_float32(env, argv[4], "updateOut", &uo))
    return NULL;
  const size_t n = m.length;
  if (g.length != n || mo.length < n || uo.length < n)
    return throw_range(env, "fast-kernels: nesterovMomentum wants momentum and grad of one size, the outputs as large");
  nesterov_job job = {m.data, g.data, mo.data, uo.data, (float)beta, n, 1};
  if (n >= FK_PARALLEL_MIN_ELEMENTS) job.parts = fk_chunks(n, FK_PARALLEL_MIN_ELEMENTS / 4);
  fk_parallel_for(job.parts, nesterov_part, &job, 0);
  return NULL;
}

typedef struct {
  const float *x, *second;
  float *out, *second_out;
  size_t rows, cols, axis;
  float beta2;
  atomic_int out_of_memory;
} normuon_job;

/* One matrix: v = mean of x^2 along the reduced axis (per column for axis 1, per row for
 * axis 2), second' = second + (v - second)(1 - beta2), step = rsqrt(max(second', 1e-10)),
 * out = x step |x|_F / max(|x v step^2|..., 1e-10): NorMuon's normalisation, keeping the norm. */
static void normuon_entry(void* ctx, size_t e, int worker) {
  (void)worker;
  normuon_job* job = ctx;
  const size_t r = job->rows, c = job->cols, stats = job->axis == 1 ? c : r, reduced = job->axis == 1 ? r : c;
  const float* restrict x = job->x + e * r * c;
  float* restrict out = job->out + e * r * c;
  const float* restrict second = job->second + e * stats;
  float* restrict second_out = job->second_out + e * stats;
  float* v = malloc(2 * stats * sizeof(float));
  if (v == NULL) {
    atomic_store(&job->out_of_memory, 1);
    return;
  }
  float* restrict scale = v + stats;
  for (size_t k = 0; k < stats; k++) v[k] = 0.0f;
  if (job->axis == 1) {
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++) v[j] += x[i * c + j] * x[i * c + j];
  } else {
    for (size_t i = 0; i < r; i++) {
      float sum = 0.0f;
      for (size_t j = 0; j < c; j++) sum += x[i * c + j] * x[i * c + j];
      v[i] = sum;
    }
  }
  double total = 0.0, new_total = 0.0;
  for (size_t k = 0; k < stats; k++) {
    v[k] /= (float)reduced;
    const float s = second[k] + (v[k] - second[k]) * (1.0f - job->beta2);
    second_out[k] = s;
    const float step = 1.0f / sqrtf(s > 1e-10f ? s : 1e-10f);
    scale[k] = step;
    total += v[k];
    new_total += (double)v[k] * (float)reduced * step * step;
  }
  const float norm = sqrtf((float)total * (float)reduced), new_norm = sqrtf((float)new_total);
  const float factor = norm / (new_norm > 1e-10f ? new_norm : 1e-10f);
  for (size_t k = 0; k < stats; k++) scale[k] *= factor;
  if (job->axis == 1) {
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++) out[i * c + j] = x[i * c + j] * scale[j];
  } else {
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++) out[i * c + j] = x[i * c + j] * scale[i];
  }
  free(v);
}

/* normuon(x, batch, rows, cols, axis, second, beta2, out, secondOut): x [batch, rows, cols],
 * second [batch, 1, cols] (axis 1) or [batch, rows, 1] (axis 2). */
napi_value fk_normuon(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  typed_view x, second, out, second_out;
  int64_t batch, rows, cols, axis;
  double beta2;
  if (get_args(env, info, 9, argv) || arg_float32(env, argv[0], "x", &x) || arg_int(env, argv[1], "batch", 0, &batch) ||
      arg_int(env, argv[2], "rows", 1, &rows) || arg_int(env, argv[3], "cols", 1, &cols) || arg_int(env, argv[4], "axis", 1, &axis) ||
      arg_float32(env, argv[5], "second", &second) || arg_double(env, argv[6], "beta2", &beta2) ||
      arg_float32(env, argv[7], "out", &out) || arg_float32(env, argv[8], "secondOut", &second_out))
    return NULL;
  if (axis > 2) return throw_range(env, "fast-kernels: normuon axis must be 1 (per column) or 2 (per row)");
  const size_t n = (size_t)batch, size = (size_t)rows * (size_t)cols, stats = axis == 1 ? (size_t)cols : (size_t)rows;
  if (x.length != n * size || second.length != n * stats || out.length < n * size || second_out.length < n * stats)
    return throw_range(env, "fast-kernels: normuon wants x [batch, rows, cols], second [batch, 1, cols] or [batch, rows, 1], the outputs as large");
  normuon_job job = {x.data, second.data, out.data, second_out.data, (size_t)rows, (size_t)cols, (size_t)axis, (float)beta2, 0};
  atomic_init(&job.out_of_memory, 0);
  fk_parallel_for(n, normuon_entry, &job, n * size >= FK_PARALLEL_MIN_ELEMENTS ? 0 : 1);
  if (atomic_load(&job.out_of_memory)) return throw_range(env, "fast-kernels: normuon could not allocate its scratch space");
  return NULL;
}
