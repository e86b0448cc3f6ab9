// A thin, header-only C++ layer over tessera_rt.h: RAII handles, and errors
// as exceptions (tessera::Error) carrying the status and the message. It
// uses nothing but the C API, so it works with the shared library too.
#pragma once

#include "tessera/tessera_rt.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tessera {

class Error : public std::runtime_error {
public:
  Error(tessera_status_t status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  tessera_status_t status() const { return status_; }

private:
  tessera_status_t status_;
};

namespace detail {
inline void check(tessera_status_t status) {
  if (status != TESSERA_OK)
    throw Error(status, tessera_last_error());
}

// Move-only ownership of a C handle with its destroy function.
template <typename Handle, tessera_status_t (*Destroy)(Handle)> class Owned {
public:
  Owned() = default;
  explicit Owned(Handle h) : h_(h) {}
  Owned(Owned &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Owned &operator=(Owned &&o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  Owned(const Owned &) = delete;
  Owned &operator=(const Owned &) = delete;
  ~Owned() { reset(); }
  void reset() {
    if (h_)
      Destroy(std::exchange(h_, nullptr));
  }
  Handle get() const { return h_; }

private:
  Handle h_ = nullptr;
};
} // namespace detail

// An input or output as the signature declares it.
struct TensorInfo {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> dims;         // -1 where symbolic
  std::vector<std::string> dimNames; // "" where concrete

  // "f32[N, 4]"
  std::string signature() const {
    const char *dt = tessera_dtype_name(dtype);
    std::string s = dt ? dt : "?";
    s += '[';
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (i)
        s += ", ";
      s += dimNames[i].empty() ? std::to_string(dims[i]) : dimNames[i];
    }
    return s + ']';
  }
};

struct KernelInfo {
  std::string name, symbol, entry, backend, kind;
  std::vector<int64_t> tile;
  uint32_t numArgs = 0;
};

// A trainable parameter of the module (tessera_param_info_t).
struct ParamInfo {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  std::string init; // "zeros", "ones", "glorot", "normal", "uniform"
  int64_t seed = 0;
};

struct SectionInfo {
  std::string name;
  uint64_t size = 0;
};

// A device image of the module (tessera_device_image_info_t).
struct DeviceImageInfo {
  std::string device; // "cuda"
  std::string kind;   // "ptx" or "cubin"
  uint32_t sm = 0;    // compute capability times ten
  bool archSpecific = false;
  uint64_t size = 0;
};

// One kernel launch recorded while profiling (tessera_profile_event_t).
struct ProfileEvent {
  std::string name;
  double startUs = 0;
  double durationUs = 0;
  int64_t numTiles = 0;
};

// The dtype code of a C++ element type, e.g. DTypeOf<float>::value is
// TESSERA_DTYPE_F32. f16 and bf16 have no standard C++ type, so no entry.
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> {
  static constexpr int32_t value = TESSERA_DTYPE_F32;
};
template <> struct DTypeOf<double> {
  static constexpr int32_t value = TESSERA_DTYPE_F64;
};
template <> struct DTypeOf<int64_t> {
  static constexpr int32_t value = TESSERA_DTYPE_I64;
};
template <> struct DTypeOf<int32_t> {
  static constexpr int32_t value = TESSERA_DTYPE_I32;
};
template <> struct DTypeOf<int8_t> {
  static constexpr int32_t value = TESSERA_DTYPE_I8;
};
template <> struct DTypeOf<bool> {
  static_assert(sizeof(bool) == 1, "TESSERA_DTYPE_BOOL is one byte");
  static constexpr int32_t value = TESSERA_DTYPE_BOOL;
};

// Host memory seen as a tensor, typed by its element type. Nothing is
// copied: `data` and `shape` must outlive the returned tensor.
template <typename T>
tessera_tensor_t tensorView(T *data, const std::vector<int64_t> &shape) {
  return {static_cast<void *>(data), DTypeOf<T>::value,
          static_cast<int32_t>(shape.size()), shape.data()};
}
// Inputs are only read, so const memory may back them; the C struct has
// one pointer type for inputs and outputs alike.
template <typename T>
tessera_tensor_t tensorView(const T *data, const std::vector<int64_t> &shape) {
  return tensorView(const_cast<T *>(data), shape);
}

class Context {
public:
  explicit Context(const std::string &device = "cpu", int numThreads = 0) {
    tessera_context_t c = nullptr;
    detail::check(tessera_context_create(device.c_str(), numThreads, &c));
    ctx_ = Owned(c);
  }
  tessera_context_t get() const { return ctx_.get(); }
  int numThreads() const {
    int n = 0;
    detail::check(tessera_context_num_threads(get(), &n));
    return n;
  }
  // On: forget earlier events and record every launch from now on.
  void setProfiling(bool on) const {
    detail::check(tessera_context_set_profiling(get(), on ? 1 : 0));
  }
  std::vector<ProfileEvent> profileEvents() const {
    std::vector<ProfileEvent> out;
    for (std::size_t i = 0, n = tessera_context_num_profile_events(get());
         i < n; ++i) {
      tessera_profile_event_t e;
      detail::check(tessera_context_profile_event(get(), i, &e));
      out.push_back({e.name, e.start_us, e.duration_us, e.num_tiles});
    }
    return out;
  }

private:
  using Owned = detail::Owned<tessera_context_t, tessera_context_destroy>;
  Owned ctx_;
};

class Buffer {
public:
  Buffer(const Context &ctx, std::size_t bytes) {
    tessera_buffer_t b = nullptr;
    detail::check(tessera_buffer_alloc(ctx.get(), bytes, &b));
    buf_ = Owned(b);
  }
  tessera_buffer_t get() const { return buf_.get(); }
  void *data() const { return tessera_buffer_data(get()); }
  std::size_t size() const { return tessera_buffer_size(get()); }

private:
  using Owned = detail::Owned<tessera_buffer_t, tessera_buffer_free>;
  Owned buf_;
};

class Stream {
public:
  explicit Stream(const Context &ctx) {
    tessera_stream_t s = nullptr;
    detail::check(tessera_stream_create(ctx.get(), &s));
    stream_ = Owned(s);
  }
  tessera_stream_t get() const { return stream_.get(); }
  void synchronize() const { detail::check(tessera_stream_synchronize(get())); }

private:
  using Owned = detail::Owned<tessera_stream_t, tessera_stream_destroy>;
  Owned stream_;
};

// An entry point; owned by its Module, which must outlive it.
class Function {
public:
  explicit Function(tessera_function_t fn) : fn_(fn) {}
  tessera_function_t get() const { return fn_; }
  std::string name() const { return tessera_function_name(fn_); }
  std::string symbol() const { return tessera_function_symbol(fn_); }
  std::string kind() const { return tessera_function_kind(fn_); }
  std::string optimizer() const { return tessera_function_optimizer(fn_); }

  std::vector<TensorInfo> inputs() const {
    return infos(tessera_function_num_inputs(fn_), tessera_function_input);
  }
  std::vector<TensorInfo> outputs() const {
    return infos(tessera_function_num_outputs(fn_), tessera_function_output);
  }
  std::vector<std::string> dimNames() const {
    std::vector<std::string> names;
    for (std::size_t i = 0, n = tessera_function_num_dims(fn_); i < n; ++i)
      names.emplace_back(tessera_function_dim_name(fn_, i));
    return names;
  }

  // Values bound to dimNames() by these inputs. On failure throws, after
  // storing the index of the offending input in *failedInput (if given).
  std::vector<int64_t> bindDims(const std::vector<tessera_tensor_t> &inputs,
                                std::size_t *failedInput = nullptr) const {
    std::vector<int64_t> dims(tessera_function_num_dims(fn_));
    detail::check(tessera_function_bind_dims(fn_, inputs.data(), inputs.size(),
                                             dims.data(), failedInput));
    return dims;
  }

  std::vector<int64_t> outputShape(const std::vector<tessera_tensor_t> &inputs,
                                   std::size_t output) const {
    tessera_tensor_info_t info;
    detail::check(tessera_function_output(fn_, output, &info));
    std::vector<int64_t> shape(static_cast<std::size_t>(info.rank));
    detail::check(tessera_function_output_shape(
        fn_, inputs.data(), inputs.size(), output, shape.data(), shape.size()));
    return shape;
  }

  void invoke(const std::vector<tessera_tensor_t> &inputs,
              std::vector<tessera_tensor_t> &outputs,
              const Stream *stream = nullptr) const {
    detail::check(tessera_invoke(fn_, stream ? stream->get() : nullptr,
                                 inputs.data(), inputs.size(), outputs.data(),
                                 outputs.size()));
  }

private:
  using InfoFn = tessera_status_t (*)(tessera_function_t, size_t,
                                      tessera_tensor_info_t *);
  std::vector<TensorInfo> infos(std::size_t n, InfoFn get) const {
    std::vector<TensorInfo> out;
    for (std::size_t i = 0; i < n; ++i) {
      tessera_tensor_info_t c;
      detail::check(get(fn_, i, &c));
      TensorInfo t;
      t.name = c.name;
      t.dtype = c.dtype;
      for (int32_t d = 0; d < c.rank; ++d) {
        t.dims.push_back(c.dims[d]);
        t.dimNames.emplace_back(c.dim_names[d] ? c.dim_names[d] : "");
      }
      out.push_back(std::move(t));
    }
    return out;
  }

  tessera_function_t fn_;
};

class Module {
public:
  Module(const Context &ctx, const std::string &path) {
    tessera_module_t m = nullptr;
    detail::check(tessera_module_load(ctx.get(), path.c_str(), &m));
    mod_ = Owned(m);
  }
  // A model linked into the program (tessera_module_load_static), e.g.
  // Module(ctx, tessera_module_mlp2) with the header of tesserac
  // --emit=header.
  Module(const Context &ctx, const tessera_static_module_t &linked) {
    tessera_module_t m = nullptr;
    detail::check(tessera_module_load_static(ctx.get(), &linked, &m));
    mod_ = Owned(m);
  }
  // The module described without loading its code (tessera_module_inspect):
  // everything works on it but invoking.
  static Module inspect(const std::string &path) {
    tessera_module_t m = nullptr;
    detail::check(tessera_module_inspect(path.c_str(), &m));
    return Module(m);
  }
  tessera_module_t get() const { return mod_.get(); }
  std::string name() const { return tessera_module_name(get()); }
  std::string target() const { return tessera_module_target(get()); }
  std::string policy() const { return tessera_module_policy(get()); }
  std::pair<uint32_t, uint32_t> formatVersion() const {
    uint32_t major = 0, minor = 0;
    detail::check(tessera_module_format_version(get(), &major, &minor));
    return {major, minor};
  }
  std::vector<SectionInfo> sections() const {
    std::vector<SectionInfo> out;
    for (std::size_t i = 0, n = tessera_module_num_sections(get()); i < n;
         ++i) {
      tessera_section_info_t s;
      detail::check(tessera_module_section(get(), i, &s));
      out.push_back({s.name, s.size});
    }
    return out;
  }
  std::vector<std::string> entryNames() const {
    std::vector<std::string> out;
    for (std::size_t i = 0, n = tessera_module_num_entries(get()); i < n; ++i)
      out.emplace_back(tessera_module_entry_name(get(), i));
    return out;
  }
  std::vector<ParamInfo> params() const {
    std::vector<ParamInfo> out;
    for (std::size_t i = 0, n = tessera_module_num_params(get()); i < n; ++i) {
      tessera_param_info_t p;
      detail::check(tessera_module_param(get(), i, &p));
      out.push_back({p.name, p.dtype,
                     std::vector<int64_t>(p.shape, p.shape + p.rank), p.init,
                     p.seed});
    }
    return out;
  }
  std::vector<KernelInfo> kernels() const {
    std::vector<KernelInfo> out;
    for (std::size_t i = 0, n = tessera_module_num_kernels(get()); i < n; ++i) {
      tessera_kernel_info_t k;
      detail::check(tessera_module_kernel(get(), i, &k));
      out.push_back({k.name, k.symbol, k.entry, k.backend, k.kind,
                     std::vector<int64_t>(k.tile, k.tile + k.tile_rank),
                     k.num_args});
    }
    return out;
  }
  std::vector<DeviceImageInfo> deviceImages() const {
    std::vector<DeviceImageInfo> out;
    for (std::size_t i = 0, n = tessera_module_num_device_images(get()); i < n;
         ++i) {
      tessera_device_image_info_t d;
      detail::check(tessera_module_device_image(get(), i, &d));
      out.push_back({d.device, d.kind, d.sm, d.arch_specific != 0, d.size});
    }
    return out;
  }
  Function function(const std::string &entry) const {
    tessera_function_t fn = nullptr;
    detail::check(tessera_function_lookup(get(), entry.c_str(), &fn));
    return Function(fn);
  }

private:
  explicit Module(tessera_module_t m) : mod_(m) {}
  using Owned = detail::Owned<tessera_module_t, tessera_module_unload>;
  Owned mod_;
};

} // namespace tessera
