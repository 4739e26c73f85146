/* x86-64 sgemm micro-kernels, compiled for AVX2+FMA and AVX-512F with function target
 * attributes so the addon builds with plain flags and picks one at run time. */
#include "gemm_builtin.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* Accumulators are named variables, not arrays: compilers keep arrays of vectors in memory.
 * ROWS_n(X) applies X to rows 0..n-1. */
#define ROWS_6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define ROWS_12(X) ROWS_6(X) X(6) X(7) X(8) X(9) X(10) X(11)

/* 6 x 16: 12 ymm accumulators, 2 B vectors and one broadcast A value per k step. */
#define AVX2_MR 6
#define AVX2_NR 16

__attribute__((target("avx2,fma"))) static void kernel_avx2(size_t k, const float* a, const float* b, float* c,
                                                             size_t ldc, float alpha, float beta) {
#define DECLARE(i) __m256 c##i##0 = _mm256_setzero_ps(), c##i##1 = _mm256_setzero_ps();
  ROWS_6(DECLARE)
#undef DECLARE
  for (size_t p = 0; p < k; p++) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#define STEP(i)                                          \
  {                                                      \
    const __m256 ai = _mm256_broadcast_ss(a + i);        \
    c##i##0 = _mm256_fmadd_ps(ai, b0, c##i##0);          \
    c##i##1 = _mm256_fmadd_ps(ai, b1, c##i##1);          \
  }
    ROWS_6(STEP)
#undef STEP
    a += AVX2_MR;
    b += AVX2_NR;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  if (beta == 0.0f) {
#define STORE(i)                                                        \
  _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(c##i##0, va));            \
  _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(c##i##1, va));
    ROWS_6(STORE)
#undef STORE
  } else {
#define UPDATE(i)                                                                                        \
  _mm256_storeu_ps(c + i * ldc, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + i * ldc), _mm256_mul_ps(c##i##0, va))); \
  _mm256_storeu_ps(c + i * ldc + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + i * ldc + 8), _mm256_mul_ps(c##i##1, va)));
    ROWS_6(UPDATE)
#undef UPDATE
  }
}

/* 12 x 32: 24 zmm accumulators, 2 B vectors and one broadcast per k step. */
#define AVX512_MR 12
#define AVX512_NR 32

__attribute__((target("avx512f"))) static void kernel_avx512(size_t k, const float* a, const float* b, float* c,
                                                              size_t ldc, float alpha, float beta) {
#define DECLARE(i) __m512 c##i##0 = _mm512_setzero_ps(), c##i##1 = _mm512_setzero_ps();
  ROWS_12(DECLARE)
#undef DECLARE
  for (size_t p = 0; p < k; p++) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#define STEP(i)                                          \
  {                                                      \
    const __m512 ai = _mm512_set1_ps(a[i]);              \
    c##i##0 = _mm512_fmadd_ps(ai, b0, c##i##0);          \
    c##i##1 = _mm512_fmadd_ps(ai, b1, c##i##1);          \
  }
    ROWS_12(STEP)
#undef STEP
    a += AVX512_MR;
    b += AVX512_NR;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  if (beta == 0.0f) {
#define STORE(i)                                                        \
  _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(c##i##0, va));            \
  _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(c##i##1, va));
    ROWS_12(STORE)
#undef STORE
  } else {
#define UPDATE(i)                                                                                          \
  _mm512_storeu_ps(c + i * ldc, _mm512_fmadd_ps(vb, _mm512_loadu_ps(c + i * ldc), _mm512_mul_ps(c##i##0, va))); \
  _mm512_storeu_ps(c + i * ldc + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(c + i * ldc + 16), _mm512_mul_ps(c##i##1, va)));
    ROWS_12(UPDATE)
#undef UPDATE
  }
}

const fk_kernel_info* fk_kernel_avx2(void) {
  static const fk_kernel_info info = {"avx2", AVX2_MR, AVX2_NR, kernel_avx2};
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &info : NULL;
}

const fk_kernel_info* fk_kernel_avx512(void) {
  static const fk_kernel_info info = {"avx512", AVX512_MR, AVX512_NR, kernel_avx512};
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? &info : NULL;
}

#else
const fk_kernel_info* fk_kernel_avx2(void) { return NULL; }
const fk_kernel_info* fk_kernel_avx512(void) { return NULL; }
#endif
