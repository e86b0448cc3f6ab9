// Loading, unloading and describing modules; looking up entry points.
#include "api/handles.hpp"
#include "core/error.hpp"

using namespace tessera;

namespace {

rt::TensorInfoStorage infoStorage(const tbin::TensorSig &sig) {
  rt::TensorInfoStorage s;
  for (const tbin::Dim &d : sig.dims) {
    s.dims.push_back(d.isSymbolic() ? -1 : d.extent);
    s.dimNames.push_back(d.isSymbolic() ? d.symbol.c_str() : nullptr);
  }
  return s;
}

void buildFunctions(tessera_module &m) {
  const rt::LoadedModule &lm = *m.loaded;
  m.functions.resize(lm.meta.entries.size());
  for (std::size_t i = 0; i < m.functions.size(); ++i) {
    tessera_function &f = m.functions[i];
    f.module = &m;
    f.meta = &lm.meta.entries[i];
    // Only the code of the module's device was resolved.
    f.fn = i < lm.entryFns.size() ? lm.entryFns[i] : nullptr;
    f.deviceFn = i < lm.cudaEntryFns.size() ? lm.cudaEntryFns[i] : nullptr;
    for (const tbin::TensorSig &s : f.meta->inputs)
      f.inputs.push_back(infoStorage(s));
    for (const tbin::TensorSig &s : f.meta->outputs)
      f.outputs.push_back(infoStorage(s));
  }
}

std::string imageName(const tbin::CudaImage &image) {
  return std::string(image.kind == TESSERA_CUDA_IMAGE_PTX ? "ptx" : "cubin") +
         " sm_" + std::to_string(image.sm) + (image.archSpecific ? "a" : "");
}

// Loads the image that suits the GPU; the module's images are validated.
tessera_status_t loadDeviceCode(tessera_module &m, rt::cuda::CudaDevice &gpu,
                                std::string &error) {
  const rt::LoadedModule &lm = *m.loaded;
  int chosen = tbin::chooseCudaImage(lm.cuda, gpu.sm());
  if (chosen < 0) {
    std::string held;
    for (const tbin::CudaImage &image : lm.cuda.images)
      held += (held.empty() ? "" : ", ") + imageName(image);
    error = lm.path + " has no CUDA code for CUDA device " +
            std::to_string(gpu.ordinal()) + " (sm_" + std::to_string(gpu.sm()) +
            (gpu.name().empty() ? "" : ", " + gpu.name()) +
            "); it holds: " + (held.empty() ? "no images" : held);
    return TESSERA_ERROR_UNSUPPORTED;
  }
  tessera_status_t st = rt::cuda::CudaModule::load(
      gpu, lm.cuda.images[static_cast<std::size_t>(chosen)], m.cudaModule,
      error);
  if (st != TESSERA_OK) {
    error = lm.path + ": " + error;
    return st;
  }
  // Entries launch kernels by their symbol; profiles show their names.
  for (const tbin::KernelMeta &k : lm.ops.kernels)
    if (k.backend == "cuda" && !k.symbol.empty())
      m.cudaKernelNames.emplace(k.symbol, k.name);
  return TESSERA_OK;
}

// Getters return NULL/0 for a NULL module and say why in the last error.
bool checkModule(tessera_module_t m, const char *fn) noexcept {
  if (m)
    return true;
  rt::fail(TESSERA_ERROR_INVALID_ARGUMENT, fn);
  return false;
}

// Loads the code for the context's device, by `load` (a file's or a
// linked-in model's).
template <typename Load>
tessera_status_t loadForContext(tessera_context_t ctx, tessera_module_t *out,
                                Load load) {
  *out = nullptr;
  auto m = std::make_unique<tessera_module>();
  m->device = ctx->device;
  rt::cuda::CudaDevice *gpu = m->device->cuda.get();
  std::string error;
  if (tessera_status_t st =
          load(gpu ? rt::CodeFor::Cuda : rt::CodeFor::Cpu, m->loaded, error);
      st != TESSERA_OK)
    return rt::fail(st, error);
  if (gpu)
    if (tessera_status_t st = loadDeviceCode(*m, *gpu, error); st != TESSERA_OK)
      return rt::fail(st, error);
  buildFunctions(*m);
  *out = m.release();
  return TESSERA_OK;
}

} // namespace

extern "C" {

tessera_status_t tessera_module_load(tessera_context_t ctx, const char *path,
                                     tessera_module_t *out) {
  return rt::guard([&] {
    if (!ctx || !path || !out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_module_load: NULL argument");
    return loadForContext(
        ctx, out, [&](rt::CodeFor code, auto &loaded, std::string &error) {
          return rt::loadModule(path, code, loaded, error);
        });
  });
}

tessera_status_t tessera_module_load_static(tessera_context_t ctx,
                                            const tessera_static_module_t *sm,
                                            tessera_module_t *out) {
  return rt::guard([&] {
    if (!ctx || !sm || !out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_module_load_static: NULL argument");
    return loadForContext(
        ctx, out, [&](rt::CodeFor code, auto &loaded, std::string &error) {
          return rt::loadStaticModule(*sm, code, loaded, error);
        });
  });
}

tessera_status_t tessera_module_inspect(const char *path,
                                        tessera_module_t *out) {
  return rt::guard([&] {
    if (!path || !out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_module_inspect: NULL argument");
    *out = nullptr;
    auto m = std::make_unique<tessera_module>();
    std::string error;
    if (tessera_status_t st =
            rt::loadModule(path, rt::CodeFor::None, m->loaded, error);
        st != TESSERA_OK)
      return rt::fail(st, error);
    buildFunctions(*m);
    *out = m.release();
    return TESSERA_OK;
  });
}

tessera_status_t tessera_module_unload(tessera_module_t module) {
  delete module;
  return TESSERA_OK;
}

const char *tessera_module_name(tessera_module_t m) {
  return checkModule(m, "tessera_module_name: NULL module")
             ? m->loaded->meta.module.c_str()
             : nullptr;
}

const char *tessera_module_target(tessera_module_t m) {
  return checkModule(m, "tessera_module_target: NULL module")
             ? m->loaded->meta.target.c_str()
             : nullptr;
}

const char *tessera_module_policy(tessera_module_t m) {
  return checkModule(m, "tessera_module_policy: NULL module")
             ? m->loaded->meta.policy.c_str()
             : nullptr;
}

tessera_status_t tessera_module_format_version(tessera_module_t m,
                                               uint32_t *major,
                                               uint32_t *minor) {
  if (!m || !major || !minor)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_module_format_version: NULL argument");
  *major = m->loaded->formatMajor;
  *minor = m->loaded->formatMinor;
  return TESSERA_OK;
}

size_t tessera_module_num_sections(tessera_module_t m) {
  return checkModule(m, "tessera_module_num_sections: NULL module")
             ? m->loaded->sections.size()
             : 0;
}

tessera_status_t tessera_module_section(tessera_module_t m, size_t index,
                                        tessera_section_info_t *out) {
  if (!m || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_module_section: NULL argument");
  if (index >= m->loaded->sections.size())
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "tessera_module_section: index out of range");
  const rt::SectionSummary &s = m->loaded->sections[index];
  *out = {s.name.c_str(), s.size};
  return TESSERA_OK;
}

size_t tessera_module_num_entries(tessera_module_t m) {
  return checkModule(m, "tessera_module_num_entries: NULL module")
             ? m->functions.size()
             : 0;
}

const char *tessera_module_entry_name(tessera_module_t m, size_t index) {
  if (!checkModule(m, "tessera_module_entry_name: NULL module"))
    return nullptr;
  if (index >= m->functions.size()) {
    rt::fail(TESSERA_ERROR_NOT_FOUND,
             "tessera_module_entry_name: index out of range");
    return nullptr;
  }
  return m->functions[index].meta->name.c_str();
}

size_t tessera_module_num_params(tessera_module_t m) {
  return checkModule(m, "tessera_module_num_params: NULL module")
             ? m->loaded->meta.params.size()
             : 0;
}

tessera_status_t tessera_module_param(tessera_module_t m, size_t index,
                                      tessera_param_info_t *out) {
  if (!m || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_module_param: NULL argument");
  if (index >= m->loaded->meta.params.size())
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "tessera_module_param: index out of range");
  const tbin::ParamMeta &p = m->loaded->meta.params[index];
  out->name = p.name.c_str();
  out->dtype = static_cast<int32_t>(p.dtype);
  out->rank = static_cast<int32_t>(p.shape.size());
  out->shape = p.shape.data();
  out->init = p.init.c_str();
  out->seed = p.seed;
  return TESSERA_OK;
}

size_t tessera_module_num_kernels(tessera_module_t m) {
  return checkModule(m, "tessera_module_num_kernels: NULL module")
             ? m->loaded->ops.kernels.size()
             : 0;
}

tessera_status_t tessera_module_kernel(tessera_module_t m, size_t index,
                                       tessera_kernel_info_t *out) {
  if (!m || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_module_kernel: NULL argument");
  if (index >= m->loaded->ops.kernels.size())
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "tessera_module_kernel: index out of range");
  const tbin::KernelMeta &k = m->loaded->ops.kernels[index];
  out->name = k.name.c_str();
  out->symbol = k.symbol.c_str();
  out->entry = k.entry.c_str();
  out->backend = k.backend.c_str();
  out->kind = k.kind.c_str();
  out->tile_rank = static_cast<int32_t>(k.tile.size());
  out->tile = k.tile.data();
  out->num_args = k.numArgs;
  return TESSERA_OK;
}

size_t tessera_module_num_device_images(tessera_module_t m) {
  return checkModule(m, "tessera_module_num_device_images: NULL module")
             ? m->loaded->cuda.images.size()
             : 0;
}

tessera_status_t tessera_module_device_image(tessera_module_t m, size_t index,
                                             tessera_device_image_info_t *out) {
  if (!m || !out)
    return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                    "tessera_module_device_image: NULL argument");
  if (index >= m->loaded->cuda.images.size())
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "tessera_module_device_image: index out of range");
  const tbin::CudaImage &image = m->loaded->cuda.images[index];
  out->device = "cuda";
  out->kind = image.kind == TESSERA_CUDA_IMAGE_PTX ? "ptx" : "cubin";
  out->sm = image.sm;
  out->arch_specific = image.archSpecific ? 1 : 0;
  out->size = image.bytes.size();
  return TESSERA_OK;
}

tessera_status_t tessera_function_lookup(tessera_module_t m,
                                         const char *entry_name,
                                         tessera_function_t *out) {
  return rt::guard([&] {
    if (!m || !entry_name || !out)
      return rt::fail(TESSERA_ERROR_INVALID_ARGUMENT,
                      "tessera_function_lookup: NULL argument");
    *out = nullptr;
    std::string names;
    for (tessera_function &f : m->functions) {
      if (f.meta->name == entry_name) {
        *out = &f;
        return TESSERA_OK;
      }
      names += (names.empty() ? "" : ", ") + f.meta->name;
    }
    return rt::fail(TESSERA_ERROR_NOT_FOUND,
                    "no entry '" + std::string(entry_name) + "' in " +
                        m->loaded->path +
                        " (entries: " + (names.empty() ? "none" : names) + ")");
  });
}

} // extern "C"
