// Two-stage parse (SLL, then LL on failure) and the parse tree -> AST step.
#include "tessera/Frontend/Parser.h"

#include "TesseraLexer.h"
#include "TesseraParser.h"
#include "antlr4-runtime.h"

#include <cstdlib>

namespace tessera {
namespace {

// ANTLR indexes characters by code point; diagnostics use byte offsets.
class OffsetMap {
public:
  explicit OffsetMap(const std::string &text) {
    for (unsigned i = 0; i < text.size(); ++i)
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

// Returns the byte offset of the first invalid UTF-8 sequence, or -1.
long firstInvalidUtf8(const std::string &s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                            : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size())
      return static_cast<long>(i);
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return static_cast<long>(i);
    i += len;
  }
  return -1;
}

class SyntaxErrorListener : public antlr4::BaseErrorListener {
public:
  SyntaxErrorListener(const SourceFile &f, const OffsetMap &m,
                      DiagnosticEngine &d)
      : file(f), offsets(m), diags(d) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *tok,
                   size_t, size_t, const std::string &,
                   std::exception_ptr) override {
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
      else
        msg = "unexpected '" + tok->getText() + "'";
    }
    if (auto *parser = dynamic_cast<antlr4::Parser *>(recognizer)) {
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
      else
        names.push_back(vocab.getLiteralName(t));
    }
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
    unsigned e = stop && stop->getStopIndex() != static_cast<size_t>(-1) &&
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
    for (auto *d : p->decl())
      if (auto *f = d->funcDecl())
        m.funcs.push_back(buildFunc(f));
    return m;
  }

private:
  ast::FuncDecl buildFunc(TesseraParser::FuncDeclContext *f) {
    ast::FuncDecl fn;
    fn.isEntry = f->kind->getText() == "entry";
    fn.name = f->name->getText();
    fn.nameRange = range(f->name);
    fn.range = range(f);
    if (auto *dp = f->dimParams())
      for (auto *id : dp->IDENT())
        fn.dimParams.emplace_back(id->getText(), range(id));
    if (auto *pl = f->paramList())
      for (auto *p : pl->param())
        fn.params.push_back(
            {p->IDENT()->getText(), range(p->IDENT()), buildType(p->tensorType())});
    if (auto *single = dynamic_cast<TesseraParser::SingleResultContext *>(
            f->resultList())) {
      fn.results.push_back(
          {"out0", range(single->tensorType()), buildType(single->tensorType())});
    } else if (auto *named = dynamic_cast<TesseraParser::NamedResultsContext *>(
                   f->resultList())) {
      for (auto *r : named->namedResult())
        fn.results.push_back({r->IDENT()->getText(), range(r->IDENT()),
                              buildType(r->tensorType())});
    }
    for (auto *s : f->block()->stmt())
      fn.body.push_back(buildStmt(s));
    return fn;
  }

  ast::TensorType buildType(TesseraParser::TensorTypeContext *t) {
    ast::TensorType ty;
    ty.dtype = t->dtype->getText();
    ty.dtypeRange = range(t->dtype);
    ty.range = range(t);
    for (auto *d : t->dim()) {
      ast::Dim dim;
      dim.range = range(d);
      if (d->INT())
        dim.value = parseExtent(d->getText());
      else
        dim.value = d->getText();
      ty.dims.push_back(std::move(dim));
    }
    return ty;
  }

  // Out-of-range extents become -1; Sema reports them with their place.
  static int64_t parseExtent(const std::string &s) {
    if (s.size() > 18)
      return -1;
    return std::strtoll(s.c_str(), nullptr, 10);
  }

  ast::Stmt buildStmt(TesseraParser::StmtContext *s) {
    ast::Stmt st;
    st.range = range(s);
    if (auto *let = dynamic_cast<TesseraParser::LetStmtContext *>(s)) {
      st.kind = ast::Stmt::Kind::Let;
      st.name = let->IDENT()->getText();
      st.nameRange = range(let->IDENT());
      st.values.push_back(buildExpr(let->expr()));
    } else {
      auto *ret = static_cast<TesseraParser::ReturnStmtContext *>(s);
      st.kind = ast::Stmt::Kind::Return;
      for (auto *e : ret->expr())
        st.values.push_back(buildExpr(e));
    }
    return st;
  }

  ast::ExprPtr buildExpr(TesseraParser::ExprContext *e) {
    SourceRange r = range(e);
    if (auto *p = dynamic_cast<TesseraParser::ParenExprContext *>(e)) {
      ast::ExprPtr inner = buildExpr(p->expr());
      inner->range = r;
      return inner;
    }
    if (auto *n = dynamic_cast<TesseraParser::NegExprContext *>(e))
      return std::make_unique<ast::UnaryExpr>(r, '-', buildExpr(n->expr()));
    if (auto *m = dynamic_cast<TesseraParser::MulExprContext *>(e))
      return std::make_unique<ast::BinaryExpr>(
          r, m->op->getText()[0], buildExpr(m->expr(0)), buildExpr(m->expr(1)),
          range(m->op));
    if (auto *a = dynamic_cast<TesseraParser::AddExprContext *>(e))
      return std::make_unique<ast::BinaryExpr>(
          r, a->op->getText()[0], buildExpr(a->expr(0)), buildExpr(a->expr(1)),
          range(a->op));
    if (auto *c = dynamic_cast<TesseraParser::CallExprContext *>(e)) {
      auto call = std::make_unique<ast::CallExpr>(r, c->IDENT()->getText(),
                                                  range(c->IDENT()));
      for (auto *arg : c->expr())
        call->args.push_back(buildExpr(arg));
      return call;
    }
    if (auto *n = dynamic_cast<TesseraParser::NameExprContext *>(e))
      return std::make_unique<ast::NameExpr>(r, n->IDENT()->getText());
    auto *num = static_cast<TesseraParser::NumberExprContext *>(e);
    std::string text = num->getText();
    return std::make_unique<ast::NumberExpr>(r, std::strtod(text.c_str(), nullptr),
                                             num->INT() != nullptr);
  }

  const SourceFile &file;
  const OffsetMap &offsets;
};

} // namespace

std::optional<ast::Module> parseModule(const SourceFile &file,
                                       DiagnosticEngine &diags) {
  long bad = firstInvalidUtf8(file.text());
  if (bad >= 0) {
    auto at = static_cast<unsigned>(bad);
    diags.error({&file, at, at + 1}, "source is not valid UTF-8");
    return std::nullopt;
  }
  OffsetMap offsets(file.text());
  antlr4::ANTLRInputStream input(file.text());
  TesseraLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
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
  return ASTBuilder(file, offsets).build(tree);
}

} // namespace tessera
