// parseModule: the direct parser (Direct/) for valid input; otherwise the
// ANTLR parser, in two stages (SLL, then LL on failure), which reports the
// errors, and its parse tree -> AST step.
#include "tessera/Frontend/Parser.h"

#include "tessera/Frontend/Files.h"

#include "ASTRules.h"
#include "Direct/Parser.h"
#include "TesseraLexer.h"
#include "TesseraParser.h"
#include "antlr4-runtime.h"

#include <algorithm>
#include <cstdlib>

namespace tessera {
namespace {

// ANTLR indexes characters by code point; diagnostics use byte offsets.
class OffsetMap {
public:
  explicit OffsetMap(const std::string &text) {
    // ANTLR's input stream drops a UTF-8 byte-order mark: its code point 0
    // is the byte after it.
    unsigned first = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    for (unsigned i = first; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
        starts_.push_back(i);
    starts_.push_back(static_cast<unsigned>(text.size()));
  }
  unsigned byteOffset(size_t codePoint) const {
    return codePoint < starts_.size() ? starts_[codePoint] : starts_.back();
  }

private:
  std::vector<unsigned> starts_;
};

class SyntaxErrorListener : public antlr4::BaseErrorListener {
public:
  SyntaxErrorListener(const SourceFile &f, const OffsetMap &m,
                      DiagnosticEngine &d)
      : file(f), offsets(m), diags(d) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *tok, size_t,
                   size_t, const std::string &, std::exception_ptr) override {
    SourceRange r{&file, 0, 0};
    std::string msg;
    if (!tok || tok->getType() == antlr4::Token::EOF) {
      unsigned end = static_cast<unsigned>(file.text().size());
      r = {&file, end, end};
      msg = "unexpected end of file";
    } else {
      r = {&file, offsets.byteOffset(tok->getStartIndex()),
           offsets.byteOffset(tok->getStopIndex() + 1)};
      if (tok->getType() == TesseraLexer::UNKNOWN)
        msg = "invalid character '" + tok->getText() + "'";
      else if (tok->getType() == TesseraLexer::UNTERMINATED_COMMENT) {
        r.end = r.begin + 2;
        msg = "unterminated comment";
        diags.error(r, msg);
        lastOffset = r.begin;
        return;
      } else if (tok->getType() == TesseraLexer::UNTERMINATED_STRING) {
        r.end = r.begin + 1;
        msg = "unterminated string";
        diags.error(r, msg);
        lastOffset = r.begin;
        return;
      } else
        msg = "unexpected '" + tok->getText() + "'";
    }
    bool badChar = tok && tok->getType() == TesseraLexer::UNKNOWN;
    auto *parser = dynamic_cast<antlr4::Parser *>(recognizer);
    if (parser && !badChar) {
      antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
      if (!expected.isEmpty() && expected.size() <= 4)
        msg += ", expected " + describe(expected, parser->getVocabulary());
    }
    // One error per place: recovery can report the same token again.
    if (r.begin == lastOffset && diags.hasErrors())
      return;
    lastOffset = r.begin;
    diags.error(r, msg);
  }

private:
  static std::string describe(const antlr4::misc::IntervalSet &set,
                              const antlr4::dfa::Vocabulary &vocab) {
    std::vector<std::string> names;
    for (ssize_t t : set.toList()) {
      if (t == static_cast<ssize_t>(antlr4::Token::EOF))
        names.push_back("end of file");
      else if (t == TesseraLexer::IDENT)
        names.push_back("a name");
      else if (t == TesseraLexer::INT || t == TesseraLexer::FLOAT)
        names.push_back("a number");
      else if (t == TesseraLexer::STRING)
        names.push_back("a string");
      else
        names.push_back(vocab.getLiteralName(t));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
      if (i)
        out += i + 1 == names.size() ? " or " : ", ";
      out += names[i];
    }
    return out;
  }

  const SourceFile &file;
  const OffsetMap &offsets;
  DiagnosticEngine &diags;
  unsigned lastOffset = ~0u;
};

// Builds AST nodes from parse-tree contexts.
class ASTBuilder {
public:
  ASTBuilder(const SourceFile &f, const OffsetMap &m) : file(f), offsets(m) {}

  SourceRange range(antlr4::ParserRuleContext *ctx) const {
    unsigned b = offsets.byteOffset(ctx->getStart()->getStartIndex());
    antlr4::Token *stop = ctx->getStop();
    unsigned e =
        stop && stop->getStopIndex() != static_cast<size_t>(-1) &&
                stop->getStopIndex() + 1 > ctx->getStart()->getStartIndex()
            ? offsets.byteOffset(stop->getStopIndex() + 1)
            : b;
    return {&file, b, e};
  }
  SourceRange range(antlr4::Token *t) const {
    return {&file, offsets.byteOffset(t->getStartIndex()),
            offsets.byteOffset(t->getStopIndex() + 1)};
  }
  SourceRange range(antlr4::tree::TerminalNode *n) const {
    return range(n->getSymbol());
  }

  ast::Module build(TesseraParser::ProgramContext *p) {
    ast::Module m;
    if (auto *md = p->moduleDecl()) {
      m.name = md->qualifiedName()->getText();
      m.nameRange = range(md->qualifiedName());
    }
    for (auto *i : p->importDecl())
      m.imports.push_back({i->qualifiedName()->getText(),
                           i->alias ? i->alias->getText() : "", range(i),
                           range(i->qualifiedName())});
    for (auto *d : p->decl())
      buildDecl(d, m);
    return m;
  }

private:
  void buildDecl(TesseraParser::DeclContext *d, ast::Module &m) {
    if (auto *f = d->funcDecl())
      return m.funcs.push_back(buildFunc(f));
    if (auto *t = d->trainDecl()) {
      ast::TrainDecl tr;
      tr.name = t->name->getText();
      tr.nameRange = range(t->name);
      tr.range = range(t);
      tr.dimParams = buildDims(t->dimParams());
      tr.params = buildParams(t->paramList());
      tr.optimizer = buildExpr(t->optimizer);
      if (t->policyClause())
        tr.policy = buildExpr(t->policyClause()->expr());
      tr.body = buildBlock(t->block());
      return m.trains.push_back(std::move(tr));
    }
    if (auto *a = d->adjointDecl()) {
      ast::AdjointDecl adj;
      adj.name = a->name->getText();
      adj.nameRange = range(a->name);
      adj.range = range(a);
      auto ids = a->IDENT();
      for (size_t i = 1; i < ids.size(); ++i) // ids[0] is the name
        adj.params.emplace_back(ids[i]->getText(), range(ids[i]));
      adj.body = buildBlock(a->block());
      return m.adjoints.push_back(std::move(adj));
    }
    if (auto *c = d->constDecl())
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Const, c->name,
                                          c, c->type(), c->expr()));
    if (auto *l = d->letDecl())
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Let, l->name, l,
                                          l->type(), l->expr()));
    if (auto *p = d->policyDecl())
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Policy, p->name,
                                          p, nullptr, p->expr()));
    if (auto *me = d->meshDecl()) {
      ast::MeshDecl mesh;
      mesh.name = me->name->getText();
      mesh.nameRange = range(me->name);
      mesh.range = range(me);
      mesh.args = buildArgs(me->argList());
      return m.meshes.push_back(std::move(mesh));
    }
    auto *pd = d->paramDecl();
    ast::ParamDecl param;
    param.range = range(pd);
    if (auto *t = dynamic_cast<TesseraParser::TensorParamContext *>(pd)) {
      param.name = t->name->getText();
      param.nameRange = range(t->name);
      param.type = buildType(t->type());
      if (t->init)
        param.init = buildExpr(t->init);
    } else {
      auto *o = static_cast<TesseraParser::OperatorParamContext *>(pd);
      param.name = o->name->getText();
      param.nameRange = range(o->name);
      param.ctor = buildExpr(o->ctor);
    }
    m.params.push_back(std::move(param));
  }

  ast::ValueDecl valueDecl(ast::ValueDecl::Kind kind, antlr4::Token *name,
                           antlr4::ParserRuleContext *ctx,
                           TesseraParser::TypeContext *type,
                           TesseraParser::ExprContext *value) {
    ast::ValueDecl v;
    v.kind = kind;
    v.name = name->getText();
    v.nameRange = range(name);
    v.range = range(ctx);
    if (type)
      v.type = buildType(type);
    v.value = buildExpr(value);
    return v;
  }

  ast::DimParams buildDims(TesseraParser::DimParamsContext *dp) {
    ast::DimParams dims;
    if (dp)
      for (auto *id : dp->IDENT())
        dims.emplace_back(id->getText(), range(id));
    return dims;
  }

  std::vector<ast::Param> buildParams(TesseraParser::ParamListContext *pl) {
    std::vector<ast::Param> params;
    if (pl)
      for (auto *p : pl->param())
        params.push_back(
            {p->IDENT()->getText(), range(p->IDENT()), buildType(p->type())});
    return params;
  }

  ast::FuncDecl buildFunc(TesseraParser::FuncDeclContext *f) {
    ast::FuncDecl fn;
    fn.isEntry = f->kind->getText() == "entry";
    fn.name = f->name->getText();
    fn.nameRange = range(f->name);
    fn.range = range(f);
    fn.dimParams = buildDims(f->dimParams());
    fn.params = buildParams(f->paramList());
    if (auto *single = dynamic_cast<TesseraParser::SingleResultContext *>(
            f->resultList())) {
      fn.hasResultType = true;
      fn.results.push_back(
          {"out0", range(single->type()), buildType(single->type())});
    } else if (auto *tuple = dynamic_cast<TesseraParser::TupleResultsContext *>(
                   f->resultList())) {
      fn.hasResultType = true;
      for (auto *r : tuple->resultItem()) {
        std::string name = r->IDENT()
                               ? r->IDENT()->getText()
                               : "out" + std::to_string(fn.results.size());
        SourceRange where = r->IDENT() ? range(r->IDENT()) : range(r->type());
        fn.results.push_back({name, where, buildType(r->type())});
      }
    }
    if (f->policyClause())
      fn.policy = buildExpr(f->policyClause()->expr());
    fn.body = buildBlock(f->block());
    return fn;
  }

  ast::TensorType buildType(TesseraParser::TypeContext *t) {
    ast::TensorType ty;
    ty.dtype = t->dtype->getText();
    ty.dtypeRange = range(t->dtype);
    ty.range = range(t);
    for (auto *d : t->dim()) {
      ast::Dim dim;
      dim.range = range(d);
      if (d->INT())
        dim.value = ast::parseExtent(d->getStart()->getText());
      else if (d->IDENT())
        dim.value = d->getStart()->getText();
      else
        dim.value = ast::dimFormText(d->getText());
      ty.dims.push_back(std::move(dim));
    }
    if (t->layout)
      ty.layout = buildExpr(t->layout);
    return ty;
  }

  std::vector<ast::Stmt> buildBlock(TesseraParser::BlockContext *b) {
    std::vector<ast::Stmt> body;
    for (auto *s : b->stmt())
      body.push_back(buildStmt(s));
    return body;
  }

  ast::Stmt buildStmt(TesseraParser::StmtContext *s) {
    ast::Stmt st;
    st.range = range(s);
    if (auto *let = dynamic_cast<TesseraParser::LetStmtContext *>(s)) {
      st.kind = ast::Stmt::Kind::Let;
      st.names.emplace_back(let->IDENT()->getText(), range(let->IDENT()));
      if (let->type())
        st.type = buildType(let->type());
      st.values.push_back(buildExpr(let->expr()));
    } else if (auto *tl =
                   dynamic_cast<TesseraParser::TupleLetStmtContext *>(s)) {
      st.kind = ast::Stmt::Kind::TupleLet;
      for (auto *id : tl->IDENT())
        st.names.emplace_back(id->getText(), range(id));
      st.values.push_back(buildExpr(tl->expr()));
    } else if (auto *m =
                   dynamic_cast<TesseraParser::MinimizeStmtContext *>(s)) {
      st.kind = ast::Stmt::Kind::Minimize;
      st.values.push_back(buildExpr(m->expr()));
    } else {
      auto *ret = static_cast<TesseraParser::ReturnStmtContext *>(s);
      st.kind = ast::Stmt::Kind::Return;
      for (auto *e : ret->expr())
        st.values.push_back(buildExpr(e));
    }
    return st;
  }

  std::vector<ast::Arg> buildArgs(TesseraParser::ArgListContext *al) {
    std::vector<ast::Arg> args;
    if (al)
      for (auto *a : al->arg()) {
        ast::Arg arg;
        if (a->IDENT()) {
          arg.name = a->IDENT()->getText();
          arg.nameRange = range(a->IDENT());
        }
        arg.value = buildExpr(a->expr());
        args.push_back(std::move(arg));
      }
    return args;
  }

  ast::ExprPtr binary(antlr4::ParserRuleContext *ctx, antlr4::Token *op,
                      TesseraParser::ExprContext *l,
                      TesseraParser::ExprContext *r) {
    return std::make_shared<ast::BinaryExpr>(
        range(ctx), op->getText(), buildExpr(l), buildExpr(r), range(op));
  }

  ast::ExprPtr buildExpr(TesseraParser::ExprContext *e) {
    // The most frequent alternatives first: each test is a dynamic_cast.
    if (auto *p = dynamic_cast<TesseraParser::PrimaryExprContext *>(e))
      return buildPrimary(p->primary());
    SourceRange r = range(e);
    if (auto *a = dynamic_cast<TesseraParser::AddExprContext *>(e))
      return binary(a, a->op, a->expr(0), a->expr(1));
    if (auto *m = dynamic_cast<TesseraParser::MulExprContext *>(e))
      return binary(m, m->op, m->expr(0), m->expr(1));
    if (auto *c = dynamic_cast<TesseraParser::CallExprContext *>(e)) {
      auto call = std::make_shared<ast::CallExpr>(r, buildExpr(c->expr()));
      call->args = buildArgs(c->argList());
      return call;
    }
    if (auto *i = dynamic_cast<TesseraParser::IndexExprContext *>(e)) {
      auto index = std::make_shared<ast::IndexExpr>(r, buildExpr(i->expr()));
      for (auto *s : i->slice())
        index->slices.push_back(buildSlice(s));
      return index;
    }
    if (auto *m = dynamic_cast<TesseraParser::MemberExprContext *>(e))
      return std::make_shared<ast::MemberExpr>(
          r, buildExpr(m->expr()), m->IDENT()->getText(), range(m->IDENT()));
    if (auto *p = dynamic_cast<TesseraParser::PowExprContext *>(e))
      return std::make_shared<ast::BinaryExpr>(r, "**", buildExpr(p->expr(0)),
                                               buildExpr(p->expr(1)),
                                               range(p->expr(0)));
    if (auto *u = dynamic_cast<TesseraParser::UnaryExprContext *>(e))
      return std::make_shared<ast::UnaryExpr>(r, u->op->getText(),
                                              buildExpr(u->expr()));
    if (auto *c = dynamic_cast<TesseraParser::CompareExprContext *>(e))
      return binary(c, c->op, c->expr(0), c->expr(1));
    if (auto *a = dynamic_cast<TesseraParser::AndExprContext *>(e))
      return binary(a, a->op, a->expr(0), a->expr(1));
    if (auto *o = dynamic_cast<TesseraParser::OrExprContext *>(e))
      return binary(o, o->op, o->expr(0), o->expr(1));
    auto *l = static_cast<TesseraParser::LambdaExprContext *>(e);
    auto lambda = std::make_shared<ast::LambdaExpr>(r);
    if (auto bad = ast::setLambdaParams(*lambda, buildExpr(l->expr(0))))
      badLambda = bad;
    lambda->body = buildExpr(l->expr(1));
    return lambda;
  }

  ast::Slice buildSlice(TesseraParser::SliceContext *s) {
    ast::Slice slice;
    slice.range = range(s);
    bool hasColon = false;
    for (antlr4::tree::ParseTree *child : s->children)
      if (auto *t = dynamic_cast<antlr4::tree::TerminalNode *>(child))
        hasColon |= t->getSymbol()->getText() == ":";
    if (!s->lo && !s->hi && !s->step && s->expr().size() == 1 && !hasColon) {
      slice.index = buildExpr(s->expr(0));
      return slice;
    }
    slice.isRange = true;
    if (s->lo)
      slice.lo = buildExpr(s->lo);
    if (s->hi)
      slice.hi = buildExpr(s->hi);
    if (s->step)
      slice.step = buildExpr(s->step);
    return slice;
  }

  ast::ExprPtr buildPrimary(TesseraParser::PrimaryContext *p) {
    SourceRange r = range(p);
    // Single-token alternatives: their token's text (a rule context's
    // getText() rebuilds it through a string stream, which is slow).
    if (auto *n = dynamic_cast<TesseraParser::NameRefContext *>(p))
      return std::make_shared<ast::NameExpr>(
          r, n->IDENT()->getSymbol()->getText());
    bool isInt = dynamic_cast<TesseraParser::IntLitContext *>(p) != nullptr;
    if (isInt || dynamic_cast<TesseraParser::FloatLitContext *>(p))
      return ast::makeNumber(r, p->getStart()->getText(), isInt);
    if (dynamic_cast<TesseraParser::StringLitContext *>(p)) {
      std::string text = p->getStart()->getText();
      return std::make_shared<ast::StringExpr>(r,
                                               text.substr(1, text.size() - 2));
    }
    if (dynamic_cast<TesseraParser::BoolLitContext *>(p))
      return std::make_shared<ast::BoolExpr>(r, p->getStart()->getText() ==
                                                    "true");
    if (auto *pt = dynamic_cast<TesseraParser::ParenOrTupleContext *>(p)) {
      if (pt->expr().size() == 1 && !pt->trailing) {
        ast::ExprPtr inner = buildExpr(pt->expr(0));
        inner->range = r;
        return inner;
      }
      auto tuple = std::make_shared<ast::TupleExpr>(r);
      for (auto *e : pt->expr())
        tuple->elements.push_back(buildExpr(e));
      return tuple;
    }
    if (auto *l = dynamic_cast<TesseraParser::ListLitContext *>(p)) {
      auto list = std::make_shared<ast::ListExpr>(r);
      for (auto *e : l->expr())
        list->elements.push_back(buildExpr(e));
      return list;
    }
    auto *rec = static_cast<TesseraParser::RecordLitContext *>(p);
    auto record = std::make_shared<ast::RecordExpr>(r);
    for (auto *f : rec->field())
      record->fields.push_back(
          {f->IDENT()->getText(), range(f->IDENT()), buildExpr(f->expr())});
    return record;
  }

public:
  // A lambda whose parameter list is not names (reported by parseModule).
  std::optional<SourceRange> badLambda;

private:
  const SourceFile &file;
  const OffsetMap &offsets;
};

// The parser and every pass over the AST recurse on nesting, so absurd
// nesting is refused up front with a clear error instead of exhausting the
// stack (docs/language.md, "Limits"). Direct/Lexer.cpp counts the same way.
//
// What the limits count, by token type: worked out once from the literal
// names of the vocabulary ("'('"), so that the loop compares no text.
struct LimitRole {
  bool opens = false, closes = false, resetsOperators = false,
       isOperator = false;
};

std::vector<LimitRole> limitRoles(const antlr4::dfa::Vocabulary &vocab) {
  auto in = [](const std::string &t, std::initializer_list<const char *> l) {
    return std::find(l.begin(), l.end(), t) != l.end();
  };
  std::vector<LimitRole> roles(vocab.getMaxTokenType() + 1);
  for (size_t type = 0; type < roles.size(); ++type) {
    std::string lit = vocab.getLiteralName(type); // "'('", or "" if none
    if (lit.size() < 2)
      continue;
    std::string text = lit.substr(1, lit.size() - 2);
    roles[type].opens = in(text, {"(", "[", "{"});
    roles[type].closes = in(text, {")", "]", "}"});
    roles[type].resetsOperators =
        in(text, {"let", "return", "minimize", "{", "}"});
    roles[type].isOperator =
        in(text, {"+", "-", "*", "/", "%", "@", "**", "!", "==", "!=", "<",
                  "<=", ">", ">=", "&&", "||", "=>"});
  }
  return roles;
}

bool checkLimits(antlr4::CommonTokenStream &tokens,
                 const antlr4::dfa::Vocabulary &vocab, const SourceFile &file,
                 const OffsetMap &offsets, DiagnosticEngine &diags) {
  constexpr int kMaxDepth = 256;
  constexpr int kMaxOperators = 4096;
  static const std::vector<LimitRole> roles = limitRoles(vocab);
  int depth = 0, operators = 0;
  for (antlr4::Token *t : tokens.getTokens()) {
    size_t type = t->getType();
    if (type >= roles.size())
      continue; // EOF
    const LimitRole &role = roles[type];
    auto where = [&] {
      return SourceRange{&file, offsets.byteOffset(t->getStartIndex()),
                         offsets.byteOffset(t->getStopIndex() + 1)};
    };
    if (role.opens) {
      if (++depth > kMaxDepth) {
        diags.error(where(), "nesting is too deep (more than " +
                                 std::to_string(kMaxDepth) + " levels)");
        return false;
      }
    } else if (role.closes) {
      depth = std::max(0, depth - 1);
    }
    if (role.resetsOperators)
      operators = 0;
    else if (role.isOperator && ++operators > kMaxOperators) {
      diags.error(where(), "statement is too long (more than " +
                               std::to_string(kMaxOperators) + " operators)");
      return false;
    }
  }
  return true;
}

} // namespace

namespace detail {

std::optional<ast::Module> parseDirect(const SourceFile &file) {
  return direct::parse(file);
}

std::optional<ast::Module> parseWithANTLR(const SourceFile &file,
                                          DiagnosticEngine &diags) {
  OffsetMap offsets(file.text());
  antlr4::ANTLRInputStream input(file.text());
  TesseraLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (!checkLimits(tokens, lexer.getVocabulary(), file, offsets, diags))
    return std::nullopt;
  TesseraParser parser(&tokens);
  parser.removeErrorListeners();

  // Stage 1: SLL with bail-out; almost every valid file parses here.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  TesseraParser::ProgramContext *tree = nullptr;
  try {
    tree = parser.program();
  } catch (antlr4::ParseCancellationException &) {
    tree = nullptr;
  }

  // Stage 2: full LL with error recovery and reporting.
  if (!tree) {
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    SyntaxErrorListener listener(file, offsets, diags);
    parser.addErrorListener(&listener);
    tree = parser.program();
    if (parser.getNumberOfSyntaxErrors() > 0)
      return std::nullopt;
  }
  ASTBuilder builder(file, offsets);
  ast::Module module = builder.build(tree);
  if (builder.badLambda) {
    diags.error(*builder.badLambda,
                "a lambda's parameters must be names, as in "
                "`x => ...` or `(x, y) => ...`");
    return std::nullopt;
  }
  return module;
}

} // namespace detail

std::optional<ast::Module> parseModule(const SourceFile &file,
                                       DiagnosticEngine &diags) {
  long bad = firstInvalidUtf8(file.text());
  if (bad >= 0) {
    auto at = static_cast<unsigned>(bad);
    diags.error({&file, at, at + 1}, "source is not valid UTF-8");
    return std::nullopt;
  }
  if (auto module = detail::parseDirect(file))
    return module;
  return detail::parseWithANTLR(file, diags);
}

} // namespace tessera
