/* The N-API entry points, one per kernel file. */
#ifndef FAST_KERNELS_KERNELS_H
#define FAST_KERNELS_KERNELS_H

#include "args.h"

napi_value fk_sgemm(napi_env env, napi_callback_info info);
napi_value fk_transpose(napi_env env, napi_callback_info info);
napi_value fk_binary(napi_env env, napi_callback_info info);
napi_value fk_copy_box(napi_env env, napi_callback_info info);
napi_value fk_gather(napi_env env, napi_callback_info info);
napi_value fk_segment_sum(napi_env env, napi_callback_info info);
napi_value fk_cross_entropy_forward(napi_env env, napi_callback_info info);
napi_value fk_cross_entropy_backward(napi_env env, napi_callback_info info);
napi_value fk_unary(napi_env env, napi_callback_info info);
napi_value fk_softmax(napi_env env, napi_callback_info info);
napi_value fk_fill(napi_env env, napi_callback_info info);
napi_value fk_rms_norm(napi_env env, napi_callback_info info);
napi_value fk_rms_norm_backward(napi_env env, napi_callback_info info);
napi_value fk_rope(napi_env env, napi_callback_info info);
napi_value fk_adamw(napi_env env, napi_callback_info info);
napi_value fk_cautious_update(napi_env env, napi_callback_info info);
napi_value fk_nesterov_momentum(napi_env env, napi_callback_info info);
napi_value fk_normuon(napi_env env, napi_callback_info info);
napi_value fk_polar_express(napi_env env, napi_callback_info info);
napi_value fk_masked_softmax(napi_env env, napi_callback_info info);
napi_value fk_softmax_backward(napi_env env, napi_callback_info info);
napi_value fk_relu_square(napi_env env, napi_callback_info info);
napi_value fk_relu_square_backward(napi_env env, napi_callback_info info);
napi_value fk_gemm_info(napi_env env, napi_callback_info info);
napi_value fk_use_gemm(napi_env env, napi_callback_info info);
napi_value fk_set_threads_api(napi_env env, napi_callback_info info);

#endif
