/* Batched single-precision GEMM over zero-copy TypedArray views.
 *
 * JS passes three Float32Arrays (usually views of the wasm heap) and one Uint32Array of
 * element offsets, a triple (a, b, c) per batch entry, so every broadcasting pattern of
 * tf.matMul reduces to one call. Matrices are row-major and contiguous: the leading
 * dimensions follow from the transpose flags. The product runs on the built-in GEMM
 * (gemm_builtin.c) or, where the addon was built with one, the system BLAS: useGemm picks. */
#include "kernels.h"

#include <stdio.h>
#include <string.h>

#include "gemm_builtin.h"
#include "threads.h"

#ifdef FK_HAVE_BLAS
#include "blas.h"

static int use_blas = 1;

static void blas_range(const fk_gemm_job* job, size_t begin, size_t end) {
  for (size_t i = begin; i < end; i++) {
    const uint32_t* off = job->offsets + 3 * i;
    if (job->lower) {
      /* op(A) op(A)^T into C's lower triangle (row-major). */
      cblas_ssyrk(CblasRowMajor, CblasLower, job->trans_a ? CblasTrans : CblasNoTrans, (int)job->m, (int)job->k, job->alpha,
                  job->a + off[0], (int)job->lda, job->beta, job->c + off[2], (int)job->ldc);
      continue;
    }
    cblas_sgemm(CblasRowMajor, job->trans_a ? CblasTrans : CblasNoTrans, job->trans_b ? CblasTrans : CblasNoTrans,
                (int)job->m, (int)job->n, (int)job->k, job->alpha, job->a + off[0], (int)job->lda, job->b + off[1],
                (int)job->ldb, job->beta, job->c + off[2], (int)job->ldc);
  }
}

#if defined(OPENBLAS_VERSION)
static void blas_entry(void* ctx, size_t task, int worker) {
  (void)worker;
  blas_range(ctx, task, task + 1);
}
#endif

/* Small products (attention's per-head 256x256x64) gain little from OpenBLAS's threads inside
 * one GEMM; a batch of them runs faster with the entries spread over our pool, each a
 * single-threaded GEMM. */
static void blas_gemm(const fk_gemm_job* job) {
#if defined(OPENBLAS_VERSION)
  const int threads = openblas_get_num_threads();
  const double work = 2.0 * job->m * job->n * job->k;
  if (threads >= 2 && job->batch >= 2 && work <= 64.0 * 1024 * 1024) {
    openblas_set_num_threads(1);
    fk_parallel_for(job->batch, blas_entry, (void*)job, threads);
    openblas_set_num_threads(threads);
    return;
  }
#endif
  blas_range(job, 0, job->batch);
}
#endif

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

  fk_gemm_job job = {trans_a, trans_b, (size_t)m, (size_t)n, (size_t)k, 0, 0, (size_t)n, (float)alpha, (float)beta,
                     (const float*)a.data, (const float*)b.data, (float*)c.data, off, batch, 0};
  job.lda = (size_t)(trans_a ? m : k);
  job.ldb = (size_t)(trans_b ? k : n);
  if (job.lda < 1) job.lda = 1;
  if (job.ldb < 1) job.ldb = 1;
  if (fk_gemm_run(&job) != 0) return throw_range(env, "fast-kernels: sgemm could not allocate its packing buffers");
  return NULL;
}

int fk_gemm_run(const fk_gemm_job* job) {
  if (job->m == 0 || job->n == 0 || job->batch == 0) return 0;
#ifdef FK_HAVE_BLAS
  if (use_blas) {
    blas_gemm(job);
    return 0;
  }
#endif
  return fk_gemm_builtin(job);
}

/* gemmInfo(): { active, kernel, kernels, blas, threads } — what the next sgemm runs on. */
napi_value fk_gemm_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, value, list;
  napi_create_object(env, &result);
  const fk_kernel_info* kernel = fk_gemm_kernel();
#ifdef FK_HAVE_BLAS
  napi_create_string_utf8(env, use_blas ? "blas" : "builtin", NAPI_AUTO_LENGTH, &value);
#else
  napi_create_string_utf8(env, "builtin", NAPI_AUTO_LENGTH, &value);
#endif
  napi_set_named_property(env, result, "active", value);
  napi_create_string_utf8(env, kernel->name, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, result, "kernel", value);
  const fk_kernel_info* kernels[4];
  const size_t count = fk_gemm_kernels(kernels, 4);
  napi_create_array_with_length(env, count, &list);
  for (size_t i = 0; i < count; i++) {
    napi_create_string_utf8(env, kernels[i]->name, NAPI_AUTO_LENGTH, &value);
    napi_set_element(env, list, (uint32_t)i, value);
  }
  napi_set_named_property(env, result, "kernels", list);
#if defined(FK_HAVE_BLAS) && defined(OPENBLAS_VERSION)
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &value);
#elif defined(FK_HAVE_BLAS) && defined(__APPLE__)
  napi_create_string_utf8(env, "Accelerate", NAPI_AUTO_LENGTH, &value);
#elif defined(FK_HAVE_BLAS)
  napi_create_string_utf8(env, "CBLAS", NAPI_AUTO_LENGTH, &value);
#else
  napi_get_null(env, &value);
#endif
  napi_set_named_property(env, result, "blas", value);
  napi_create_int32(env, fk_threads(), &value);
  napi_set_named_property(env, result, "threads", value);
  return result;
}

/* useGemm(name): "blas", "builtin", or a built-in kernel ("avx512", "avx2", "neon",
 * "generic"); throws when this build or CPU lacks it. */
napi_value fk_use_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv) != 0) return NULL;
  char name[32];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "fast-kernels: argument 'name' must be a string");
    return NULL;
  }
  if (strcmp(name, "blas") == 0) {
#ifdef FK_HAVE_BLAS
    use_blas = 1;
    return NULL;
#else
    return throw_range(env, "fast-kernels: this addon was built without a system BLAS");
#endif
  }
  if (strcmp(name, "builtin") != 0 && !fk_gemm_use_kernel(name)) {
    char message[96];
    snprintf(message, sizeof message, "fast-kernels: no GEMM kernel '%s' on this machine", name);
    return throw_range(env, message);
  }
#ifdef FK_HAVE_BLAS
  use_blas = 0;
#endif
  return NULL;
}

/* setThreads(n): the pool's threads and OpenBLAS's; returns the count in use. */
napi_value fk_set_threads_api(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t threads;
  if (get_args(env, info, 1, argv) || arg_int(env, argv[0], "threads", 1, &threads)) return NULL;
  const int count = fk_set_threads(threads > FK_MAX_THREADS ? FK_MAX_THREADS : (int)threads);
#if defined(FK_HAVE_BLAS) && defined(OPENBLAS_VERSION)
  openblas_set_num_threads(count);
#endif
  napi_value result;
  napi_create_int32(env, count, &result);
  return result;
}
