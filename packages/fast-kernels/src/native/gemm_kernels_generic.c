/* Portable sgemm micro-kernel (4 x 8) in C with GCC/clang vector extensions, for CPUs without
 * a dedicated kernel. */
#include "gemm_builtin.h"

#define GENERIC_MR 4
#define GENERIC_NR 8

/* GCC and clang lower 8-float vectors to whatever the target has (two SSE or NEON halves). */
typedef float v8f __attribute__((vector_size(32)));

static void kernel_generic(size_t k, const float* a, const float* b, float* c, size_t ldc, float alpha, float beta) {
  v8f c0 = {0}, c1 = {0}, c2 = {0}, c3 = {0};
  for (size_t p = 0; p < k; p++) {
    v8f bv;
    __builtin_memcpy(&bv, b, sizeof bv);
    c0 += a[0] * bv;
    c1 += a[1] * bv;
    c2 += a[2] * bv;
    c3 += a[3] * bv;
    a += GENERIC_MR;
    b += GENERIC_NR;
  }
  const v8f rows[GENERIC_MR] = {c0, c1, c2, c3};
  for (int i = 0; i < GENERIC_MR; i++) {
    float* row = c + (size_t)i * ldc;
    for (int j = 0; j < GENERIC_NR; j++) row[j] = alpha * rows[i][j] + (beta != 0.0f ? beta * row[j] : 0.0f);
  }
}

const fk_kernel_info* fk_kernel_generic(void) {
  static const fk_kernel_info info = {"generic", GENERIC_MR, GENERIC_NR, kernel_generic};
  return &info;
}
