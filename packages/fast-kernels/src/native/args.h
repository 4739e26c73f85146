/* Argument helpers for the N-API entry points: each one validates a JS value and throws a
 * TypeError/RangeError naming the argument, so a bad call from TypeScript is one clear line
 * instead of a crash inside BLAS. */
#ifndef FAST_KERNELS_ARGS_H
#define FAST_KERNELS_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

/* A zero-copy view of a TypedArray's elements (often a slice of the wasm heap). */
typedef struct {
  void* data;
  size_t length; /* in elements */
  napi_typedarray_type type;
} typed_view;

/* Each returns 0 on success; on failure a JS exception is pending and they return -1. */
int arg_int(napi_env env, napi_value value, const char* name, int64_t min, int64_t* out);
int arg_double(napi_env env, napi_value value, const char* name, double* out);
int arg_bool(napi_env env, napi_value value, const char* name, int* out);
/* element_bytes: the required element size (4 for float32/int32/uint32), 0 for any. */
int arg_typed(napi_env env, napi_value value, const char* name, size_t element_bytes, typed_view* out);
int arg_float32(napi_env env, napi_value value, const char* name, typed_view* out);
int arg_int32(napi_env env, napi_value value, const char* name, typed_view* out);

/* Fetches exactly `count` arguments or throws. */
int get_args(napi_env env, napi_callback_info info, size_t count, napi_value* argv);

napi_value throw_range(napi_env env, const char* message);

#endif
