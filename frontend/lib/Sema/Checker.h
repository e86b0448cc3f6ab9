// The checker: one object per module, shared by the files that check
// declarations and types (Declarations.cpp), function bodies
// (Bodies.cpp) and expressions and calls (Expressions.cpp). Builtin
// operators' rules live in Builtins.cpp; shapes in SemaTypes.cpp.
#pragma once

#include "../SemaTypes.h"
#include "tessera/Frontend/Parser.h"
#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

namespace tessera::sema {

using Kind = ExprType::Kind;

struct Binding {
  ExprType type;
  SourceRange where;
  bool used = false;
  bool isLocal = false; // a `let` in a body: unused ones are warned about
};

// Modules imported while checking one program: loaded once, cycles found.
struct LoadedModule;

struct ImportState {
  std::vector<std::string> stack; // files being checked, outermost first
  std::map<std::string, std::shared_ptr<LoadedModule>> loaded;
};

struct LoadedModule {
  std::unique_ptr<SourceFile> file;
  std::optional<ast::Module> ast;
  SemaResult result;
  bool ok = false;
};

class Checker : public sema::BuiltinHost {
public:
  Checker(const ast::Module &m, DiagnosticEngine &d, SemaResult &r,
          const SemaOptions &o, ImportState &imports, const std::string &path)
      : module(m), diags(d), result(r), options(o), imports(imports),
        path(path) {}

  Diagnostic &error(SourceRange where, std::string msg) override {
    return diags.error(where, std::move(msg));
  }

  void run();

private:
  // Sizes result's tables for this module's expressions (Sizing.cpp).
  void reserveTables();

  // ---- declarations ------------------------------------------------------

  bool declareGlobal(const std::string &name, SourceRange where, ExprType type);

  void checkImport(const ast::ImportDecl &i);

  std::shared_ptr<Signature> signatureOf(const ast::FuncDecl &f);

  void declareFunctions();

  // Meshes, constants, module-level lets, policies and parameters, in
  // source order (each may use the ones before it).
  void declareValues();

  void checkMesh(const ast::MeshDecl &m);

  void checkValueDecl(const ast::ValueDecl &v);

  void checkParamDecl(const ast::ParamDecl &p);

  // ---- types -------------------------------------------------------------

  // `boundByParams`: the dims the function's parameters bind, which a
  // parameter's computed extent (N-1) needs.
  void checkType(const ast::TensorType &t,
                 const std::map<std::string, SourceRange> &dims,
                 bool isResult = false,
                 const std::set<std::string> *boundByParams = nullptr);

  // `@ shard(M, rows: dp)`: the mesh axis exists, and a known dim divides
  // evenly by the axis size.
  void checkLayout(const ast::TensorType &t);

  // ---- function bodies ---------------------------------------------------

  std::map<std::string, SourceRange> declareDims(const ast::DimParams &dps);

  void bindParams(const std::vector<ast::Param> &params,
                  const std::map<std::string, SourceRange> &dims);

  void checkFunction(const ast::FuncDecl &f);

  // The runtime binds symbolic dims from the inputs' shapes, so every dim an
  // output uses must appear in some input.
  void checkOutputDimsBound(const ast::FuncDecl &f);

  void checkTrain(const ast::TrainDecl &t);

  // adjoint f(x..., g): the cotangent g has f's result type; the body
  // returns one gradient per input, each of that input's type.
  void checkAdjoint(const ast::AdjointDecl &a);

  void finishScope();

  // Returns whether the body returned (or, in a train step, minimized).
  bool checkBody(const std::vector<ast::Stmt> &body,
                 const std::vector<ast::Param> *results,
                 std::vector<ExprType> &inferred, bool isTrain);

  void bindLocal(const std::string &name, SourceRange where, ExprType t);

  void checkLet(const ast::Stmt &s);

  std::map<std::string, SourceRange> currentDims() { return dimsInScope; }

  void checkTupleLet(const ast::Stmt &s);

  void checkReturn(const ast::Stmt &s, const std::vector<ast::Param> *results,
                   std::vector<ExprType> &inferred);

  // ---- expressions -------------------------------------------------------

  ExprType check(const ast::Expr &e);

  const Binding *lookup(const std::string &name);

  std::string suggestion(const std::string &name);

  ExprType inferName(const ast::NameExpr &n);

  ExprType infer(const ast::Expr &e);

  ExprType inferUnary(const ast::UnaryExpr &u);

  // Literals adopt the tensor's dtype; tensors must agree in dtype and
  // broadcast in shape (docs/language.md, "Arithmetic").
  ExprType inferBinary(const ast::BinaryExpr &b);

  ExprType inferIndex(const ast::IndexExpr &ix);

  ExprType inferMember(const ast::MemberExpr &m);

  ExprType inferLambda(const ast::LambdaExpr &l);

  ExprType applyLambda(const ast::LambdaExpr &l,
                       const std::vector<ExprType> &args);

  ExprType inferCall(const ast::CallExpr &c);

  // Dx(u): a derivative of a field u is a field with u's signature.
  ExprType applyDiffOperator(const ExprType &op, CallArgs &args);

  ExprType callFunction(const ExprType &fn, CallArgs &args) override {
    if (fn.kind != Kind::Function) {
      error(args.callee,
            "this is " + fn.str() + ", not an op; it cannot be called");
      return ExprType::error();
    }
    if (fn.lambda) {
      std::vector<ExprType> types;
      for (const auto &p : args.positional)
        types.push_back(p.type);
      return applyLambda(*fn.lambda, types);
    }
    if (!fn.sig) {
      if (sema::isBuiltin(fn.name))
        return sema::checkBuiltin(fn.name, args, *this);
      error(args.callee, "'" + fn.name + "' cannot be called here");
      return ExprType::error();
    }
    // Results inferred from a body: check that body first.
    if (fn.sig->results.empty()) {
      auto f = funcByName.find(fn.sig->name);
      if (f != funcByName.end() && !checked.count(f->second)) {
        auto savedScopes = scopes;
        auto savedName = currentName;
        auto savedDims = dimsInScope;
        checkFunction(*f->second);
        scopes = savedScopes;
        currentName = savedName;
        dimsInScope = savedDims;
      }
      if (fn.sig->results.empty()) {
        error(args.callee,
              "the result type of '" + fn.sig->name +
                  "' is not known here; declare it with `-> type`");
        return ExprType::error();
      }
    }
    return unify(*fn.sig, args);
  }

  // Binds the callee's dim parameters by matching argument shapes against
  // parameter shapes; every use of a dim must agree with its first binding.
  ExprType unify(const Signature &sig, CallArgs &args);

  const ast::Module &module;
  DiagnosticEngine &diags;
  SemaResult &result;
  const SemaOptions &options;
  ImportState &imports;
  std::string path;

  std::map<std::string, Binding> globals;
  std::vector<std::map<std::string, Binding>> scopes;
  std::map<const ast::LambdaExpr *, std::vector<std::map<std::string, Binding>>>
      lambdaScopes;
  std::map<const ast::FuncDecl *, std::shared_ptr<Signature>> signatures;
  std::map<std::string, const ast::FuncDecl *> funcByName;
  std::map<std::string, std::shared_ptr<LoadedModule>> modules;
  std::set<const ast::FuncDecl *> checked;
  std::vector<SourceRange> pendingUnused;
  std::string currentName;
  std::map<std::string, SourceRange> dimsInScope;
};

} // namespace tessera::sema
