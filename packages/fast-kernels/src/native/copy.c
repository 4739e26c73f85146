/* Box copies and row gathers of 4-byte elements: the data movement behind Slice, Unpack,
 * SplitV, Concat and GatherV2, done in place on the wasm heap.
 *
 * copyBox copies a box of `size` starting at srcBegin in src (shape srcShape) to dstBegin in
 * dst (shape dstShape). Trailing axes that are whole in both arrays merge into one contiguous
 * run, so most calls are a handful of memcpy's. */
#include "kernels.h"

#include <stdio.h>
#include <string.h>

#define MAX_RANK 16

napi_value fk_copy_box(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (get_args(env, info, 7, argv) != 0) return NULL;
  typed_view src, src_shape_v, src_begin_v, dst, dst_shape_v, dst_begin_v, size_v;
  if (arg_typed(env, argv[0], "src", 4, &src) || arg_int32(env, argv[1], "srcShape", &src_shape_v) ||
      arg_int32(env, argv[2], "srcBegin", &src_begin_v) || arg_typed(env, argv[3], "dst", 4, &dst) ||
      arg_int32(env, argv[4], "dstShape", &dst_shape_v) || arg_int32(env, argv[5], "dstBegin", &dst_begin_v) ||
      arg_int32(env, argv[6], "size", &size_v))
    return NULL;
  const size_t rank = size_v.length;
  if (rank > MAX_RANK || src_shape_v.length != rank || src_begin_v.length != rank || dst_shape_v.length != rank ||
      dst_begin_v.length != rank)
    return throw_range(env, "fast-kernels: copyBox shapes, begins and size must share one rank (at most 16)");
  const int32_t *src_shape = src_shape_v.data, *src_begin = src_begin_v.data, *dst_shape = dst_shape_v.data,
                *dst_begin = dst_begin_v.data, *size = size_v.data;
  size_t total = 1, src_total = 1, dst_total = 1;
  for (size_t d = 0; d < rank; d++) {
    if (size[d] < 0 || src_begin[d] < 0 || dst_begin[d] < 0 || src_begin[d] + size[d] > src_shape[d] ||
        dst_begin[d] + size[d] > dst_shape[d])
      return throw_range(env, "fast-kernels: copyBox box lies outside an array");
    total *= (size_t)size[d];
    src_total *= (size_t)src_shape[d];
    dst_total *= (size_t)dst_shape[d];
  }
  if (src_total > src.length || dst_total > dst.length)
    return throw_range(env, "fast-kernels: copyBox arrays are smaller than their shapes");
  const uint32_t* s = src.data;
  uint32_t* o = dst.data;
  if (total == 0) return NULL;
  if (rank == 0) {
    o[0] = s[0];
    return NULL;
  }
  size_t src_strides[MAX_RANK], dst_strides[MAX_RANK];
  for (size_t d = rank, ss = 1, ds = 1; d-- > 0;) {
    src_strides[d] = ss;
    dst_strides[d] = ds;
    ss *= (size_t)src_shape[d];
    ds *= (size_t)dst_shape[d];
  }
  /* Axes after `inner` are whole in both arrays: one run covers size[inner] of them. */
  size_t inner = rank - 1;
  while (inner > 0 && size[inner] == src_shape[inner] && size[inner] == dst_shape[inner]) inner--;
  const size_t run = (size_t)size[inner] * src_strides[inner];
  size_t src_offset = 0, dst_offset = 0, index[MAX_RANK] = {0};
  for (size_t d = 0; d < rank; d++) {
    src_offset += (size_t)src_begin[d] * src_strides[d];
    dst_offset += (size_t)dst_begin[d] * dst_strides[d];
  }
  for (size_t done = 0; done < total; done += run) {
    memcpy(o + dst_offset, s + src_offset, run * 4);
    for (size_t d = inner; d-- > 0;) {
      src_offset += src_strides[d];
      dst_offset += dst_strides[d];
      if (++index[d] < (size_t)size[d]) break;
      src_offset -= src_strides[d] * (size_t)size[d];
      dst_offset -= dst_strides[d] * (size_t)size[d];
      index[d] = 0;
    }
  }
  return NULL;
}

/* out[o, i, :] = x[o, indices[i], :] for x [outer, dim, inner]. */
napi_value fk_gather(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (get_args(env, info, 6, argv) != 0) return NULL;
  typed_view x, indices, out;
  int64_t outer, dim, inner;
  if (arg_typed(env, argv[0], "x", 4, &x) || arg_int32(env, argv[1], "indices", &indices) ||
      arg_int(env, argv[2], "outer", 0, &outer) || arg_int(env, argv[3], "dim", 0, &dim) ||
      arg_int(env, argv[4], "inner", 0, &inner) || arg_typed(env, argv[5], "out", 4, &out))
    return NULL;
  const size_t n = indices.length;
  if ((size_t)(outer * dim * inner) > x.length || (size_t)outer * n * (size_t)inner > out.length)
    return throw_range(env, "fast-kernels: gather arrays are smaller than their shapes");
  const int32_t* idx = indices.data;
  for (size_t i = 0; i < n; i++) {
    if (idx[i] < 0 || idx[i] >= dim) {
      char message[128];
      snprintf(message, sizeof message, "GatherV2: the index value %d is not in [0, %lld]", idx[i], (long long)dim - 1);
      return throw_range(env, message);
    }
  }
  const uint32_t* px = x.data;
  uint32_t* po = out.data;
  for (size_t o = 0; o < (size_t)outer; o++)
    for (size_t i = 0; i < n; i++)
      memcpy(po + (o * n + i) * (size_t)inner, px + (o * (size_t)dim + (size_t)idx[i]) * (size_t)inner, (size_t)inner * 4);
  return NULL;
}
