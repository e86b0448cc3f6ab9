#include "train/initial_state.hpp"

#include "train/io_roles.hpp"
#include "train/param_init.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace tessera::train {

namespace {

// A dim of the signature accepts any extent where it is symbolic; binding
// the entry's dims checks those later, against the other inputs.
bool fits(const tbin::TensorSig &sig, const std::vector<int64_t> &shape) {
  if (sig.dims.size() != shape.size())
    return false;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (!sig.dims[i].isSymbolic() && sig.dims[i].extent != shape[i])
      return false;
  return true;
}

bool isStatic(const tbin::TensorSig &sig) {
  return std::none_of(sig.dims.begin(), sig.dims.end(),
                      [](const tbin::Dim &d) { return d.isSymbolic(); });
}

std::vector<int64_t> extents(const tbin::TensorSig &sig) {
  std::vector<int64_t> out;
  for (const tbin::Dim &d : sig.dims)
    out.push_back(d.extent);
  return out;
}

// "f32[3, 4]", spelling a dtype the runtime has not (U8) as the file does.
std::string fileTypeString(const safetensors::Tensor &t) {
  tbin::DType dtype;
  if (safetensors::toRuntimeDType(t.dtype, dtype))
    return typeString(dtype, t.shape);
  std::string name = safetensors::dtypeName(t.dtype);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return typeString(name, t.shape);
}

bool parseStep(const std::string &text, int64_t &out) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(),
                   [](unsigned char c) { return std::isdigit(c); }))
    return false;
  out = std::stoll(text);
  return true;
}

const tbin::ParamMeta *findParam(const std::vector<tbin::ParamMeta> &params,
                                 const std::string &name) {
  for (const tbin::ParamMeta &p : params)
    if (p.name == name)
      return &p;
  return nullptr;
}

} // namespace

bool fromSafetensors(const safetensors::Tensor &in, HostTensor &out) {
  if (!safetensors::toRuntimeDType(in.dtype, out.dtype))
    return false;
  out.shape = in.shape;
  out.data = in.data;
  return true;
}

bool initialState(const tbin::EntryMeta &entry,
                  const std::vector<tbin::ParamMeta> &params,
                  const safetensors::File *file, const std::string &fileName,
                  uint64_t runSeed, InitialState &out, std::string &error) {
  out = InitialState{};
  if (file) {
    auto step = file->metadata.find("step");
    if (step != file->metadata.end()) {
      if (!parseStep(step->second, out.state.step)) {
        error = fileName + ": __metadata__ \"step\" is '" + step->second +
                "', not a number of steps";
        return false;
      }
      out.resumed = true;
    }
  }

  std::set<std::string> used;
  for (const tbin::TensorSig &in : entry.inputs) {
    IoRole role = ioRole(in.name);
    if (role.role == Role::Data)
      continue;
    bool isParam = role.role == Role::Param;
    std::string what = (isParam ? "parameter '" : "state '") + role.name + "'";
    const tbin::ParamMeta *decl = nullptr;
    if (isParam) {
      decl = findParam(params, role.name);
      if (!decl) {
        error = "entry '" + entry.name + "' takes '" + in.name +
                "' but the module declares no parameter '" + role.name + "'";
        return false;
      }
      if (decl->dtype != in.dtype || !isStatic(in) ||
          extents(in) != decl->shape) {
        error = what + " is declared " + typeString(decl->dtype, decl->shape) +
                " but entry '" + entry.name + "' takes it as " +
                tbin::formatSignature(in);
        return false;
      }
    }
    HostTensor &slot =
        isParam ? out.state.params[role.name] : out.state.states[role.name];
    // Parameters are stored under their own name, state under its input's.
    const std::string key = isParam ? role.name : in.name;
    const safetensors::Tensor *stored = nullptr;
    if (file && file->tensors.count(key))
      stored = &file->tensors.at(key);
    if (stored) {
      if (!fromSafetensors(*stored, slot) || slot.dtype != in.dtype ||
          !fits(in, slot.shape)) {
        error = fileName + ": " + what + " is " + fileTypeString(*stored) +
                " in the file but entry '" + entry.name + "' takes " +
                tbin::formatSignature(in);
        return false;
      }
      used.insert(key);
    } else if (decl) {
      if (!initialValue(*decl, runSeed, slot, error))
        return false;
      bool seeded = decl->init != "zeros" && decl->init != "ones";
      out.initialised.push_back(
          role.name + " (" + decl->init +
          (seeded ? ", seed " + std::to_string(decl->seed) : "") + ")");
    } else {
      if (!isStatic(in)) {
        error = what + " is " + tbin::formatSignature(in) +
                ", so it cannot start at zero: give it in --params as '" +
                in.name + "'";
        return false;
      }
      if (!zeros(in.dtype, extents(in), what, slot, error))
        return false;
      out.zeroed.push_back(in.name);
    }
  }
  if (file)
    for (const auto &[key, tensor] : file->tensors)
      if (!used.count(key))
        out.unused.push_back(key);
  return true;
}

} // namespace tessera::train
