#include "core/signature_check.hpp"
#include "tessera/dim_form.hpp"

#include <algorithm>
#include <limits>

namespace tessera::rt {

namespace {

std::string dtypeLabel(int32_t code) {
  if (code >= 1 && code <= static_cast<int32_t>(tbin::kLastDType))
    return tbin::dtypeName(static_cast<tbin::DType>(code));
  return "dtype#" + std::to_string(code);
}

std::size_t dimIndex(const tbin::EntryMeta &entry, const std::string &sym) {
  auto it = std::find(entry.dimSymbols.begin(), entry.dimSymbols.end(), sym);
  return static_cast<std::size_t>(it - entry.dimSymbols.begin());
}

// A dim written as an extent computed from dims (`N-1`, `M+N`), not a dim.
bool isComputed(const tbin::Dim &d) {
  if (!d.isSymbolic())
    return false;
  std::optional<tbin::DimForm> form = tbin::parseDimForm(d.symbol);
  return form && !form->isDim();
}

// The value of each dim of a form, for messages: "M = 3, N = 5" (`?` for
// one no input binds).
std::string boundValues(const tbin::EntryMeta &entry, const DimValues &dims,
                        const tbin::DimForm &form) {
  std::string s;
  for (const std::string &sym : form.symbols()) {
    std::size_t k = dimIndex(entry, sym);
    s += (s.empty() ? "" : ", ") + sym + " = " +
         (k < dims.size() && dims[k] >= 0 ? std::to_string(dims[k]) : "?");
  }
  return s;
}

// The extent of a form for the bound dims; nullopt where a dim is not
// bound or the arithmetic overflows.
std::optional<int64_t> extentOf(const tbin::EntryMeta &entry,
                                const DimValues &dims,
                                const tbin::DimForm &form) {
  return form.at([&](const std::string &sym) -> std::optional<int64_t> {
    std::size_t k = dimIndex(entry, sym);
    if (k >= dims.size() || dims[k] < 0)
      return std::nullopt;
    return dims[k];
  });
}

std::string plural(std::size_t n, const char *word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Element count, or -1 if it does not fit in int64_t.
int64_t elementCount(const tessera_tensor_t &t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i) {
    int64_t e = t.shape[i];
    if (e != 0 && n > std::numeric_limits<int64_t>::max() / e)
      return -1;
    n *= e;
  }
  return n;
}

std::string shapeString(const tbin::TensorSig &sig,
                        const std::vector<int64_t> &shape) {
  std::string s = tbin::dtypeName(sig.dtype);
  s += '[';
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ']';
}

// Checks what does not depend on the signature: rank, shape pointer,
// extents, data pointer.
bool checkWellFormed(const char *role, const tbin::TensorSig &sig,
                     const tessera_tensor_t &t, std::string &error) {
  std::string who = std::string(role) + " '" + sig.name + "'";
  if (t.rank < 0) {
    error = who + " has negative rank " + std::to_string(t.rank);
    return false;
  }
  if (t.rank > 0 && !t.shape) {
    error = who + " has rank " + std::to_string(t.rank) + " but no shape";
    return false;
  }
  for (int32_t i = 0; i < t.rank; ++i) {
    if (t.shape[i] < 0) {
      error = who + " has negative extent " + std::to_string(t.shape[i]) +
              " in dim " + std::to_string(i);
      return false;
    }
  }
  int64_t n = elementCount(t);
  if (n < 0) {
    error = who + " has more elements than fit in 64 bits";
    return false;
  }
  if (n > 0 && !t.data) {
    error = who + " has no data";
    return false;
  }
  return true;
}

} // namespace

std::string formatSignatureList(const std::vector<tbin::TensorSig> &sigs) {
  std::string s;
  for (std::size_t i = 0; i < sigs.size(); ++i)
    s += (i ? ", " : "") + sigs[i].name + ": " + tbin::formatSignature(sigs[i]);
  return s;
}

std::string formatTensor(const tessera_tensor_t &t) {
  std::string s = dtypeLabel(t.dtype) + '[';
  for (int32_t i = 0; t.shape && i < t.rank; ++i)
    s += (i ? ", " : "") + std::to_string(t.shape[i]);
  return s + ']';
}

bool bindInputs(const tbin::EntryMeta &entry, const tessera_tensor_t *inputs,
                std::size_t n, DimValues &dims, std::size_t &failedInput,
                std::string &error) {
  dims.assign(entry.dimSymbols.size(), -1);
  failedInput = n;
  if (n != entry.inputs.size() || (n > 0 && !inputs)) {
    error = "entry '" + entry.name + "' takes " +
            plural(entry.inputs.size(), "input") + " (" +
            formatSignatureList(entry.inputs) + "), got " + std::to_string(n);
    return false;
  }
  // Which input bound each dim first, for the message on a conflict.
  std::vector<std::size_t> boundBy(dims.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const tbin::TensorSig &sig = entry.inputs[i];
    const tessera_tensor_t &t = inputs[i];
    failedInput = i;
    if (!checkWellFormed("input", sig, t, error))
      return false;
    bool matches = t.dtype == static_cast<int32_t>(sig.dtype) &&
                   static_cast<std::size_t>(t.rank) == sig.dims.size();
    for (std::size_t d = 0; matches && d < sig.dims.size(); ++d)
      matches = sig.dims[d].isSymbolic() || sig.dims[d].extent == t.shape[d];
    if (!matches) {
      error = "input '" + sig.name + "' expects " + tbin::formatSignature(sig) +
              ", got " + formatTensor(t);
      return false;
    }
    for (std::size_t d = 0; d < sig.dims.size(); ++d) {
      if (!sig.dims[d].isSymbolic() || isComputed(sig.dims[d]))
        continue;
      const std::string &sym = sig.dims[d].symbol;
      std::size_t k = dimIndex(entry, sym);
      if (k >= dims.size()) { // the decoder rejects this; be safe anyway
        error = "input '" + sig.name + "' uses unbound dim '" + sym + "'";
        return false;
      }
      if (dims[k] < 0) {
        dims[k] = t.shape[d];
        boundBy[k] = i;
      } else if (dims[k] != t.shape[d]) {
        error = "input '" + sig.name + "' dim " + std::to_string(d) + " is " +
                sym + " = " + std::to_string(t.shape[d]) + " here but " + sym +
                " = " + std::to_string(dims[k]) + " from input '" +
                entry.inputs[boundBy[k]].name + "'";
        return false;
      }
    }
  }
  // Extents computed from dims (`N-1`, `M+N`), once every dim is bound.
  for (std::size_t i = 0; i < n; ++i) {
    const tbin::TensorSig &sig = entry.inputs[i];
    for (std::size_t d = 0; d < sig.dims.size(); ++d) {
      if (!isComputed(sig.dims[d]))
        continue;
      tbin::DimForm form = *tbin::parseDimForm(sig.dims[d].symbol);
      std::optional<int64_t> want = extentOf(entry, dims, form);
      if (!want || *want != inputs[i].shape[d]) {
        failedInput = i;
        error = "input '" + sig.name + "' dim " + std::to_string(d) + " is " +
                std::to_string(inputs[i].shape[d]) + " here but " +
                sig.dims[d].symbol + " = " +
                (want ? std::to_string(*want) : std::string("?")) + " for " +
                boundValues(entry, dims, form);
        return false;
      }
    }
  }
  failedInput = n;
  return true;
}

bool outputShape(const tbin::EntryMeta &entry, std::size_t index,
                 const DimValues &dims, std::vector<int64_t> &shape,
                 std::string &error) {
  if (index >= entry.outputs.size()) {
    error = "entry '" + entry.name + "' has no output " + std::to_string(index);
    return false;
  }
  const tbin::TensorSig &sig = entry.outputs[index];
  shape.clear();
  for (std::size_t d = 0; d < sig.dims.size(); ++d) {
    const tbin::Dim &dim = sig.dims[d];
    if (!dim.isSymbolic()) {
      shape.push_back(dim.extent);
      continue;
    }
    // A dim the entry binds, or an extent computed from dims (`N-1`,
    // `M+N`).
    std::optional<tbin::DimForm> form = tbin::parseDimForm(dim.symbol);
    std::vector<std::string> symbols =
        form ? form->symbols() : std::vector<std::string>{dim.symbol};
    for (const std::string &symbol : symbols) {
      std::size_t k = dimIndex(entry, symbol);
      if (k >= dims.size() || dims[k] < 0) {
        error = "output '" + sig.name + "' dim " + std::to_string(d) +
                " uses '" + symbol + "', which no input determines";
        return false;
      }
    }
    // A symbol the entry declares need not be a form's text.
    tbin::DimForm plain = tbin::DimForm::dim(dim.symbol);
    const tbin::DimForm &f = form ? *form : plain;
    std::optional<int64_t> extent = extentOf(entry, dims, f);
    if (!extent || *extent < 0) {
      error = "output '" + sig.name + "' dim " + std::to_string(d) + " is " +
              dim.symbol + ", which is " +
              (extent ? std::to_string(*extent) : "out of range") + " for " +
              boundValues(entry, dims, f) +
              ": the entry's slices do not fit its inputs";
      return false;
    }
    shape.push_back(*extent);
  }
  return true;
}

bool checkOutputs(const tbin::EntryMeta &entry, const tessera_tensor_t *outputs,
                  std::size_t n, const DimValues &dims, std::string &error) {
  if (n != entry.outputs.size() || (n > 0 && !outputs)) {
    error = "entry '" + entry.name + "' returns " +
            plural(entry.outputs.size(), "output") + " (" +
            formatSignatureList(entry.outputs) + "), got " + std::to_string(n);
    return false;
  }
  std::vector<int64_t> shape;
  for (std::size_t i = 0; i < n; ++i) {
    const tbin::TensorSig &sig = entry.outputs[i];
    const tessera_tensor_t &t = outputs[i];
    if (!outputShape(entry, i, dims, shape, error) ||
        !checkWellFormed("output", sig, t, error))
      return false;
    bool matches = t.dtype == static_cast<int32_t>(sig.dtype) &&
                   static_cast<std::size_t>(t.rank) == shape.size() &&
                   std::equal(shape.begin(), shape.end(), t.shape);
    if (!matches) {
      error = "output '" + sig.name + "' expects " + shapeString(sig, shape) +
              ", got " + formatTensor(t);
      return false;
    }
  }
  return true;
}

} // namespace tessera::rt
