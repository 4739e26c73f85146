/* Transpose of 4-byte elements (float32 / int32) for any rank.
 *
 * Dimensions of size one are dropped and input dimensions that stay adjacent in the output
 * are merged, so an attention transpose [B, T, H, D] -> [B, H, T, D] becomes a copy of
 * contiguous D-element rows, and a key transpose [B, H, T, D] -> [B, H, D, T] becomes a
 * batched 2-D transpose done in cache-sized tiles. */
#include "kernels.h"

#include <string.h>

#define MAX_RANK 16
#define TILE 32

static void transpose_2d_batched(const uint32_t* x, uint32_t* out, size_t batch, size_t rows, size_t cols) {
  for (size_t b = 0; b < batch; b++) {
    const uint32_t* xb = x + b * rows * cols;
    uint32_t* ob = out + b * rows * cols;
    for (size_t r0 = 0; r0 < rows; r0 += TILE) {
      const size_t r1 = r0 + TILE < rows ? r0 + TILE : rows;
      for (size_t c0 = 0; c0 < cols; c0 += TILE) {
        const size_t c1 = c0 + TILE < cols ? c0 + TILE : cols;
        for (size_t c = c0; c < c1; c++)
          for (size_t r = r0; r < r1; r++) ob[c * rows + r] = xb[r * cols + c];
      }
    }
  }
}

napi_value fk_transpose(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (get_args(env, info, 4, argv) != 0) return NULL;
  typed_view x, out, shape_view, perm_view;
  if (arg_typed(env, argv[0], "x", 4, &x) || arg_typed(env, argv[1], "out", 4, &out) ||
      arg_int32(env, argv[2], "shape", &shape_view) || arg_int32(env, argv[3], "perm", &perm_view))
    return NULL;
  const size_t rank = shape_view.length;
  if (rank != perm_view.length || rank > MAX_RANK)
    return throw_range(env, "fast-kernels: transpose shape and perm must have the same rank (at most 16)");
  const int32_t* shape = (const int32_t*)shape_view.data;
  const int32_t* perm = (const int32_t*)perm_view.data;
  size_t size = 1;
  int seen[MAX_RANK] = {0};
  for (size_t i = 0; i < rank; i++) {
    if (shape[i] < 0 || perm[i] < 0 || (size_t)perm[i] >= rank || seen[perm[i]])
      return throw_range(env, "fast-kernels: transpose perm must be a permutation of the shape's axes");
    seen[perm[i]] = 1;
    size *= (size_t)shape[i];
  }
  if (size > x.length || size > out.length)
    return throw_range(env, "fast-kernels: transpose arrays are smaller than the shape");
  if (size == 0) return NULL;

  /* Output axes (as input axis ids) without size-one axes, merged where adjacent in input. */
  size_t dims[MAX_RANK], axes[MAX_RANK], merged_rank = 0;
  for (size_t i = 0; i < rank; i++) {
    const size_t axis = (size_t)perm[i];
    if (shape[axis] == 1) continue;
    if (merged_rank > 0 && axes[merged_rank - 1] + 1 == axis) {
      /* axis follows the previous kept one in the input, unless a non-unit axis sits between */
      dims[merged_rank - 1] *= (size_t)shape[axis];
      axes[merged_rank - 1] = axis;
    } else {
      dims[merged_rank] = (size_t)shape[axis];
      axes[merged_rank] = axis;
      merged_rank++;
    }
  }
  /* Input strides (in elements) of each merged output axis: the stride of its last input axis. */
  size_t in_stride_of_axis[MAX_RANK];
  {
    size_t stride = 1;
    for (size_t i = rank; i-- > 0;) {
      in_stride_of_axis[i] = stride;
      stride *= (size_t)shape[i];
    }
  }
  /* Merging is only valid when the merged input axes are adjacent; axes skipped in between
   * have size one (dropped above), so the stride rule holds. */
  size_t strides[MAX_RANK];
  for (size_t i = 0; i < merged_rank; i++) strides[i] = in_stride_of_axis[axes[i]];

  const uint32_t* src = (const uint32_t*)x.data;
  uint32_t* dst = (uint32_t*)out.data;
  if (merged_rank <= 1) {
    memcpy(dst, src, size * 4);
    return NULL;
  }
  const size_t last = merged_rank - 1;
  if (strides[last] == 1) {
    /* The innermost output axis is contiguous in the input: copy rows. */
    const size_t row = dims[last];
    size_t index[MAX_RANK] = {0}, offset = 0;
    for (size_t o = 0; o < size; o += row) {
      memcpy(dst + o, src + offset, row * 4);
      for (size_t d = last; d-- > 0;) {
        offset += strides[d];
        if (++index[d] < dims[d]) break;
        offset -= strides[d] * dims[d];
        index[d] = 0;
      }
    }
    return NULL;
  }
  if (merged_rank == 3 && strides[0] == dims[1] * dims[2] && strides[2] == dims[1] && strides[1] == 1) {
    transpose_2d_batched(src, dst, dims[0], dims[2], dims[1]);
    return NULL;
  }
  if (merged_rank == 2 && strides[1] == dims[0] && strides[0] == 1) {
    transpose_2d_batched(src, dst, 1, dims[1], dims[0]);
    return NULL;
  }
  /* General case: walk the output in order, gathering with the input strides. */
  size_t index[MAX_RANK] = {0}, offset = 0;
  const size_t inner = dims[last], inner_stride = strides[last];
  for (size_t o = 0; o < size; o += inner) {
    for (size_t j = 0; j < inner; j++) dst[o + j] = src[offset + j * inner_stride];
    for (size_t d = last; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < dims[d]) break;
      offset -= strides[d] * dims[d];
      index[d] = 0;
    }
  }
  return NULL;
}
