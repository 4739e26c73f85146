#include "args.h"

#include <math.h>
#include <stdio.h>

napi_value throw_range(napi_env env, const char* message) {
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

static int fail_type(napi_env env, const char* name, const char* expected) {
  char message[160];
  snprintf(message, sizeof message, "fast-kernels: argument '%s' must be %s", name, expected);
  napi_throw_type_error(env, NULL, message);
  return -1;
}

int get_args(napi_env env, napi_callback_info info, size_t count, napi_value* argv) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return -1;
  if (argc < count) {
    char message[96];
    snprintf(message, sizeof message, "fast-kernels: expected %zu arguments, got %zu", count, argc);
    napi_throw_type_error(env, NULL, message);
    return -1;
  }
  return 0;
}

int arg_double(napi_env env, napi_value value, const char* name, double* out) {
  if (napi_get_value_double(env, value, out) != napi_ok) return fail_type(env, name, "a number");
  return 0;
}

int arg_int(napi_env env, napi_value value, const char* name, int64_t min, int64_t* out) {
  double d;
  if (napi_get_value_double(env, value, &d) != napi_ok || !isfinite(d) || d != floor(d))
    return fail_type(env, name, "an integer");
  if (d < (double)min || d > 9007199254740991.0) {
    char message[128];
    snprintf(message, sizeof message, "fast-kernels: argument '%s' out of range: %.0f", name, d);
    napi_throw_range_error(env, NULL, message);
    return -1;
  }
  *out = (int64_t)d;
  return 0;
}

int arg_bool(napi_env env, napi_value value, const char* name, int* out) {
  bool b;
  if (napi_get_value_bool(env, value, &b) != napi_ok) return fail_type(env, name, "a boolean");
  *out = b ? 1 : 0;
  return 0;
}

static size_t element_size(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

int arg_typed(napi_env env, napi_value value, const char* name, size_t element_bytes, typed_view* out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed)
    return fail_type(env, name, "a TypedArray");
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok)
    return fail_type(env, name, "a readable TypedArray");
  if (element_bytes != 0 && element_size(out->type) != element_bytes)
    return fail_type(env, name, "a TypedArray of 4-byte elements");
  return 0;
}

int arg_float32(napi_env env, napi_value value, const char* name, typed_view* out) {
  if (arg_typed(env, value, name, 4, out) != 0) return -1;
  if (out->type != napi_float32_array) return fail_type(env, name, "a Float32Array");
  return 0;
}

int arg_int32(napi_env env, napi_value value, const char* name, typed_view* out) {
  if (arg_typed(env, value, name, 4, out) != 0) return -1;
  if (out->type != napi_int32_array) return fail_type(env, name, "an Int32Array");
  return 0;
}
