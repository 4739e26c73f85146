/* Broadcasting element-wise add / sub / mul / div of float32. tfjs's wasm kernels compute
 * an index per element on any broadcast (~50 ns an element for RMSNorm's [B, H, T, 1] scale);
 * here axes with the same broadcast pattern merge and the innermost run is a plain loop over
 * vectors, or vector-and-scalar, that the compiler vectorises. */
#include "kernels.h"

#define MAX_RANK 16

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3 };

#define INNER_LOOPS(NAME, EXPR)                                                                   \
  static void NAME(const float* restrict a, size_t sa, const float* restrict b, size_t sb,        \
                   float* restrict o, size_t n) {                                                \
    if (sa && sb) {                                                                               \
      for (size_t j = 0; j < n; j++) { const float x = a[j], y = b[j]; o[j] = (EXPR); }           \
    } else if (sa) {                                                                              \
      const float y = b[0];                                                                       \
      for (size_t j = 0; j < n; j++) { const float x = a[j]; o[j] = (EXPR); }                     \
    } else if (sb) {                                                                              \
      const float x = a[0];                                                                       \
      for (size_t j = 0; j < n; j++) { const float y = b[j]; o[j] = (EXPR); }                     \
    } else {                                                                                      \
      const float x = a[0], y = b[0], v = (EXPR);                                                 \
      for (size_t j = 0; j < n; j++) o[j] = v;                                                    \
    }                                                                                             \
  }

INNER_LOOPS(inner_add, x + y)
INNER_LOOPS(inner_sub, x - y)
INNER_LOOPS(inner_mul, x * y)
INNER_LOOPS(inner_div, x / y)

typedef void (*inner_fn)(const float*, size_t, const float*, size_t, float*, size_t);

/* binary(op, a, aShape, b, bShape, out, outShape): shapes padded to one rank by the caller. */
napi_value fk_binary(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (get_args(env, info, 7, argv) != 0) return NULL;
  int64_t op;
  typed_view a, a_shape_v, b, b_shape_v, out, out_shape_v;
  if (arg_int(env, argv[0], "op", 0, &op) || arg_float32(env, argv[1], "a", &a) ||
      arg_int32(env, argv[2], "aShape", &a_shape_v) || arg_float32(env, argv[3], "b", &b) ||
      arg_int32(env, argv[4], "bShape", &b_shape_v) || arg_float32(env, argv[5], "out", &out) ||
      arg_int32(env, argv[6], "outShape", &out_shape_v))
    return NULL;
  static const inner_fn ops[] = {inner_add, inner_sub, inner_mul, inner_div};
  if (op > OP_DIV) return throw_range(env, "fast-kernels: binary op must be 0 (add), 1 (sub), 2 (mul) or 3 (div)");
  const size_t rank = out_shape_v.length;
  if (rank > MAX_RANK || a_shape_v.length != rank || b_shape_v.length != rank)
    return throw_range(env, "fast-kernels: binary shapes must share one rank (at most 16)");
  const int32_t *as = a_shape_v.data, *bs = b_shape_v.data, *os = out_shape_v.data;
  size_t a_size = 1, b_size = 1, total = 1;
  for (size_t d = 0; d < rank; d++) {
    if (os[d] < 0 || (as[d] != os[d] && as[d] != 1) || (bs[d] != os[d] && bs[d] != 1))
      return throw_range(env, "fast-kernels: binary shapes do not broadcast to the output shape");
    a_size *= (size_t)as[d];
    b_size *= (size_t)bs[d];
    total *= (size_t)os[d];
  }
  if (a_size > a.length || b_size > b.length || total > out.length)
    return throw_range(env, "fast-kernels: binary arrays are smaller than their shapes");
  if (total == 0) return NULL;

  /* Merge axes (outermost first) whose broadcast pattern matches; drop size-one output axes. */
  size_t dims[MAX_RANK], a_full[MAX_RANK], b_full[MAX_RANK], merged = 0;
  for (size_t d = 0; d < rank; d++) {
    if (os[d] == 1) continue;
    const size_t af = as[d] != 1, bf = bs[d] != 1;
    if (merged > 0 && a_full[merged - 1] == af && b_full[merged - 1] == bf) {
      dims[merged - 1] *= (size_t)os[d];
    } else {
      dims[merged] = (size_t)os[d];
      a_full[merged] = af;
      b_full[merged] = bf;
      merged++;
    }
  }
  const inner_fn inner = ops[op];
  const float* pa = a.data;
  const float* pb = b.data;
  float* po = out.data;
  if (merged == 0) {
    inner(pa, 1, pb, 1, po, 1);
    return NULL;
  }
  size_t a_strides[MAX_RANK], b_strides[MAX_RANK];
  for (size_t d = merged, sa = 1, sb = 1; d-- > 0;) {
    a_strides[d] = a_full[d] ? sa : 0;
    b_strides[d] = b_full[d] ? sb : 0;
    if (a_full[d]) sa *= dims[d];
    if (b_full[d]) sb *= dims[d];
  }
  const size_t last = merged - 1, n = dims[last];
  size_t index[MAX_RANK] = {0}, ao = 0, bo = 0;
  for (size_t o = 0; o < total; o += n) {
    inner(pa + ao, a_full[last], pb + bo, b_full[last], po + o, n);
    for (size_t d = last; d-- > 0;) {
      ao += a_strides[d];
      bo += b_strides[d];
      if (++index[d] < dims[d]) break;
      ao -= a_strides[d] * dims[d];
      bo -= b_strides[d] * dims[d];
      index[d] = 0;
    }
  }
  return NULL;
}
