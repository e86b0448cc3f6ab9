#include "train/param_init.hpp"

#include "train/counter_rng.hpp"
#include "train/scalar_convert.hpp"

#include <cmath>

namespace tessera::train {

namespace {

// Bits of precision of a float dtype: uniform draws this many, so that the
// value is exact in the dtype and never rounds up to 1.
int precisionOf(tbin::DType dtype) {
  switch (dtype) {
  case tbin::DType::F64:
    return 53;
  case tbin::DType::F16:
    return 11;
  case tbin::DType::BF16:
    return 8;
  case tbin::DType::FP8_E4M3:
    return 4;
  case tbin::DType::FP8_E5M2:
    return 3;
  default:
    return 24;
  }
}

} // namespace

Fans glorotFans(const std::vector<int64_t> &shape) {
  Fans f;
  std::size_t r = shape.size();
  if (r == 1)
    f.in = f.out = static_cast<double>(shape[0]);
  if (r >= 2) {
    double receptive = 1;
    for (std::size_t i = 0; i + 2 < r; ++i)
      receptive *= static_cast<double>(shape[i]);
    f.in = static_cast<double>(shape[r - 2]) * receptive;
    f.out = static_cast<double>(shape[r - 1]) * receptive;
  }
  return f;
}

double glorotBound(const std::vector<int64_t> &shape) {
  Fans f = glorotFans(shape);
  // No elements when both fans are 0; any bound will do.
  return f.in + f.out > 0 ? std::sqrt(6.0 / (f.in + f.out)) : 0.0;
}

bool initialValue(const tbin::ParamMeta &param, uint64_t runSeed,
                  HostTensor &out, std::string &error) {
  const std::string what = "parameter '" + param.name + "'";
  const std::string &init = param.init;
  bool random = init == "glorot" || init == "normal" || init == "uniform";
  if (!random && init != "zeros" && init != "ones") {
    error = what + " has initialiser '" + init +
            "', which this runtime does not know";
    return false;
  }
  if (random && !isFloat(param.dtype)) {
    error = what + ": initialiser " + init +
            " needs a floating-point dtype, "
            "not " +
            tbin::dtypeName(param.dtype);
    return false;
  }
  if (!zeros(param.dtype, param.shape, what, out, error))
    return false;
  if (init == "zeros")
    return true;

  const std::size_t size = tbin::dtypeSize(param.dtype);
  const uint64_t n = static_cast<uint64_t>(out.numElements());
  uint8_t *p = out.data.data();
  if (init == "ones") {
    for (uint64_t i = 0; i < n; ++i)
      storeScalar(param.dtype, 1.0, p + i * size);
    return true;
  }
  CounterRng rng(static_cast<uint64_t>(param.seed), runSeed);
  const double bound = glorotBound(param.shape);
  const int precision = precisionOf(param.dtype);
  for (uint64_t i = 0; i < n; ++i) {
    double v;
    if (init == "glorot")
      v = bound * (2 * rng.uniform(i) - 1);
    else if (init == "normal")
      v = rng.normal(i);
    else
      v = rng.uniform(i, precision);
    storeScalar(param.dtype, v, p + i * size);
  }
  return true;
}

} // namespace tessera::train
