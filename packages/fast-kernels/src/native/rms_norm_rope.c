/* Fused forward and backward passes of two small layers a transformer calls many times a
 * step: a weightless RMSNorm over the last axis and rotary position embeddings (RoPE). As
 * chains of tfjs kernels they cost 5 (RMSNorm) and 7 (RoPE) passes over memory forward and
 * about twice that backward, several of them on tfjs's single-threaded wasm kernels; here
 * each pass reads its inputs once. */
#include <math.h>

#include "kernels.h"
#include "threads.h"

typedef struct {
  const float* x;
  const float* dy; /* backward only */
  float* out;
  size_t rows, channels, parts;
  float eps;
} rms_job;

/* y = x * r with r = 1 / sqrt(mean(x^2) + eps), per row. */
static void rms_forward_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const rms_job* job = ctx;
  const size_t c = job->channels;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict x = job->x + r * c;
    float* restrict y = job->out + r * c;
    float ss = 0.0f;
    for (size_t j = 0; j < c; j++) ss += x[j] * x[j];
    const float scale = 1.0f / sqrtf(ss / (float)c + job->eps);
    for (size_t j = 0; j < c; j++) y[j] = x[j] * scale;
  }
}

/* dx = r * dy - x * r^3 * mean(dy * x), per row. */
static void rms_backward_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const rms_job* job = ctx;
  const size_t c = job->channels;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict x = job->x + r * c;
    const float* restrict dy = job->dy + r * c;
    float* restrict dx = job->out + r * c;
    float ss = 0.0f, dot = 0.0f;
    for (size_t j = 0; j < c; j++) {
      ss += x[j] * x[j];
      dot += dy[j] * x[j];
    }
    const float scale = 1.0f / sqrtf(ss / (float)c + job->eps);
    const float k = scale * scale * scale * dot / (float)c;
    for (size_t j = 0; j < c; j++) dx[j] = scale * dy[j] - k * x[j];
  }
}

static size_t row_parts(size_t rows, size_t channels) {
  return rows * channels >= FK_PARALLEL_MIN_ELEMENTS ? fk_chunks(rows, 1 + FK_PARALLEL_MIN_ELEMENTS / 4 / channels) : 1;
}

/* rmsNorm(x, channels, eps, out) and rmsNormBackward(x, dy, channels, eps, dx). */
static napi_value rms_norm(napi_env env, napi_callback_info info, int backward) {
  napi_value argv[5];
  typed_view x, dy = {0}, out;
  int64_t channels;
  double eps;
  const size_t argc = backward ? 5 : 4;
  if (get_args(env, info, argc, argv) || arg_float32(env, argv[0], "x", &x) ||
      (backward && arg_float32(env, argv[1], "dy", &dy)) || arg_int(env, argv[argc - 3], "channels", 1, &channels) ||
      arg_double(env, argv[argc - 2], "eps", &eps) || arg_float32(env, argv[argc - 1], "out", &out))
    return NULL;
  if (x.length % (size_t)channels != 0 || out.length < x.length || (backward && dy.length < x.length))
    return throw_range(env, "fast-kernels: rmsNorm input must be whole rows of `channels`, dy and the output as large");
  rms_job job = {x.data, dy.data, out.data, x.length / (size_t)channels, (size_t)channels, 1, (float)eps};
  job.parts = row_parts(job.rows, job.channels);
  fk_parallel_for(job.parts, backward ? rms_backward_part : rms_forward_part, &job, 0);
  return NULL;
}

napi_value fk_rms_norm(napi_env env, napi_callback_info info) { return rms_norm(env, info, 0); }
napi_value fk_rms_norm_backward(napi_env env, napi_callback_info info) { return rms_norm(env, info, 1); }

typedef struct {
  const float* x;
  const float* cos;
  const float* sin;
  float* out;
  size_t rows, positions, half, parts;
  float sign; /* +1 rotates forward, -1 backward (the transpose of the rotation) */
} rope_job;

/* Row r of x [..., positions, 2 half] holds position r % positions; its halves (x1, x2) become
 * (x1 cos + x2 sin, x2 cos - x1 sin) with the sign of sin flipped backward. */
static void rope_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const rope_job* job = ctx;
  const size_t h = job->half;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict x = job->x + r * 2 * h;
    float* restrict y = job->out + r * 2 * h;
    const float* restrict c = job->cos + (r % job->positions) * h;
    const float* restrict s = job->sin + (r % job->positions) * h;
    const float sign = job->sign;
    for (size_t j = 0; j < h; j++) {
      const float x1 = x[j], x2 = x[h + j], sj = sign * s[j];
      y[j] = x1 * c[j] + x2 * sj;
      y[h + j] = x2 * c[j] - x1 * sj;
    }
  }
}

/* rope(x, cos, sin, positions, inverse, out): cos and sin are [positions, half], x has rows of
 * 2 half elements, positions consecutive rows per sequence. */
napi_value fk_rope(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  typed_view x, cos_v, sin_v, out;
  int64_t positions;
  int inverse;
  if (get_args(env, info, 6, argv) || arg_float32(env, argv[0], "x", &x) || arg_float32(env, argv[1], "cos", &cos_v) ||
      arg_float32(env, argv[2], "sin", &sin_v) || arg_int(env, argv[3], "positions", 1, &positions) ||
      arg_bool(env, argv[4], "inverse", &inverse) || arg_float32(env, argv[5], "out", &out))
    return NULL;
  const size_t p = (size_t)positions;
  if (cos_v.length != sin_v.length || cos_v.length % p != 0 || cos_v.length == 0)
    return throw_range(env, "fast-kernels: rope tables must both be [positions, half]");
  const size_t half = cos_v.length / p;
  if (x.length % (2 * half * p) != 0 || out.length < x.length)
    return throw_range(env, "fast-kernels: rope input must be whole sequences of [positions, 2 half], the output as large");
  rope_job job = {x.data, cos_v.data, sin_v.data, out.data, x.length / (2 * half), p, half, 1, inverse ? -1.0f : 1.0f};
  job.parts = row_parts(job.rows, 2 * half);
  fk_parallel_for(job.parts, rope_part, &job, 0);
  return NULL;
}
