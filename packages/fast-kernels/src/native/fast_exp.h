/* A vectorisable expf shared by the kernels that need exponentials. */
#ifndef FAST_KERNELS_FAST_EXP_H
#define FAST_KERNELS_FAST_EXP_H

#include <stdint.h>
#include <string.h>

/* exp(x) for x in [-87, 88] to ~2 ulp, written with plain float/int ops so the compiler
 * vectorises the loops that call it (libm's expf is a scalar call). Rounding to the nearest
 * integer uses the 1.5 * 2^23 trick, which needs no floorf/rint call. */
static inline float fast_expf(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

#endif
