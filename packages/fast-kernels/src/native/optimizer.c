/* Fused optimizer updates: an AdamW step and Muon's cautious update, each one pass over the
 * parameter and its state instead of a chain of ~10 element-wise tfjs kernels (each a pass
 * over memory and an output allocation). The arithmetic follows the canvas's stock-op chains
 * step by step, so the two agree to float32 rounding. */
#include "kernels.h"

#include <math.h>

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
