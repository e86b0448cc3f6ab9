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

#define TESSERA_TBIN_ABI_VERSION 1

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
typedef int32_t (*tessera_launch_fn)(void *launcher, tessera_kernel_fn kernel,
                                     void *const *args, const int64_t *sizes,
                                     int64_t num_tiles);

/*
 * An entry point as exported by a .tbin under the symbol its metadata names.
 * `buffers`: data pointers of the inputs, then of the outputs, in signature
 * order (outputs are allocated by the caller with the shapes the metadata
 * implies). `dims`: the values bound to the entry's symbolic dims, in the
 * order the metadata lists them. Returns 0 on success.
 */
typedef int32_t (*tessera_entry_fn)(void *launcher, tessera_launch_fn launch,
                                    void *const *buffers, const int64_t *dims);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_TBIN_ABI_H */
