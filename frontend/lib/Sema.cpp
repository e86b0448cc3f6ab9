// The checker: scopes and names (imports included), statements, expressions,
// calls with symbolic-dim unification. Builtin operators' rules live in
// Builtins.cpp; shapes and broadcasting in SemaTypes.cpp.
#include "SemaTypes.h"
#include "tessera/Frontend/Parser.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

namespace tessera {
namespace {

using Kind = ExprType::Kind;
using sema::CallArgs;
using sema::dimStr;

struct Binding {
  ExprType type;
  SourceRange where;
  bool used = false;
  bool isLocal = false; // a `let` in a body: unused ones are warned about
};

// Modules imported while checking one program: loaded once, cycles found.
struct ImportState {
  std::vector<std::string> stack; // files being checked, outermost first
  std::map<std::string, std::shared_ptr<struct LoadedModule>> loaded;
};

struct LoadedModule {
  std::unique_ptr<SourceFile> file;
  std::optional<ast::Module> ast;
  SemaResult result;
  bool ok = false;
};

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] =
          std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
      prev = cur;
    }
  }
  return row[b.size()];
}

class Checker : public sema::BuiltinHost {
public:
  Checker(const ast::Module &m, DiagnosticEngine &d, SemaResult &r,
          const SemaOptions &o, ImportState &imports, const std::string &path)
      : module(m), diags(d), result(r), options(o), imports(imports),
        path(path) {}

  Diagnostic &error(SourceRange where, std::string msg) override {
    return diags.error(where, std::move(msg));
  }

  void run() {
    for (const ast::ImportDecl &i : module.imports)
      checkImport(i);
    declareFunctions();
    declareValues();
    for (const ast::FuncDecl &f : module.funcs)
      checkFunction(f);
    for (const ast::TrainDecl &t : module.trains)
      checkTrain(t);
    for (const ast::AdjointDecl &a : module.adjoints)
      checkAdjoint(a);
    for (const auto &[name, b] : globals)
      result.globals[name] = b.type;
  }

private:
  // ---- declarations ------------------------------------------------------

  bool declareGlobal(const std::string &name, SourceRange where,
                     ExprType type) {
    auto [it, inserted] = globals.emplace(name, Binding{type, where});
    if (!inserted) {
      // Declarations are gathered by kind; report at the later one in the file.
      SourceRange first = it->second.where, second = where;
      if (first.file == second.file && second.begin < first.begin)
        std::swap(first, second);
      error(second, "redefinition of '" + name + "'")
          .note(first, "'" + name + "' first defined here");
      return false;
    }
    return true;
  }

  void checkImport(const ast::ImportDecl &i) {
    std::string alias =
        i.alias.empty() ? i.path.substr(i.path.rfind('.') + 1) : i.alias;
    ExprType t = ExprType::make(Kind::Module);
    t.name = i.path;
    // The standard library's namespace: its operators are builtins.
    if (i.path == "nn" || i.path == "std") {
      declareGlobal(alias, i.pathRange, t);
      return;
    }
    std::string rel = i.path;
    std::replace(rel.begin(), rel.end(), '.', '/');
    rel += ".tsr";
    std::vector<std::string> dirs;
    auto slash = path.rfind('/');
    dirs.push_back(slash == std::string::npos ? "." : path.substr(0, slash));
    dirs.insert(dirs.end(), options.includeDirs.begin(),
                options.includeDirs.end());
    std::string found;
    for (const std::string &d : dirs)
      if (std::ifstream(d + "/" + rel).good()) {
        found = d + "/" + rel;
        break;
      }
    if (found.empty()) {
      error(i.pathRange, "cannot find module '" + i.path + "' (looked for " +
                             rel + " next to this file and in -I directories)");
      declareGlobal(alias, i.pathRange, ExprType::error());
      return;
    }
    auto onStack = std::find(imports.stack.begin(), imports.stack.end(), found);
    if (onStack != imports.stack.end()) {
      std::string cycle;
      for (auto it = onStack; it != imports.stack.end(); ++it)
        cycle += *it + " -> ";
      error(i.pathRange, "import cycle: " + cycle + found);
      declareGlobal(alias, i.pathRange, ExprType::error());
      return;
    }
    std::shared_ptr<LoadedModule> &mod = imports.loaded[found];
    if (!mod) {
      mod = std::make_shared<LoadedModule>();
      std::ifstream in(found, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      mod->file = std::make_unique<SourceFile>(found, text.str());
      mod->ast = parseModule(*mod->file, diags);
      if (mod->ast) {
        imports.stack.push_back(found);
        unsigned before = diags.errorCount();
        Checker(*mod->ast, diags, mod->result, options, imports, found).run();
        mod->ok = diags.errorCount() == before;
        imports.stack.pop_back();
      }
    }
    result.imported.push_back(mod);
    if (mod->ast && mod->ok)
      result.imports.push_back({alias, i.path, &*mod->ast, &mod->result});
    if (!mod->ast || !mod->ok)
      t = ExprType::error();
    modules[alias] = mod;
    declareGlobal(alias, i.pathRange, t);
  }

  std::shared_ptr<Signature> signatureOf(const ast::FuncDecl &f) {
    auto sig = std::make_shared<Signature>();
    sig->name = f.name;
    sig->where = f.nameRange;
    for (const auto &d : f.dimParams)
      sig->dimParams.push_back(d.first);
    for (const ast::Param &p : f.params) {
      sig->params.emplace_back(p.name, typeOf(p.type));
      sig->paramWhere.push_back(p.nameRange);
    }
    for (const ast::Param &r : f.results)
      sig->results.push_back(typeOf(r.type));
    return sig;
  }

  void declareFunctions() {
    for (const ast::FuncDecl &f : module.funcs) {
      std::shared_ptr<Signature> sig = signatureOf(f);
      signatures[&f] = sig;
      ExprType t = ExprType::make(Kind::Function);
      t.name = f.name;
      t.sig = sig;
      if (declareGlobal(f.name, f.nameRange, t))
        funcByName[f.name] = &f;
    }
    for (const ast::TrainDecl &t : module.trains) {
      ExprType step = ExprType::make(Kind::Function);
      step.name = "train " + t.name;
      declareGlobal(t.name, t.nameRange, step);
    }
  }

  // Meshes, constants, module-level lets, policies and parameters, in
  // source order (each may use the ones before it).
  void declareValues() {
    struct Item {
      unsigned offset;
      std::function<void()> check;
    };
    std::vector<Item> items;
    for (const ast::MeshDecl &m : module.meshes)
      items.push_back({m.range.begin, [this, &m] { checkMesh(m); }});
    for (const ast::ValueDecl &v : module.values)
      items.push_back({v.range.begin, [this, &v] { checkValueDecl(v); }});
    for (const ast::ParamDecl &p : module.params)
      items.push_back({p.range.begin, [this, &p] { checkParamDecl(p); }});
    std::sort(items.begin(), items.end(),
              [](const Item &a, const Item &b) { return a.offset < b.offset; });
    for (Item &i : items)
      i.check();
  }

  void checkMesh(const ast::MeshDecl &m) {
    ExprType t = ExprType::make(Kind::Mesh);
    t.name = m.name;
    bool ok = m.args.size() == 1 && m.args[0].name == "axes" &&
              m.args[0].value->kind == ast::Expr::Kind::Record;
    if (!ok) {
      error(m.range, "a mesh is declared as mesh(axes: {name: size, ...})");
      declareGlobal(m.name, m.nameRange, ExprType::error());
      return;
    }
    for (const ast::Arg &f :
         static_cast<const ast::RecordExpr &>(*m.args[0].value).fields) {
      const ast::Expr &v = *f.value;
      if (v.kind != ast::Expr::Kind::Number ||
          !static_cast<const ast::NumberExpr &>(v).isInteger ||
          static_cast<const ast::NumberExpr &>(v).value < 1) {
        error(v.range, "the size of mesh axis '" + f.name +
                           "' must be a positive integer");
        continue;
      }
      if (!t.axes
               .emplace(f.name,
                        static_cast<int64_t>(
                            static_cast<const ast::NumberExpr &>(v).value))
               .second)
        error(f.nameRange, "duplicate mesh axis '" + f.name + "'");
    }
    declareGlobal(m.name, m.nameRange, t);
  }

  void checkValueDecl(const ast::ValueDecl &v) {
    ExprType t = check(*v.value);
    if (v.type) {
      checkType(*v.type, {});
      ExprType want = typeOf(*v.type);
      if (!t.isError() && !(t.isLiteral() && want.isScalarTensor()) &&
          t != want)
        error(v.value->range, "'" + v.name + "' is declared " + want.str() +
                                  " but its value is " + t.str());
      t = want;
    }
    if (v.kind == ast::ValueDecl::Kind::Policy && !t.isError() &&
        t.kind != Kind::Policy)
      error(v.value->range, "a policy must be numeric(...), found " + t.str());
    declareGlobal(v.name, v.nameRange, t);
  }

  void checkParamDecl(const ast::ParamDecl &p) {
    if (p.ctor) {
      ExprType t = check(*p.ctor);
      if (!t.isError() && t.kind != Kind::Function)
        error(p.ctor->range,
              "an operator parameter is built by a constructor such "
              "as mlp(...); found " +
                  t.str());
      declareGlobal(p.name, p.nameRange, t);
      return;
    }
    std::map<std::string, SourceRange> symbols;
    for (const ast::Dim &d : p.type->dims)
      if (d.isSymbolic()) {
        error(d.range, "a parameter's dims must be known; '" + d.symbol() +
                           "' is symbolic");
        symbols[d.symbol()] = d.range; // reported once, here
      }
    checkType(*p.type, symbols);
    ExprType t = typeOf(*p.type);
    if (p.init) {
      ExprType init = check(*p.init);
      if (!init.isError() && init.kind != Kind::Initializer && init != t)
        error(p.init->range, "the initialiser of '" + p.name + "' gives " +
                                 init.str() + ", not " + t.str());
    }
    declareGlobal(p.name, p.nameRange, t);
  }

  // ---- types -------------------------------------------------------------

  void checkType(const ast::TensorType &t,
                 const std::map<std::string, SourceRange> &dims) {
    if (!isKnownDType(t.dtype))
      error(t.dtypeRange,
            "unknown dtype '" + t.dtype +
                "'; expected one of f64, f32, f16, bf16, fp8_e4m3, "
                "fp8_e5m2, i64, i32, i8, bool, c64");
    for (const ast::Dim &d : t.dims) {
      if (d.isSymbolic()) {
        if (!dims.count(d.symbol()))
          error(d.range, "unknown dim '" + d.symbol() +
                             "'; declare it after the name, as in `" +
                             currentName + "[" + d.symbol() + "](...)`");
      } else if (d.extent() <= 0) {
        error(d.range, d.extent() == 0 ? "dimension must be positive"
                                       : "dimension is too large");
      }
    }
    if (t.layout)
      checkLayout(t);
  }

  // `@ shard(M, rows: dp)`: the mesh axis exists, and a known dim divides
  // evenly by the axis size.
  void checkLayout(const ast::TensorType &t) {
    ExprType s = check(*t.layout);
    if (s.isError())
      return;
    if (s.kind != Kind::Shard) {
      error(t.layout->range, "a layout must be shard(...), found " + s.str());
      return;
    }
    if (s.fields.size() > t.dims.size()) {
      error(t.layout->range,
            "the layout splits " + std::to_string(s.fields.size()) +
                " dims of a tensor of rank " + std::to_string(t.dims.size()));
      return;
    }
    for (size_t i = 0; i < s.fields.size(); ++i) {
      if (s.fields[i] == "_" || t.dims[i].isSymbolic())
        continue;
      int64_t size = s.axes.at(s.fields[i]);
      if (t.dims[i].extent() % size != 0)
        error(t.dims[i].range, "dim " + std::to_string(i) + " (" +
                                   std::to_string(t.dims[i].extent()) +
                                   ") does not divide evenly over mesh axis '" +
                                   s.fields[i] + "' of size " +
                                   std::to_string(size));
    }
  }

  // ---- function bodies ---------------------------------------------------

  std::map<std::string, SourceRange> declareDims(const ast::DimParams &dps) {
    std::map<std::string, SourceRange> dims;
    for (const auto &[name, where] : dps) {
      auto [it, inserted] = dims.emplace(name, where);
      if (!inserted)
        error(where, "duplicate dim '" + name + "'")
            .note(it->second, "'" + name + "' first declared here");
    }
    return dims;
  }

  void bindParams(const std::vector<ast::Param> &params,
                  const std::map<std::string, SourceRange> &dims) {
    for (const ast::Param &p : params) {
      checkType(p.type, dims);
      ExprType t = typeOf(p.type);
      if (!isKnownDType(t.dtype))
        t = ExprType::error(); // reported once, at the type
      auto &scope = scopes.back();
      if (scope.count(p.name)) {
        error(p.nameRange, "duplicate parameter '" + p.name + "'")
            .note(scope[p.name].where, "'" + p.name + "' first declared here");
        continue;
      }
      scope[p.name] = {t, p.nameRange, true, false};
    }
  }

  void checkFunction(const ast::FuncDecl &f) {
    if (checked.count(&f))
      return;
    checked.insert(&f);
    currentName = f.name;
    auto dims = declareDims(f.dimParams);
    dimsInScope = dims;
    scopes.assign(1, {});
    bindParams(f.params, dims);
    std::map<std::string, SourceRange> resultNames;
    for (const ast::Param &r : f.results) {
      checkType(r.type, dims);
      auto [it, fresh] = resultNames.emplace(r.name, r.nameRange);
      if (!fresh)
        error(r.nameRange, "duplicate result name '" + r.name + "'")
            .note(it->second, "'" + r.name + "' first declared here");
    }
    if (f.isEntry)
      checkOutputDimsBound(f);
    if (f.policy) {
      ExprType p = check(*f.policy);
      if (!p.isError() && p.kind != Kind::Policy)
        error(f.policy->range,
              "a policy must be numeric(...), found " + p.str());
    }
    std::vector<ExprType> inferred;
    bool returned =
        checkBody(f.body, f.hasResultType ? &f.results : nullptr, inferred,
                  /*isTrain=*/false);
    if (!returned)
      error(f.nameRange, std::string(f.isEntry ? "entry" : "op") + " '" +
                             f.name + "' does not return a value");
    if (!f.hasResultType && returned) {
      auto sig = signatures[&f];
      sig->results = inferred;
    }
    finishScope();
  }

  // The runtime binds symbolic dims from the inputs' shapes, so every dim an
  // output uses must appear in some input.
  void checkOutputDimsBound(const ast::FuncDecl &f) {
    std::set<std::string> bound;
    for (const ast::Param &p : f.params)
      for (const ast::Dim &d : p.type.dims)
        if (d.isSymbolic())
          bound.insert(d.symbol());
    std::set<std::string> declared;
    for (const auto &d : f.dimParams)
      declared.insert(d.first);
    for (const ast::Param &r : f.results)
      for (const ast::Dim &d : r.type.dims)
        if (d.isSymbolic() && declared.count(d.symbol()) &&
            !bound.count(d.symbol()))
          error(d.range,
                "output dim '" + d.symbol() + "' is not bound by any input");
  }

  void checkTrain(const ast::TrainDecl &t) {
    currentName = t.name;
    auto dims = declareDims(t.dimParams);
    dimsInScope = dims;
    scopes.assign(1, {});
    bindParams(t.params, dims);
    ExprType opt = check(*t.optimizer);
    if (!opt.isError() && opt.kind != Kind::Optimizer)
      error(t.optimizer->range,
            "'with' takes an optimizer such as adamw(lr: 1e-3), found " +
                opt.str());
    if (t.policy)
      check(*t.policy);
    std::vector<ExprType> inferred;
    bool minimized = checkBody(t.body, nullptr, inferred, /*isTrain=*/true);
    if (!minimized)
      error(t.nameRange, "train step '" + t.name + "' has no `minimize LOSS`");
    finishScope();
  }

  // adjoint f(x..., g): the cotangent g has f's result type; the body
  // returns one gradient per input, each of that input's type.
  void checkAdjoint(const ast::AdjointDecl &a) {
    currentName = a.name;
    dimsInScope.clear();
    auto it = funcByName.find(a.name);
    if (it == funcByName.end()) {
      error(a.nameRange, "adjoint of unknown op '" + a.name + "'");
      return;
    }
    const ast::FuncDecl &f = *it->second;
    checkFunction(f);
    const Signature &sig = *signatures[&f];
    if (a.params.size() != sig.params.size() + 1) {
      error(a.range, "the adjoint of '" + a.name + "' takes its " +
                         std::to_string(sig.params.size()) +
                         (sig.params.size() == 1 ? " input" : " inputs") +
                         " and the cotangent (" +
                         std::to_string(sig.params.size() + 1) +
                         " names), not " + std::to_string(a.params.size()))
          .note(f.nameRange, "'" + a.name + "' declared here");
      return;
    }
    scopes.assign(1, {});
    for (size_t i = 0; i < sig.params.size(); ++i)
      scopes.back()[a.params[i].first] = {sig.params[i].second,
                                          a.params[i].second, true, false};
    ExprType g = sig.results.size() == 1 ? sig.results[0] : ExprType::error();
    scopes.back()[a.params.back().first] = {g, a.params.back().second, true,
                                            false};
    std::vector<ast::Param> grads;
    for (const ast::Param &p : f.params)
      grads.push_back({p.name, p.nameRange, p.type});
    std::vector<ExprType> inferred;
    if (!checkBody(a.body, &grads, inferred, false))
      error(a.nameRange, "adjoint '" + a.name + "' does not return a value");
    finishScope();
  }

  void finishScope() {
    for (const auto &[name, b] : scopes.back())
      if (b.isLocal && !b.used)
        pendingUnused.push_back(b.where);
    std::sort(pendingUnused.begin(), pendingUnused.end(),
              [](const SourceRange &a, const SourceRange &b) {
                return a.begin < b.begin;
              });
    for (const SourceRange &r : pendingUnused)
      diags.warning(r, "unused let '" +
                           r.file->text().substr(r.begin, r.end - r.begin) +
                           "'");
    pendingUnused.clear();
  }

  // Returns whether the body returned (or, in a train step, minimized).
  bool checkBody(const std::vector<ast::Stmt> &body,
                 const std::vector<ast::Param> *results,
                 std::vector<ExprType> &inferred, bool isTrain) {
    bool done = false;
    for (const ast::Stmt &s : body) {
      if (done) {
        diags.warning(s.range, "statement after return is never run");
        break;
      }
      switch (s.kind) {
      case ast::Stmt::Kind::Let:
        checkLet(s);
        break;
      case ast::Stmt::Kind::TupleLet:
        checkTupleLet(s);
        break;
      case ast::Stmt::Kind::Return:
        if (isTrain)
          error(s.range, "a train step ends with `minimize LOSS`, not return");
        checkReturn(s, results, inferred);
        done = true;
        break;
      case ast::Stmt::Kind::Minimize: {
        ExprType t = check(*s.values[0]);
        if (!isTrain)
          error(s.range, "`minimize` is only allowed in a train step");
        else if (!t.isError() &&
                 !(t.isScalarTensor() && sema::isFloatDType(t.dtype)))
          error(s.values[0]->range,
                "the loss must be a floating-point scalar, found " + t.str());
        done = true;
        break;
      }
      }
    }
    return done;
  }

  void bindLocal(const std::string &name, SourceRange where, ExprType t) {
    auto &scope = scopes.back();
    auto it = scope.find(name);
    if (it != scope.end()) {
      diags.warning(where, "'" + name + "' shadows an earlier binding")
          .note(it->second.where, "previous binding of '" + name + "' here");
      if (it->second.isLocal && !it->second.used)
        pendingUnused.push_back(it->second.where);
    }
    scope[name] = {t, where, false, true};
  }

  void checkLet(const ast::Stmt &s) {
    ExprType t = check(*s.values[0]);
    if (s.type) {
      checkType(*s.type, currentDims());
      ExprType want = typeOf(*s.type);
      if (!t.isError() && !(t.isLiteral() && want.dims.empty()) && t != want)
        error(s.values[0]->range, "'" + s.names[0].first + "' is declared " +
                                      want.str() + " but its value is " +
                                      t.str())
            .note(s.type->range, "declared here");
      t = want;
    }
    bindLocal(s.names[0].first, s.names[0].second, t);
  }

  std::map<std::string, SourceRange> currentDims() { return dimsInScope; }

  void checkTupleLet(const ast::Stmt &s) {
    ExprType t = check(*s.values[0]);
    if (!t.isError() &&
        (t.kind != Kind::Tuple || t.elements.size() != s.names.size())) {
      error(s.values[0]->range, "cannot unpack " + t.str() + " into " +
                                    std::to_string(s.names.size()) + " names");
      t = ExprType::error();
    }
    for (size_t i = 0; i < s.names.size(); ++i)
      bindLocal(s.names[i].first, s.names[i].second,
                t.isError() ? t : t.elements[i]);
  }

  void checkReturn(const ast::Stmt &s, const std::vector<ast::Param> *results,
                   std::vector<ExprType> &inferred) {
    std::vector<ExprType> types;
    for (const ast::ExprPtr &v : s.values)
      types.push_back(check(*v));
    if (!results) {
      // An inferred result: a returned tuple is several results.
      if (types.size() == 1 && types[0].kind == Kind::Tuple)
        types = types[0].elements;
      for (size_t i = 0; i < types.size(); ++i) {
        if (types[i].isLiteral())
          types[i] = ExprType::tensor("f32", {});
      }
      inferred = types;
      return;
    }
    if (s.values.size() != results->size()) {
      error(s.range,
            "'" + currentName + "' returns " + std::to_string(results->size()) +
                " value" + (results->size() == 1 ? "" : "s") +
                ", but this return gives " + std::to_string(s.values.size()));
      return;
    }
    for (size_t i = 0; i < s.values.size(); ++i) {
      const ExprType &t = types[i];
      if (t.isError())
        continue;
      ExprType want = typeOf((*results)[i].type);
      if (!isKnownDType(want.dtype))
        continue;
      if (t.isLiteral()) {
        if (!want.dims.empty())
          error(s.values[i]->range, "cannot return a number as " + want.str());
        result.types[s.values[i].get()] = want;
        continue;
      }
      if (t != want)
        error(s.values[i]->range, "return type mismatch: expected " +
                                      want.str() + ", found " + t.str())
            .note((*results)[i].type.range, "return type declared here");
    }
  }

  // ---- expressions -------------------------------------------------------

  ExprType check(const ast::Expr &e) {
    ExprType t = infer(e);
    result.types[&e] = t;
    return t;
  }

  const Binding *lookup(const std::string &name) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end()) {
        found->second.used = true;
        return &found->second;
      }
    }
    auto g = globals.find(name);
    return g == globals.end() ? nullptr : &g->second;
  }

  std::string suggestion(const std::string &name) {
    std::string best;
    size_t bestDist = name.size() <= 3 ? 1 : 2;
    auto consider = [&](const std::string &c) {
      size_t d = editDistance(name, c);
      if (d <= bestDist && d > 0) {
        bestDist = d;
        best = c;
      }
    };
    for (const auto &scope : scopes)
      for (const auto &[n, b] : scope)
        consider(n);
    for (const auto &[n, b] : globals)
      consider(n);
    for (const std::string &n : sema::builtinNames())
      consider(n);
    return best;
  }

  ExprType inferName(const ast::NameExpr &n) {
    if (const Binding *b = lookup(n.name)) {
      result.definitions[&n] = b->where;
      return b->type;
    }
    if (sema::isBuiltin(n.name)) {
      ExprType t = ExprType::make(Kind::Function);
      t.name = n.name;
      return t;
    }
    // A dim of the enclosing function used as a value: a number.
    if (auto d = dimsInScope.find(n.name); d != dimsInScope.end()) {
      result.definitions[&n] = d->second;
      return ExprType::literal();
    }
    if (isKnownDType(n.name)) {
      ExprType t = ExprType::make(Kind::DType);
      t.dtype = n.name;
      return t;
    }
    std::string hint = suggestion(n.name);
    error(n.range, "unknown name '" + n.name + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return ExprType::error();
  }

  ExprType infer(const ast::Expr &e) {
    switch (e.kind) {
    case ast::Expr::Kind::Number:
      return ExprType::literal();
    case ast::Expr::Kind::String:
      return ExprType::make(Kind::String);
    case ast::Expr::Kind::Bool:
      return ExprType::make(Kind::Bool);
    case ast::Expr::Kind::Name:
      return inferName(static_cast<const ast::NameExpr &>(e));
    case ast::Expr::Kind::Unary:
      return inferUnary(static_cast<const ast::UnaryExpr &>(e));
    case ast::Expr::Kind::Binary:
      return inferBinary(static_cast<const ast::BinaryExpr &>(e));
    case ast::Expr::Kind::Call:
      return inferCall(static_cast<const ast::CallExpr &>(e));
    case ast::Expr::Kind::Index:
      return inferIndex(static_cast<const ast::IndexExpr &>(e));
    case ast::Expr::Kind::Member:
      return inferMember(static_cast<const ast::MemberExpr &>(e));
    case ast::Expr::Kind::Tuple:
    case ast::Expr::Kind::List: {
      bool tuple = e.kind == ast::Expr::Kind::Tuple;
      const auto &elems = tuple
                              ? static_cast<const ast::TupleExpr &>(e).elements
                              : static_cast<const ast::ListExpr &>(e).elements;
      ExprType t = ExprType::make(tuple ? Kind::Tuple : Kind::List);
      for (const ast::ExprPtr &x : elems) {
        // Lists hold configuration: dims and names are allowed unresolved.
        if (!tuple && x->kind == ast::Expr::Kind::Name &&
            !lookup(static_cast<const ast::NameExpr &>(*x).name)) {
          t.elements.push_back(ExprType::make(Kind::String));
          continue;
        }
        ExprType et = check(*x);
        if (et.isError())
          return et;
        t.elements.push_back(et);
      }
      return t;
    }
    case ast::Expr::Kind::Record: {
      ExprType t = ExprType::make(Kind::Record);
      for (const ast::Arg &f : static_cast<const ast::RecordExpr &>(e).fields) {
        check(*f.value);
        t.fields.push_back(f.name);
      }
      return t;
    }
    case ast::Expr::Kind::Lambda:
      return inferLambda(static_cast<const ast::LambdaExpr &>(e));
    }
    return ExprType::error();
  }

  ExprType inferUnary(const ast::UnaryExpr &u) {
    ExprType t = check(*u.operand);
    if (t.isError() || t.isLiteral())
      return t;
    if (u.op == "!") {
      if (t.kind == Kind::Bool || (t.isTensor() && t.dtype == "bool"))
        return t;
      error(u.range, "'!' needs a bool, found " + t.str());
      return ExprType::error();
    }
    if (!t.isTensor() || t.dtype == "bool") {
      error(u.range, "cannot negate " + t.str());
      return ExprType::error();
    }
    return t;
  }

  // Literals adopt the tensor's dtype; tensors must agree in dtype and
  // broadcast in shape (docs/language.md, "Arithmetic").
  ExprType inferBinary(const ast::BinaryExpr &b) {
    ExprType l = check(*b.lhs);
    ExprType r = check(*b.rhs);
    if (l.isError() || r.isError())
      return ExprType::error();
    if (b.op == "@") {
      CallArgs args;
      args.call = b.opRange;
      return sema::checkMatmulOperator(l, r, args, *this);
    }
    bool logical = b.op == "&&" || b.op == "||";
    bool compare = b.op == "==" || b.op == "!=" || b.op == "<" ||
                   b.op == "<=" || b.op == ">" || b.op == ">=";
    if (l.isLiteral() && r.isLiteral())
      return compare ? ExprType::make(Kind::Bool) : ExprType::literal();
    if (logical) {
      auto isBool = [](const ExprType &t) {
        return t.kind == Kind::Bool || (t.isTensor() && t.dtype == "bool");
      };
      if (!isBool(l) || !isBool(r)) {
        error(b.opRange, "'" + b.op + "' needs bools, found " + l.str() +
                             " and " + r.str());
        return ExprType::error();
      }
      return l.isTensor() ? l : r;
    }
    auto adopt = [&](const ExprType &lit, const ast::Expr &litExpr,
                     const ExprType &other) -> ExprType {
      if (!other.isTensor()) {
        error(b.opRange, "'" + b.op + "' needs tensors, found " + other.str());
        return ExprType::error();
      }
      if (sema::isIntDType(other.dtype) &&
          litExpr.kind == ast::Expr::Kind::Number &&
          !static_cast<const ast::NumberExpr &>(litExpr).isInteger) {
        error(litExpr.range,
              "the fractional number " +
                  static_cast<const ast::NumberExpr &>(litExpr).text +
                  " cannot take the integer dtype " + other.dtype);
        return ExprType::error();
      }
      (void)lit;
      return compare ? ExprType::tensor("bool", other.dims) : other;
    };
    if (l.isLiteral())
      return adopt(l, *b.lhs, r);
    if (r.isLiteral())
      return adopt(r, *b.rhs, l);
    if (!l.isTensor() || !r.isTensor()) {
      error(b.opRange, "'" + b.op + "' needs tensors, found " + l.str() +
                           " and " + r.str());
      return ExprType::error();
    }
    if (l.dtype != r.dtype) {
      error(b.opRange, "mismatched dtypes in '" + b.op + "': " + l.str() +
                           " and " + r.str())
          .note(b.lhs->range, "left operand is " + l.str())
          .note(b.rhs->range, "right operand is " + r.str());
      return ExprType::error();
    }
    std::string why;
    auto dims = sema::broadcast(l.dims, r.dims, why);
    if (!dims) {
      error(b.opRange,
            "shape mismatch in '" + b.op + "': " + l.str() + " and " + r.str())
          .note(b.lhs->range, "left operand is " + l.str())
          .note(b.rhs->range, "right operand is " + r.str());
      return ExprType::error();
    }
    return ExprType::tensor(compare ? "bool" : l.dtype, *dims);
  }

  ExprType inferIndex(const ast::IndexExpr &ix) {
    ExprType base = check(*ix.base);
    if (base.isError())
      return base;
    if (!base.isTensor()) {
      error(ix.base->range, "cannot index " + base.str());
      return ExprType::error();
    }
    if (ix.slices.size() > base.dims.size()) {
      error(ix.range, std::to_string(ix.slices.size()) + " subscripts for " +
                          base.str() + " of rank " +
                          std::to_string(base.dims.size()));
      return ExprType::error();
    }
    std::vector<ExprType::Dim> dims;
    for (size_t i = 0; i < base.dims.size(); ++i) {
      if (i >= ix.slices.size()) {
        dims.push_back(base.dims[i]);
        continue;
      }
      const ast::Slice &s = ix.slices[i];
      for (const ast::ExprPtr &part : {s.index, s.lo, s.hi, s.step})
        if (part) {
          ExprType pt = check(*part);
          if (!pt.isError() && !pt.isLiteral() &&
              !(pt.isScalarTensor() && sema::isIntDType(pt.dtype)))
            error(part->range,
                  "a subscript must be an integer, found " + pt.str());
        }
      if (!s.isRange)
        continue; // an index drops the dim
      auto constant = [](const ast::ExprPtr &p) -> std::optional<int64_t> {
        if (p && p->kind == ast::Expr::Kind::Number)
          return static_cast<int64_t>(
              static_cast<const ast::NumberExpr &>(*p).value);
        return std::nullopt;
      };
      auto extent = std::get_if<int64_t>(&base.dims[i]);
      std::optional<int64_t> lo =
          s.lo ? constant(s.lo) : std::optional<int64_t>(0);
      std::optional<int64_t> hi =
          s.hi ? constant(s.hi)
               : (extent ? std::optional<int64_t>(*extent) : std::nullopt);
      std::optional<int64_t> step =
          s.step ? constant(s.step) : std::optional<int64_t>(1);
      if (!s.lo && !s.hi && !s.step)
        dims.push_back(base.dims[i]);
      else if (lo && hi && step && *step > 0)
        dims.push_back(std::max<int64_t>(0, (*hi - *lo + *step - 1) / *step));
      else
        dims.push_back(std::string("?"));
    }
    return ExprType::tensor(base.dtype, dims);
  }

  ExprType inferMember(const ast::MemberExpr &m) {
    ExprType base = check(*m.base);
    if (base.isError())
      return base;
    if (base.kind == Kind::Module) {
      auto mod =
          modules.find(m.base->kind == ast::Expr::Kind::Name
                           ? static_cast<const ast::NameExpr &>(*m.base).name
                           : "");
      if (mod == modules.end()) { // the standard library: builtins
        if (sema::isBuiltin(m.member)) {
          ExprType t = ExprType::make(Kind::Function);
          t.name = m.member;
          return t;
        }
        error(m.memberRange,
              "module '" + base.name + "' has no '" + m.member + "'");
        return ExprType::error();
      }
      auto g = mod->second->result.globals.find(m.member);
      if (g == mod->second->result.globals.end()) {
        error(m.memberRange,
              "module '" + base.name + "' has no '" + m.member + "'");
        return ExprType::error();
      }
      return g->second;
    }
    if (base.isTensor() && m.member == "T") {
      if (base.dims.size() < 2) {
        error(m.memberRange, "'.T' needs rank 2 or more, found " + base.str());
        return ExprType::error();
      }
      std::swap(base.dims[base.dims.size() - 1],
                base.dims[base.dims.size() - 2]);
      return base;
    }
    error(m.memberRange, base.str() + " has no member '" + m.member + "'");
    return ExprType::error();
  }

  ExprType inferLambda(const ast::LambdaExpr &l) {
    ExprType t = ExprType::make(Kind::Function);
    t.name = "lambda";
    bool typed = std::all_of(
        l.params.begin(), l.params.end(),
        [](const ast::LambdaParam &p) { return p.type.has_value(); });
    lambdaScopes[&l] = scopes;
    if (!typed) {
      t.lambda = &l;
      return t;
    }
    // Fully typed: its signature is known now.
    auto sig = std::make_shared<Signature>();
    sig->name = "lambda";
    sig->where = l.range;
    for (const ast::LambdaParam &p : l.params) {
      checkType(*p.type, currentDims());
      sig->params.emplace_back(p.name, typeOf(*p.type));
      sig->paramWhere.push_back(p.range);
    }
    std::vector<ExprType> args;
    for (const auto &p : sig->params)
      args.push_back(p.second);
    ExprType body = applyLambda(l, args);
    if (body.isError())
      return body;
    sig->results =
        body.kind == Kind::Tuple ? body.elements : std::vector<ExprType>{body};
    t.sig = sig;
    return t;
  }

  ExprType applyLambda(const ast::LambdaExpr &l,
                       const std::vector<ExprType> &args) {
    if (args.size() != l.params.size()) {
      error(l.range, "this lambda takes " + std::to_string(l.params.size()) +
                         " arguments, given " + std::to_string(args.size()));
      return ExprType::error();
    }
    std::vector<std::map<std::string, Binding>> saved = std::move(scopes);
    scopes = lambdaScopes[&l];
    scopes.emplace_back();
    for (size_t i = 0; i < args.size(); ++i)
      scopes.back()[l.params[i].name] = {args[i], l.params[i].range, true,
                                         false};
    ExprType t = check(*l.body);
    scopes = std::move(saved);
    return t;
  }

  ExprType inferCall(const ast::CallExpr &c) {
    // A builtin called by name (unless a local shadows it).
    std::string builtin;
    if (c.callee->kind == ast::Expr::Kind::Name) {
      const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
      if (sema::isBuiltin(n) && !lookup(n))
        builtin = n;
    } else if (c.callee->kind == ast::Expr::Kind::Member) {
      const auto &m = static_cast<const ast::MemberExpr &>(*c.callee);
      if (m.base->kind == ast::Expr::Kind::Name && sema::isBuiltin(m.member)) {
        const Binding *b =
            lookup(static_cast<const ast::NameExpr &>(*m.base).name);
        if (b && b->type.kind == Kind::Module &&
            !modules.count(static_cast<const ast::NameExpr &>(*m.base).name))
          builtin = m.member;
      }
    }
    CallArgs args;
    args.call = c.range;
    args.callee = c.callee->range;
    bool argError = false;
    for (const ast::Arg &a : c.args) {
      ExprType t;
      if (!builtin.empty() && !a.name.empty() &&
          sema::takesNameArgument(builtin, a.name))
        t = ExprType::make(Kind::String);
      else
        t = check(*a.value);
      argError |= t.isError();
      if (a.name.empty())
        args.positional.push_back({&a, t});
      else if (!args.keyword.emplace(a.name, CallArgs::Item{&a, t}).second) {
        error(a.nameRange, "argument '" + a.name + "' given twice");
        argError = true;
      }
    }
    if (!builtin.empty()) {
      result.types[c.callee.get()] =
          inferName(ast::NameExpr(c.callee->range, builtin));
      return argError ? ExprType::error()
                      : sema::checkBuiltin(builtin, args, *this);
    }
    ExprType fn = check(*c.callee);
    if (fn.isError() || argError)
      return ExprType::error();
    if (fn.kind == Kind::DiffOperator)
      return applyDiffOperator(fn, args);
    return callFunction(fn, args);
  }

  // Dx(u): a derivative of a field u is a field with u's signature.
  ExprType applyDiffOperator(const ExprType &op, CallArgs &args) {
    if (args.positional.size() != 1 || !args.keyword.empty()) {
      error(args.call, "a differential operator applies to one op");
      return ExprType::error();
    }
    const ExprType &f = args.positional[0].type;
    if (f.kind != Kind::Function || !f.sig || f.sig->params.size() != 1 ||
        f.sig->results.size() != 1) {
      error(args.positional[0].arg->value->range,
            "a differential operator applies to an op of one input and one "
            "output, found " +
                f.str());
      return ExprType::error();
    }
    const ExprType &in = f.sig->params[0].second;
    if (in.isTensor() && !in.dims.empty())
      if (auto *n = std::get_if<int64_t>(&in.dims.back()); n && op.axis >= *n) {
        error(args.call, "partial(axis: " + std::to_string(op.axis) +
                             ") of an op whose "
                             "points have " +
                             std::to_string(*n) + " coordinates");
        return ExprType::error();
      }
    return f;
  }

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
  ExprType unify(const Signature &sig, CallArgs &args) {
    std::vector<const CallArgs::Item *> bound(sig.params.size(), nullptr);
    if (args.positional.size() > sig.params.size()) {
      error(args.call, "'" + sig.name + "' takes " +
                           std::to_string(sig.params.size()) + " argument" +
                           (sig.params.size() == 1 ? "" : "s") + ", given " +
                           std::to_string(args.positional.size()))
          .note(sig.where, "'" + sig.name + "' declared here");
      return ExprType::error();
    }
    for (size_t i = 0; i < args.positional.size(); ++i)
      bound[i] = &args.positional[i];
    for (auto &[name, item] : args.keyword) {
      size_t i = 0;
      while (i < sig.params.size() && sig.params[i].first != name)
        ++i;
      if (i == sig.params.size()) {
        error(item.arg->nameRange,
              "'" + sig.name + "' has no parameter '" + name + "'")
            .note(sig.where, "'" + sig.name + "' declared here");
        return ExprType::error();
      }
      bound[i] = &item;
    }
    std::map<std::string, std::pair<ExprType::Dim, SourceRange>> dims;
    for (size_t i = 0; i < sig.params.size(); ++i) {
      const auto &[pname, ptype] = sig.params[i];
      if (!bound[i]) {
        error(args.call,
              "missing argument '" + pname + "' of '" + sig.name + "'")
            .note(sig.where, "'" + sig.name + "' declared here");
        return ExprType::error();
      }
      const ExprType &a = bound[i]->type;
      SourceRange where = bound[i]->arg->value->range;
      if (a.isLiteral() && ptype.isScalarTensor())
        continue;
      if (!ptype.isTensor()) {
        if (a != ptype) {
          error(where, "argument '" + pname + "' of '" + sig.name +
                           "' expects " + ptype.str() + ", found " + a.str());
          return ExprType::error();
        }
        continue;
      }
      if (!a.isTensor() || a.dtype != ptype.dtype ||
          a.dims.size() != ptype.dims.size()) {
        auto &d =
            error(where, "argument '" + pname + "' of '" + sig.name +
                             "' expects " + ptype.str() + ", found " + a.str());
        if (i < sig.paramWhere.size())
          d.note(sig.paramWhere[i], "parameter declared here");
        return ExprType::error();
      }
      for (size_t k = 0; k < ptype.dims.size(); ++k) {
        const ExprType::Dim &want = ptype.dims[k];
        const ExprType::Dim &got = a.dims[k];
        if (auto *sym = std::get_if<std::string>(&want);
            sym && std::find(sig.dimParams.begin(), sig.dimParams.end(),
                             *sym) != sig.dimParams.end()) {
          auto [it, fresh] = dims.emplace(*sym, std::make_pair(got, where));
          if (!fresh && it->second.first != got &&
              got != ExprType::Dim(std::string("?")) &&
              it->second.first != ExprType::Dim(std::string("?"))) {
            error(where, "dim " + *sym + " of '" + sig.name + "' is " +
                             dimStr(got) + " from argument '" + pname +
                             "' but " + dimStr(it->second.first) + " earlier")
                .note(it->second.second,
                      *sym + " bound to " + dimStr(it->second.first) + " here");
            return ExprType::error();
          }
          continue;
        }
        if (want != got && got != ExprType::Dim(std::string("?"))) {
          auto &d =
              error(where, "dim " + std::to_string(k) + " of argument '" +
                               pname + "' of '" + sig.name + "' is " +
                               dimStr(got) + ", expected " + dimStr(want));
          if (i < sig.paramWhere.size())
            d.note(sig.paramWhere[i], "parameter declared here");
          return ExprType::error();
        }
      }
    }
    std::vector<ExprType> results;
    for (ExprType r : sig.results) {
      for (ExprType::Dim &d : r.dims)
        if (auto *sym = std::get_if<std::string>(&d); sym && dims.count(*sym))
          d = dims[*sym].first;
      results.push_back(r);
    }
    if (results.size() == 1)
      return results[0];
    ExprType t = ExprType::make(Kind::Tuple);
    t.elements = results;
    return t;
  }

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

} // namespace

bool checkModule(const ast::Module &m, DiagnosticEngine &diags,
                 SemaResult &result, const SemaOptions &options) {
  unsigned before = diags.errorCount();
  ImportState imports;
  std::string path = m.nameRange.valid() ? m.nameRange.file->path() : "";
  if (path.empty() && !m.funcs.empty())
    path = m.funcs[0].nameRange.file->path();
  imports.stack.push_back(path);
  Checker(m, diags, result, options, imports, path).run();
  return diags.errorCount() == before;
}

} // namespace tessera
