/* Element-wise float32 unary ops (Square, Sqrt, Rsqrt, Neg, Relu) and Softmax over the last
 * axis, split across the thread pool when large: tfjs's wasm kernels for them run on one
 * thread in Node. */
#include <math.h>

#include "fast_exp.h"
#include "kernels.h"
#include "threads.h"

enum { OP_SQUARE = 0, OP_SQRT = 1, OP_RSQRT = 2, OP_NEG = 3, OP_RELU = 4, OP_COUNT = 5 };

typedef struct {
  int op;
  const float* x;
  float* out;
  size_t n, parts;
} unary_job;

static void unary_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const unary_job* job = ctx;
  const size_t begin = job->n * part / job->parts, end = job->n * (part + 1) / job->parts;
  const float* restrict x = job->x;
  float* restrict o = job->out;
  switch (job->op) {
    case OP_SQUARE:
      for (size_t i = begin; i < end; i++) o[i] = x[i] * x[i];
      break;
    case OP_SQRT:
      for (size_t i = begin; i < end; i++) o[i] = sqrtf(x[i]);
      break;
    case OP_RSQRT:
      for (size_t i = begin; i < end; i++) o[i] = 1.0f / sqrtf(x[i]);
      break;
    case OP_NEG:
      for (size_t i = begin; i < end; i++) o[i] = -x[i];
      break;
    default:
      for (size_t i = begin; i < end; i++) o[i] = x[i] > 0.0f ? x[i] : 0.0f;
      break;
  }
}

static size_t parts_for(size_t n) { return n >= FK_PARALLEL_MIN_ELEMENTS ? fk_chunks(n, FK_PARALLEL_MIN_ELEMENTS / 4) : 1; }

/* unary(op, x, out): op 0 square, 1 sqrt, 2 rsqrt, 3 neg, 4 relu. */
napi_value fk_unary(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int64_t op;
  typed_view x, out;
  if (get_args(env, info, 3, argv) || arg_int(env, argv[0], "op", 0, &op) || arg_float32(env, argv[1], "x", &x) ||
      arg_float32(env, argv[2], "out", &out))
    return NULL;
  if (op >= OP_COUNT) return throw_range(env, "fast-kernels: unary op must be 0 (square), 1 (sqrt), 2 (rsqrt), 3 (neg) or 4 (relu)");
  if (out.length < x.length) return throw_range(env, "fast-kernels: unary output is smaller than its input");
  unary_job job = {(int)op, x.data, out.data, x.length, parts_for(x.length)};
  fk_parallel_for(job.parts, unary_part, &job, 0);
  return NULL;
}

typedef struct {
  const float* x;
  float* out;
  size_t rows, channels, parts;
} softmax_job;

static void softmax_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const softmax_job* job = ctx;
  const size_t c = job->channels;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict x = job->x + r * c;
    float* restrict o = job->out + r * c;
    float max = x[0];
    for (size_t j = 1; j < c; j++) max = x[j] > max ? x[j] : max;
    float sum = 0.0f;
    for (size_t j = 0; j < c; j++) {
      o[j] = fast_expf(x[j] - max);
      sum += o[j];
    }
    const float scale = 1.0f / sum;
    for (size_t j = 0; j < c; j++) o[j] *= scale;
  }
}

/* softmax(x, channels, out): softmax over each run of `channels` elements. */
napi_value fk_softmax(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int64_t channels;
  typed_view x, out;
  if (get_args(env, info, 3, argv) || arg_float32(env, argv[0], "x", &x) || arg_int(env, argv[1], "channels", 1, &channels) ||
      arg_float32(env, argv[2], "out", &out))
    return NULL;
  if (x.length % (size_t)channels != 0 || out.length < x.length)
    return throw_range(env, "fast-kernels: softmax input must be whole rows of `channels`, the output as large");
  softmax_job job = {x.data, out.data, x.length / (size_t)channels, (size_t)channels, 1};
  if (x.length >= FK_PARALLEL_MIN_ELEMENTS) job.parts = fk_chunks(job.rows, 1 + FK_PARALLEL_MIN_ELEMENTS / 4 / (size_t)channels);
  fk_parallel_for(job.parts, softmax_part, &job, 0);
  return NULL;
}
