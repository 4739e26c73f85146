/* Batched single-precision GEMM over zero-copy TypedArray views.
 *
 * JS passes three Float32Arrays (usually views of the wasm heap) and one Uint32Array of
 * element offsets, a triple (a, b, c) per batch entry, so every broadcasting pattern of
 * tf.matMul reduces to one call. Matrices are row-major and contiguous: the leading
 * dimensions follow from the transpose flags. */
#include "kernels.h"

#include <stdio.h>

#include "blas.h"

napi_value fk_sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (get_args(env, info, 11, argv) != 0) return NULL;
  int trans_a, trans_b;
  int64_t m, n, k;
  double alpha, beta;
  typed_view a, b, c, offsets;
  if (arg_bool(env, argv[0], "transA", &trans_a) || arg_bool(env, argv[1], "transB", &trans_b) ||
      arg_int(env, argv[2], "m", 0, &m) || arg_int(env, argv[3], "n", 0, &n) ||
      arg_int(env, argv[4], "k", 0, &k) || arg_double(env, argv[5], "alpha", &alpha) ||
      arg_float32(env, argv[6], "a", &a) || arg_float32(env, argv[7], "b", &b) ||
      arg_double(env, argv[8], "beta", &beta) || arg_float32(env, argv[9], "c", &c) ||
      arg_typed(env, argv[10], "offsets", 4, &offsets))
    return NULL;
  if (offsets.type != napi_uint32_array || offsets.length % 3 != 0)
    return throw_range(env, "fast-kernels: sgemm offsets must be a Uint32Array of (a, b, c) triples");
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX)
    return throw_range(env, "fast-kernels: sgemm dimensions exceed the BLAS int range");

  const size_t batch = offsets.length / 3;
  const uint32_t* off = (const uint32_t*)offsets.data;
  const size_t a_size = (size_t)m * (size_t)k, b_size = (size_t)k * (size_t)n, c_size = (size_t)m * (size_t)n;
  /* Check every operand range before touching memory: a bad offset must throw, not crash. */
  for (size_t i = 0; i < batch; i++) {
    if ((size_t)off[3 * i] + a_size > a.length || (size_t)off[3 * i + 1] + b_size > b.length ||
        (size_t)off[3 * i + 2] + c_size > c.length) {
      char message[160];
      snprintf(message, sizeof message, "fast-kernels: sgemm batch entry %zu reads or writes outside its array", i);
      return throw_range(env, message);
    }
  }
  if (m == 0 || n == 0) return NULL;

  const float* pa = (const float*)a.data;
  const float* pb = (const float*)b.data;
  float* pc = (float*)c.data;
  const int lda = (int)(trans_a ? m : k), ldb = (int)(trans_b ? k : n), ldc = (int)n;
  for (size_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, (float)alpha, pa + off[3 * i], lda > 0 ? lda : 1, pb + off[3 * i + 1],
                ldb > 0 ? ldb : 1, (float)beta, pc + off[3 * i + 2], ldc > 0 ? ldc : 1);
  }
  return NULL;
}
