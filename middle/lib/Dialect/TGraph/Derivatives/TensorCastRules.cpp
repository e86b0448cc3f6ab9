// Derivative rules of upstream ops that appear in Graph IR, attached to them
// as external models of the derivative interface, so that the sweeps treat
// them like any Graph IR op. tensor.cast: between more and less static types
// of one shape (a call of an op with symbolic dims from static shapes); the
// derivative is the same cast, back for the cotangent, forward for the
// tangent.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;

namespace tessera::tgraph {
namespace {

struct TensorCastDerivative
    : DifferentiableOpInterface::ExternalModel<TensorCastDerivative,
                                               tensor::CastOp> {
  LogicalResult buildVJP(Operation *op, OpBuilder &b, ArrayRef<Value> dys,
                         SmallVectorImpl<Value> &dxs) const {
    auto castOp = cast<tensor::CastOp>(op);
    dxs.push_back(b.create<tensor::CastOp>(
        op->getLoc(), castOp.getSource().getType(), dys[0]));
    return success();
  }
  LogicalResult buildJVP(Operation *op, OpBuilder &b, ArrayRef<Value> dxs,
                         SmallVectorImpl<Value> &dys) const {
    auto castOp = cast<tensor::CastOp>(op);
    dys.push_back(
        b.create<tensor::CastOp>(op->getLoc(), castOp.getType(), dxs[0]));
    return success();
  }
};

} // namespace

void registerUpstreamDerivatives(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    tensor::CastOp::attachInterface<TensorCastDerivative>(*ctx);
  });
}

} // namespace tessera::tgraph
