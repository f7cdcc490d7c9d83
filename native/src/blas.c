/*
 * ganstream-blas: matrix products by OpenBLAS on memory that JavaScript owns (tfjs-backend-wasm's
 * heap), for ganstream's BatchMatMul and _FusedMatMul kernels.
 *
 * OpenBLAS is opened at run time (dlopen), so building needs no -dev package and a machine without
 * it gets a clean error from load(). Only OpenBLAS is accepted (it has openblas_get_config): the
 * reference BLAS is slower than WebAssembly.
 *
 *   load(path)          -> { library, config, threads }   (throws with the reason)
 *   setThreads(n)       -> threads now
 *   sgemm(heap, batch, transA, transB, m, n, k, aOffset, aStride, bOffset, bStride, cOffset, cStride,
 *         biasOffset, biasLength, activation, alpha)
 *       C[i] = act(op(A[i]) op(B[i]) + bias) for i < batch, row-major float32. Offsets are in bytes
 *       into `heap` (a typed array), strides in floats (0 broadcasts one matrix over the batch);
 *       biasOffset -1 is no bias, a bias of biasLength values is added along each row (its length
 *       divides n); activation: 0 linear, 1 relu, 2 relu6, 3 leakyrelu (alpha), 4 sigmoid, 5 elu.
 *   conv2d(heap, n, h, w, c, fh, fw, f, padTop, padLeft, oh, ow, xOffset, wOffset, outOffset,
 *          biasOffset, biasLength, activation, alpha)
 *       out = act(conv(x, W) + bias), stride 1, NHWC input [n, h, w, c], HWIO filter [fh, fw, c, f],
 *       output [n, oh, ow, f]; pixels outside the input (the padding) are 0. Runs as im2col (each
 *       output pixel's patch as a row) and sgemm with the filter, a cache-sized block of rows at a time.
 *   conv2dFilterGrad(heap, n, h, w, c, fh, fw, f, padTop, padLeft, oh, ow, xOffset, dyOffset, dkOffset, 0, 0, 0, 0)
 *       the gradient of that convolution's filter, dK [fh, fw, c, f], from x and the output's gradient
 *       dy [n, oh, ow, f]: the patches' transpose times dy, summed over the blocks.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef int (*get_threads_fn)(void);
typedef void (*set_threads_fn)(int);
typedef char *(*get_config_fn)(void);

static void *library = NULL;
static char library_path[4096];
static sgemm_fn cblas_sgemm = NULL;
static get_threads_fn get_threads = NULL;
static set_threads_fn set_threads = NULL;
static get_config_fn get_config = NULL;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "ganstream-blas: N-API call failed: " #call); return NULL; } } while (0)

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value make_result(napi_env env, const char *path) {
  napi_value result, value;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value));
  CHECK(napi_set_named_property(env, result, "library", value));
  CHECK(napi_create_string_utf8(env, get_config(), NAPI_AUTO_LENGTH, &value));
  CHECK(napi_set_named_property(env, result, "config", value));
  CHECK(napi_create_int32(env, get_threads(), &value));
  CHECK(napi_set_named_property(env, result, "threads", value));
  return result;
}

static napi_value load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  size_t length = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length) != napi_ok) return throw_error(env, "load(path): expected the path or name of libopenblas");
  if (library) return make_result(env, library_path); /* one OpenBLAS per process: the one loaded first */
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    char message[4200];
    snprintf(message, sizeof message, "cannot open %s (%s)", path, dlerror());
    return throw_error(env, message);
  }
  sgemm_fn sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
  get_config_fn config = (get_config_fn)dlsym(handle, "openblas_get_config");
  get_threads_fn threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
  set_threads_fn set = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
  if (!sgemm || !config || !threads || !set) {
    dlclose(handle);
    char message[4200];
    snprintf(message, sizeof message, "%s is not OpenBLAS (it lacks %s)", path, !sgemm ? "cblas_sgemm" : "openblas_get_config / openblas_*_num_threads");
    return throw_error(env, message);
  }
  library = handle;
  snprintf(library_path, sizeof library_path, "%s", path);
  cblas_sgemm = sgemm;
  get_config = config;
  get_threads = threads;
  set_threads = set;
  return make_result(env, path);
}

static napi_value set_thread_count(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  int32_t n = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!library) return throw_error(env, "setThreads: OpenBLAS is not loaded");
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) return throw_error(env, "setThreads(n): expected an integer >= 1");
  set_threads(n);
  CHECK(napi_create_int32(env, get_threads(), &result));
  return result;
}

/* The fused activation over a matrix in place, one loop per kind so that each vectorises. */
static void activate(float *c, int64_t size, int32_t activation, float alpha) {
  switch (activation) {
    case 1: for (int64_t i = 0; i < size; i++) c[i] = c[i] > 0 ? c[i] : 0; break;
    case 2: for (int64_t i = 0; i < size; i++) c[i] = c[i] < 0 ? 0 : c[i] > 6 ? 6 : c[i]; break;
    case 3: for (int64_t i = 0; i < size; i++) c[i] = c[i] > 0 ? c[i] : alpha * c[i]; break;
    case 4: for (int64_t i = 0; i < size; i++) c[i] = 1.0f / (1.0f + expf(-c[i])); break;
    case 5: for (int64_t i = 0; i < size; i++) c[i] = c[i] > 0 ? c[i] : expm1f(c[i]); break;
    default: break;
  }
}

/* C = act(op(A) op(B) + bias), row-major, leading dimensions those of dense matrices. */
static void gemm_bias_act(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float *c,
                          const float *bias, int64_t bias_len, int32_t activation, float alpha) {
  // A bias is written into C first and sgemm adds the product to it (beta 1): no second pass for it.
  if (bias) {
    for (int64_t r = 0; r < m; r++) {
      float *row = c + r * n;
      if (bias_len == n) memcpy(row, bias, (size_t)n * sizeof(float));
      else for (int64_t j = 0; j < n; j++) row[j] = bias[j % bias_len];
    }
  }
  cblas_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, (int)m, (int)n, (int)k, 1.0f,
              a, trans_a ? (int)m : (int)k, b, trans_b ? (int)k : (int)n, bias ? 1.0f : 0.0f, c, (int)n);
  activate(c, m * n, activation, alpha);
}

/* The heap argument: a typed array over the wasm memory (napi_get_arraybuffer_info refuses a SharedArrayBuffer). */
static int heap_of(napi_env env, napi_value value, uint8_t **heap, size_t *bytes) {
  napi_typedarray_type type;
  size_t elements, byte_offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, value, &type, &elements, &data, &buffer, &byte_offset) != napi_ok) return 0;
  *heap = (uint8_t *)data;
  *bytes = elements * (type == napi_uint8_array ? 1 : 4);
  return 1;
}

/* A convolution's geometry (stride 1): input [n, h, w, c], filter [fh, fw, c, f], output [n, oh, ow, f]. */
typedef struct { int64_t n, h, w, c, fh, fw, f, pad_top, pad_left, oh, ow; } conv_shape;

/* Rows start..start+count of the im2col matrix: each output pixel's patch, zeros where it leaves the input. */
static void fill_patches(float *col, const float *x, const conv_shape *s, int64_t start, int64_t count) {
  const int64_t patch = s->fh * s->fw * s->c, c = s->c, fw = s->fw, w = s->w;
  for (int64_t r = 0; r < count; r++) {
    const int64_t pixel = start + r, b = pixel / (s->oh * s->ow), oy = (pixel / s->ow) % s->oh, ox = pixel % s->ow;
    float *row = col + r * patch;
    for (int64_t ky = 0; ky < s->fh; ky++) {
      const int64_t y = oy + ky - s->pad_top;
      float *dst = row + ky * fw * c;
      if (y < 0 || y >= s->h) { memset(dst, 0, (size_t)(fw * c) * sizeof(float)); continue; }
      // The columns of this patch row that fall inside the image are one contiguous run of the input.
      const int64_t x0 = ox - s->pad_left;
      const int64_t first = x0 >= 0 ? 0 : -x0 < fw ? -x0 : fw;
      const int64_t last = w - x0 >= fw ? fw : w - x0 > first ? w - x0 : first;
      memset(dst, 0, (size_t)(first * c) * sizeof(float));
      if (last > first) memcpy(dst + first * c, x + ((b * s->h + y) * w + x0 + first) * c, (size_t)((last - first) * c) * sizeof(float));
      memset(dst + last * c, 0, (size_t)((fw - last) * c) * sizeof(float));
    }
  }
}

/* Patch rows per block: about `floats` floats (1 MB keeps a block in cache for the forward product; the
   filter gradient sums over the rows, and its product needs many of them to run at speed). */
static int64_t block_rows(int64_t patch, int64_t rows, int64_t floats) {
  int64_t block = floats / patch;
  if (block < 32) block = 32;
  return block > rows ? rows : block;
}

/* The 16 integer arguments after the heap (and a double) that both convolution calls take, checked against the heap. */
static int read_conv_args(napi_env env, napi_value *argv, size_t heap_bytes, conv_shape *s, int64_t *offsets, int with_bias) {
  int64_t v[17];
  for (int i = 0; i < 17; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &v[i]) != napi_ok) return 0;
  }
  *s = (conv_shape){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10] };
  for (int i = 0; i < 6; i++) offsets[i] = v[11 + i];
  const int64_t x_bytes = 4 * s->n * s->h * s->w * s->c, w_bytes = 4 * s->fh * s->fw * s->c * s->f, y_bytes = 4 * s->n * s->oh * s->ow * s->f;
  // conv2d: x, filter, out; the filter gradient: x, dy, out (the gradient, the filter's shape).
  const int64_t sizes[3] = { x_bytes, with_bias ? w_bytes : y_bytes, with_bias ? y_bytes : w_bytes };
  if (s->n < 1 || s->h < 1 || s->w < 1 || s->c < 1 || s->fh < 1 || s->fw < 1 || s->f < 1 || s->oh < 1 || s->ow < 1 || s->pad_top < 0 || s->pad_left < 0) return 0;
  for (int i = 0; i < 3; i++) if (offsets[i] < 0 || offsets[i] % 4 || offsets[i] + sizes[i] > (int64_t)heap_bytes) return 0;
  if (with_bias && offsets[3] >= 0 && (offsets[4] < 1 || s->f % offsets[4] || offsets[3] % 4 || offsets[3] + 4 * offsets[4] > (int64_t)heap_bytes)) return 0;
  return 1;
}

/* What both convolution calls start with: the 19 arguments read and checked; 0 when one was wrong (an error is then pending). */
static int conv_call(napi_env env, napi_callback_info info, const char *name, int with_bias, uint8_t **heap, conv_shape *s, int64_t *o, double *alpha) {
  size_t argc = 19;
  napi_value argv[19];
  size_t heap_bytes;
  char message[200];
  const char *why = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) why = "N-API call failed";
  else if (!library) why = "OpenBLAS is not loaded";
  else if (argc != 19) why = "expected 19 arguments";
  else if (!heap_of(env, argv[0], heap, &heap_bytes)) why = "expected the heap as a typed array";
  else if (!read_conv_args(env, argv, heap_bytes, s, o, with_bias) || napi_get_value_double(env, argv[18], alpha) != napi_ok) why = "shapes, offsets or padding outside the heap";
  if (!why) return 1;
  snprintf(message, sizeof message, "%s: %s", name, why);
  napi_throw_error(env, NULL, message);
  return 0;
}

/*
 * conv2d (filter_grad 0) or its filter's gradient (filter_grad 1), a block of patch rows at a time:
 * the output is patches * filter + bias, activated; the filter's gradient is the sum of patches^T dy.
 */
static napi_value conv_by_blocks(napi_env env, napi_callback_info info, const char *name, int filter_grad) {
  uint8_t *heap;
  conv_shape s;
  int64_t o[6];
  double alpha;
  if (!conv_call(env, info, name, !filter_grad, &heap, &s, o, &alpha)) return NULL;
  const int64_t rows = s.n * s.oh * s.ow, patch = s.fh * s.fw * s.c, block = block_rows(patch, rows, filter_grad ? 1 << 21 : 1 << 18);
  float *col = (float *)malloc((size_t)(block * patch) * sizeof(float));
  if (!col) {
    char message[200];
    snprintf(message, sizeof message, "%s: out of memory for the patches", name);
    return throw_error(env, message);
  }
  const float *x = (const float *)(heap + o[0]), *other = (const float *)(heap + o[1]);
  float *out = (float *)(heap + o[2]);
  const float *bias = !filter_grad && o[3] >= 0 ? (const float *)(heap + o[3]) : NULL;
  for (int64_t start = 0; start < rows; start += block) {
    const int64_t count = rows - start < block ? rows - start : block;
    fill_patches(col, x, &s, start, count);
    if (filter_grad) {
      cblas_sgemm(ROW_MAJOR, TRANS, NO_TRANS, (int)patch, (int)s.f, (int)count, 1.0f, col, (int)patch, other + start * s.f, (int)s.f,
                  start == 0 ? 0.0f : 1.0f, out, (int)s.f);
    } else {
      gemm_bias_act(0, 0, count, s.f, patch, col, other, out + start * s.f, bias, o[4], (int32_t)o[5], (float)alpha);
    }
  }
  free(col);
  return NULL;
}

static napi_value conv2d(napi_env env, napi_callback_info info) { return conv_by_blocks(env, info, "conv2d", 0); }

static napi_value conv2d_filter_grad(napi_env env, napi_callback_info info) { return conv_by_blocks(env, info, "conv2dFilterGrad", 1); }

static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value argv[17];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!library) return throw_error(env, "sgemm: OpenBLAS is not loaded");
  if (argc != 17) return throw_error(env, "sgemm: expected 17 arguments");
  napi_typedarray_type type;
  size_t elements, byte_offset;
  void *data;
  napi_value buffer;
  // A typed array, not its buffer: napi_get_arraybuffer_info refuses a SharedArrayBuffer (the threaded wasm build's memory).
  if (napi_get_typedarray_info(env, argv[0], &type, &elements, &data, &buffer, &byte_offset) != napi_ok) return throw_error(env, "sgemm: expected the heap as a typed array");
  size_t heap_bytes = elements * (type == napi_uint8_array ? 1 : 4);
  int64_t v[15];
  for (int i = 0; i < 15; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &v[i]) != napi_ok) return throw_error(env, "sgemm: expected numbers after the heap");
  }
  double alpha_value;
  if (napi_get_value_double(env, argv[16], &alpha_value) != napi_ok) return throw_error(env, "sgemm: alpha is not a number");
  int64_t batch = v[0], trans_a = v[1], trans_b = v[2], m = v[3], n = v[4], k = v[5];
  int64_t a_off = v[6], a_stride = v[7], b_off = v[8], b_stride = v[9], c_off = v[10], c_stride = v[11];
  int64_t bias_off = v[12], bias_len = v[13], activation = v[14];
  float alpha = (float)alpha_value;
  // Every matrix the call touches must lie inside the heap.
  int64_t last = batch - 1;
  int64_t a_end = a_off + 4 * (last * a_stride + m * k), b_end = b_off + 4 * (last * b_stride + k * n), c_end = c_off + 4 * (last * c_stride + m * n);
  if (batch < 1 || m < 1 || n < 1 || k < 1 || a_off < 0 || b_off < 0 || c_off < 0 || a_stride < 0 || b_stride < 0 || c_stride < 0 ||
      a_off % 4 || b_off % 4 || c_off % 4 || a_end > (int64_t)heap_bytes || b_end > (int64_t)heap_bytes || c_end > (int64_t)heap_bytes ||
      (bias_off >= 0 && (bias_len < 1 || n % bias_len || bias_off % 4 || bias_off + 4 * bias_len > (int64_t)heap_bytes))) {
    return throw_error(env, "sgemm: shapes, offsets or strides outside the heap");
  }
  uint8_t *heap = (uint8_t *)data;
  const float *bias = bias_off >= 0 ? (const float *)(heap + bias_off) : NULL;
  for (int64_t i = 0; i < batch; i++) {
    gemm_bias_act((int)trans_a, (int)trans_b, m, n, k, (const float *)(heap + a_off) + i * a_stride, (const float *)(heap + b_off) + i * b_stride,
                  (float *)(heap + c_off) + i * c_stride, bias, bias_len, (int32_t)activation, alpha);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    { "load", NULL, load, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, set_thread_count, NULL, NULL, NULL, napi_default, NULL },
    { "sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL },
    { "conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dFilterGrad", NULL, conv2d_filter_grad, NULL, NULL, NULL, napi_default, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
