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
 *   activations         the fused activations' names, in tfjs's spelling (the one list of them)
 *
 * The products take the heap (a typed array over the wasm memory) and one object of named numbers,
 * read and checked against the heap in one place (read_call). Offsets are in bytes into the heap,
 * strides in floats; an epilogue is `biasOffset` (-1: no bias), `biasLength` (it divides the row's
 * width), `activation` (a name from `activations`) and `alpha` (leakyrelu's slope).
 *
 *   sgemm(heap, { batch, transA, transB, m, n, k, aOffset, aStride, bOffset, bStride, cOffset,
 *                 cStride, ...epilogue })
 *       C[i] = act(op(A[i]) op(B[i]) + bias) for i < batch, row-major float32 (stride 0 broadcasts
 *       one matrix over the batch).
 *   conv2d(heap, { n, h, w, c, fh, fw, f, stride, padTop, padLeft, oh, ow, xOffset, wOffset, outOffset,
 *                  ...epilogue })
 *       out = act(conv(x, W) + bias), NHWC input [n, h, w, c], HWIO filter [fh, fw, c, f], output
 *       [n, oh, ow, f], the same stride along both sides; output pixel (oy, ox) sees input pixels
 *       from (oy * stride - padTop, ox * stride - padLeft), and pixels outside the input (the
 *       padding) are 0. Runs as im2col (each output pixel's patch as a row) and sgemm with the
 *       filter, a cache-sized block of rows at a time.
 *   conv2dFilterGrad(heap, { ...geometry, xOffset, dyOffset, dkOffset })
 *       the gradient of that convolution's filter, dK [fh, fw, c, f], from x and the output's gradient
 *       dy [n, oh, ow, f]: the patches' transpose times dy, summed over the blocks.
 *   conv2dInputGrad(heap, { ...geometry, dyOffset, wOffset, dxOffset })
 *       the gradient of its input, dx [n, h, w, c]: each block's rows of dy times W's transpose are
 *       the patches' gradients, added back onto the input pixels they were cut from (col2im). With a
 *       stride of 2 this does a quarter of the work of the stride-1 convolution of dy spread out.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
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

/* The fused activations tfjs asks for, by name: ACTIVATION_NAMES is the one place they are spelled. */
typedef enum { LINEAR, RELU, RELU6, LEAKYRELU, SIGMOID, ELU, ACTIVATION_COUNT } activation_kind;
static const char *const ACTIVATION_NAMES[ACTIVATION_COUNT] = { "linear", "relu", "relu6", "leakyrelu", "sigmoid", "elu" };

/*
 * Hot loops are built for AVX-512, AVX2 and plain x86-64, picked at load by the CPU (GCC's
 * target_clones); the addon itself is compiled for plain x86-64.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

/*
 * The fused activation over a matrix in place, one loop per kind so that each vectorises. Leaky
 * ReLU multiplies by 1 or alpha (the same numbers as choosing, NaN kept): a branch on the sign of
 * each value mispredicts half the time and made a leaky convolution 3x slower than a linear one.
 */
CLONES static void activate(float *c, int64_t size, activation_kind activation, float alpha) {
  switch (activation) {
    case RELU: for (int64_t i = 0; i < size; i++) c[i] = c[i] > 0 ? c[i] : 0; break;
    case RELU6: for (int64_t i = 0; i < size; i++) c[i] = c[i] < 0 ? 0 : c[i] > 6 ? 6 : c[i]; break;
    case LEAKYRELU: for (int64_t i = 0; i < size; i++) c[i] *= c[i] > 0 ? 1.0f : alpha; break;
    case SIGMOID: for (int64_t i = 0; i < size; i++) c[i] = 1.0f / (1.0f + expf(-c[i])); break;
    case ELU: for (int64_t i = 0; i < size; i++) c[i] = c[i] > 0 ? c[i] : expm1f(c[i]); break;
    default: break;
  }
}

/* What is added after a product: a bias (offset -1: none) of bias_length values along each row, then the activation. */
typedef struct {
  int64_t bias_offset, bias_length;
  activation_kind activation;
  double alpha;
} epilogue;

/* C = act(op(A) op(B) + bias), row-major, leading dimensions those of dense matrices. */
static void gemm_bias_act(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float *c,
                          const float *bias, const epilogue *e) {
  // A bias is written into C first and sgemm adds the product to it (beta 1): no second pass for it.
  if (bias) {
    for (int64_t r = 0; r < m; r++) {
      float *row = c + r * n;
      if (e->bias_length == n) memcpy(row, bias, (size_t)n * sizeof(float));
      else for (int64_t j = 0; j < n; j++) row[j] = bias[j % e->bias_length];
    }
  }
  cblas_sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, (int)m, (int)n, (int)k, 1.0f,
              a, trans_a ? (int)m : (int)k, b, trans_b ? (int)k : (int)n, bias ? 1.0f : 0.0f, c, (int)n);
  activate(c, m * n, e->activation, (float)e->alpha);
}

/* A convolution's geometry: input [n, h, w, c], filter [fh, fw, c, f], output [n, oh, ow, f], stride on both sides. */
typedef struct { int64_t n, h, w, c, fh, fw, f, stride, pad_top, pad_left, oh, ow; } conv_shape;

/* Each call's named numbers. */
typedef struct {
  int64_t batch, trans_a, trans_b, m, n, k, a_offset, a_stride, b_offset, b_stride, c_offset, c_stride;
  epilogue e;
} gemm_call;
typedef struct {
  conv_shape s;
  int64_t x_offset, w_offset, out_offset;
  epilogue e;
} conv_call;
typedef struct {
  conv_shape s;
  int64_t x_offset, dy_offset, dk_offset;
} filter_grad_call;
typedef struct {
  conv_shape s;
  int64_t dy_offset, w_offset, dx_offset;
} input_grad_call;

/* A field of a call's object: its name in JavaScript, its kind, and where it goes in the call's struct. */
typedef enum { INTEGER, FLAG, NUMBER, ACTIVATION } field_kind;
typedef struct {
  const char *name;
  field_kind kind;
  size_t offset;
} field;

#define CONV_SHAPE_FIELDS(type)                                                                                   \
  { "n", INTEGER, offsetof(type, s.n) }, { "h", INTEGER, offsetof(type, s.h) }, { "w", INTEGER, offsetof(type, s.w) }, \
  { "c", INTEGER, offsetof(type, s.c) }, { "fh", INTEGER, offsetof(type, s.fh) }, { "fw", INTEGER, offsetof(type, s.fw) }, \
  { "f", INTEGER, offsetof(type, s.f) }, { "stride", INTEGER, offsetof(type, s.stride) }, { "padTop", INTEGER, offsetof(type, s.pad_top) },                         \
  { "padLeft", INTEGER, offsetof(type, s.pad_left) }, { "oh", INTEGER, offsetof(type, s.oh) }, { "ow", INTEGER, offsetof(type, s.ow) }
#define EPILOGUE_FIELDS(type)                                                                                     \
  { "biasOffset", INTEGER, offsetof(type, e.bias_offset) }, { "biasLength", INTEGER, offsetof(type, e.bias_length) }, \
  { "activation", ACTIVATION, offsetof(type, e.activation) }, { "alpha", NUMBER, offsetof(type, e.alpha) }

static const field GEMM_FIELDS[] = {
  { "batch", INTEGER, offsetof(gemm_call, batch) }, { "transA", FLAG, offsetof(gemm_call, trans_a) },
  { "transB", FLAG, offsetof(gemm_call, trans_b) }, { "m", INTEGER, offsetof(gemm_call, m) },
  { "n", INTEGER, offsetof(gemm_call, n) }, { "k", INTEGER, offsetof(gemm_call, k) },
  { "aOffset", INTEGER, offsetof(gemm_call, a_offset) }, { "aStride", INTEGER, offsetof(gemm_call, a_stride) },
  { "bOffset", INTEGER, offsetof(gemm_call, b_offset) }, { "bStride", INTEGER, offsetof(gemm_call, b_stride) },
  { "cOffset", INTEGER, offsetof(gemm_call, c_offset) }, { "cStride", INTEGER, offsetof(gemm_call, c_stride) },
  EPILOGUE_FIELDS(gemm_call),
};
static const field CONV_FIELDS[] = {
  CONV_SHAPE_FIELDS(conv_call),
  { "xOffset", INTEGER, offsetof(conv_call, x_offset) }, { "wOffset", INTEGER, offsetof(conv_call, w_offset) },
  { "outOffset", INTEGER, offsetof(conv_call, out_offset) },
  EPILOGUE_FIELDS(conv_call),
};
static const field FILTER_GRAD_FIELDS[] = {
  CONV_SHAPE_FIELDS(filter_grad_call),
  { "xOffset", INTEGER, offsetof(filter_grad_call, x_offset) }, { "dyOffset", INTEGER, offsetof(filter_grad_call, dy_offset) },
  { "dkOffset", INTEGER, offsetof(filter_grad_call, dk_offset) },
};
static const field INPUT_GRAD_FIELDS[] = {
  CONV_SHAPE_FIELDS(input_grad_call),
  { "dyOffset", INTEGER, offsetof(input_grad_call, dy_offset) }, { "wOffset", INTEGER, offsetof(input_grad_call, w_offset) },
  { "dxOffset", INTEGER, offsetof(input_grad_call, dx_offset) },
};
#define COUNT(fields) (sizeof fields / sizeof fields[0])

/* One field's value into the struct; 0 when it is missing or of the wrong kind. */
static int read_field(napi_env env, napi_value object, const field *f, uint8_t *into) {
  napi_value value;
  bool flag;
  char name[16];
  size_t length;
  if (napi_get_named_property(env, object, f->name, &value) != napi_ok) return 0;
  switch (f->kind) {
    case INTEGER: return napi_get_value_int64(env, value, (int64_t *)(into + f->offset)) == napi_ok;
    case NUMBER: return napi_get_value_double(env, value, (double *)(into + f->offset)) == napi_ok;
    case FLAG:
      if (napi_get_value_bool(env, value, &flag) != napi_ok) return 0;
      *(int64_t *)(into + f->offset) = flag;
      return 1;
    case ACTIVATION:
      if (napi_get_value_string_utf8(env, value, name, sizeof name, &length) != napi_ok) return 0;
      for (int a = 0; a < ACTIVATION_COUNT; a++) {
        if (strcmp(name, ACTIVATION_NAMES[a]) == 0) {
          *(activation_kind *)(into + f->offset) = (activation_kind)a;
          return 1;
        }
      }
      return 0;
  }
  return 0;
}

/* Whether bytes [offset, offset + bytes) are float-aligned and inside a heap of heap_bytes. */
static int inside(int64_t offset, int64_t bytes, size_t heap_bytes) {
  return offset >= 0 && offset % 4 == 0 && bytes >= 0 && offset + bytes <= (int64_t)heap_bytes;
}

static int epilogue_fits(const epilogue *e, int64_t width, size_t heap_bytes) {
  return e->bias_offset < 0 || (e->bias_length >= 1 && width % e->bias_length == 0 && inside(e->bias_offset, 4 * e->bias_length, heap_bytes));
}

static int shape_valid(const conv_shape *s) {
  return s->n >= 1 && s->h >= 1 && s->w >= 1 && s->c >= 1 && s->fh >= 1 && s->fw >= 1 && s->f >= 1 && s->stride >= 1 && s->oh >= 1 && s->ow >= 1 &&
         s->pad_top >= 0 && s->pad_left >= 0;
}

/* Whether every matrix a call touches lies inside the heap (and its shapes make sense). */
static int gemm_fits(const gemm_call *g, size_t heap_bytes) {
  if (g->batch < 1 || g->m < 1 || g->n < 1 || g->k < 1 || g->a_stride < 0 || g->b_stride < 0 || g->c_stride < 0) return 0;
  const int64_t last = g->batch - 1;
  return inside(g->a_offset, 4 * (last * g->a_stride + g->m * g->k), heap_bytes) &&
         inside(g->b_offset, 4 * (last * g->b_stride + g->k * g->n), heap_bytes) &&
         inside(g->c_offset, 4 * (last * g->c_stride + g->m * g->n), heap_bytes) && epilogue_fits(&g->e, g->n, heap_bytes);
}
static int64_t x_bytes(const conv_shape *s) { return 4 * s->n * s->h * s->w * s->c; }
static int64_t filter_bytes(const conv_shape *s) { return 4 * s->fh * s->fw * s->c * s->f; }
static int64_t out_bytes(const conv_shape *s) { return 4 * s->n * s->oh * s->ow * s->f; }
static int conv_fits(const conv_call *c, size_t heap_bytes) {
  return shape_valid(&c->s) && inside(c->x_offset, x_bytes(&c->s), heap_bytes) && inside(c->w_offset, filter_bytes(&c->s), heap_bytes) &&
         inside(c->out_offset, out_bytes(&c->s), heap_bytes) && epilogue_fits(&c->e, c->s.f, heap_bytes);
}
static int filter_grad_fits(const filter_grad_call *c, size_t heap_bytes) {
  return shape_valid(&c->s) && inside(c->x_offset, x_bytes(&c->s), heap_bytes) && inside(c->dy_offset, out_bytes(&c->s), heap_bytes) &&
         inside(c->dk_offset, filter_bytes(&c->s), heap_bytes);
}
static int input_grad_fits(const input_grad_call *c, size_t heap_bytes) {
  return shape_valid(&c->s) && inside(c->dy_offset, out_bytes(&c->s), heap_bytes) && inside(c->w_offset, filter_bytes(&c->s), heap_bytes) &&
         inside(c->dx_offset, x_bytes(&c->s), heap_bytes);
}

/*
 * Every product call starts here: the heap and the call's object read into `into` (the fields
 * named in `fields`), then `fits` checks them against the heap. 0 when something was wrong; the
 * error, naming the call and the field, is then pending.
 */
static int read_call(napi_env env, napi_callback_info info, const char *name, const field *fields, size_t count, void *into,
                     int (*fits)(const void *, size_t), uint8_t **heap) {
  size_t argc = 2, heap_bytes = 0, elements, byte_offset;
  napi_value argv[2], buffer;
  napi_typedarray_type type;
  void *data;
  char message[300];
  const char *why = NULL, *bad_field = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) why = "N-API call failed";
  else if (!library) why = "OpenBLAS is not loaded";
  else if (argc != 2) why = "expected (heap, object of named numbers)";
  // A typed array, not its buffer: napi_get_arraybuffer_info refuses a SharedArrayBuffer (the threaded wasm build's memory).
  else if (napi_get_typedarray_info(env, argv[0], &type, &elements, &data, &buffer, &byte_offset) != napi_ok) why = "expected the heap as a typed array";
  if (!why) {
    heap_bytes = elements * (type == napi_uint8_array ? 1 : 4);
    for (size_t i = 0; i < count && !bad_field; i++) {
      if (!read_field(env, argv[1], &fields[i], (uint8_t *)into)) bad_field = fields[i].name;
    }
    if (!bad_field && !fits(into, heap_bytes)) why = "shapes, offsets or strides outside the heap";
  }
  if (!why && !bad_field) {
    *heap = (uint8_t *)data;
    return 1;
  }
  if (bad_field) snprintf(message, sizeof message, "%s: field '%s' missing or of the wrong kind", name, bad_field);
  else snprintf(message, sizeof message, "%s: %s", name, why);
  napi_throw_error(env, NULL, message);
  return 0;
}

static int gemm_fits_any(const void *call, size_t heap_bytes) { return gemm_fits((const gemm_call *)call, heap_bytes); }
static int conv_fits_any(const void *call, size_t heap_bytes) { return conv_fits((const conv_call *)call, heap_bytes); }
static int filter_grad_fits_any(const void *call, size_t heap_bytes) { return filter_grad_fits((const filter_grad_call *)call, heap_bytes); }
static int input_grad_fits_any(const void *call, size_t heap_bytes) { return input_grad_fits((const input_grad_call *)call, heap_bytes); }

/* An output pixel: image b, row oy, column ox; `next` steps through them in order without dividing. */
typedef struct { int64_t b, oy, ox; } out_pixel;
static out_pixel pixel_at(const conv_shape *s, int64_t pixel) {
  return (out_pixel){ pixel / (s->oh * s->ow), (pixel / s->ow) % s->oh, pixel % s->ow };
}
static void next(const conv_shape *s, out_pixel *o) {
  if (++o->ox < s->ow) return;
  o->ox = 0;
  if (++o->oy < s->oh) return;
  o->oy = 0;
  o->b++;
}

/*
 * Where an output pixel's patch row `ky` lies in the input: the offset in floats of its first
 * value inside the image, and the run of patch columns [first, last) inside it; 0 when the row is
 * outside the image. Inside one patch row the columns are consecutive whatever the stride.
 */
typedef struct { int64_t at, first, last; } patch_run;
static int patch_row(const conv_shape *s, const out_pixel *o, int64_t ky, patch_run *run) {
  const int64_t y = o->oy * s->stride + ky - s->pad_top, x0 = o->ox * s->stride - s->pad_left, fw = s->fw, w = s->w;
  if (y < 0 || y >= s->h) return 0;
  run->first = x0 >= 0 ? 0 : -x0 < fw ? -x0 : fw;
  run->last = w - x0 >= fw ? fw : w - x0 > run->first ? w - x0 : run->first;
  run->at = ((o->b * s->h + y) * w + x0 + run->first) * s->c;
  return 1;
}

/* Rows start..start+count of the im2col matrix: each output pixel's patch, zeros where it leaves the input. */
static void fill_patches(float *col, const float *x, const conv_shape *s, int64_t start, int64_t count) {
  const int64_t patch = s->fh * s->fw * s->c, c = s->c, fw = s->fw;
  patch_run run;
  out_pixel o = pixel_at(s, start);
  for (int64_t r = 0; r < count; r++, next(s, &o)) {
    float *row = col + r * patch;
    for (int64_t ky = 0; ky < s->fh; ky++) {
      float *dst = row + ky * fw * c;
      if (!patch_row(s, &o, ky, &run)) { memset(dst, 0, (size_t)(fw * c) * sizeof(float)); continue; }
      memset(dst, 0, (size_t)(run.first * c) * sizeof(float));
      if (run.last > run.first) memcpy(dst + run.first * c, x + run.at, (size_t)((run.last - run.first) * c) * sizeof(float));
      memset(dst + run.last * c, 0, (size_t)((fw - run.last) * c) * sizeof(float));
    }
  }
}

/* The reverse of fill_patches: each patch row's values added onto the input pixels it was cut from (the padding's dropped). */
static void add_patches(float *dx, const float *col, const conv_shape *s, int64_t start, int64_t count) {
  const int64_t patch = s->fh * s->fw * s->c, c = s->c, fw = s->fw;
  patch_run run;
  out_pixel o = pixel_at(s, start);
  for (int64_t r = 0; r < count; r++, next(s, &o)) {
    const float *row = col + r * patch;
    for (int64_t ky = 0; ky < s->fh; ky++) {
      if (!patch_row(s, &o, ky, &run)) continue;
      const float *src = row + (ky * fw + run.first) * c;
      float *dst = dx + run.at;
      for (int64_t i = 0; i < (run.last - run.first) * c; i++) dst[i] += src[i];
    }
  }
}

/*
 * Thin convolutions, one input channel or one filter, directly (no patches): im2col's rows are
 * then a few floats each and sgemm's products thin, so cutting and multiplying cost more than
 * the arithmetic. Each output pixel's patch is walked in place, a run of the input per patch row.
 */

/* sum a[i] * b[i], i < n, in 16 lanes (vectorises without reordering a single sum). */
static inline float dot(const float *restrict a, const float *restrict b, int64_t n) {
  float lanes[16] = { 0 };
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) lanes[j] += a[i + j] * b[i + j];
  float sum = 0;
  for (; i < n; i++) sum += a[i] * b[i];
  for (int j = 0; j < 16; j++) sum += lanes[j];
  return sum;
}

/* y[i] += a * x[i], i < n. */
static inline void axpy(float *restrict y, float a, const float *restrict x, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

/* Filters up to this many are summed in a local row (one write of each output value); more in place. */
enum { LOCAL_FILTERS = 256 };

/* out [rows, f] = act(conv(x, W) + bias): with f == 1 a dot product per patch row, else a row of W per input value. */
CLONES static void direct_conv(float *out, const float *x, const float *wt, const float *bias, const epilogue *e, const conv_shape *s,
                               int64_t start, int64_t end) {
  const int64_t c = s->c, f = s->f, fw = s->fw;
  float local[LOCAL_FILTERS], first[LOCAL_FILTERS];
  // Each output row starts as the bias (one value or one per filter) or zeros: made once, copied per pixel.
  const int64_t kept = f <= LOCAL_FILTERS ? f : 0;
  for (int64_t j = 0; j < kept; j++) first[j] = bias ? bias[e->bias_length == f ? j : 0] : 0.0f;
  patch_run run;
  out_pixel at = pixel_at(s, start);
  for (int64_t p = start; p < end; p++, next(s, &at)) {
    float *o = kept ? local : out + p * f;
    if (kept) memcpy(o, first, (size_t)f * sizeof(float));
    else for (int64_t j = 0; j < f; j++) o[j] = bias ? bias[e->bias_length == f ? j : 0] : 0.0f;
    for (int64_t ky = 0; ky < s->fh; ky++) {
      if (!patch_row(s, &at, ky, &run)) continue;
      const float *xr = x + run.at;
      const float *wr = wt + (ky * fw + run.first) * c * f;
      const int64_t values = (run.last - run.first) * c;
      if (f == 1) { o[0] += dot(xr, wr, values); continue; }
      for (int64_t i = 0; i < values; i++) axpy(o, xr[i], wr + i * f, f);
    }
    activate(o, f, e->activation, (float)e->alpha);
    if (o == local) memcpy(out + p * f, local, (size_t)f * sizeof(float));
  }
}

/* dK [fh, fw, c, f] = sum over output pixels of each patch value times that pixel's dy row (dK zeroed first). */
CLONES static void direct_filter_grad(float *dk, const float *x, const float *dy, const conv_shape *s, int64_t start, int64_t end) {
  const int64_t c = s->c, f = s->f, fw = s->fw;
  memset(dk, 0, (size_t)(s->fh * fw * c * f) * sizeof(float));
  patch_run run;
  out_pixel at = pixel_at(s, start);
  for (int64_t p = start; p < end; p++, next(s, &at)) {
    const float *d = dy + p * f;
    for (int64_t ky = 0; ky < s->fh; ky++) {
      if (!patch_row(s, &at, ky, &run)) continue;
      const float *xr = x + run.at;
      float *kr = dk + (ky * fw + run.first) * c * f;
      const int64_t values = (run.last - run.first) * c;
      if (f == 1) {
        axpy(kr, d[0], xr, values);
        continue;
      }
      for (int64_t i = 0; i < values; i++) axpy(kr + i * f, xr[i], d, f);
    }
  }
}

/* Whether a convolution is thin enough for the direct loops. */
static int thin(const conv_shape *s) { return s->c == 1 || s->f == 1; }

/* One thread's share of a direct convolution: output rows [start, end), into out or (a filter gradient) dk. */
typedef struct {
  const conv_shape *s;
  const float *x, *w, *dy, *bias;
  const epilogue *e;
  float *out, *dk;
  int64_t start, end;
} direct_part;
static void *run_part(void *arg) {
  const direct_part *d = (const direct_part *)arg;
  if (d->dk) direct_filter_grad(d->dk, d->x, d->dy, d->s, d->start, d->end);
  else direct_conv(d->out, d->x, d->w, d->bias, d->e, d->s, d->start, d->end);
  return NULL;
}

/*
 * A direct convolution on two threads when it is large enough to pay for one (OpenBLAS's threads
 * are idle meanwhile): the second half of the rows on a new thread, summing into its own filter
 * gradient, added to the first's at the end. One thread when a thread or its memory is refused.
 */
static void run_direct(direct_part whole) {
  const int64_t rows = whole.end - whole.start, kernel = whole.s->fh * whole.s->fw * whole.s->c * whole.s->f, work = rows * kernel;
  direct_part second = whole;
  second.start = whole.start + rows / 2;
  float *own = NULL;
  pthread_t thread;
  int split = get_threads() > 1 && work >= (1 << 20);
  if (split && whole.dk) split = (second.dk = own = (float *)malloc((size_t)kernel * sizeof(float))) != NULL;
  if (split && pthread_create(&thread, NULL, run_part, &second) != 0) split = 0;
  if (!split) {
    free(own);
    run_part(&whole);
    return;
  }
  direct_part first = whole;
  first.end = second.start;
  run_part(&first);
  pthread_join(thread, NULL);
  if (own) {
    for (int64_t i = 0; i < kernel; i++) whole.dk[i] += own[i];
    free(own);
  }
}

/* Patch rows per block: about `floats` floats (1 MB keeps a block in cache for the forward product; the
   filter gradient sums over the rows, and its product needs many of them to run at speed). */
static int64_t block_rows(int64_t patch, int64_t rows, int64_t floats) {
  int64_t block = floats / patch;
  if (block < 32) block = 32;
  return block > rows ? rows : block;
}

/*
 * A convolution (conv set) or its filter's gradient (grad set), a block of patch rows at a time:
 * the output is patches * filter + bias, activated; the filter's gradient is the sum of patches^T dy.
 */
static napi_value conv_by_blocks(napi_env env, const char *name, uint8_t *heap, const conv_call *conv, const filter_grad_call *grad) {
  const conv_shape *s = conv ? &conv->s : &grad->s;
  const float *x = (const float *)(heap + (conv ? conv->x_offset : grad->x_offset));
  const float *bias = conv && conv->e.bias_offset >= 0 ? (const float *)(heap + conv->e.bias_offset) : NULL;
  const int64_t rows = s->n * s->oh * s->ow;
  if (thin(s)) {
    run_direct(conv ? (direct_part){ .s = s, .x = x, .w = (const float *)(heap + conv->w_offset), .bias = bias, .e = &conv->e,
                                     .out = (float *)(heap + conv->out_offset), .end = rows }
                    : (direct_part){ .s = s, .x = x, .dy = (const float *)(heap + grad->dy_offset), .dk = (float *)(heap + grad->dk_offset),
                                     .end = rows });
    return NULL;
  }
  const int64_t patch = s->fh * s->fw * s->c, block = block_rows(patch, rows, grad ? 1 << 21 : 1 << 18);
  float *col = (float *)malloc((size_t)(block * patch) * sizeof(float));
  if (!col) {
    char message[200];
    snprintf(message, sizeof message, "%s: out of memory for the patches", name);
    return throw_error(env, message);
  }
  for (int64_t start = 0; start < rows; start += block) {
    const int64_t count = rows - start < block ? rows - start : block;
    fill_patches(col, x, s, start, count);
    if (grad) {
      const float *dy = (const float *)(heap + grad->dy_offset);
      cblas_sgemm(ROW_MAJOR, TRANS, NO_TRANS, (int)patch, (int)s->f, (int)count, 1.0f, col, (int)patch, dy + start * s->f, (int)s->f,
                  start == 0 ? 0.0f : 1.0f, (float *)(heap + grad->dk_offset), (int)s->f);
    } else {
      gemm_bias_act(0, 0, count, s->f, patch, col, (const float *)(heap + conv->w_offset), (float *)(heap + conv->out_offset) + start * s->f,
                    bias, &conv->e);
    }
  }
  free(col);
  return NULL;
}

static napi_value conv2d(napi_env env, napi_callback_info info) {
  conv_call call;
  uint8_t *heap;
  if (!read_call(env, info, "conv2d", CONV_FIELDS, COUNT(CONV_FIELDS), &call, conv_fits_any, &heap)) return NULL;
  return conv_by_blocks(env, "conv2d", heap, &call, NULL);
}

static napi_value conv2d_filter_grad(napi_env env, napi_callback_info info) {
  filter_grad_call call;
  uint8_t *heap;
  if (!read_call(env, info, "conv2dFilterGrad", FILTER_GRAD_FIELDS, COUNT(FILTER_GRAD_FIELDS), &call, filter_grad_fits_any, &heap)) return NULL;
  return conv_by_blocks(env, "conv2dFilterGrad", heap, NULL, &call);
}

static napi_value conv2d_input_grad(napi_env env, napi_callback_info info) {
  input_grad_call call;
  uint8_t *heap;
  if (!read_call(env, info, "conv2dInputGrad", INPUT_GRAD_FIELDS, COUNT(INPUT_GRAD_FIELDS), &call, input_grad_fits_any, &heap)) return NULL;
  const conv_shape *s = &call.s;
  const int64_t rows = s->n * s->oh * s->ow, patch = s->fh * s->fw * s->c, block = block_rows(patch, rows, 1 << 18);
  float *col = (float *)malloc((size_t)(block * patch) * sizeof(float));
  if (!col) return throw_error(env, "conv2dInputGrad: out of memory for the patches");
  float *dx = (float *)(heap + call.dx_offset);
  const float *dy = (const float *)(heap + call.dy_offset), *w = (const float *)(heap + call.w_offset);
  memset(dx, 0, (size_t)x_bytes(s));
  for (int64_t start = 0; start < rows; start += block) {
    const int64_t count = rows - start < block ? rows - start : block;
    // The patches' gradients: dy's rows [count, f] times W [patch, f] transposed.
    cblas_sgemm(ROW_MAJOR, NO_TRANS, TRANS, (int)count, (int)patch, (int)s->f, 1.0f, dy + start * s->f, (int)s->f, w, (int)s->f, 0.0f, col,
                (int)patch);
    add_patches(dx, col, s, start, count);
  }
  free(col);
  return NULL;
}

static napi_value sgemm(napi_env env, napi_callback_info info) {
  gemm_call g;
  uint8_t *heap;
  if (!read_call(env, info, "sgemm", GEMM_FIELDS, COUNT(GEMM_FIELDS), &g, gemm_fits_any, &heap)) return NULL;
  const float *bias = g.e.bias_offset >= 0 ? (const float *)(heap + g.e.bias_offset) : NULL;
  for (int64_t i = 0; i < g.batch; i++) {
    gemm_bias_act((int)g.trans_a, (int)g.trans_b, g.m, g.n, g.k, (const float *)(heap + g.a_offset) + i * g.a_stride,
                  (const float *)(heap + g.b_offset) + i * g.b_stride, (float *)(heap + g.c_offset) + i * g.c_stride, bias, &g.e);
  }
  return NULL;
}

/* The activations' names as a JavaScript array, so that the kernels ask the addon rather than keep a copy. */
static napi_value activation_names(napi_env env) {
  napi_value names, name;
  CHECK(napi_create_array_with_length(env, ACTIVATION_COUNT, &names));
  for (uint32_t i = 0; i < ACTIVATION_COUNT; i++) {
    CHECK(napi_create_string_utf8(env, ACTIVATION_NAMES[i], NAPI_AUTO_LENGTH, &name));
    CHECK(napi_set_element(env, names, i, name));
  }
  return names;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
    { "load", NULL, load, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, set_thread_count, NULL, NULL, NULL, napi_default, NULL },
    { "sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL },
    { "conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dFilterGrad", NULL, conv2d_filter_grad, NULL, NULL, NULL, napi_default, NULL },
    { "conv2dInputGrad", NULL, conv2d_input_grad, NULL, NULL, NULL, napi_default, NULL },
    { "activations", NULL, NULL, NULL, NULL, activation_names(env), napi_enumerable, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
