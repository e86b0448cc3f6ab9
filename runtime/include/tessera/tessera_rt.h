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
 * context. On the CPU device all work runs synchronously in stream order: a
 * call that enqueues work returns when the work is done.
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
  TESSERA_ERROR_EXECUTION
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
  TESSERA_DTYPE_BOOL = 8
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
  const char *entry;
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

/* `device`: "cpu" (NULL means "cpu"); "cuda[:N]" and "hip[:N]" give
 * TESSERA_ERROR_UNSUPPORTED in this build. `num_threads`: threads that run
 * tiles, the caller's included; 0 means one per hardware thread. */
TESSERA_RT_API tessera_status_t tessera_context_create(const char *device,
                                                       int num_threads,
                                                       tessera_context_t *out);
TESSERA_RT_API tessera_status_t tessera_context_destroy(tessera_context_t ctx);
TESSERA_RT_API tessera_status_t
tessera_context_num_threads(tessera_context_t ctx, int *out);

/* ---- Modules ------------------------------------------------------------ */

/* Validates the file (ELF, sections, metadata, versions) before loading its
 * code, then resolves every entry and CPU kernel symbol. */
TESSERA_RT_API tessera_status_t tessera_module_load(tessera_context_t ctx,
                                                    const char *path,
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
 * outputs' memory. */
TESSERA_RT_API tessera_status_t tessera_invoke(tessera_function_t fn,
                                               tessera_stream_t stream,
                                               const tessera_tensor_t *inputs,
                                               size_t n_in,
                                               tessera_tensor_t *outputs,
                                               size_t n_out);

/* ---- Memory ------------------------------------------------------------- */

/* Zero-filled, 64-byte aligned. */
TESSERA_RT_API tessera_status_t tessera_buffer_alloc(tessera_context_t ctx,
                                                     size_t bytes,
                                                     tessera_buffer_t *out);
TESSERA_RT_API tessera_status_t tessera_buffer_free(tessera_buffer_t buffer);
/* Host pointer to the buffer's memory (cpu device). */
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
 * them, and the call returns when every tile is done. */
TESSERA_RT_API tessera_status_t tessera_launch_tile(tessera_stream_t stream,
                                                    tessera_kernel_fn kernel,
                                                    void *const *args,
                                                    const int64_t *sizes,
                                                    int64_t num_tiles);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_RT_H */
