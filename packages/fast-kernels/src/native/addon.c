/* N-API module: native kernels over zero-copy TypedArray views (see ../addon.ts). */
#include <node_api.h>

#include "kernels.h"

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
      {"unary", NULL, fk_unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmax", NULL, fk_softmax, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fill", NULL, fk_fill, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rmsNorm", NULL, fk_rms_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rmsNormBackward", NULL, fk_rms_norm_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rope", NULL, fk_rope, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adamw", NULL, fk_adamw, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cautiousUpdate", NULL, fk_cautious_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nesterovMomentum", NULL, fk_nesterov_momentum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"normuon", NULL, fk_normuon, NULL, NULL, NULL, napi_enumerable, NULL},
      {"polarExpress", NULL, fk_polar_express, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maskedSoftmax", NULL, fk_masked_softmax, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxBackward", NULL, fk_softmax_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluSquare", NULL, fk_relu_square, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluSquareBackward", NULL, fk_relu_square_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemmInfo", NULL, fk_gemm_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"useGemm", NULL, fk_use_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, fk_set_threads_api, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
