// The Graph IR generator: one object per module, shared by the files that
// emit declarations (Generator.cpp), expressions (Expressions.cpp) and
// derivatives (Derivatives.cpp). Types come from the checker's side table,
// so the generator only decides which Graph IR operator expresses each
// construct; what has no Graph IR form yet is reported at its place.
#pragma once

#include "tessera/Frontend/MLIRGen.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "SemaTypes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Mesh/IR/MeshDialect.h"
#include "mlir/Dialect/Mesh/IR/MeshOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace tessera::mlirgen {

using namespace mlir;

// Builtins that map one-to-one onto an elementwise Graph IR operator, and
// the reductions (Generator.cpp).
extern const std::map<std::string, std::string> kUnary;
extern const std::map<std::string, std::string> kReductions;

class Generator {
public:
  Generator(MLIRContext &c, const SemaResult &t, DiagnosticEngine &d)
      : ctx(c), types(t), diags(d), b(&c) {}

  OwningOpRef<ModuleOp> run(const ast::Module &m);

  // Emits `m` into `module`. An imported module's symbols get `prefix`
  // (its path and a dot), and its entries are not entries of the program.
  void emit(ModuleOp module, const ast::Module &m, const std::string &prefix,
            std::set<std::string> &emitted);

  bool hasFailed() const { return anyFailed; }
  const std::map<std::string, func::FuncOp> &functions() const { return funcs; }

private:
  // ---- helpers -----------------------------------------------------------

  Location loc(const SourceRange &r);

  // Reports a construct with no Graph IR form yet. The rest of the function
  // is skipped (its values would be missing); other functions go on, so
  // each reports its own constructs.
  void unsupported(SourceRange r, const std::string &what);

  Type elementType(const std::string &dtype);

  RankedTensorType tensorType(const ExprType &t);

  const ExprType *typeOfExpr(const ast::Expr &e);

  bool isLiteral(const ast::Expr &e);

  // The value of a number-literal expression, folded here because a literal
  // has no dtype of its own until it meets a tensor.
  std::optional<double> fold(const ast::Expr &e);

  Value constant(const ast::Expr &e, Type elem);

  // The run-time extent of symbolic dim `name`, read from an input of the
  // function being generated that has it.
  Value dimIndex(const std::string &name, Location where);

  // The `?` extents of a result type, as index values, in order.
  std::optional<SmallVector<Value>> dynamicDims(const ExprType &t,
                                                Location where);

  // A number that depends on a symbolic dim (sqrt(D)): computed at run time
  // as a rank-0 tensor, the dim read from an input that has it.
  Value runtimeNumber(const ast::Expr &e, Type elem);

  // A tensor operand of `want`'s element type: literals become constants.
  Value operand(const ast::Expr &e, Type elem);

  // Broadcasts `v` to `type` when its shape differs (rank 0 stays: the
  // elementwise operators broadcast scalars themselves).
  Value broadcastBool(Value v, RankedTensorType type, const ExprType &symbolic,
                      SourceRange range);
  Value broadcastTo(Value v, RankedTensorType type, const ExprType &symbolic,
                    SourceRange range);

  Value create(const std::string &name, Location where, ValueRange operands,
               Type result, ArrayRef<NamedAttribute> attrs = {});

  // ---- functions ---------------------------------------------------------

  DictionaryAttr signatureAttrs(const std::string &name, const ExprType &t);

  std::vector<ExprType> resultTypes(const ast::FuncDecl &f);

  void declare(const ast::FuncDecl &f);

  // ---- meshes and shardings -----------------------------------------------

  // mesh M = mesh(axes: {dp: 4, tp: 2}): an upstream `mesh.mesh` of that
  // shape; the axis names, in order, are kept for the shardings.
  void declareMesh(const ast::MeshDecl &m);

  // `x: T @ shard(M, ...)`: the argument passes through `mesh.shard`, the
  // annotation sharding propagation and spmdization start from.
  Value shard(Value arg, const ast::TensorType &type);

  // ---- parameters and training ------------------------------------------

  // A trainable tensor: an `ml_program.global`, its initialiser recorded
  // as attributes for the runtime.
  void declareGlobal(const std::string &name, RankedTensorType type,
                     const std::string &init, int64_t seed, Location where);

  Value loadGlobal(const std::string &name, Location where);

  void declareParam(const ast::ParamDecl &p);

  // mlp(in:, hidden:, out:, activation:, seed:): one weight and one bias
  // per layer, and a function applying them; the last layer is linear.
  void declareMlp(const std::string &name, const ast::CallExpr &c,
                  const Signature &sig, Location where);

  // train step(...) with OPT { ... minimize LOSS }: a function returning the
  // loss, marked with its optimizer; the update of every parameter the
  // loss reaches is the autodiff and optimizer passes' to add.
  void defineTrain(const ast::TrainDecl &t);

  void define(const ast::FuncDecl &f);

  // adjoint f(x..., g): a private function `f.adjoint` from f's inputs and
  // the cotangent to one gradient per input, named by f's `tgraph.adjoint`.
  void defineAdjoint(const ast::AdjointDecl &a);

  void emitBody(func::FuncOp fn,
                const std::vector<std::pair<std::string, SourceRange>> &params,
                const std::vector<ast::Stmt> &body,
                const std::vector<ast::Param> *typed = nullptr);

  // ---- expressions -------------------------------------------------------

  // An expression that may stand for several values (a tuple, or a call of
  // an op with several results).
  SmallVector<Value> genMulti(const ast::Expr &e);

  Value gen(const ast::Expr &e);

  Value transpose(Value v, Location where);
  // conj of a c64 value; a real value is returned as it is.
  Value conjugate(Value v, Location where);

  Value genIndex(const ast::IndexExpr &ix, const ExprType &t);
  Value runtimeBool(const ast::Expr &e);
  Value gatherOne(Value base, const ast::Expr &index, int64_t axis,
                  Location where);
  LogicalResult runtimeBounds(Value base, int64_t axis, const ast::Slice *s,
                              SourceRange range,
                              SmallVectorImpl<OpFoldResult> &offsets,
                              SmallVectorImpl<OpFoldResult> &sizes,
                              SmallVectorImpl<int64_t> &strides, int64_t &step,
                              bool &dropped);
  Value takeRange(Value base, ArrayRef<OpFoldResult> offsets,
                  ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> strides,
                  Location where);
  Value everyStep(Value sliced, ArrayRef<int64_t> steps, Location where);
  void nonPositiveStep(SourceRange r, int64_t step);

  Value genBinary(const ast::BinaryExpr &bin, const ExprType &t);
  Value logicalBinary(const ast::BinaryExpr &bin, const ExprType &t);
  Value logicalNot(const ast::UnaryExpr &u, const ExprType &t);
  Value boolOperand(const ast::Expr &e);
  std::optional<bool> foldBool(const ast::Expr &e);
  Value boolConstant(bool value, Location where);

  const ast::Expr *arg(const ast::CallExpr &c, size_t index,
                       const std::string &name);

  std::optional<int64_t> intArg(const ast::CallExpr &c, size_t index,
                                const std::string &name, int64_t dflt);

  bool boolArg(const ast::CallExpr &c, const std::string &name);

  Value genCall(const ast::CallExpr &c, const ExprType &t);

  // fixed_point(x => body, init:, tol:, max_iter:): the lambda's body is the
  // region; the tensors it uses from outside are captured operands.
  Value genFixedPoint(const ast::CallExpr &c, RankedTensorType result);

  static void forEachChild(const ast::Expr &e,
                           const std::function<void(const ast::Expr &)> &f);

  SmallVector<Value> callOp(const ast::CallExpr &c);

  // Values of `exprs` cast to the exact types of `types` (a generic
  // signature's `?` dims may be known at the call site).
  SmallVector<Value> castArgs(ArrayRef<const ast::Expr *> exprs,
                              TypeRange types);

  // Refines results of a generic callee to the types the checker inferred.
  SmallVector<Value> refine(const ast::Expr &call, ValueRange values);

  // --- derivatives ----------------------------------------------------------

  // The function symbol an op-valued expression stands for: an op, or a
  // derivative of one, synthesized once as a private function.
  func::FuncOp functionSymbol(const ast::Expr &e);

  int64_t wrtIndex(const ast::CallExpr &c, func::FuncOp f);

  // A private function with `base`'s inputs whose body `build` fills.
  template <typename Body>
  func::FuncOp derived(const std::string &name, func::FuncOp base,
                       Location where, Body build) {
    auto it = funcs.find(name);
    if (it != funcs.end())
      return it->second;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(base);
    // Results are decided by the body; make a placeholder type first.
    auto fn = b.create<func::FuncOp>(
        where, name, b.getFunctionType(base.getArgumentTypes(), {}));
    fn.setPrivate();
    for (unsigned i = 0; i < base.getNumArguments(); ++i)
      if (auto attrs = base.getArgAttrDict(i))
        fn.setArgAttrs(i, attrs);
    if (auto dims = base->getAttr(tgraph::kDimsAttr))
      fn->setAttr(tgraph::kDimsAttr, dims);
    Block *entry = fn.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockEnd(entry);
    SmallVector<Value> results = build(fb, entry->getArguments());
    fb.create<func::ReturnOp>(where, results);
    SmallVector<Type> types;
    for (Value v : results)
      types.push_back(v.getType());
    fn.setType(fb.getFunctionType(base.getArgumentTypes(), types));
    funcs[name] = fn;
    return fn;
  }

  // hvp(f, wrt:, dir:)(args), or a call of any derived op value.
  SmallVector<Value> callDerived(const ast::CallExpr &c);

  std::vector<const ast::Expr *> positionalArgs(const ast::CallExpr &c,
                                                func::FuncOp fn);

  // vjp(f, primals, cotangent) and jvp(f, primals, tangents).
  SmallVector<Value> genVjpJvp(const ast::CallExpr &c, bool forward);

  SmallVector<Value> callFunc(const ast::CallExpr &c, func::FuncOp callee);

  MLIRContext &ctx;
  const SemaResult &types;
  DiagnosticEngine &diags;
  OpBuilder b;
  bool failed = false, anyFailed = false;
  std::map<std::string, func::FuncOp> funcs;
  std::string prefix; // of this module's symbols (empty for the program)
  std::string sym(const std::string &name) const { return prefix + name; }
  // Ops of imported modules, by the name the module is reached by.
  std::map<std::string, std::map<std::string, func::FuncOp>> imported;
  std::map<std::string, RankedTensorType> globals;
  std::map<std::string, std::vector<std::string>> meshAxes;
  std::vector<std::pair<const ast::TrainDecl *, func::FuncOp>> pendingTrains;
  std::map<std::string, Value> scope;
  std::map<std::string, const ast::Expr *> constants, literalLets;
  // Every module-level `const` and `let`, by name.
  std::map<std::string, const ast::Expr *> moduleValues;
  // The module's `policy` declarations: a function's `with p` names one.
  std::map<std::string, const ast::Expr *> policies;
  std::map<std::string, int64_t> staticDims;
};

} // namespace tessera::mlirgen
