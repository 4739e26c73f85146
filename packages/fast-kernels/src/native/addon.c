/* N-API module: BLAS-backed kernels over zero-copy TypedArray views (see ../addon.ts). */
#include <node_api.h>

#include "blas.h"
#include "kernels.h"

static napi_value fk_blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#if defined(OPENBLAS_VERSION)
  char* config = openblas_get_config();
  napi_create_string_utf8(env, config, NAPI_AUTO_LENGTH, &result);
#elif defined(__APPLE__)
  napi_create_string_utf8(env, "Accelerate", NAPI_AUTO_LENGTH, &result);
#else
  napi_create_string_utf8(env, "CBLAS", NAPI_AUTO_LENGTH, &result);
#endif
  return result;
}

/* setBlasThreads(n): OpenBLAS only (Accelerate picks its own); returns the thread count in use. */
static napi_value fk_set_blas_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t threads;
  if (get_args(env, info, 1, argv) || arg_int(env, argv[0], "threads", 1, &threads)) return NULL;
  napi_value result;
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads((int)threads);
  napi_create_int32(env, openblas_get_num_threads(), &result);
#else
  (void)threads;
  napi_create_int32(env, 0, &result);
#endif
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"sgemm", NULL, fk_sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"transpose", NULL, fk_transpose, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, fk_binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"copyBox", NULL, fk_copy_box, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gather", NULL, fk_gather, NULL, NULL, NULL, napi_enumerable, NULL},
      {"segmentSum", NULL, fk_segment_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crossEntropyForward", NULL, fk_cross_entropy_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crossEntropyBackward", NULL, fk_cross_entropy_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blasInfo", NULL, fk_blas_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setBlasThreads", NULL, fk_set_blas_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
