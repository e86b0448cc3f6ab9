/*
 * libtessera_rt: the C interface for loading and running Tessera modules
 * (.tbin files). Plain C so that any host language can bind to it.
 *
 * Conventions
 *  - Every function that can fail returns a tessera_status_t. On failure,
 *    tessera_last_error() returns a one-line message for the calling thread;
 *    successful calls leave it unchanged. No function aborts or exits.
 *  - Functions returning a pointer or count return NULL / 0 on a bad argument
 *    and set the last error.
 *  - Strings and arrays returned by introspection functions are owned by the
 *    module and stay valid until it is unloaded.
 *  - Handles are not reference counted by the caller: destroy what you create.
 *    Destroying a context while modules, buffers, streams or events made from
 *    it are alive is allowed; the device is released with the last of them.
 *  - Destroy/free/unload functions accept NULL and do nothing.
 *
 * Devices: "cpu" runs kernels on a pool of worker threads owned by the
 * context. "cuda" / "cuda:N" runs them on NVIDIA GPU N through the CUDA
 * driver, which is loaded at run time (libcuda.so.1): the runtime needs no
 * CUDA to build, and a machine without a GPU gets a clear error from
 * tessera_context_create. On every device tensors, buffers and streams are
 * host-side and all work runs synchronously in stream order: a call that
 * enqueues work returns when the work is done (on a GPU, tessera_invoke
 * copies the inputs to the device, runs the entry, waits for it and copies
 * the outputs back).
 */
#ifndef TESSERA_RT_H
#define TESSERA_RT_H

#include <stddef.h>
#include <stdint.h>

#include "tessera/rt_export.h"
#include "tessera/tbin_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tessera_context *tessera_context_t;
typedef struct tessera_module *tessera_module_t;
typedef struct tessera_function *tessera_function_t;
typedef struct tessera_buffer *tessera_buffer_t;
typedef struct tessera_stream *tessera_stream_t;
typedef struct tessera_event *tessera_event_t;

typedef enum tessera_status {
  TESSERA_OK = 0,
  TESSERA_ERROR_INVALID_ARGUMENT,
  TESSERA_ERROR_NOT_FOUND,
  TESSERA_ERROR_INVALID_MODULE,
  TESSERA_ERROR_IO,
  TESSERA_ERROR_OUT_OF_MEMORY,
  TESSERA_ERROR_UNSUPPORTED,
  TESSERA_ERROR_EXECUTION,
  /* An entry's index, slice or reshape does not fit the extents bound
   * from its inputs (x[2:5] of x: f32[N] with N < 5, a reshape of N
   * elements to [M, 2] with N != 2M); the entry checked it before
   * launching anything that relies on it. */
  TESSERA_ERROR_OUT_OF_RANGE
} tessera_status_t;

/* Element types; the codes are those of .tessera.meta (tbin::DType). */
typedef enum tessera_dtype {
  TESSERA_DTYPE_F32 = 1,
  TESSERA_DTYPE_F64 = 2,
  TESSERA_DTYPE_F16 = 3,
  TESSERA_DTYPE_BF16 = 4,
  TESSERA_DTYPE_I64 = 5,
  TESSERA_DTYPE_I32 = 6,
  TESSERA_DTYPE_I8 = 7,
  TESSERA_DTYPE_BOOL = 8,
  /* 8-bit floats (OCP): E4M3FN (bias 7, no infinity, max 448) and E5M2
   * (bias 15, IEEE-like, max 57344). */
  TESSERA_DTYPE_FP8_E4M3 = 9,
  TESSERA_DTYPE_FP8_E5M2 = 10,
  /* complex64: two f32, the real part first */
  TESSERA_DTYPE_C64 = 11
} tessera_dtype_t;

/* A dense, C-ordered tensor in host memory, described by the caller. */
typedef struct tessera_tensor {
  void *data;
  int32_t dtype; /* a tessera_dtype_t */
  int32_t rank;
  const int64_t *shape; /* `rank` extents; may be NULL when rank is 0 */
} tessera_tensor_t;

/* One input or output of an entry point, as its signature declares it. */
typedef struct tessera_tensor_info {
  const char *name;
  int32_t dtype;
  int32_t rank;
  const int64_t *dims;          /* `rank` extents; -1 where symbolic */
  const char *const *dim_names; /* `rank` names; NULL where concrete */
} tessera_tensor_info_t;

/* One record of the module's kernel table (.tessera.ops). */
typedef struct tessera_kernel_info {
  const char *name;
  const char *symbol;
  const char *entry;   /* the entries launching it, comma-separated */
  const char *backend; /* "cpu", "cuda", ... */
  const char *kind;    /* launch geometry, e.g. "elementwise" */
  int32_t tile_rank;
  const int64_t *tile;
  uint32_t num_args;
} tessera_kernel_info_t;

/* A trainable parameter of the module: an entry takes it as its input named
 * "param:<name>". `init` is how its first value is drawn: "zeros", "ones",
 * "glorot", "normal" or "uniform" (docs/training.md). */
typedef struct tessera_param_info {
  const char *name;
  int32_t dtype; /* a tessera_dtype_t */
  int32_t rank;
  const int64_t *shape; /* `rank` extents, all known */
  const char *init;
  int64_t seed;
} tessera_param_info_t;

/* A device image of the module: its .tessera.cuda section holds one or
 * more, and a CUDA context loads the one that suits its GPU. */
typedef struct tessera_device_image_info {
  const char *device;    /* "cuda" */
  const char *kind;      /* "ptx" or "cubin" */
  uint32_t sm;           /* compute capability times ten: 80, 90 */
  int32_t arch_specific; /* 1: runs on exactly `sm` only (sm_90a) */
  uint64_t size;         /* bytes */
} tessera_device_image_info_t;

/* One kernel launch recorded while profiling (tessera_context_set_profiling).
 * Times are microseconds on one clock per context, which starts when
 * profiling is switched on: on the CPU the launch's wall time, on a GPU the
 * kernel's time on the device (CUDA events around it). */
typedef struct tessera_profile_event {
  const char *name; /* the kernel's name, as `tessera info` lists it */
  double start_us;
  double duration_us;
  int64_t num_tiles; /* tiles the launch ran (> 0) */
} tessera_profile_event_t;

/* A section of the .tbin whose name starts with ".tessera". */
typedef struct tessera_section_info {
  const char *name;
  uint64_t size;
} tessera_section_info_t;

/* ---- Errors and element types ------------------------------------------ */

/* The message of the calling thread's last failure ("" if none). */
TESSERA_RT_API const char *tessera_last_error(void);
/* "TESSERA_OK", "TESSERA_ERROR_NOT_FOUND", ... */
TESSERA_RT_API const char *tessera_status_string(tessera_status_t status);
/* "f32", "i64", ...; NULL for an unknown code. */
TESSERA_RT_API const char *tessera_dtype_name(int32_t dtype);
/* Bytes per element; 0 for an unknown code. */
TESSERA_RT_API size_t tessera_dtype_size(int32_t dtype);

/* ---- Contexts ----------------------------------------------------------- */

/* `device`: "cpu" (NULL means "cpu"), or "cuda[:N]" for GPU N (default 0).
 * Without a CUDA driver or GPU: TESSERA_ERROR_UNSUPPORTED ("no CUDA driver
 * (libcuda.so.1) on this machine", "no CUDA device on this machine"); a GPU
 * that does not exist: TESSERA_ERROR_NOT_FOUND ("CUDA device 3 does not
 * exist (2 devices)"). "hip[:N]" gives TESSERA_ERROR_UNSUPPORTED in this
 * build. `num_threads`: threads that run CPU tiles, the caller's included;
 * 0 means one per hardware thread. A CUDA context checks it but runs tiles
 * on the GPU, and reports 1 thread. */
TESSERA_RT_API tessera_status_t tessera_context_create(const char *device,
                                                       int num_threads,
                                                       tessera_context_t *out);
TESSERA_RT_API tessera_status_t tessera_context_destroy(tessera_context_t ctx);
TESSERA_RT_API tessera_status_t
tessera_context_num_threads(tessera_context_t ctx, int *out);

/* ---- Profiling ---------------------------------------------------------- */

/* enabled != 0: forget what was recorded, restart the clock and record every
 * kernel launch of every entry run on the context from now on (one event a
 * launch, launches of zero tiles excepted). 0: stop recording, keeping the
 * events. Profiling costs a little time per launch (on a GPU, two events),
 * nothing while off. */
TESSERA_RT_API tessera_status_t
tessera_context_set_profiling(tessera_context_t ctx, int enabled);
/* Events recorded since profiling was last switched on, in the order the
 * launches were issued. Their `name` strings stay valid until profiling is
 * switched on again or the context is destroyed. */
TESSERA_RT_API size_t tessera_context_num_profile_events(tessera_context_t ctx);
TESSERA_RT_API tessera_status_t tessera_context_profile_event(
    tessera_context_t ctx, size_t index, tessera_profile_event_t *out);

/* ---- Modules ------------------------------------------------------------ */

/* Validates the file (ELF, sections, metadata, versions) before loading its
 * code, then resolves the code of the context's device: on the CPU every
 * entry and CPU kernel symbol; on a GPU the device entries
 * (tessera_cuda_entry_NAME) and the .tessera.cuda image that suits it,
 * which the driver loads. A module without code for the device gives
 * TESSERA_ERROR_UNSUPPORTED: "model.tbin has no CUDA code; compile it with
 * tesserac --target=cuda" (or "no CPU code", "--target=cpu"). */
TESSERA_RT_API tessera_status_t tessera_module_load(tessera_context_t ctx,
                                                    const char *path,
                                                    tessera_module_t *out);
/* Validates the file as tessera_module_load does, but loads no code and
 * needs no device: for tools that describe a module whatever it was
 * compiled for (`tessera info`). Everything but running works on the
 * result; tessera_invoke on its functions gives TESSERA_ERROR_UNSUPPORTED.
 * Unload it with tessera_module_unload. */
TESSERA_RT_API tessera_status_t tessera_module_inspect(const char *path,
                                                       tessera_module_t *out);
/* Loads a model linked into the program (tesserac --emit=obj, declared by
 * --emit=header; tbin_abi.h): its tables are checked as a file's sections
 * are, and its code is used where it lies. `module` must stay valid while
 * the result is loaded (it is a constant of the program). */
TESSERA_RT_API tessera_status_t tessera_module_load_static(
    tessera_context_t ctx, const tessera_static_module_t *module,
    tessera_module_t *out);
TESSERA_RT_API tessera_status_t tessera_module_unload(tessera_module_t module);

TESSERA_RT_API const char *tessera_module_name(tessera_module_t module);
TESSERA_RT_API const char *tessera_module_target(tessera_module_t module);
TESSERA_RT_API const char *tessera_module_policy(tessera_module_t module);
/* Version of the .tessera.meta encoding the file was written with. */
TESSERA_RT_API tessera_status_t tessera_module_format_version(
    tessera_module_t module, uint32_t *major, uint32_t *minor);
TESSERA_RT_API size_t tessera_module_num_sections(tessera_module_t module);
TESSERA_RT_API tessera_status_t tessera_module_section(
    tessera_module_t module, size_t index, tessera_section_info_t *out);
TESSERA_RT_API size_t tessera_module_num_entries(tessera_module_t module);
TESSERA_RT_API const char *tessera_module_entry_name(tessera_module_t module,
                                                     size_t index);
/* The parameter table; empty for modules of format 1.0. */
TESSERA_RT_API size_t tessera_module_num_params(tessera_module_t module);
TESSERA_RT_API tessera_status_t tessera_module_param(tessera_module_t module,
                                                     size_t index,
                                                     tessera_param_info_t *out);
TESSERA_RT_API size_t tessera_module_num_kernels(tessera_module_t module);
TESSERA_RT_API tessera_status_t tessera_module_kernel(
    tessera_module_t module, size_t index, tessera_kernel_info_t *out);
/* The device images (.tessera.cuda); none for a module compiled for the CPU
 * only. */
TESSERA_RT_API size_t tessera_module_num_device_images(tessera_module_t module);
TESSERA_RT_API tessera_status_t tessera_module_device_image(
    tessera_module_t module, size_t index, tessera_device_image_info_t *out);

/* ---- Functions (entry points) ------------------------------------------- */

/* The handle is owned by the module; there is nothing to destroy. */
TESSERA_RT_API tessera_status_t tessera_function_lookup(
    tessera_module_t module, const char *entry_name, tessera_function_t *out);
TESSERA_RT_API const char *tessera_function_name(tessera_function_t fn);
TESSERA_RT_API const char *tessera_function_symbol(tessera_function_t fn);
/* "entry", or "train" for one step of training (docs/training.md). */
TESSERA_RT_API const char *tessera_function_kind(tessera_function_t fn);
/* The optimizer of a train entry as text, e.g. "adam lr=0.001"; "" if none. */
TESSERA_RT_API const char *tessera_function_optimizer(tessera_function_t fn);
TESSERA_RT_API size_t tessera_function_num_inputs(tessera_function_t fn);
TESSERA_RT_API size_t tessera_function_num_outputs(tessera_function_t fn);
TESSERA_RT_API tessera_status_t tessera_function_input(
    tessera_function_t fn, size_t index, tessera_tensor_info_t *out);
TESSERA_RT_API tessera_status_t tessera_function_output(
    tessera_function_t fn, size_t index, tessera_tensor_info_t *out);
/* The symbolic dims the entry binds, in the order of its `dims` argument. */
TESSERA_RT_API size_t tessera_function_num_dims(tessera_function_t fn);
TESSERA_RT_API const char *tessera_function_dim_name(tessera_function_t fn,
                                                     size_t index);

/* Checks `inputs` against the signature (count, dtype, rank, concrete dims)
 * and binds the symbolic dims by unification. `dim_values` (may be NULL)
 * receives tessera_function_num_dims() values, -1 for a dim no input
 * determines. On failure, `*failed_input` (may be NULL) is the index of the
 * offending input, or n_in when no single input is to blame. */
TESSERA_RT_API tessera_status_t tessera_function_bind_dims(
    tessera_function_t fn, const tessera_tensor_t *inputs, size_t n_in,
    int64_t *dim_values, size_t *failed_input);

/* The shape output `output_index` has for these inputs, so that hosts can
 * allocate it. `shape` must hold at least the output's rank. */
TESSERA_RT_API tessera_status_t tessera_function_output_shape(
    tessera_function_t fn, const tessera_tensor_t *inputs, size_t n_in,
    size_t output_index, int64_t *shape, size_t shape_capacity);

/* Checks inputs as tessera_function_bind_dims does and every output's dtype
 * and shape against the bound dims, then runs the entry on `stream`'s
 * context (NULL: the module's context). Returns when the results are in the
 * outputs' memory. Tensors are host memory on every device; on a GPU the
 * inputs are copied to device memory first and the outputs back after,
 * and invokes on one context run one at a time. A failure on the GPU names
 * the CUDA call and error ("... cuLaunchKernel failed:
 * CUDA_ERROR_INVALID_VALUE (invalid argument)"); running out of device
 * memory is TESSERA_ERROR_OUT_OF_MEMORY. */
TESSERA_RT_API tessera_status_t tessera_invoke(tessera_function_t fn,
                                               tessera_stream_t stream,
                                               const tessera_tensor_t *inputs,
                                               size_t n_in,
                                               tessera_tensor_t *outputs,
                                               size_t n_out);

/* ---- Memory ------------------------------------------------------------- */

/* Zero-filled, 64-byte aligned host memory, on every device (a GPU's
 * memory is managed inside tessera_invoke). */
TESSERA_RT_API tessera_status_t tessera_buffer_alloc(tessera_context_t ctx,
                                                     size_t bytes,
                                                     tessera_buffer_t *out);
TESSERA_RT_API tessera_status_t tessera_buffer_free(tessera_buffer_t buffer);
/* Host pointer to the buffer's memory. */
TESSERA_RT_API void *tessera_buffer_data(tessera_buffer_t buffer);
TESSERA_RT_API size_t tessera_buffer_size(tessera_buffer_t buffer);
/* Copies the first `bytes` bytes of `src` to `dst`. */
TESSERA_RT_API tessera_status_t tessera_buffer_copy(tessera_buffer_t dst,
                                                    tessera_buffer_t src,
                                                    size_t bytes);

/* ---- Streams and events ------------------------------------------------- */

/* On the CPU device work runs synchronously in stream order, so
 * tessera_stream_synchronize returns at once, tessera_event_record marks an
 * event complete and tessera_event_wait returns at once. An event that was
 * never recorded counts as complete. */
TESSERA_RT_API tessera_status_t tessera_stream_create(tessera_context_t ctx,
                                                      tessera_stream_t *out);
TESSERA_RT_API tessera_status_t tessera_stream_destroy(tessera_stream_t stream);
TESSERA_RT_API tessera_status_t
tessera_stream_synchronize(tessera_stream_t stream);
TESSERA_RT_API tessera_status_t tessera_event_create(tessera_context_t ctx,
                                                     tessera_event_t *out);
TESSERA_RT_API tessera_status_t tessera_event_destroy(tessera_event_t event);
TESSERA_RT_API tessera_status_t tessera_event_record(tessera_event_t event,
                                                     tessera_stream_t stream);
TESSERA_RT_API tessera_status_t tessera_event_wait(tessera_event_t event);

/* Runs tiles [0, num_tiles) of `kernel` on the context's thread pool: the
 * range is split into contiguous chunks, the calling thread runs some of
 * them, and the call returns when every tile is done. CPU contexts only
 * (TESSERA_ERROR_UNSUPPORTED on a GPU). */
TESSERA_RT_API tessera_status_t tessera_launch_tile(tessera_stream_t stream,
                                                    tessera_kernel_fn kernel,
                                                    void *const *args,
                                                    const int64_t *sizes,
                                                    int64_t num_tiles);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_RT_H */
