// Checking declarations and types: imports, top-level names, meshes,
// values, parameters, tensor types and layouts.
#include "Checker.h"

#include "tessera/Frontend/Files.h"

#include <algorithm>

namespace tessera::sema {

void Checker::run() {
  reserveTables();
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

bool Checker::declareGlobal(const std::string &name, SourceRange where,
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

void Checker::checkImport(const ast::ImportDecl &i) {
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
    std::string text, readError;
    if (!readFile(found, text, readError))
      error(i.pathRange, readError);
    mod->file = std::make_unique<SourceFile>(found, text);
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

std::shared_ptr<Signature> Checker::signatureOf(const ast::FuncDecl &f) {
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

void Checker::declareFunctions() {
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
void Checker::declareValues() {
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

void Checker::checkMesh(const ast::MeshDecl &m) {
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
    // 2^62 devices is beyond any mesh; larger values do not fit an int64.
    if (static_cast<const ast::NumberExpr &>(v).value > 0x1p62) {
      error(v.range, "the size of mesh axis '" + f.name + "' is too large");
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

void Checker::checkValueDecl(const ast::ValueDecl &v) {
  ExprType t = check(*v.value);
  if (v.type) {
    checkType(*v.type, {});
    ExprType want = typeOf(*v.type);
    if (!t.isError() && !(t.isLiteral() && want.isScalarTensor()) && t != want)
      error(v.value->range, "'" + v.name + "' is declared " + want.str() +
                                " but its value is " + t.str());
    t = want;
  }
  if (v.kind == ast::ValueDecl::Kind::Policy && !t.isError() &&
      t.kind != Kind::Policy)
    error(v.value->range, "a policy must be numeric(...), found " + t.str());
  declareGlobal(v.name, v.nameRange, t);
}

void Checker::checkParamDecl(const ast::ParamDecl &p) {
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

void Checker::checkType(const ast::TensorType &t,
                        const std::map<std::string, SourceRange> &dims,
                        bool isResult,
                        const std::set<std::string> *boundByParams) {
  if (!isKnownDType(t.dtype))
    error(t.dtypeRange, "unknown dtype '" + t.dtype +
                            "'; expected one of f64, f32, f16, bf16, fp8_e4m3, "
                            "fp8_e5m2, i64, i32, i8, bool, c64");
  for (const ast::Dim &d : t.dims) {
    if (d.isSymbolic()) {
      // A dim, or an extent computed from dims: N-1, M+N, (N+1)/2.
      DimFormRefusal why;
      std::optional<DimForm> form = parseDimForm(d.symbol(), &why);
      if (!form) {
        error(d.range,
              why == DimFormRefusal::Quotient
                  ? "'" + d.symbol() +
                        "' is not an extent Tessera computes: " + kQuotientRule
                  : "'" + d.symbol() +
                        "' is not an extent of a dim: write dims and numbers "
                        "added or subtracted, as in M+N-1, or a dim divided "
                        "by a positive number, as in (N+1)/2");
        continue;
      }
      std::vector<std::string> symbols = form->symbols();
      if (!form->isDim() && !isResult) {
        auto unbound = std::find_if(
            symbols.begin(), symbols.end(), [&](const std::string &s) {
              return !(boundByParams && boundByParams->count(s));
            });
        if (unbound != symbols.end()) {
          error(d.range, "an extent computed from a dim, such as " +
                             d.symbol() + ", needs '" + *unbound +
                             "' as a dim of another parameter");
          continue;
        }
      }
      for (const std::string &symbol : symbols)
        if (!dims.count(symbol))
          error(d.range, "unknown dim '" + symbol +
                             "'; declare it after the name, as in `" +
                             currentName + "[" + symbol + "](...)`");
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
void Checker::checkLayout(const ast::TensorType &t) {
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

} // namespace tessera::sema
