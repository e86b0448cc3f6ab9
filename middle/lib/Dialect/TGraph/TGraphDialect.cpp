// The tgraph dialect: registration, the op definitions generated from ODS,
// the helpers the verifiers share, and the ops that belong to no family
// (constants, fixed points). The families' verifiers and builders live in
// ElementwiseOps.cpp, LinalgOps.cpp, ShapeOps.cpp and ReductionOps.cpp.
#include "TGraphUtils.h"
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessera::tgraph {

namespace {
// Graph IR operators are pure values of their operands: a call of an `op`
// can always be replaced by its body (how the backends see one function).
struct TGraphInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
  bool isLegalToInline(Region *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void TGraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tessera/Dialect/TGraph/TGraphOps.cpp.inc"
      >();
  addInterfaces<TGraphInlinerInterface>();
  // Upstream ops in Graph IR get their derivative rules wherever this
  // dialect is used, without every tool registering them.
  DialectRegistry upstream;
  registerUpstreamDerivatives(upstream);
  getContext()->appendDialectRegistry(upstream);
}

LogicalResult verifyElementwiseScalarBroadcast(Operation *op) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  for (Value operand : op->getOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getElementType() != result.getElementType())
      return op->emitOpError("operand element type ")
             << type.getElementType() << " does not match result element type "
             << result.getElementType();
    if (type.getRank() == 0)
      continue;
    if (type.getShape() != result.getShape())
      return op->emitOpError("operand shape ")
             << type << " is neither rank 0 nor the result shape " << result;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace detail {

bool shapesAgree(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!dimsAgree(x, y))
      return false;
  return true;
}

bool typesAgree(RankedTensorType a, RankedTensorType b) {
  return a.getElementType() == b.getElementType() &&
         shapesAgree(a.getShape(), b.getShape());
}

std::string dimStr(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

std::string listStr(ArrayRef<int64_t> values) {
  return "[" +
         llvm::join(llvm::map_range(
                        values, [](int64_t v) { return std::to_string(v); }),
                    ", ") +
         "]";
}

LogicalResult verifyResultType(Operation *op, RankedTensorType inferred) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  if (!typesAgree(result, inferred))
    return op->emitOpError("result type ")
           << result << " does not match the inferred type " << inferred;
  return success();
}

LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult verifyScalarBroadcastShapes(Operation *op, ValueRange operands,
                                          RankedTensorType result) {
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() != 0 && type.getShape() != result.getShape())
      return op->emitOpError("operand shape ")
             << type << " is neither rank 0 nor the result shape " << result;
  }
  return success();
}

LogicalResult verifySameElementType(Operation *op, ValueRange operands,
                                    RankedTensorType result) {
  for (Value operand : operands) {
    Type element = cast<RankedTensorType>(operand.getType()).getElementType();
    if (element != result.getElementType())
      return op->emitOpError("operand element type ")
             << element << " does not match result element type "
             << result.getElementType();
  }
  return success();
}

} // namespace detail

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto value = cast<TypedAttr>(getValue());
  if (value.getType() != getType().getElementType())
    return emitOpError("value of type ")
           << value.getType() << " does not match result element type "
           << getType().getElementType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// FixedPointOp
//===----------------------------------------------------------------------===//

LogicalResult FixedPointOp::verify() {
  double tol = getTolAttr().getValueAsDouble();
  if (!(tol > 0))
    return emitOpError("tol must be positive, got ") << tol;
  int64_t maxIter = getMaxIterAttr().getInt();
  if (maxIter <= 0)
    return emitOpError("max_iter must be positive, got ") << maxIter;
  return success();
}

LogicalResult FixedPointOp::verifyRegions() {
  Block &body = getBody().front();
  size_t numCaptured = getCaptured().size();
  if (body.getNumArguments() != 1 + numCaptured)
    return emitOpError("body must have ")
           << 1 + numCaptured << " arguments (the iterate and " << numCaptured
           << " captured values), got " << body.getNumArguments();
  SmallVector<Type> expected{getInit().getType()};
  llvm::append_range(expected, getCaptured().getTypes());
  for (auto [i, arg, type] : llvm::enumerate(body.getArguments(), expected))
    if (arg.getType() != type)
      return emitOpError("body argument ")
             << i << " has type " << arg.getType() << ", expected " << type;
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end with tgraph.yield");
  if (yield.getValue().getType() != getInit().getType())
    return emitOpError("body yields ")
           << yield.getValue().getType() << ", expected the iterate's type "
           << getInit().getType();
  return success();
}

} // namespace tessera::tgraph

#include "tessera/Dialect/TGraph/DifferentiableOpInterface.cpp.inc"
#include "tessera/Dialect/TGraph/TGraphOpsDialect.cpp.inc"
#include "tessera/Dialect/TGraph/TGraphOpsEnums.cpp.inc"

namespace tessera::tgraph {

// The offsets and sizes of tgraph.slice: `[1, %n, 3]`, an integer or an
// `index` operand each (an operand stands for `?` in the attribute).
static ParseResult
parseSliceList(OpAsmParser &parser,
               SmallVectorImpl<OpAsmParser::UnresolvedOperand> &operands,
               DenseI64ArrayAttr &values) {
  SmallVector<int64_t> list;
  if (parser.parseCommaSeparatedList(
          OpAsmParser::Delimiter::Square, [&]() -> ParseResult {
            OpAsmParser::UnresolvedOperand operand;
            OptionalParseResult r = parser.parseOptionalOperand(operand);
            if (r.has_value()) {
              if (failed(*r))
                return failure();
              operands.push_back(operand);
              list.push_back(ShapedType::kDynamic);
              return success();
            }
            return parser.parseInteger(list.emplace_back());
          }))
    return failure();
  values = parser.getBuilder().getDenseI64ArrayAttr(list);
  return success();
}

static void printSliceList(OpAsmPrinter &p, Operation *, OperandRange operands,
                           DenseI64ArrayAttr values) {
  p << '[';
  unsigned next = 0;
  llvm::interleaveComma(values.asArrayRef(), p, [&](int64_t v) {
    if (!ShapedType::isDynamic(v))
      p << v;
    else if (next < operands.size())
      p << operands[next++];
    else
      p << '?'; // malformed: the verifier reports it
  });
  p << ']';
}

} // namespace tessera::tgraph

#define GET_OP_CLASSES
#include "tessera/Dialect/TGraph/TGraphOps.cpp.inc"
