/* Broadcasting element-wise add / sub / mul / div of float32. tfjs's wasm kernels compute
 * an index per element on any broadcast (~50 ns an element for RMSNorm's [B, H, T, 1] scale);
 * here axes with the same broadcast pattern merge and the innermost run is a plain loop over
 * vectors, or vector-and-scalar, that the compiler vectorises. Large outputs are split across
 * the thread pool (tfjs's wasm kernels run on one thread in Node). */
#include "kernels.h"

#include "threads.h"

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

typedef struct {
  inner_fn inner;
  const float* a;
  const float* b;
  float* out;
  size_t merged, dims[MAX_RANK], a_full[MAX_RANK], b_full[MAX_RANK], a_strides[MAX_RANK], b_strides[MAX_RANK];
  size_t total, parts;
} binary_job;

/* Output elements [begin, end) of part `part`: the walk starts from begin's multi-index. */
static void binary_part(void* ctx, size_t part, int worker) {
  (void)worker;
  const binary_job* job = ctx;
  const size_t last = job->merged - 1, n = job->dims[last];
  const size_t begin = job->total * part / job->parts, end = job->total * (part + 1) / job->parts;
  size_t index[MAX_RANK] = {0}, ao = 0, bo = 0, rest = begin / n;
  for (size_t d = last; d-- > 0;) {
    index[d] = rest % job->dims[d];
    rest /= job->dims[d];
    ao += index[d] * job->a_strides[d];
    bo += index[d] * job->b_strides[d];
  }
  for (size_t o = begin; o < end;) {
    /* The rest of the current innermost run, cut at the part's end. */
    const size_t j = o % n, run = (n - j < end - o) ? n - j : end - o;
    job->inner(job->a + ao + j * job->a_full[last], job->a_full[last], job->b + bo + j * job->b_full[last], job->b_full[last],
               job->out + o, run);
    o += run;
    if (j + run < n) break;
    for (size_t d = last; d-- > 0;) {
      ao += job->a_strides[d];
      bo += job->b_strides[d];
      if (++index[d] < job->dims[d]) break;
      ao -= job->a_strides[d] * job->dims[d];
      bo -= job->b_strides[d] * job->dims[d];
      index[d] = 0;
    }
  }
}

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
  binary_job job = {ops[op], a.data, b.data, out.data, merged, {0}, {0}, {0}, {0}, {0}, total, 1};
  if (merged == 0) {
    job.inner(job.a, 1, job.b, 1, job.out, 1);
    return NULL;
  }
  for (size_t d = merged, sa = 1, sb = 1; d-- > 0;) {
    job.dims[d] = dims[d];
    job.a_full[d] = a_full[d];
    job.b_full[d] = b_full[d];
    job.a_strides[d] = a_full[d] ? sa : 0;
    job.b_strides[d] = b_full[d] ? sb : 0;
    if (a_full[d]) sa *= dims[d];
    if (b_full[d]) sb *= dims[d];
  }
  if (total >= FK_PARALLEL_MIN_ELEMENTS) job.parts = fk_chunks(total, FK_PARALLEL_MIN_ELEMENTS / 4);
  fk_parallel_for(job.parts, binary_part, &job, 0);
  return NULL;
}
