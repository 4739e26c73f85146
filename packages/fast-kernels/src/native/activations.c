/* Fused activations of a transformer, forward and backward: attention's scaled and masked
 * softmax, y = softmax(scale x + mask), and the MLP's squared ReLU, y = max(x, 0)^2. As tfjs
 * kernels they are 3 and 2 passes over memory forward and 4-5 backward (Mul, Add, Softmax;
 * its gradient's Mul, Sum, Sub, Mul; Relu, Square, Step, ...); here one pass each way. */
#include <math.h>

#include "fast_exp.h"
#include "kernels.h"
#include "threads.h"

typedef struct {
  const float* x;    /* forward: scores; backward: y */
  const float* mask; /* forward: [mask_rows, channels]; backward: NULL */
  const float* dy;   /* backward only */
  float* out;
  size_t rows, channels, mask_rows, parts;
  float scale;
} softmax_job;

/* Row r uses mask row r % mask_rows (a [T, T] mask broadcast over batch and heads). */
static void masked_softmax_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const softmax_job* job = ctx;
  const size_t c = job->channels;
  const float scale = job->scale;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict x = job->x + r * c;
    const float* restrict m = job->mask + (r % job->mask_rows) * c;
    float* restrict o = job->out + r * c;
    float max = -INFINITY;
    for (size_t j = 0; j < c; j++) {
      o[j] = x[j] * scale + m[j];
      max = o[j] > max ? o[j] : max;
    }
    float sum = 0.0f;
    for (size_t j = 0; j < c; j++) {
      o[j] = fast_expf(o[j] - max);
      sum += o[j];
    }
    const float inverse = 1.0f / sum;
    for (size_t j = 0; j < c; j++) o[j] *= inverse;
  }
}

/* dx = scale y (dy - sum(dy y)), per row. */
static void softmax_backward_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const softmax_job* job = ctx;
  const size_t c = job->channels;
  for (size_t r = job->rows * part / job->parts, end = job->rows * (part + 1) / job->parts; r < end; r++) {
    const float* restrict y = job->x + r * c;
    const float* restrict dy = job->dy + r * c;
    float* restrict dx = job->out + r * c;
    float dot = 0.0f;
    for (size_t j = 0; j < c; j++) dot += dy[j] * y[j];
    for (size_t j = 0; j < c; j++) dx[j] = job->scale * (y[j] * (dy[j] - dot));
  }
}

static size_t row_parts(size_t rows, size_t channels) {
  return rows * channels >= FK_PARALLEL_MIN_ELEMENTS ? fk_chunks(rows, 1 + FK_PARALLEL_MIN_ELEMENTS / 4 / channels) : 1;
}

/* maskedSoftmax(x, mask, channels, scale, out): softmax(scale x + mask) over runs of `channels`,
 * mask [maskRows, channels] repeating over x's rows. */
napi_value fk_masked_softmax(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  typed_view x, mask, out;
  int64_t channels;
  double scale;
  if (get_args(env, info, 5, argv) || arg_float32(env, argv[0], "x", &x) || arg_float32(env, argv[1], "mask", &mask) ||
      arg_int(env, argv[2], "channels", 1, &channels) || arg_double(env, argv[3], "scale", &scale) ||
      arg_float32(env, argv[4], "out", &out))
    return NULL;
  const size_t c = (size_t)channels;
  if (x.length % c != 0 || mask.length % c != 0 || mask.length == 0 || (x.length / c) % (mask.length / c) != 0 ||
      out.length < x.length)
    return throw_range(env, "fast-kernels: maskedSoftmax wants x of whole mask blocks [.., rows, channels], the output as large");
  softmax_job job = {x.data, mask.data, NULL, out.data, x.length / c, c, mask.length / c, 1, (float)scale};
  job.parts = row_parts(job.rows, c);
  fk_parallel_for(job.parts, masked_softmax_part, &job, 0);
  return NULL;
}

/* softmaxBackward(y, dy, channels, scale, dx): the gradient of scale x -> softmax, given y. */
napi_value fk_softmax_backward(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  typed_view y, dy, dx;
  int64_t channels;
  double scale;
  if (get_args(env, info, 5, argv) || arg_float32(env, argv[0], "y", &y) || arg_float32(env, argv[1], "dy", &dy) ||
      arg_int(env, argv[2], "channels", 1, &channels) || arg_double(env, argv[3], "scale", &scale) ||
      arg_float32(env, argv[4], "dx", &dx))
    return NULL;
  const size_t c = (size_t)channels;
  if (y.length % c != 0 || dy.length != y.length || dx.length < y.length)
    return throw_range(env, "fast-kernels: softmaxBackward wants y and dy of whole rows of `channels`, dx as large");
  softmax_job job = {y.data, NULL, dy.data, dx.data, y.length / c, c, 1, 1, (float)scale};
  job.parts = row_parts(job.rows, c);
  fk_parallel_for(job.parts, softmax_backward_part, &job, 0);
  return NULL;
}

typedef struct {
  const float* x;
  const float* dy; /* backward only */
  float* out;
  size_t n, parts;
} relu_square_job;

static void relu_square_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const relu_square_job* job = ctx;
  const float* restrict x = job->x;
  float* restrict o = job->out;
  for (size_t i = job->n * part / job->parts, end = job->n * (part + 1) / job->parts; i < end; i++) {
    const float r = x[i] > 0.0f ? x[i] : 0.0f;
    o[i] = r * r;
  }
}

/* dx = 2 max(x, 0) dy. */
static void relu_square_backward_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const relu_square_job* job = ctx;
  const float *restrict x = job->x, *restrict dy = job->dy;
  float* restrict o = job->out;
  for (size_t i = job->n * part / job->parts, end = job->n * (part + 1) / job->parts; i < end; i++) {
    const float r = x[i] > 0.0f ? x[i] : 0.0f;
    o[i] = dy[i] * (2.0f * r);
  }
}

static size_t element_parts(size_t n) { return n >= FK_PARALLEL_MIN_ELEMENTS ? fk_chunks(n, FK_PARALLEL_MIN_ELEMENTS / 4) : 1; }

/* reluSquare(x, out) and reluSquareBackward(x, dy, dx). */
static napi_value relu_square(napi_env env, napi_callback_info info, int backward) {
  napi_value argv[3];
  typed_view x, dy = {0}, out;
  const size_t argc = backward ? 3 : 2;
  if (get_args(env, info, argc, argv) || arg_float32(env, argv[0], "x", &x) || (backward && arg_float32(env, argv[1], "dy", &dy)) ||
      arg_float32(env, argv[argc - 1], "out", &out))
    return NULL;
  if (out.length < x.length || (backward && dy.length != x.length))
    return throw_range(env, "fast-kernels: reluSquare wants x (and dy) of one size, the output as large");
  relu_square_job job = {x.data, dy.data, out.data, x.length, element_parts(x.length)};
  fk_parallel_for(job.parts, backward ? relu_square_backward_part : relu_square_part, &job, 0);
  return NULL;
}

napi_value fk_relu_square(napi_env env, napi_callback_info info) { return relu_square(env, info, 0); }
napi_value fk_relu_square_backward(napi_env env, napi_callback_info info) { return relu_square(env, info, 1); }
