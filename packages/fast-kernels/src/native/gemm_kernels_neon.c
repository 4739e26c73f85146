/* arm64 sgemm micro-kernel: 8 x 12 with 24 q-register accumulators, A and B as vectors and
 * fused multiply-adds by lane. NEON is part of every arm64 CPU, so no run-time check. */
#include "gemm_builtin.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

#define NEON_MR 8
#define NEON_NR 12

/* Accumulators are named variables, not arrays: compilers keep arrays of vectors in memory. */
#define ROWS_8(X) X(0, a0, 0) X(1, a0, 1) X(2, a0, 2) X(3, a0, 3) X(4, a1, 0) X(5, a1, 1) X(6, a1, 2) X(7, a1, 3)

static void kernel_neon(size_t k, const float* a, const float* b, float* c, size_t ldc, float alpha, float beta) {
#define DECLARE(i, av, lane) float32x4_t c##i##0 = vdupq_n_f32(0.0f), c##i##1 = c##i##0, c##i##2 = c##i##0;
  ROWS_8(DECLARE)
#undef DECLARE
  for (size_t p = 0; p < k; p++) {
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
#define STEP(i, av, lane)                              \
  c##i##0 = vfmaq_laneq_f32(c##i##0, b0, av, lane);    \
  c##i##1 = vfmaq_laneq_f32(c##i##1, b1, av, lane);    \
  c##i##2 = vfmaq_laneq_f32(c##i##2, b2, av, lane);
    ROWS_8(STEP)
#undef STEP
    a += NEON_MR;
    b += NEON_NR;
  }
#define STORE(i, av, lane)                                                              \
  {                                                                                     \
    float* row = c + (size_t)i * ldc;                                                   \
    float32x4_t r0 = vmulq_n_f32(c##i##0, alpha), r1 = vmulq_n_f32(c##i##1, alpha),     \
                r2 = vmulq_n_f32(c##i##2, alpha);                                       \
    if (beta != 0.0f) {                                                                 \
      r0 = vfmaq_n_f32(r0, vld1q_f32(row), beta);                                       \
      r1 = vfmaq_n_f32(r1, vld1q_f32(row + 4), beta);                                   \
      r2 = vfmaq_n_f32(r2, vld1q_f32(row + 8), beta);                                   \
    }                                                                                   \
    vst1q_f32(row, r0);                                                                 \
    vst1q_f32(row + 4, r1);                                                             \
    vst1q_f32(row + 8, r2);                                                             \
  }
  ROWS_8(STORE)
#undef STORE
}

const fk_kernel_info* fk_kernel_neon(void) {
  static const fk_kernel_info info = {"neon", NEON_MR, NEON_NR, kernel_neon};
  return &info;
}

#else
const fk_kernel_info* fk_kernel_neon(void) { return NULL; }
#endif
