/* Muon's orthogonalisation of a stack of matrices in one call: the Newton-Schulz iterations
 * of "polar express". Each matrix is normalised, X = G / (|G|_F 1.02 + 1e-6), then for each
 * coefficient triple (a, b, c):
 *   A = X X^T,  B = b A + c A A,  X = a X + B X       (tall X: A = X^T X, X = a X + X B).
 * As tfjs ops that is 8 kernels an iteration, each a pass over memory and an allocation. Here
 * A and A A = A A^T are symmetric: each is one triangle of a SYRK-style product, mirrored, a
 * third fewer flops than full products; b A rides on the second product's beta, and
 * a X + B X is the one product (B + a I) X. Every product is a batched call of the active
 * GEMM (threads.h spreads it), so the matrices of the stack share the pool. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_builtin.h"
#include "kernels.h"
#include "polar_express.h"
#include "threads.h"

typedef struct {
  const float* g;
  float* x;
  float* sym; /* [batch, s, s] */
  size_t size, s;
  float diagonal;
} stack_job;

/* X_e = G_e / (|G_e|_F 1.02 + 1e-6), as the canvas's stock-op chain computes it. */
static void normalise_entry(void* ctx, size_t e, int worker) {
  (void)worker;
  const stack_job* job = ctx;
  const float* restrict g = job->g + e * job->size;
  float* restrict x = job->x + e * job->size;
  double sum = 0.0;
  for (size_t i = 0; i < job->size; i++) sum += (double)g[i] * g[i];
  const float denominator = (float)sqrt(sum) * 1.02f + 1e-6f;
  for (size_t i = 0; i < job->size; i++) x[i] = g[i] / denominator;
}

#define MIRROR_BLOCK 32

/* Copies the lower triangle of a symmetric matrix onto its upper one, in blocks that stay in
 * L1 (a column walk of a 256 x 256 matrix would miss on every read), and adds `diagonal`. */
static void mirror_entry(void* ctx, size_t e, int worker) {
  (void)worker;
  const stack_job* job = ctx;
  const size_t s = job->s;
  float* m = job->sym + e * s * s;
  for (size_t bi = 0; bi < s; bi += MIRROR_BLOCK) {
    const size_t i_end = bi + MIRROR_BLOCK < s ? bi + MIRROR_BLOCK : s;
    for (size_t bj = bi; bj < s; bj += MIRROR_BLOCK) {
      const size_t j_end = bj + MIRROR_BLOCK < s ? bj + MIRROR_BLOCK : s;
      for (size_t i = bi; i < i_end; i++)
        for (size_t j = bj > i + 1 ? bj : i + 1; j < j_end; j++) m[i * s + j] = m[j * s + i];
    }
  }
  for (size_t i = 0; i < s; i++) m[i * s + i] += job->diagonal;
}

/* Offsets (a, b, c) of each batch entry, strides in elements. */
static void fill_offsets(uint32_t* off, size_t batch, size_t sa, size_t sb, size_t sc) {
  for (size_t e = 0; e < batch; e++) {
    off[3 * e] = (uint32_t)(e * sa);
    off[3 * e + 1] = (uint32_t)(e * sb);
    off[3 * e + 2] = (uint32_t)(e * sc);
  }
}

int fk_polar_express_run(const float* g, float* out, size_t batch, size_t rows, size_t cols, const float* coef, size_t steps) {
  const size_t size = rows * cols, tall = rows > cols, s = tall ? cols : rows;
  if (batch == 0) return 0;
  float* other = steps > 0 ? malloc(batch * size * sizeof(float)) : NULL;
  float* a_sym = steps > 0 ? malloc(batch * s * s * sizeof(float)) : NULL;
  float* b_sym = steps > 0 ? malloc(batch * s * s * sizeof(float)) : NULL;
  uint32_t* offsets = steps > 0 ? malloc(3 * batch * sizeof(uint32_t)) : NULL;
  if (steps > 0 && (other == NULL || a_sym == NULL || b_sym == NULL || offsets == NULL)) {
    free(other), free(a_sym), free(b_sym), free(offsets);
    return -1;
  }

  float* x = out;
  stack_job stack = {g, x, NULL, size, s, 0.0f};
  fk_parallel_for(batch, normalise_entry, &stack, batch * size >= FK_PARALLEL_MIN_ELEMENTS ? 0 : 1);

  int failed = 0;
  for (size_t t = 0; t < steps && !failed; t++) {
    const float a = coef[3 * t], b = coef[3 * t + 1], c = coef[3 * t + 2];
    /* A = X X^T (tall: X^T X), s x s, one triangle. X is [rows, cols] with row stride cols. */
    fill_offsets(offsets, batch, size, size, s * s);
    const fk_gemm_job gram = {.trans_a = (int)tall, .trans_b = !tall, .m = s, .n = s, .k = tall ? rows : cols, .lda = cols,
                              .ldb = cols, .ldc = s, .alpha = 1.0f, .beta = 0.0f, .a = x, .b = x, .c = a_sym,
                              .offsets = offsets, .batch = batch, .lower = 1};
    failed |= fk_gemm_run(&gram);
    stack.sym = a_sym;
    stack.diagonal = 0.0f;
    fk_parallel_for(batch, mirror_entry, &stack, 0);
    /* B = c A A^T + b A, one triangle, then mirrored with a on its diagonal: B + a I. */
    memcpy(b_sym, a_sym, batch * s * s * sizeof(float));
    fill_offsets(offsets, batch, s * s, s * s, s * s);
    const fk_gemm_job square = {.trans_a = 0, .trans_b = 1, .m = s, .n = s, .k = s, .lda = s, .ldb = s, .ldc = s,
                                .alpha = c, .beta = b, .a = a_sym, .b = a_sym, .c = b_sym,
                                .offsets = offsets, .batch = batch, .lower = 1};
    failed |= fk_gemm_run(&square);
    stack.sym = b_sym;
    stack.diagonal = a;
    fk_parallel_for(batch, mirror_entry, &stack, 0);
    /* X' = (B + a I) X, [s, s] x [s, cols]; tall: X (B + a I), [rows, s] x [s, s]. */
    if (tall) fill_offsets(offsets, batch, size, s * s, size);
    else fill_offsets(offsets, batch, s * s, size, size);
    const fk_gemm_job step = {.trans_a = 0, .trans_b = 0, .m = rows, .n = cols, .k = s, .lda = tall ? cols : s,
                              .ldb = tall ? s : cols, .ldc = cols, .alpha = 1.0f, .beta = 0.0f, .a = tall ? x : b_sym,
                              .b = tall ? b_sym : x, .c = other, .offsets = offsets, .batch = batch, .lower = 0};
    failed |= fk_gemm_run(&step);
    float* previous = x;
    x = other;
    other = previous;
  }
  if (!failed && x != out) memcpy(out, x, batch * size * sizeof(float));
  /* After an odd number of steps `other` is the output array, and `x` the scratch buffer. */
  free(x != out ? x : other);
  free(a_sym), free(b_sym), free(offsets);
  return failed ? -1 : 0;
}

/* polarExpress(g, batch, rows, cols, coefficients, out): g and out [batch, rows, cols],
 * coefficients (a, b, c) triples, one iteration each. */
napi_value fk_polar_express(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  typed_view g, coefficients, out;
  int64_t batch, rows, cols;
  if (get_args(env, info, 6, argv) || arg_float32(env, argv[0], "g", &g) || arg_int(env, argv[1], "batch", 0, &batch) ||
      arg_int(env, argv[2], "rows", 1, &rows) || arg_int(env, argv[3], "cols", 1, &cols) ||
      arg_float32(env, argv[4], "coefficients", &coefficients) || arg_float32(env, argv[5], "out", &out))
    return NULL;
  const size_t n = (size_t)batch, size = (size_t)rows * (size_t)cols, s = rows > cols ? (size_t)cols : (size_t)rows;
  if (coefficients.length % 3 != 0) return throw_range(env, "fast-kernels: polarExpress coefficients must be (a, b, c) triples");
  if (g.length != n * size || out.length < n * size)
    return throw_range(env, "fast-kernels: polarExpress wants g of [batch, rows, cols], the output as large");
  if (n * (size > s * s ? size : s * s) > UINT32_MAX) return throw_range(env, "fast-kernels: polarExpress stack too large");
  if (fk_polar_express_run(g.data, out.data, n, (size_t)rows, (size_t)cols, coefficients.data, coefficients.length / 3) != 0)
    return throw_range(env, "fast-kernels: polarExpress could not allocate its scratch space");
  return NULL;
}
