#include "train/io_roles.hpp"

#include "train/scalar_convert.hpp"

#include <algorithm>
#include <set>

namespace tessera::train {

namespace {

bool startsWith(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool sameDims(const tbin::TensorSig &a, const tbin::TensorSig &b) {
  if (a.dims.size() != b.dims.size())
    return false;
  for (std::size_t i = 0; i < a.dims.size(); ++i)
    if (a.dims[i].extent != b.dims[i].extent ||
        a.dims[i].symbol != b.dims[i].symbol)
      return false;
  return true;
}

} // namespace

IoRole ioRole(const std::string &ioName) {
  if (startsWith(ioName, kParamPrefix))
    return {Role::Param, ioName.substr(std::string(kParamPrefix).size())};
  if (startsWith(ioName, kStatePrefix))
    return {Role::State, ioName.substr(std::string(kStatePrefix).size())};
  return {Role::Data, ioName};
}

bool checkTrainSignature(const tbin::EntryMeta &entry, std::string &error) {
  const std::string who = "train entry '" + entry.name + "'";
  if (entry.outputs.empty() || entry.outputs[0].name != kLossName) {
    error = who + " must return '" + kLossName + "' first";
    return false;
  }
  const tbin::TensorSig &loss = entry.outputs[0];
  if (!loss.dims.empty() || !isFloat(loss.dtype)) {
    error = who + ": loss is " + tbin::formatSignature(loss) +
            ", not a floating-point scalar";
    return false;
  }
  std::set<std::string> seen;
  for (std::size_t i = 1; i < entry.outputs.size(); ++i) {
    const tbin::TensorSig &out = entry.outputs[i];
    if (ioRole(out.name).role == Role::Data) {
      error = who + ": output '" + out.name +
              "' is neither a param: nor a state: name";
      return false;
    }
    if (!seen.insert(out.name).second) {
      error = who + " returns '" + out.name + "' twice";
      return false;
    }
    auto in = std::find_if(
        entry.inputs.begin(), entry.inputs.end(),
        [&](const tbin::TensorSig &s) { return s.name == out.name; });
    if (in == entry.inputs.end()) {
      error = who + " returns '" + out.name + "' but takes no such input";
      return false;
    }
    if (in->dtype != out.dtype || !sameDims(*in, out)) {
      error = who + " takes '" + out.name + "' as " +
              tbin::formatSignature(*in) + " but returns it as " +
              tbin::formatSignature(out);
      return false;
    }
  }
  return true;
}

} // namespace tessera::train
