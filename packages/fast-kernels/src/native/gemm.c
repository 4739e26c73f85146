/* Batched single-precision GEMM over zero-copy TypedArray views.
 *
 * JS passes three Float32Arrays (usually views of the wasm heap) and one Uint32Array of
 * element offsets, a triple (a, b, c) per batch entry, so every broadcasting pattern of
 * tf.matMul reduces to one call. Matrices are row-major and contiguous: the leading
 * dimensions follow from the transpose flags. */
#include "kernels.h"

#include <stdio.h>

#include "blas.h"

#if defined(OPENBLAS_VERSION)
#include <pthread.h>
#define MAX_WORKERS 64
#endif

typedef struct {
  int trans_a, trans_b, m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float* a;
  const float* b;
  float* c;
  const uint32_t* offsets;
  size_t begin, end;
} gemm_range;

static void* run_range(void* arg) {
  const gemm_range* r = (const gemm_range*)arg;
  for (size_t i = r->begin; i < r->end; i++) {
    cblas_sgemm(CblasRowMajor, r->trans_a ? CblasTrans : CblasNoTrans, r->trans_b ? CblasTrans : CblasNoTrans, r->m, r->n,
                r->k, r->alpha, r->a + r->offsets[3 * i], r->lda, r->b + r->offsets[3 * i + 1], r->ldb, r->beta,
                r->c + r->offsets[3 * i + 2], r->ldc);
  }
  return NULL;
}

/* Small products (attention's per-head 256x256x64) gain little from OpenBLAS's threads inside
 * one GEMM; a batch of them runs faster split across threads that each run single-threaded
 * GEMMs. Returns 0 when it did not apply. */
static int run_batch_parallel(gemm_range* all, size_t batch) {
#if defined(OPENBLAS_VERSION)
  const int threads = openblas_get_num_threads();
  const double work = 2.0 * all->m * all->n * all->k;
  if (threads < 2 || batch < 2 || work > 64.0 * 1024 * 1024) return 0;
  const size_t workers = (size_t)threads < batch ? (size_t)threads : batch;
  gemm_range ranges[MAX_WORKERS];
  pthread_t ids[MAX_WORKERS];
  size_t started = 0;
  openblas_set_num_threads(1);
  for (size_t w = 0; w < workers && w < MAX_WORKERS; w++) {
    ranges[w] = *all;
    ranges[w].begin = batch * w / workers;
    ranges[w].end = batch * (w + 1) / workers;
  }
  for (size_t w = 1; w < workers && w < MAX_WORKERS; w++) {
    if (pthread_create(&ids[w], NULL, run_range, &ranges[w]) != 0) break;
    started = w;
  }
  run_range(&ranges[0]);
  /* Ranges whose thread did not start run here. */
  for (size_t w = started + 1; w < workers && w < MAX_WORKERS; w++) run_range(&ranges[w]);
  for (size_t w = 1; w <= started; w++) pthread_join(ids[w], NULL);
  openblas_set_num_threads(threads);
  return 1;
#else
  (void)all;
  (void)batch;
  return 0;
#endif
}

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

  gemm_range all = {trans_a, trans_b, (int)m, (int)n, (int)k, 0, 0, (int)n, (float)alpha, (float)beta,
                    (const float*)a.data, (const float*)b.data, (float*)c.data, off, 0, batch};
  all.lda = (int)(trans_a ? m : k);
  all.ldb = (int)(trans_b ? k : n);
  if (all.lda < 1) all.lda = 1;
  if (all.ldb < 1) all.ldb = 1;
  if (all.ldc < 1) all.ldc = 1;
  if (!run_batch_parallel(&all, batch)) run_range(&all);
  return NULL;
}
