// Several fusion groups into one (FusionRules.h): the members' bodies one
// after another in a new group at the last member's place, each member's
// results read by the next from the values computed before them.
#include "FusionRules.h"

#include "tessera/Dialect/TSched/TSched.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace tessera {

void mergeGroups(ArrayRef<tsched::FusionGroupOp> members, StringRef kind) {
  tsched::FusionGroupOp anchor = members.back();
  llvm::SmallPtrSet<Operation *, 8> inside;
  for (auto m : members)
    inside.insert(m);
  llvm::SetVector<Value> inputs;
  for (auto m : members)
    for (Value in : m.getInputs())
      if (!inside.count(in.getDefiningOp()))
        inputs.insert(in);
  // Results: the anchor's, then members' values read outside.
  SmallVector<Value> outputs(anchor.getResults());
  for (auto m : members.drop_back())
    for (Value r : m.getResults())
      if (llvm::any_of(r.getUsers(),
                       [&](Operation *u) { return !inside.count(u); }))
        outputs.push_back(r);

  OpBuilder b(anchor);
  SmallVector<Type> types;
  SmallVector<Location> locs;
  for (Value v : outputs)
    types.push_back(v.getType());
  for (auto m : members)
    locs.push_back(m.getLoc());
  auto group = b.create<tsched::FusionGroupOp>(
      FusedLoc::get(b.getContext(), locs), types, inputs.getArrayRef(),
      b.getStringAttr(kind), anchor.getShape(),
      b.getDenseI64ArrayAttr(tsched::FusionGroupOp(members.front()).getTile()));
  Block *body = new Block();
  group.getBody().push_back(body);
  // Each member's block arguments are the new group's, or values its
  // producers computed in the new body.
  IRMapping outer;
  for (Value in : inputs)
    outer.map(in, body->addArgument(in.getType(), in.getLoc()));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  for (auto m : members) {
    IRMapping map;
    Block &from = m.getBody().front();
    for (auto [arg, in] : llvm::zip(from.getArguments(), m.getInputs()))
      map.map(arg, outer.lookup(in));
    for (Operation &op : from.without_terminator())
      inner.clone(op, map);
    for (auto [r, v] :
         llvm::zip(m.getResults(), from.getTerminator()->getOperands()))
      outer.map(r, map.lookup(v));
  }
  SmallVector<Value> values;
  for (Value v : outputs)
    values.push_back(outer.lookup(v));
  inner.create<tsched::YieldOp>(group.getLoc(), values);
  for (auto [i, v] : llvm::enumerate(outputs))
    v.replaceUsesWithIf(group.getResult(i), [&](OpOperand &use) {
      return !inside.count(use.getOwner());
    });
  for (auto m : llvm::reverse(members))
    m->erase();
}

} // namespace tessera
