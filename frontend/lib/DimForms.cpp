// Arithmetic on symbolic extents: sums of dims (`M+N-1`, `2*N`) and
// quotients of one dim (`(N+1)/2`), whose text is the .tbin format's
// (tessera/dim_form.hpp, where the family and its normal form are
// described). Each operation maps a dim to its form, computes there and
// writes the result back, so that equal extents get one text.
#include "SemaTypes.h"

namespace tessera::sema {

namespace {

const Dim kUnknown = std::string("?");

} // namespace

std::optional<DimForm> formOfDim(const Dim &d) {
  if (auto *n = std::get_if<int64_t>(&d))
    return DimForm::number(*n);
  return parseDimForm(std::get<std::string>(d));
}

Dim dimFromForm(const DimForm &form) {
  if (form.isNumber())
    return form.offset;
  return tbin::formatDimForm(form);
}

Dim dimPlus(const Dim &d, int64_t c) {
  std::optional<DimForm> f = formOfDim(d);
  std::optional<DimForm> r =
      f ? tbin::addDimForms(*f, DimForm::number(c)) : std::nullopt;
  return r ? dimFromForm(*r) : kUnknown;
}

Dim dimNegate(const Dim &d) {
  std::optional<DimForm> f = formOfDim(d);
  std::optional<DimForm> r = f ? tbin::scaleDimForm(*f, -1) : std::nullopt;
  return r ? dimFromForm(*r) : kUnknown;
}

// ceil(d / t) = floor((d + t - 1) / t).
std::optional<Dim> dimCeilDiv(const Dim &d, int64_t t) {
  std::optional<DimForm> f = formOfDim(d);
  if (!f)
    return kUnknown;
  std::optional<DimForm> top =
      t >= 1 ? tbin::addDimForms(*f, DimForm::number(t - 1)) : std::nullopt;
  std::optional<DimForm> r =
      top ? tbin::floorDivDimForm(*top, t) : std::nullopt;
  if (!r)
    return std::nullopt;
  return dimFromForm(*r);
}

std::optional<Dim> dimSum(const Dim &a, const Dim &b) {
  std::optional<DimForm> fa = formOfDim(a), fb = formOfDim(b);
  if (!fa || !fb)
    return kUnknown;
  std::optional<DimForm> r = tbin::addDimForms(*fa, *fb);
  if (!r)
    return std::nullopt;
  return dimFromForm(*r);
}

// A sum: each dim's value times its coefficient, added. A quotient:
// floor((sign * v + rest) / divisor) + offset with v the dim's value.
std::optional<Dim> dimApply(const DimForm &f,
                            const std::map<std::string, Dim> &values) {
  DimForm total = DimForm::number(0);
  for (const tbin::DimTerm &t : f.terms) {
    auto it = values.find(t.symbol);
    if (it == values.end())
      return kUnknown;
    std::optional<DimForm> v = formOfDim(it->second);
    if (!v)
      return kUnknown;
    std::optional<DimForm> scaled = tbin::scaleDimForm(*v, t.coefficient);
    std::optional<DimForm> sum =
        scaled ? tbin::addDimForms(total, *scaled) : std::nullopt;
    if (!sum)
      return std::nullopt;
    total = *sum;
  }
  std::optional<DimForm> r = tbin::addDimForms(total, DimForm::number(f.rest));
  if (r)
    r = tbin::floorDivDimForm(*r, f.divisor);
  if (r)
    r = tbin::addDimForms(*r, DimForm::number(f.offset));
  if (!r)
    return std::nullopt;
  return dimFromForm(*r);
}

} // namespace tessera::sema
