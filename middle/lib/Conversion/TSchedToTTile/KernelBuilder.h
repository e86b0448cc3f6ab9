// What the lowering of one fusion group to a Tile IR kernel needs: the
// entry's buffers and run-time extents, and a kernel skeleton with its
// launch. One file per kind of group builds the kernel body on top of it.
#pragma once

#include "tessera/Conversion/BroadcastRead.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TSched/TSched.h"
#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace tessera::tile {

// Tensors live in flat, row-major buffers.
mlir::MemRefType flatBuffer(mlir::Type tensorType);
mlir::Type elementOf(mlir::Value tensor);
// bf16, f16, f8E4M3FN (fp8_e4m3) or f8E5M2 (fp8_e5m2): stored narrow, their
// arithmetic f32's, rounded to the narrow type after each operator
// (docs/language.md section 8).
bool isNarrowFloat(mlir::Type t);
// The element types CPU kernels store: f32, f64, i32, i64 and the narrow
// floats.
bool isSupportedElement(mlir::Type t);
// The error for an operator on c64 that has no kernel (naming it, and what
// c64 does take).
mlir::InFlightDiagnostic refuseComplex(mlir::Operation *op);
// An error at `group` naming the first tensor among its inputs and results
// whose element type is not supported.
mlir::LogicalResult checkSupportedElements(tsched::FusionGroupOp group);
// The type reductions and matmuls over `elem` accumulate in: f32 for narrow
// floats (a policy's `accum:` is not read yet), `elem` itself otherwise.
// Values are extended as they are loaded, and rounded once as they are
// stored.
mlir::Type accumulatorOf(mlir::Type elem);
// `v` (a scalar or a vector) converted to the float element type `to`:
// extended or rounded to nearest even (between types of one width, f16 and
// bf16 or the two fp8 types, through f32); `v` itself when it has that type.
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type to);

// The entry being lowered, as a group's lowering sees it.
class EntryContext {
public:
  virtual ~EntryContext() = default;
  // The buffer that holds `tensor` (an entry argument or a group result
  // lowered earlier).
  virtual mlir::Value bufferOf(mlir::Value tensor) = 0;
  // The extents of `tensor` as index values of the entry.
  virtual mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  extentsOf(mlir::Value tensor, mlir::Location loc) = 0;
  // A buffer of `count` elements the entry allocates before the group's
  // launches (a kernel's scratch space); the group frees it with a
  // memref.dealloc after its last launch.
  virtual mlir::Value scratchBuffer(mlir::Type elem, mlir::Value count,
                                    mlir::Location loc) = 0;
  // A fresh kernel name.
  virtual std::string nextKernelName() = 0;
  // The builder positioned where the group's launch goes.
  virtual mlir::OpBuilder &entryBuilder() = 0;
  // Where kernels are created (module level, before the entry).
  virtual mlir::OpBuilder &moduleBuilder() = 0;
  // For a fixed point's body (FixedPointLowering.cpp): which buffer holds
  // `tensor` from now on, and the lowering of one of the body's steps (a
  // fusion group or a fixed point) into `results`, at the entry builder.
  virtual void setBuffer(mlir::Value tensor, mlir::Value buffer) = 0;
  virtual mlir::LogicalResult
  lowerStep(mlir::Operation *step, llvm::ArrayRef<mlir::Value> results) = 0;
};

// A kernel about to be built: its buffers (inputs, then outputs), the
// points it runs over, and the extra extents its body reads.
struct KernelSpec {
  llvm::StringRef kind;
  int64_t tile = 1;
  int64_t vector = 1;
  llvm::SmallVector<mlir::Value> inputs;  // entry buffers
  llvm::SmallVector<mlir::Value> outputs; // entry buffers
  mlir::Value points;                     // entry index value
  llvm::SmallVector<mlir::Value> sizes;   // entry index values
};

// The kernel's body block and its arguments; the builder is at its end.
struct KernelBody {
  mlir::OpBuilder builder;
  llvm::SmallVector<mlir::Value> inputs, outputs;
  mlir::Value offset, extent;
  llvm::SmallVector<mlir::Value> sizes;

  ttile::KernelOp kernel() const {
    return mlir::cast<ttile::KernelOp>(
        mlir::Value(offset).getParentBlock()->getParentOp());
  }
};

// Creates the kernel and launches it over `spec.points` from the entry.
KernelBody createKernel(EntryContext &ctx, const KernelSpec &spec,
                        mlir::Location loc);
// Creates a kernel that nothing launches: a description of work that a
// target instantiates inside another kernel (a matmul's epilogue, one
// element at a time: MatmulEpilogue.h). Named `symbol`, or the next
// kernel name.
KernelBody createKernelBody(EntryContext &ctx, llvm::StringRef kind,
                            int64_t tile, int64_t vector,
                            mlir::TypeRange inputs, mlir::TypeRange outputs,
                            unsigned numSizes, mlir::Location loc,
                            llvm::StringRef symbol = {});

// The one operator of a single-operator group, and the entry value an
// operand of it reads.
mlir::Operation *singleOp(tsched::FusionGroupOp group);
mlir::Value groupInput(tsched::FusionGroupOp group, mlir::Value inner);

// Index arithmetic helpers.
mlir::Value indexConst(mlir::OpBuilder &b, mlir::Location loc, int64_t v);
mlir::Value product(mlir::OpBuilder &b, mlir::Location loc,
                    llvm::ArrayRef<mlir::Value> values);
// ceil(x / d), for a positive constant d.
mlir::Value ceilDiv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    int64_t d);
// The number of elements of dims [first, last) of `t` when they are all
// static.
std::optional<int64_t> staticCount(mlir::RankedTensorType t, int64_t first,
                                   int64_t last);

// The body of one vector step of an elementwise chain.
mlir::FailureOr<mlir::Value> emitVectorOp(mlir::OpBuilder &b,
                                          mlir::Operation *op, int64_t lanes,
                                          mlir::IRMapping &map);

// log of positive normal f64 numbers and cos of f64 numbers in [0, 2 pi)
// (Box-Muller's), on vectors, as arithmetic every target runs alike
// (Float64Math.cpp).
mlir::Value log64(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
mlir::Value cos64(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t);

// Whether `op` draws stateless random numbers (random_uniform,
// random_normal, dropout).
bool isRandomOp(mlir::Operation *op);
// One vector step of a random op at flat element `offset` of its result
// (RandomKernel.cpp); `map` holds a dropout's operand.
mlir::FailureOr<mlir::Value> emitRandomOp(mlir::OpBuilder &b,
                                          mlir::Operation *op, int64_t lanes,
                                          mlir::Value offset,
                                          mlir::IRMapping &map);

// `x % y` on vectors: C's fmod on floats (exact), the truncated remainder
// on integers, x itself where y is 0 (Remainder.cpp).
mlir::Value emitRemainder(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Value y);
// `x / y` on integer vectors: truncated, 0 where y is 0, wrapping -x where y
// is -1 (Remainder.cpp).
mlir::Value emitIntegerQuotient(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::Value y);

// One vector step of an operand read through a broadcast, at flat `offset`
// of `extent` points; `rowLength`: the W of a Rows or Columns read, an
// index of the kernel (ElementwiseBroadcast.cpp).
mlir::Value emitFlatBroadcastRead(mlir::OpBuilder &b, mlir::Location loc,
                                  FlatBroadcastRead read, mlir::Value buffer,
                                  mlir::VectorType vt, mlir::Value offset,
                                  mlir::Value extent, mlir::Value rowLength);

// Lanes per elementwise step: the vector width over the widest element of
// the group (its values and inputs).
int64_t lanesFor(tsched::FusionGroupOp group, int64_t vectorBytes);

// The broadcasts of a group's body that an elementwise step reads in place
// over a result of `resultType`: how each reads, and for Rows and Columns
// reads the row length, a size of the kernel (one per split: reads of the
// same rows share their row arithmetic).
struct BroadcastReads {
  llvm::DenseMap<mlir::Operation *, FlatBroadcastRead> reads;
  llvm::SmallDenseMap<int64_t, unsigned> rowLengths; // split -> size index

  // Appends the row lengths, products of the result's `extents` (entry
  // values), to `sizes`; an error at a broadcast that cannot be read so.
  mlir::LogicalResult plan(mlir::Block &body, mlir::RankedTensorType resultType,
                           llvm::ArrayRef<mlir::Value> extents,
                           llvm::SmallVectorImpl<mlir::Value> &sizes,
                           mlir::OpBuilder &entry, mlir::Location loc);
  // One step of `bc` reading its operand from `buffer` (`sizes`: the
  // kernel's).
  mlir::Value read(mlir::OpBuilder &b, tgraph::BroadcastOp bc,
                   mlir::Value buffer, int64_t lanes, mlir::Value offset,
                   mlir::Value extent, llvm::ArrayRef<mlir::Value> sizes) const;
};

// l + r, l - r or l * r for a tgraph add, sub or mul `op` on values (scalars
// or vectors) of its element type; null for any other operator.
mlir::Value emitAddSubMul(mlir::OpBuilder &b, mlir::Operation *op,
                          mlir::Value l, mlir::Value r);

// `group`'s one number computed by host code at `b`'s point (HostScalars.cpp)
// when its inputs are numbers the entry holds (`known`: the value of each
// such 0-d tensor) and its operators round as a kernel's do; else null.
mlir::Value computeOnHost(tsched::FusionGroupOp group,
                          const llvm::DenseMap<mlir::Value, mlir::Value> &known,
                          mlir::OpBuilder &b);

// One lowering per kind of group; `results` are the buffers the group's
// results go to.
mlir::LogicalResult lowerElementwiseGroup(tsched::FusionGroupOp group,
                                          llvm::ArrayRef<mlir::Value> results,
                                          EntryContext &ctx,
                                          int64_t vectorBytes);
// `epilogueInKernel`: the operators the group applies to the product run in
// the matmul kernel's stores (else in a kernel of their own after it, for
// targets that run matmuls on their own schedule).
mlir::LogicalResult lowerMatmulGroup(tsched::FusionGroupOp group,
                                     llvm::ArrayRef<mlir::Value> results,
                                     EntryContext &ctx, int64_t vectorBytes,
                                     bool epilogueInKernel);
// `resultsPerStep`: results a kernel step computes, each in its own chain.
mlir::LogicalResult lowerReductionGroup(tsched::FusionGroupOp group,
                                        llvm::ArrayRef<mlir::Value> results,
                                        EntryContext &ctx,
                                        int64_t resultsPerStep);
// softmax's and layernorm's reductions and elementwise chain, one row a
// point (RowGroupKernel.cpp).
mlir::LogicalResult lowerRowGroup(tsched::FusionGroupOp group,
                                  llvm::ArrayRef<mlir::Value> results,
                                  EntryContext &ctx);
mlir::LogicalResult lowerLayoutGroup(tsched::FusionGroupOp group,
                                     llvm::ArrayRef<mlir::Value> results,
                                     EntryContext &ctx);

// For a slice or reshape group that relies on run-time extents: a
// ttile.check in the entry that the slice lies inside its operand, or that
// the reshape keeps the element count (RuntimeChecks.cpp).
mlir::LogicalResult emitRuntimeChecks(tsched::FusionGroupOp group,
                                      EntryContext &ctx);
// A fixed point: its body's kernels in a loop of the entry, which reads the
// largest change of each iteration back to decide whether to stop.
mlir::LogicalResult lowerFixedPoint(tgraph::FixedPointOp op, mlir::Value result,
                                    EntryContext &ctx, int64_t vectorBytes);
// gather, and scatter in the order of its updates (GatherKernel.cpp).
mlir::LogicalResult lowerGatherGroup(tsched::FusionGroupOp group,
                                     llvm::ArrayRef<mlir::Value> results,
                                     EntryContext &ctx);
mlir::LogicalResult lowerSolveGroup(tsched::FusionGroupOp group,
                                    llvm::ArrayRef<mlir::Value> results,
                                    EntryContext &ctx);
// conj, imag, complex and casts to and from c64, an element a point
// (ComplexPartsKernel.cpp).
mlir::LogicalResult lowerComplexPartsGroup(tsched::FusionGroupOp group,
                                           llvm::ArrayRef<mlir::Value> results,
                                           EntryContext &ctx);
// fft, ifft, rfft and irfft along the last dim, a row a point, in f64
// (FourierKernel.cpp).
mlir::LogicalResult lowerFourierGroup(tsched::FusionGroupOp group,
                                      llvm::ArrayRef<mlir::Value> results,
                                      EntryContext &ctx);

// attention and its cotangents, a block of `lanes` rows a point, never
// storing the scores (AttentionKernel.cpp).
mlir::LogicalResult lowerAttentionGroup(tsched::FusionGroupOp group,
                                        llvm::ArrayRef<mlir::Value> results,
                                        EntryContext &ctx, int64_t lanes);
mlir::LogicalResult lowerAttentionGradGroup(tsched::FusionGroupOp group,
                                            llvm::ArrayRef<mlir::Value> results,
                                            EntryContext &ctx, int64_t lanes);

// A copy of `count` elements from one buffer to another.
void emitCopy(EntryContext &ctx, mlir::Value from, mlir::Value to,
              mlir::Value count, mlir::Type elem, int64_t vectorBytes,
              mlir::Location loc);

} // namespace tessera::tile
