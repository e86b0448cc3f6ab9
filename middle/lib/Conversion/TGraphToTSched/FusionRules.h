// Which Graph IR operators fusion groups can hold together (FormFusionGroups
// and ReductionChains share them).
#pragma once

#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TSched/TSched.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"

namespace tessera {

// The operators an elementwise fusion group may hold, broadcasts aside.
bool isElementwise(mlir::Operation *op);

// A reshape that changes only how its result's type spells the dims (an
// op's generic dims bound at a call: tensor<?x?xf32> to tensor<?x4096xf32>
// of the same extents): the identity on a flat buffer, so elementwise
// chains run through it.
bool isShapeCast(mlir::Operation *op);

// Random numbers (random_uniform, random_normal, dropout) join elementwise
// groups too: a lane draws its element's number from the element's flat
// index, which an elementwise group's step knows. A reduction's chain does
// not take them (its lanes are not the random op's elements).
bool isRandom(mlir::Operation *op);

// A broadcast that an elementwise kernel reads straight from its operand
// (BroadcastRead.h) joins the elementwise group of its result instead of
// becoming a layout kernel.
bool readsThroughBroadcast(mlir::Operation *op);

// For each reduction whose operand an elementwise chain computes (its
// operators, and broadcasts whose operands the reduction kernel reads
// directly), that chain, cloned just before the reduction: the reduction's
// group computes it element by element and the operand never reaches
// memory. Originals left without users are erased; those that other
// operators read too stay, so the chain is computed twice (see
// ReductionChains.cpp for when that is worth it). Clones in program order.
// `block`: an entry's body, or the body of a fixed point in it.
llvm::MapVector<mlir::Operation *, llvm::SmallVector<mlir::Operation *>>
fuseReductionChains(mlir::Block &block);

// Merges the row reductions (and per-row elementwise groups) that an
// elementwise group over rows reads, with that group, into one group of
// kind "rows", where each row is short enough for one kernel point:
// softmax and layernorm become one kernel (RowGroups.cpp). `block` holds
// fusion groups, in order.
void mergeRowGroups(mlir::Block &block);

// Merges the cheap elementwise group that reads a matmul's product over the
// product's shape (a bias, an activation, a cast) into the matmul's
// group, which then applies it to the sums as it stores them: the product
// reaches memory only if other groups read it (MatmulEpilogues.cpp).
// `block` holds fusion groups, in order.
void mergeMatmulEpilogues(mlir::Block &block);

// Replaces `members` (in block order) by one group of `kind` at the last
// one's place, its results the last one's, then the other members' values
// read outside (MergeGroups.cpp). No outsider may read a member's value
// before the last member.
void mergeGroups(llvm::ArrayRef<tsched::FusionGroupOp> members,
                 llvm::StringRef kind);

} // namespace tessera
