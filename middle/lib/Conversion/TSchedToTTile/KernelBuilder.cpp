#include "KernelBuilder.h"

using namespace mlir;

namespace tessera::tile {

MemRefType flatBuffer(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get({ShapedType::kDynamic}, t.getElementType());
}

Type elementOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getElementType();
}

Operation *singleOp(tsched::FusionGroupOp group) {
  return &group.getBody().front().front();
}

Value groupInput(tsched::FusionGroupOp group, Value inner) {
  return group.getInputs()[cast<BlockArgument>(inner).getArgNumber()];
}

bool isNarrowFloat(Type t) {
  return t.isBF16() || t.isF16() || t.isFloat8E4M3FN() || t.isFloat8E5M2();
}

bool isSupportedElement(Type t) {
  return t.isF32() || t.isF64() || isNarrowFloat(t) || t.isInteger(32) ||
         t.isInteger(64);
}

InFlightDiagnostic refuseComplex(Operation *op) {
  StringRef name = isa<tsched::FusionGroupOp>(op)
                       ? StringRef("this operator")
                       : op->getName().getStringRef();
  return op->emitError("'")
         << name
         << "' on c64 is not supported by the CPU backend yet (c64 takes + - "
            "* /, conj, real, imag, complex, select, sums, the Fourier "
            "transforms and layout operators but pad)";
}

LogicalResult checkSupportedElements(tsched::FusionGroupOp group) {
  SmallVector<Type> types(group.getOperandTypes());
  llvm::append_range(types, group.getResultTypes());
  for (Type type : types)
    if (auto t = dyn_cast<RankedTensorType>(type);
        t && !isSupportedElement(t.getElementType())) {
      // c64 values have kernels of their own (complex and fourier groups);
      // name the operator that reached another kind.
      if (isa<ComplexType>(t.getElementType())) {
        Operation *op = nullptr;
        group.getBody().walk([&](Operation *inner) {
          auto complexTensor = [](Type t) {
            auto r = dyn_cast<RankedTensorType>(t);
            return r && isa<ComplexType>(r.getElementType());
          };
          if (!op && (llvm::any_of(inner->getOperandTypes(), complexTensor) ||
                      llvm::any_of(inner->getResultTypes(), complexTensor)))
            op = inner;
        });
        return refuseComplex(op && !isa<tsched::YieldOp>(op) ? op : group);
      }
      return group.emitError("dtype ")
             << t.getElementType()
             << " is not supported by the CPU backend yet";
    }
  return success();
}

Type accumulatorOf(Type elem) {
  return isNarrowFloat(elem) ? Float32Type::get(elem.getContext()) : elem;
}

Value convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = getElementTypeOrSelf(v.getType());
  if (from == to)
    return v;
  Type type = to;
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    type = VectorType::get(vt.getShape(), to);
  unsigned fromWidth = from.getIntOrFloatBitWidth(),
           toWidth = to.getIntOrFloatBitWidth();
  // f16 and bf16, or the two fp8 types: neither holds the other, so exactly
  // to f32 and rounded once from there.
  if (fromWidth == toWidth)
    return convertFloat(b, loc, convertFloat(b, loc, v, b.getF32Type()), to);
  if (fromWidth < toWidth)
    return b.create<arith::ExtFOp>(loc, type, v);
  return b.create<arith::TruncFOp>(loc, type, v);
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

Value product(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  if (values.empty())
    return indexConst(b, loc, 1);
  Value p = values.front();
  for (Value v : values.drop_front())
    p = b.create<arith::MulIOp>(loc, p, v);
  return p;
}

Value ceilDiv(OpBuilder &b, Location loc, Value x, int64_t d) {
  return b.create<arith::DivUIOp>(
      loc, b.create<arith::AddIOp>(loc, x, indexConst(b, loc, d - 1)),
      indexConst(b, loc, d));
}

std::optional<int64_t> staticCount(RankedTensorType t, int64_t first,
                                   int64_t last) {
  int64_t n = 1;
  for (int64_t d : t.getShape().slice(first, last - first)) {
    if (ShapedType::isDynamic(d))
      return std::nullopt;
    n *= d;
  }
  return n;
}

KernelBody createKernelBody(EntryContext &ctx, StringRef kind, int64_t tile,
                            int64_t vector, TypeRange inputs, TypeRange outputs,
                            unsigned numSizes, Location loc, StringRef symbol) {
  OpBuilder &mb = ctx.moduleBuilder();
  std::string name = symbol.empty() ? ctx.nextKernelName() : symbol.str();
  auto kernel = mb.create<ttile::KernelOp>(
      loc, mb.getStringAttr(name), mb.getStringAttr(kind),
      mb.getI64IntegerAttr(tile), mb.getI64IntegerAttr(vector),
      mb.getI64IntegerAttr(inputs.size()), mb.getI64IntegerAttr(numSizes));
  Block *body = new Block();
  kernel.getBody().push_back(body);
  KernelBody k{OpBuilder::atBlockEnd(body), {}, {}, {}, {}, {}};
  for (Type in : inputs)
    k.inputs.push_back(body->addArgument(in, loc));
  for (Type out : outputs)
    k.outputs.push_back(body->addArgument(out, loc));
  k.offset = body->addArgument(mb.getIndexType(), loc);
  k.extent = body->addArgument(mb.getIndexType(), loc);
  for (unsigned i = 0; i < numSizes; ++i)
    k.sizes.push_back(body->addArgument(mb.getIndexType(), loc));
  // The terminator is added by the caller when the body is complete.
  return k;
}

KernelBody createKernel(EntryContext &ctx, const KernelSpec &spec,
                        Location loc) {
  KernelBody k = createKernelBody(ctx, spec.kind, spec.tile, spec.vector,
                                  ValueRange(spec.inputs).getTypes(),
                                  ValueRange(spec.outputs).getTypes(),
                                  spec.sizes.size(), loc);
  SmallVector<Value> buffers(spec.inputs);
  buffers.append(spec.outputs.begin(), spec.outputs.end());
  ctx.entryBuilder().create<ttile::LaunchOp>(loc, k.kernel().getSymName(),
                                             buffers, spec.points, spec.sizes);
  return k;
}

void emitCopy(EntryContext &ctx, Value from, Value to, Value count, Type elem,
              int64_t vectorBytes, Location loc) {
  // Complex numbers make no vectors: one element a step.
  if (isa<ComplexType>(elem)) {
    KernelSpec spec{"copy", 512, 1, {from}, {to}, count, {}};
    KernelBody k = createKernel(ctx, spec, loc);
    Value v = k.builder.create<memref::LoadOp>(loc, k.inputs[0], k.offset);
    k.builder.create<memref::StoreOp>(loc, v, k.outputs[0], k.offset);
    k.builder.create<ttile::YieldOp>(loc);
    return;
  }
  int64_t bytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
  int64_t lanes = std::max<int64_t>(1, vectorBytes / bytes);
  KernelSpec spec{"elementwise", lanes * 512, lanes, {from}, {to}, count, {}};
  KernelBody k = createKernel(ctx, spec, loc);
  auto vt = VectorType::get({lanes}, elem);
  Value v =
      k.builder.create<ttile::LoadOp>(loc, vt, k.inputs[0], k.offset, k.extent);
  k.builder.create<ttile::StoreOp>(loc, v, k.outputs[0], k.offset, k.extent);
  k.builder.create<ttile::YieldOp>(loc);
}

} // namespace tessera::tile
