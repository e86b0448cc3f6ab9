// --tgraph-form-attention: matmul(softmax(scale * q kᵀ), v) becomes one
// tgraph.attention, whose kernels never store the [s, t] scores and whose
// adjoint is one fused op too. See Passes.td for the conditions.
#include "tessera/Dialect/TGraph/Derivatives.h"
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace tessera::tgraph {
#define GEN_PASS_DEF_FORMATTENTION
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"

namespace {

RankedTensorType tensorOf(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

bool isRankZero(Value v) {
  RankedTensorType t = tensorOf(v);
  return t && t.getRank() == 0;
}

// Whether `v` depends on no block argument except through its extents
// (tensor.dim), and on no op with regions: the same for every input of
// equal shape.
bool independentOfInputs(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Value, 8> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (!seen.insert(x).second)
      continue;
    Operation *def = x.getDefiningOp();
    if (!def || def->getNumRegions() > 0)
      return false;
    if (isa<tensor::DimOp>(def))
      continue;
    llvm::append_range(work, def->getOperands());
  }
  return true;
}

// k when `rhs` is kᵀ: a transpose that swaps the last two dims only.
Value untransposed(Value rhs) {
  auto t = rhs.getDefiningOp<TransposeOp>();
  if (!t)
    return {};
  ArrayRef<int64_t> perm = t.getPermutation();
  int64_t r = perm.size();
  if (r < 2 || perm[r - 1] != r - 2 || perm[r - 2] != r - 1)
    return {};
  for (int64_t i = 0; i < r - 2; ++i)
    if (perm[i] != i)
      return {};
  return t.getOperand();
}

struct Match {
  MatmulOp weighted;            // p v
  SoftmaxOp softmax;            // p
  Operation *scaling = nullptr; // s * c or s / c, if any
  MatmulOp scores;              // q kᵀ
  Value q, k, v, c;
  bool divides = false;
};

std::optional<Match> match(MatmulOp mm) {
  Match m;
  m.weighted = mm;
  if (mm.getTransposeLhs() || mm.getTransposeRhs())
    return std::nullopt;
  m.softmax = mm.getLhs().getDefiningOp<SoftmaxOp>();
  if (!m.softmax || !m.softmax->hasOneUse() ||
      static_cast<int64_t>(m.softmax.getAxis()) !=
          tensorOf(m.softmax.getResult()).getRank() - 1)
    return std::nullopt;
  Value s = m.softmax.getOperand();
  Operation *def = s.getDefiningOp();
  if (isa_and_nonnull<MulOp, DivOp>(def) && def->hasOneUse()) {
    Value x = def->getOperand(0), y = def->getOperand(1);
    if (isa<MulOp>(def) && isRankZero(x))
      std::swap(x, y);
    if (isRankZero(y) && !isRankZero(x)) {
      m.scaling = def;
      m.divides = isa<DivOp>(def);
      m.c = y;
      s = x;
    }
  }
  m.scores = s.getDefiningOp<MatmulOp>();
  if (!m.scores || !m.scores->hasOneUse() || m.scores.getTransposeLhs())
    return std::nullopt;
  m.q = m.scores.getLhs();
  m.k = m.scores.getTransposeRhs() ? m.scores.getRhs()
                                   : untransposed(m.scores.getRhs());
  m.v = mm.getRhs();
  if (!m.k || (m.c && !independentOfInputs(m.c)))
    return std::nullopt;
  RankedTensorType qt = tensorOf(m.q), kt = tensorOf(m.k), vt = tensorOf(m.v);
  Type elem = qt.getElementType();
  if (qt.getRank() < 2 || kt.getRank() != qt.getRank() ||
      vt.getRank() != qt.getRank() || kt.getElementType() != elem ||
      vt.getElementType() != elem ||
      (m.c && tensorOf(m.c).getElementType() != elem) ||
      !(elem.isF32() || elem.isBF16() || elem.isF16()))
    return std::nullopt;
  for (Operation *op : {mm.getOperation(), m.softmax.getOperation(),
                        m.scores.getOperation(), m.scaling})
    if (op && isStrict(op))
      return std::nullopt;
  return m;
}

struct FormAttentionPass : impl::FormAttentionBase<FormAttentionPass> {
  void runOnOperation() override {
    SmallVector<MatmulOp> candidates;
    getOperation().walk([&](MatmulOp mm) { candidates.push_back(mm); });
    for (MatmulOp mm : candidates) {
      std::optional<Match> m = match(mm);
      if (!m)
        continue;
      OpBuilder b(mm);
      RuleBuilder rb(b, mm.getLoc());
      Value scale = !m->c        ? rb.scalarLike(m->q, 1.0)
                    : m->divides ? rb.div(rb.scalarLike(m->q, 1.0), m->c)
                                 : m->c;
      Value o = b.create<AttentionOp>(mm.getLoc(), mm.getType(), /*lse=*/Type(),
                                      m->q, m->k, m->v, scale)
                    .getResult();
      mm.getResult().replaceAllUsesWith(o);
      Operation *transpose = m->scores.getRhs().getDefiningOp();
      for (Operation *dead : {mm.getOperation(), m->softmax.getOperation(),
                              m->scaling, m->scores.getOperation()})
        if (dead)
          dead->erase();
      if (isa_and_nonnull<TransposeOp>(transpose) && transpose->use_empty())
        transpose->erase();
    }
  }
};

} // namespace
} // namespace tessera::tgraph
