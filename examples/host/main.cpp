// A C++ program that embeds a compiled Tessera model: it loads the .tbin of
// examples/skeleton.tsr, runs the entry `skeleton` (a * b + a over f32[N]) on
// tensors in its own memory, prints them, and checks the result against the
// same arithmetic done here. Exit status: 0 match, 1 mismatch or error,
// 2 bad usage.
//
//   tesserac examples/skeleton.tsr -o skeleton.tbin
//   host_example skeleton.tbin
//
// Built with TESSERA_LINKED_MODEL, the model is linked into the program
// instead, and it takes no argument:
//
//   tesserac examples/skeleton.tsr --emit=obj      (skeleton.o)
//   tesserac examples/skeleton.tsr --emit=header   (skeleton.h)
//   host_example_linked
#include "tessera/tessera_rt.hpp"
#ifdef TESSERA_LINKED_MODEL
#include "skeleton.h"
#endif

#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

void printTensor(const std::string &name, const std::vector<float> &values) {
  std::cout << name << " = [";
  for (std::size_t i = 0; i < values.size(); ++i)
    std::cout << (i ? " " : "") << values[i];
  std::cout << "]\n";
}

std::string joinSignatures(const std::vector<tessera::TensorInfo> &infos) {
  std::string s;
  for (const tessera::TensorInfo &t : infos)
    s += (s.empty() ? "" : ", ") + t.name + ": " + t.signature();
  return s;
}

int run(const tessera::Module &module) {
  tessera::Function fn = module.function("skeleton");
  std::cout << "module " << module.name() << ", entry " << fn.name() << "("
            << joinSignatures(fn.inputs()) << ") -> ("
            << joinSignatures(fn.outputs()) << ")\n";

  // Small integers and halves: every product and sum is exact in f32, so
  // the check below can demand the same bits, not just close values.
  const int64_t n = 8;
  std::vector<float> a(n), b(n);
  for (int64_t i = 0; i < n; ++i) {
    a[i] = static_cast<float>(i + 1);
    b[i] = 0.5f * static_cast<float>(i) - 1.0f;
  }
  const std::vector<int64_t> shape = {n};
  // Views of the host vectors: the runtime reads them in place.
  std::vector<tessera_tensor_t> inputs = {tessera::tensorView(a.data(), shape),
                                          tessera::tensorView(b.data(), shape)};

  // N is bound from the inputs' shapes; the output's shape follows from it.
  std::cout << "N = " << fn.bindDims(inputs).at(0) << "\n";
  const std::vector<int64_t> outShape = fn.outputShape(inputs, 0);
  std::vector<float> out(static_cast<std::size_t>(outShape.at(0)));
  std::vector<tessera_tensor_t> outputs = {
      tessera::tensorView(out.data(), outShape)};
  fn.invoke(inputs, outputs); // returns when `out` holds the result

  printTensor("a", a);
  printTensor("b", b);
  printTensor("out0", out);

  if (out.size() != a.size()) {
    std::cout << "mismatch: " << out.size() << " values, expected " << a.size()
              << "\n";
    return 1;
  }
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float expected = a[i] * b[i] + a[i];
    if (out[i] != expected) {
      std::cout << "mismatch at " << i << ": got " << out[i] << ", expected "
                << expected << "\n";
      ++mismatches;
    }
  }
  if (mismatches != 0)
    return 1;
  std::cout << "ok: out0 == a * b + a, computed on the host\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
#ifdef TESSERA_LINKED_MODEL
  if (argc != 1) {
    std::cerr << "usage: " << argv[0] << " (the model is linked in)\n";
    return 2;
  }
#else
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " MODEL.tbin\n";
    return 2;
  }
#endif
  try {
    // The CPU device with one worker per hardware thread; results do not
    // depend on the thread count.
    tessera::Context ctx("cpu");
#ifdef TESSERA_LINKED_MODEL
    tessera::Module module(ctx, tessera_module_skeleton);
#else
    tessera::Module module(ctx, argv[1]);
#endif
    return run(module);
  } catch (const tessera::Error &e) {
    // Every runtime failure arrives here with its status and one-line
    // message, e.g. a file that is not a .tbin or an entry that is missing.
    std::cerr << argv[0] << ": " << tessera_status_string(e.status()) << ": "
              << e.what() << "\n";
    return 1;
  }
}
