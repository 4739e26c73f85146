/* The built-in sgemm: packed, register-blocked micro-kernels picked at run time for the CPU
 * (AVX-512, AVX2+FMA, NEON, or portable C), threaded over the pool in threads.h. */
#ifndef FAST_KERNELS_GEMM_BUILTIN_H
#define FAST_KERNELS_GEMM_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

/* One batched product: for each batch entry i, C_i = alpha * op(A_i) * op(B_i) + beta * C_i
 * with A_i = a + offsets[3i], B_i = b + offsets[3i + 1], C_i = c + offsets[3i + 2]; row-major
 * with leading dimensions lda, ldb, ldc (elements). */
typedef struct {
  int trans_a, trans_b;
  size_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float* a;
  const float* b;
  float* c;
  const uint32_t* offsets;
  size_t batch;
  /* SYRK: set only with b == a, trans_b == !trans_a and m == n, so each C_i is symmetric;
   * only the micro-tiles that touch its lower triangle (i >= j) are computed, about half the
   * work, and its strict upper triangle is unspecified afterwards (mirror it if needed). */
  int lower;
} fk_gemm_job;

/* A register-blocked micro-kernel: C[MR x NR] (row stride ldc) = alpha * Ap * Bp + beta * C,
 * Ap packed MR floats per k step, Bp NR floats per k step. beta == 0 never reads C. */
typedef void (*fk_micro_kernel)(size_t k, const float* a, const float* b, float* c, size_t ldc, float alpha, float beta);

typedef struct {
  const char* name; /* "avx512", "avx2", "neon", "generic" */
  size_t mr, nr;
  fk_micro_kernel kernel;
} fk_kernel_info;

/* The kernels this build has and this CPU runs, fastest first (at most 4). */
size_t fk_gemm_kernels(const fk_kernel_info** out, size_t max);
/* Selects a kernel by name; returns 0 when it is not available here. */
int fk_gemm_use_kernel(const char* name);
const fk_kernel_info* fk_gemm_kernel(void);

/* Returns 0, or -1 when a packing buffer could not be allocated. */
int fk_gemm_builtin(const fk_gemm_job* job);
/* The same on the GEMM useGemm selected (gemm.c): the built-in one or the system BLAS. */
int fk_gemm_run(const fk_gemm_job* job);

/* Kernels, defined in gemm_kernels_*.c; NULL-returning getters where not compiled in. */
const fk_kernel_info* fk_kernel_avx512(void);
const fk_kernel_info* fk_kernel_avx2(void);
const fk_kernel_info* fk_kernel_neon(void);
const fk_kernel_info* fk_kernel_generic(void);

#endif
