/*
 * The contract between code that tesserac generates into a .tbin and the
 * runtime that loads it. Plain C so that the generated code, the runtime and
 * a host program all agree on it; the compiler emits code that matches these
 * prototypes exactly (backend/cpu/EntryLowering).
 *
 * Versioned: TESSERA_TBIN_ABI_VERSION changes whenever a prototype below or
 * the layout of .tessera.meta / .tessera.ops changes incompatibly.
 */
#ifndef TESSERA_TBIN_ABI_H
#define TESSERA_TBIN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_TBIN_ABI_VERSION 3

/* Section names inside the .tbin ELF shared object. */
#define TESSERA_META_SECTION ".tessera.meta"
#define TESSERA_OPS_SECTION ".tessera.ops"

/* Both sections start with an 8-byte magic, then u16 major, u16 minor and a
 * u32 payload size (little endian); see tbin_meta.hpp for the payload. */
#define TESSERA_META_MAGIC "TSRMETA\0"
#define TESSERA_OPS_MAGIC "TSROPS\0\0"

/*
 * A CPU kernel processes tiles [tile_begin, tile_end) of its iteration space.
 * `args` holds the data pointers of the tensors it touches, in the order the
 * kernel's .tessera.ops record lists; `sizes` the extents of its iteration
 * space (for an elementwise kernel: one value, the element count).
 */
typedef void (*tessera_kernel_fn)(void *const *args, const int64_t *sizes,
                                  int64_t tile_begin, int64_t tile_end);

/*
 * Supplied by the runtime: run tiles [0, num_tiles) of `kernel`, in parallel
 * or not, and return 0 on success. Tiles of one kernel are independent by
 * construction, so the order they run in never changes a result.
 */
typedef int32_t (*tessera_launch_fn)(void *host, tessera_kernel_fn kernel,
                                     void *const *args, const int64_t *sizes,
                                     int64_t num_tiles);

/*
 * What the runtime hands a CPU entry (ABI version 2 and later). The fields
 * are in the order of tessera_device_ops_t's first three, so that both kinds
 * of entry reach them the same way.
 */
typedef struct tessera_host_ops {
  /* Memory for a temporary buffer: at least `bytes` bytes (never 0 bytes),
   * 64-byte aligned; NULL on failure, after which the entry frees what it
   * allocated and returns 5 (TESSERA_ERROR_OUT_OF_MEMORY). The runtime
   * keeps freed blocks for later calls, so that a training loop does not
   * map and fault in its temporaries at every step. */
  void *(*alloc)(void *host, int64_t bytes);
  /* Gives back memory from `alloc`; the entry's kernels are done with it. */
  void (*free)(void *host, void *ptr);
  tessera_launch_fn launch;
} tessera_host_ops_t;

/*
 * An entry point as exported by a .tbin under the symbol its metadata names.
 * `host` is passed back to every function of `ops`. `buffers`: data
 * pointers of the inputs, then of the outputs, in signature order (outputs
 * are allocated by the caller with the shapes the metadata implies). `dims`:
 * the values bound to the entry's symbolic dims, in the order the metadata
 * lists them. Returns 0 on success, 8 (TESSERA_ERROR_OUT_OF_RANGE) when an
 * index, slice or reshape does not fit the dims (checked before anything
 * that relies on them is launched). The entry calls nothing outside its
 * module but `ops`.
 */
typedef int32_t (*tessera_entry_fn)(void *host, const tessera_host_ops_t *ops,
                                    void *const *buffers, const int64_t *dims);

/*
 * Statuses an entry returns besides 0, 5 (out of memory) and a failed
 * launch's: a check on the data it computed failed, and the runtime reports
 * it by name (tessera_last_error). The outputs are then unspecified.
 */
/* solve: Gaussian elimination met a zero pivot (the matrix is singular). */
#define TESSERA_ENTRY_SINGULAR_MATRIX 64

/* ---- Devices other than the CPU (since ABI version 1) --------------
 *
 * A .tbin compiled with --target=cuda also holds, for every entry NAME, a
 * host function `tessera_cuda_entry_NAME` (a tessera_device_entry_fn). Its
 * buffers are device pointers; it allocates temporaries and launches kernels
 * only through the runtime's tessera_device_ops, in program order on one
 * stream, and returns without waiting for the device, except where it reads
 * a value back (download).
 */
#define TESSERA_CUDA_ENTRY_PREFIX "tessera_cuda_entry_"

typedef struct tessera_device_ops {
  /* Device memory of at least `bytes` bytes (never 0 bytes); NULL on
   * failure, after which the entry frees what it allocated and returns
   * 5 (TESSERA_ERROR_OUT_OF_MEMORY). */
  void *(*alloc)(void *device, int64_t bytes);
  /* Releases memory from `alloc` once the work launched before it is done. */
  void (*free)(void *device, void *ptr);
  /*
   * Launches the kernel named `kernel` (a NUL-terminated name that stays
   * valid while the module is loaded) over `num_tiles` tiles: one thread a
   * tile. The kernel's parameters, in order: the `num_args` pointers of
   * `args`, the `num_sizes` values of `sizes` (sizes[0] is the point count),
   * then `num_tiles`, each 8 bytes. Returns 0 on success.
   */
  int32_t (*launch)(void *device, const char *kernel, void *const *args,
                    int32_t num_args, const int64_t *sizes, int32_t num_sizes,
                    int64_t num_tiles);
  /* Copies `bytes` bytes of host memory at `src` to device memory at `dst`
   * in stream order; `src` may be reused as soon as it returns. Entries
   * write the small tensors they build from scalars this way. Returns 0 on
   * success. */
  int32_t (*upload)(void *device, void *dst, const void *src, int64_t bytes);
  /* Copies `bytes` bytes of device memory at `src` to host memory at `dst`
   * once everything launched before it is done: it waits for the stream.
   * Entries read back what decides their control flow this way (a solve's
   * singular flags, a fixed point's largest change). Returns 0 on success;
   * fails while the runtime captures the entry into a CUDA graph, which
   * then runs it without one (since ABI version 3). */
  int32_t (*download)(void *device, void *dst, const void *src, int64_t bytes);
} tessera_device_ops_t;

typedef int32_t (*tessera_device_entry_fn)(void *device,
                                           const tessera_device_ops_t *ops,
                                           void *const *buffers,
                                           const int64_t *dims);

/*
 * .tessera.cuda: the device code. The usual header (magic, u16 major = 2,
 * u16 minor = 0, u32 payload size), then the payload:
 *   u32 image count, u32 reserved (0);
 *   per image: u32 kind (TESSERA_CUDA_IMAGE_*), u32 sm (compute capability
 *   times ten: 80, 90), u32 arch_specific (1 for sm_90a-style images that
 *   run only on exactly that capability), u32 reserved (0), u64 size, then
 *   `size` bytes (PTX text includes its terminating NUL), padded with zeros
 *   to a multiple of 8.
 * A loader prefers a cubin built for the device's capability, else PTX of
 * the highest sm not above it (compiled by the driver).
 */
#define TESSERA_CUDA_SECTION ".tessera.cuda"
#define TESSERA_CUDA_MAGIC "TSRCUDA\0"
#define TESSERA_CUDA_IMAGE_PTX 0
#define TESSERA_CUDA_IMAGE_CUBIN 1

/*
 * A kernel KERNEL of an image may come with constant globals that change
 * how the runtime launches it (since .tessera.cuda 2.0):
 *   KERNEL_dynamic_shared  u32: bytes of dynamic shared memory it needs.
 *   KERNEL_block_threads   u32: threads a block, instead of 256; the grid
 *                          still has one block for every 256 tiles.
 *   KERNEL_tensor_maps     u32[7 n]: n tensor maps the runtime encodes
 *                          (cuTensorMapEncodeTiled) at every launch and
 *                          passes after `num_tiles`, 128 bytes each,
 *                          64-byte aligned. Each describes a row-major
 *                          matrix in the kernel's parameters: the position
 *                          of its pointer, of its row count and of its row
 *                          length (among the kernel's pointer and size
 *                          parameters, numbered together from 0), then
 *                          its element type, box rows, box columns and
 *                          swizzle as cuda.h numbers them
 *                          (CUtensorMapDataType, CUtensorMapSwizzle).
 *                          A map is encoded when the pointer is 16-byte
 *                          aligned, the rows are whole 16-byte chunks and
 *                          both extents are between 1 and 2^31 - 1; its
 *                          128 bytes are zeros otherwise, and the kernel
 *                          must then not use it.
 */
#define TESSERA_CUDA_DYNAMIC_SHARED_SUFFIX "_dynamic_shared"
#define TESSERA_CUDA_BLOCK_THREADS_SUFFIX "_block_threads"
#define TESSERA_CUDA_TENSOR_MAPS_SUFFIX "_tensor_maps"
#define TESSERA_CUDA_TENSOR_MAP_FIELDS 7
#define TESSERA_CUDA_TENSOR_MAP_BYTES 128
/* The element types and swizzle a map may name, as cuda.h numbers them. */
#define TESSERA_CUDA_TENSOR_MAP_FLOAT16 6
#define TESSERA_CUDA_TENSOR_MAP_FLOAT32 7
#define TESSERA_CUDA_TENSOR_MAP_BFLOAT16 9
#define TESSERA_CUDA_TENSOR_MAP_SWIZZLE_128B 3

/* ---- Models linked into the program (since ABI version 2) ----------------
 *
 * `tesserac model.tsr --emit=obj` writes an object file for static linking:
 * every function and table in it is local except one descriptor,
 * `tessera_module_<module name>` (characters other than letters, digits and
 * '_' become '_'), which `tesserac --emit=header` declares and
 * tessera_module_load_static (tessera_rt.h) loads. The sections' bytes are
 * those a .tbin holds in its sections of the same names.
 */
#define TESSERA_STATIC_MODULE_PREFIX "tessera_module_"

typedef struct tessera_static_module {
  uint32_t abi_version; /* TESSERA_TBIN_ABI_VERSION of the compiler */
  uint32_t reserved;    /* 0 */
  const uint8_t *meta;  /* .tessera.meta */
  uint64_t meta_size;
  const uint8_t *ops; /* .tessera.ops */
  uint64_t ops_size;
  const uint8_t *cuda; /* .tessera.cuda; NULL (size 0) without device code */
  uint64_t cuda_size;
  /* Parallel to .tessera.meta's entries; NULL where there is no such code
   * (the whole array is NULL without CPU code, or without CUDA code). */
  const tessera_entry_fn *entries;
  const tessera_device_entry_fn *cuda_entries;
  /* Parallel to .tessera.ops's kernels; NULL for those not on the CPU. */
  const tessera_kernel_fn *kernels;
} tessera_static_module_t;

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_TBIN_ABI_H */
