#include "tessera/Frontend/MLIRGen.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/ScopedHashTable.h"

#include <map>

using namespace mlir;

namespace tessera {
namespace {

class Generator {
public:
  Generator(MLIRContext &c, const SemaResult &t) : ctx(c), types(t), b(&c) {}

  OwningOpRef<ModuleOp> run(const ast::Module &m) {
    OwningOpRef<ModuleOp> module = ModuleOp::create(
        m.nameRange.valid() ? loc(m.nameRange) : UnknownLoc::get(&ctx),
        m.name.empty() ? std::optional<StringRef>() : StringRef(m.name));
    b.setInsertionPointToEnd(module->getBody());
    for (const ast::FuncDecl &f : m.funcs)
      genFunc(f);
    return module;
  }

private:
  Location loc(const SourceRange &r) {
    return FileLineColLoc::get(&ctx, r.file->path(), r.file->line(r.begin),
                               r.file->column(r.begin));
  }

  Type elementType(const std::string &dtype) {
    if (dtype == "f64") return b.getF64Type();
    if (dtype == "f16") return b.getF16Type();
    if (dtype == "bf16") return b.getBF16Type();
    if (dtype == "i64") return b.getI64Type();
    if (dtype == "i32") return b.getI32Type();
    if (dtype == "i8") return b.getI8Type();
    if (dtype == "bool") return b.getI1Type();
    return b.getF32Type();
  }

  RankedTensorType tensorType(const ExprType &t) {
    SmallVector<int64_t> shape;
    for (const auto &d : t.dims)
      shape.push_back(std::holds_alternative<int64_t>(d) ? std::get<int64_t>(d)
                                                         : ShapedType::kDynamic);
    return RankedTensorType::get(shape, elementType(t.dtype));
  }

  DictionaryAttr signatureAttrs(const std::string &name, const ast::TensorType &t) {
    SmallVector<Attribute> shape;
    for (const ast::Dim &d : t.dims)
      shape.push_back(d.isSymbolic() ? Attribute(b.getStringAttr(d.symbol()))
                                     : Attribute(b.getI64IntegerAttr(d.extent())));
    return b.getDictionaryAttr(
        {b.getNamedAttr(tgraph::kNameAttr, b.getStringAttr(name)),
         b.getNamedAttr(tgraph::kShapeAttr, b.getArrayAttr(shape))});
  }

  void genFunc(const ast::FuncDecl &f) {
    if (!f.isEntry)
      return; // ops are not lowered yet (SupportCheck)
    SmallVector<Type> ins, outs;
    for (const ast::Param &p : f.params)
      ins.push_back(tensorType(typeOf(p.type)));
    for (const ast::Param &r : f.results)
      outs.push_back(tensorType(typeOf(r.type)));
    auto fn = b.create<func::FuncOp>(loc(f.nameRange), f.name,
                                     b.getFunctionType(ins, outs));
    if (f.isEntry)
      fn->setAttr(tgraph::kEntryAttr, b.getUnitAttr());
    else
      fn.setPrivate();
    SmallVector<Attribute> dims;
    for (const auto &d : f.dimParams)
      dims.push_back(b.getStringAttr(d.first));
    fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr(dims));
    for (auto [i, p] : llvm::enumerate(f.params))
      fn.setArgAttrs(i, signatureAttrs(p.name, p.type));
    for (auto [i, r] : llvm::enumerate(f.results))
      fn.setResultAttrs(i, signatureAttrs(r.name, r.type));

    Block *entry = fn.addEntryBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(entry);
    scope.clear();
    for (auto [i, p] : llvm::enumerate(f.params)) {
      entry->getArgument(i).setLoc(loc(p.nameRange));
      scope[p.name] = entry->getArgument(i);
    }
    for (const ast::Stmt &s : f.body) {
      if (s.kind == ast::Stmt::Kind::Let) {
        scope[s.names[0].first] = gen(*s.values[0]);
        continue;
      }
      SmallVector<Value> values;
      for (const ast::ExprPtr &v : s.values)
        values.push_back(gen(*v));
      b.create<func::ReturnOp>(loc(s.range), values);
      break; // Sema warned about anything after a return
    }
  }

  // The value of a number-literal expression, folded here because a literal
  // has no dtype of its own until it meets a tensor.
  static double fold(const ast::Expr &e) {
    switch (e.kind) {
    case ast::Expr::Kind::Number:
      return static_cast<const ast::NumberExpr &>(e).value;
    case ast::Expr::Kind::Unary:
      return -fold(*static_cast<const ast::UnaryExpr &>(e).operand);
    case ast::Expr::Kind::Binary: {
      const auto &bin = static_cast<const ast::BinaryExpr &>(e);
      double l = fold(*bin.lhs), r = fold(*bin.rhs);
      if (bin.op == "+")
        return l + r;
      if (bin.op == "-")
        return l - r;
      if (bin.op == "*")
        return l * r;
      return l / r;
    }
    default:
      return 0;
    }
  }

  Value constant(const ast::Expr &e, Type elem) {
    double v = fold(e);
    TypedAttr attr = isa<FloatType>(elem)
                         ? TypedAttr(b.getFloatAttr(elem, v))
                         : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(v)));
    return b.create<tgraph::ConstantOp>(loc(e.range),
                                        RankedTensorType::get({}, elem), attr);
  }

  bool isLiteral(const ast::Expr &e) {
    auto it = types.types.find(&e);
    return it == types.types.end() || it->second.isLiteral();
  }

  Value gen(const ast::Expr &e) {
    const ExprType &t = types.types.at(&e);
    if (t.isLiteral())
      return {}; // only reached through a parent that folds it
    if (e.kind == ast::Expr::Kind::Number)
      return constant(e, elementType(t.dtype));
    if (e.kind == ast::Expr::Kind::Name)
      return scope.at(static_cast<const ast::NameExpr &>(e).name);
    RankedTensorType resultType = tensorType(t);
    if (e.kind == ast::Expr::Kind::Unary) {
      const auto &u = static_cast<const ast::UnaryExpr &>(e);
      return b.create<tgraph::NegOp>(loc(e.range), resultType, gen(*u.operand));
    }
    const auto &bin = static_cast<const ast::BinaryExpr &>(e);
    Type elem = resultType.getElementType();
    Value l = isLiteral(*bin.lhs) ? constant(*bin.lhs, elem) : gen(*bin.lhs);
    Value r = isLiteral(*bin.rhs) ? constant(*bin.rhs, elem) : gen(*bin.rhs);
    Location where = loc(bin.opRange);
    if (bin.op == "+")
      return b.create<tgraph::AddOp>(where, resultType, l, r);
    if (bin.op == "-")
      return b.create<tgraph::SubOp>(where, resultType, l, r);
    if (bin.op == "*")
      return b.create<tgraph::MulOp>(where, resultType, l, r);
    return b.create<tgraph::DivOp>(where, resultType, l, r);
  }

  MLIRContext &ctx;
  const SemaResult &types;
  OpBuilder b;
  std::map<std::string, Value> scope;
};

// What the Graph IR generator handles today: entries whose bodies are lets
// and returns of elementwise arithmetic (+ - * /, negation) on tensors and
// number literals. Everything else the checker accepts is reported here,
// at its place, instead of being miscompiled.
class SupportCheck {
public:
  SupportCheck(const SemaResult &t, DiagnosticEngine &d) : types(t), diags(d) {}

  bool run(const ast::Module &m) {
    auto unsupported = [&](SourceRange r, const std::string &what) {
      diags.error(r, what + " is not supported by code generation yet");
    };
    for (const ast::ImportDecl &i : m.imports)
      unsupported(i.range, "import");
    for (const ast::ValueDecl &v : m.values)
      unsupported(v.range, "a module-level declaration");
    for (const ast::ParamDecl &p : m.params)
      unsupported(p.range, "a parameter");
    for (const ast::MeshDecl &me : m.meshes)
      unsupported(me.range, "a mesh");
    for (const ast::TrainDecl &t : m.trains)
      unsupported(t.nameRange, "a train step");
    for (const ast::AdjointDecl &a : m.adjoints)
      unsupported(a.nameRange, "a custom adjoint");
    for (const ast::FuncDecl &f : m.funcs) {
      if (!f.isEntry)
        continue;
      if (f.policy)
        unsupported(f.policy->range, "a function policy");
      for (const ast::Param &p : f.params)
        if (p.type.layout)
          unsupported(p.type.layout->range, "a sharded layout");
      for (const ast::Stmt &s : f.body) {
        if (s.kind != ast::Stmt::Kind::Let && s.kind != ast::Stmt::Kind::Return) {
          unsupported(s.range, "this statement");
          continue;
        }
        for (const ast::ExprPtr &v : s.values)
          expr(*v, unsupported);
      }
    }
    return !diags.hasErrors();
  }

private:
  template <typename Report>
  void expr(const ast::Expr &e, Report &unsupported) {
    switch (e.kind) {
    case ast::Expr::Kind::Number:
    case ast::Expr::Kind::Name:
      return;
    case ast::Expr::Kind::Unary: {
      const auto &u = static_cast<const ast::UnaryExpr &>(e);
      if (u.op != "-")
        return unsupported(e.range, "'" + u.op + "'");
      return expr(*u.operand, unsupported);
    }
    case ast::Expr::Kind::Binary: {
      const auto &b = static_cast<const ast::BinaryExpr &>(e);
      if (b.op != "+" && b.op != "-" && b.op != "*" && b.op != "/")
        return unsupported(b.opRange, "'" + b.op + "'");
      auto t = types.types.find(&e);
      if (t != types.types.end() && t->second.isTensor()) {
        for (const ast::ExprPtr &side : {b.lhs, b.rhs}) {
          auto st = types.types.find(side.get());
          if (st != types.types.end() && st->second.isTensor() &&
              st->second.dims != t->second.dims)
            return unsupported(b.opRange, "broadcasting between shapes");
        }
      }
      expr(*b.lhs, unsupported);
      return expr(*b.rhs, unsupported);
    }
    case ast::Expr::Kind::Call:
      return unsupported(e.range, "a call");
    default:
      return unsupported(e.range, "this expression");
    }
  }

  const SemaResult &types;
  DiagnosticEngine &diags;
};

} // namespace

bool checkCodegenSupport(const ast::Module &module, const SemaResult &types,
                         DiagnosticEngine &diags) {
  return SupportCheck(types, diags).run(module);
}

OwningOpRef<ModuleOp> mlirGen(MLIRContext &ctx, const ast::Module &module,
                              const SemaResult &types) {
  ctx.getOrLoadDialect<tgraph::TGraphDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  return Generator(ctx, types).run(module);
}

} // namespace tessera
