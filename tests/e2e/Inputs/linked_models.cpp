// Two models linked into one program (tesserac --emit=obj and
// --emit=header): each runs, a model with temporaries gives the same bits
// as its .tbin (given as the argument), and broken descriptors are refused
// with their reasons. Prints what it saw; linked-models.test checks it.
#include "skeleton.h"
#include "temporaries.h"
#include "tessera/tessera_rt.hpp"

#include <cstdint>
#include <cstring>
#include <iostream>
#include <vector>

namespace {

float outer(tessera::Module &module, int64_t n) {
  std::vector<float> x(static_cast<std::size_t>(n)), y(x.size(), 1.0f);
  for (int64_t i = 0; i < n; ++i)
    x[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
  float out = 0;
  // Views keep pointers to their shapes.
  const std::vector<int64_t> column = {n, 1}, row = {1, n}, scalar = {};
  std::vector<tessera_tensor_t> in = {tessera::tensorView(x.data(), column),
                                      tessera::tensorView(y.data(), row)};
  std::vector<tessera_tensor_t> res = {tessera::tensorView(&out, scalar)};
  module.function("outer").invoke(in, res);
  return out;
}

void refused(const char *what, const tessera::Context &ctx,
             const tessera_static_module_t &linked) {
  tessera_module_t m = nullptr;
  tessera_status_t st = tessera_module_load_static(ctx.get(), &linked, &m);
  std::cout << what << ": " << tessera_status_string(st) << ": "
            << tessera_last_error() << "\n";
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " TEMPORARIES.tbin\n";
    return 2;
  }
  try {
    tessera::Context ctx("cpu", 2);
    tessera::Module skeleton(ctx, tessera_module_skeleton);
    tessera::Module linked(ctx, tessera_module_temporaries);
    tessera::Module loaded(ctx, argv[1]);

    std::vector<float> a = {1, 2, 3, 4, 5}, b = {-1, -0.5f, 0, 0.5f, 1};
    std::vector<float> out(5);
    const std::vector<int64_t> shape = {5};
    std::vector<tessera_tensor_t> in = {tessera::tensorView(a.data(), shape),
                                        tessera::tensorView(b.data(), shape)};
    std::vector<tessera_tensor_t> res = {
        tessera::tensorView(out.data(), shape)};
    skeleton.function("skeleton").invoke(in, res);
    std::cout << skeleton.name() << ":";
    for (float v : out)
      std::cout << " " << v;
    std::cout << "\n";

    // Twice: the second call takes its temporaries from the cache.
    for (int call = 0; call < 2; ++call) {
      float l = outer(linked, 300), t = outer(loaded, 300);
      std::cout << linked.name() << " outer, N = 300: " << int64_t(l)
                << (std::memcmp(&l, &t, sizeof l) == 0
                        ? ", the same bits as the .tbin"
                        : ", NOT the bits of the .tbin")
                << "\n";
    }

    tessera_static_module_t broken = tessera_module_temporaries;
    broken.abi_version = 1;
    refused("ABI 1", ctx, broken);
    broken = tessera_module_temporaries;
    broken.entries = nullptr;
    refused("no entries", ctx, broken);
    broken = tessera_module_temporaries;
    broken.meta_size = 12;
    refused("cut metadata", ctx, broken);
    broken = tessera_module_temporaries;
    broken.meta = nullptr;
    refused("no metadata", ctx, broken);
    broken = tessera_module_temporaries;
    broken.ops = nullptr;
    refused("no kernel table", ctx, broken);
    broken = tessera_module_temporaries;
    broken.kernels = nullptr;
    refused("no kernels", ctx, broken);
    return 0;
  } catch (const tessera::Error &e) {
    std::cerr << argv[0] << ": " << e.what() << "\n";
    return 1;
  }
}
