/* The built-in GEMM outside Node: every micro-kernel this CPU has, on 200 random shapes each
 * (odd sizes, all transposes, batches, alpha and beta, a few crossing the packing blocks),
 * against a double-precision loop, norm-wise relative error <= 1e-4. check-arm64.sh builds it
 * for arm64 and runs it under qemu, the one way to run the NEON kernel on an x86 machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "gemm_builtin.h"
#include "threads.h"
static float rnd(void) { return (float)rand() / RAND_MAX * 2 - 1; }
int main(void) {
  const fk_kernel_info* ks[4];
  size_t nk = fk_gemm_kernels(ks, 4);
  int fails = 0;
  for (size_t ki = 0; ki < nk; ki++) {
    fk_gemm_use_kernel(ks[ki]->name);
    for (int t = 0; t < 200; t++) {
      size_t m = 1 + rand() % 70, n = 1 + rand() % 70, k = 1 + rand() % 300, batch = 1 + rand() % 3;
      if (t % 50 == 0) { m = 150 + rand() % 100; n = 200; k = 300; }
      int ta = t & 1, tb = (t >> 1) & 1;
      float alpha = t % 5 ? 1.0f : 0.7f, beta = t % 3 == 0 ? 0.0f : 0.5f;
      float *a = malloc(batch * m * k * 4), *b = malloc(batch * k * n * 4), *c = malloc(batch * m * n * 4), *c0 = malloc(batch * m * n * 4);
      uint32_t* off = malloc(batch * 12);
      for (size_t i = 0; i < batch * m * k; i++) a[i] = rnd();
      for (size_t i = 0; i < batch * k * n; i++) b[i] = rnd();
      for (size_t i = 0; i < batch * m * n; i++) c[i] = c0[i] = rnd();
      for (size_t e = 0; e < batch; e++) { off[3 * e] = e * m * k; off[3 * e + 1] = e * k * n; off[3 * e + 2] = e * m * n; }
      fk_gemm_job job = {ta, tb, m, n, k, ta ? m : k, tb ? k : n, n, alpha, beta, a, b, c, off, batch};
      fk_gemm_builtin(&job);
      double diff = 0, scale = 0;
      for (size_t e = 0; e < batch; e++)
        for (size_t i = 0; i < m; i++)
          for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t p = 0; p < k; p++)
              s += (double)(ta ? a[e * m * k + p * m + i] : a[e * m * k + i * k + p]) * (tb ? b[e * k * n + j * k + p] : b[e * k * n + p * n + j]);
            double ref = alpha * s + beta * c0[e * m * n + i * n + j];
            diff = fmax(diff, fabs(ref - c[e * m * n + i * n + j]));
            scale = fmax(scale, fabs(ref));
          }
      if (diff / scale > 1e-4) { printf("FAIL %s m%zu n%zu k%zu b%zu ta%d tb%d: %g\n", ks[ki]->name, m, n, k, batch, ta, tb, diff / scale); fails++; }
      free(a); free(b); free(c); free(c0); free(off);
    }
    printf("%s: checked 200 cases (%zu threads)\n", ks[ki]->name, (size_t)fk_threads());
  }
  return fails != 0;
}
