/* Unsorted segment sum: out[ids[i], :] += x[i, :]. This is tf.gather's gradient (the
 * embedding gradient): a plain scatter-add, O(tokens x width) instead of a one-hot product.
 * Ids outside [0, numSegments) are dropped, as in TensorFlow. */
#include "kernels.h"

#include <string.h>

napi_value fk_segment_sum(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (get_args(env, info, 4, argv) != 0) return NULL;
  typed_view x, ids, out;
  int64_t num_segments;
  if (arg_float32(env, argv[0], "x", &x) || arg_int32(env, argv[1], "segmentIds", &ids) ||
      arg_int(env, argv[2], "numSegments", 0, &num_segments) || arg_float32(env, argv[3], "out", &out))
    return NULL;
  if (ids.length == 0) {
    memset(out.data, 0, out.length * sizeof(float));
    return NULL;
  }
  if (x.length % ids.length != 0)
    return throw_range(env, "fast-kernels: segmentSum x must hold a whole row per segment id");
  const size_t inner = x.length / ids.length;
  if ((size_t)num_segments * inner != out.length)
    return throw_range(env, "fast-kernels: segmentSum out must hold numSegments rows");
  const float* px = (const float*)x.data;
  const int32_t* pid = (const int32_t*)ids.data;
  float* po = (float*)out.data;
  memset(po, 0, out.length * sizeof(float));
  for (size_t i = 0; i < ids.length; i++) {
    const int32_t id = pid[i];
    if (id < 0 || (int64_t)id >= num_segments) continue;
    float* row = po + (size_t)id * inner;
    const float* src = px + i * inner;
    for (size_t j = 0; j < inner; j++) row[j] += src[j];
  }
  return NULL;
}
