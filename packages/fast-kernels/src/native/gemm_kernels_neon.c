/* arm64 sgemm micro-kernel: 8 x 12 with 24 q-register accumulators, A and B as vectors and
 * fused multiply-adds by lane. NEON is part of every arm64 CPU, so no run-time check. */
#include "gemm_builtin.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

#define NEON_MR 8
#define NEON_NR 12

#define FMA_ROW(i, av, lane)                                  \
  acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, av, lane);       \
  acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, av, lane);       \
  acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, av, lane);

static void kernel_neon(size_t k, const float* a, const float* b, float* c, size_t ldc, float alpha, float beta) {
  float32x4_t acc[NEON_MR][3];
  for (int i = 0; i < NEON_MR; i++) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
  for (size_t p = 0; p < k; p++) {
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    FMA_ROW(0, a0, 0)
    FMA_ROW(1, a0, 1)
    FMA_ROW(2, a0, 2)
    FMA_ROW(3, a0, 3)
    FMA_ROW(4, a1, 0)
    FMA_ROW(5, a1, 1)
    FMA_ROW(6, a1, 2)
    FMA_ROW(7, a1, 3)
    a += NEON_MR;
    b += NEON_NR;
  }
  for (int i = 0; i < NEON_MR; i++) {
    float* row = c + (size_t)i * ldc;
    for (int j = 0; j < 3; j++) {
      float32x4_t r = vmulq_n_f32(acc[i][j], alpha);
      if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(row + 4 * j), beta);
      vst1q_f32(row + 4 * j, r);
    }
  }
}

const fk_kernel_info* fk_kernel_neon(void) {
  static const fk_kernel_info info = {"neon", NEON_MR, NEON_NR, kernel_neon};
  return &info;
}

#else
const fk_kernel_info* fk_kernel_neon(void) { return NULL; }
#endif
