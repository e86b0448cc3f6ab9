// The direct parser: grammar/Tessera.g4's rules as recursive descent, each
// building the AST node that Parser.cpp's ASTBuilder builds from the same
// rule's parse tree, with the same source ranges (a node spans its first to
// its last token). Whatever is not valid input throws NotHandled.
#include "Parser.h"

#include "../ASTRules.h"
#include "Lexer.h"

namespace tessera::direct {
namespace {

// Thrown where the input stops being valid: the ANTLR parser takes over.
struct NotHandled {};

bool startsExpr(Tok k) {
  switch (k) {
  case Tok::Int:
  case Tok::Float:
  case Tok::String:
  case Tok::True:
  case Tok::False:
  case Tok::Ident:
  case Tok::LParen:
  case Tok::LBracket:
  case Tok::LBrace:
  case Tok::Minus:
  case Tok::Bang:
    return true;
  default:
    return false;
  }
}

// What may follow a declaration: the next one, or the end.
bool startsDeclOrEnds(Tok k) {
  switch (k) {
  case Tok::End:
  case Tok::Entry:
  case Tok::Op:
  case Tok::Train:
  case Tok::Adjoint:
  case Tok::Const:
  case Tok::Param:
  case Tok::Policy:
  case Tok::Mesh:
  case Tok::Let:
    return true;
  default:
    return false;
  }
}

// The precedence levels ANTLR gives `expr`'s alternatives when it rewrites
// the left recursion (see expr(int) in the generated TesseraParser.cpp): a
// suffix or binary operator of level L continues an expression parsed at
// level p when L >= p, and parses its right operand at `rhs`.
struct Level {
  int level, rhs;
};
constexpr int kUnaryOperand = 7;
std::optional<Level> binaryLevel(Tok k) {
  switch (k) {
  case Tok::StarStar:
    return Level{8, 8}; // right-associative
  case Tok::Star:
  case Tok::Slash:
  case Tok::Percent:
  case Tok::At:
    return Level{6, 7};
  case Tok::Plus:
  case Tok::Minus:
    return Level{5, 6};
  case Tok::EqEq:
  case Tok::NotEq:
  case Tok::Less:
  case Tok::LessEq:
  case Tok::Greater:
  case Tok::GreaterEq:
    return Level{4, 5};
  case Tok::AndAnd:
    return Level{3, 4};
  case Tok::OrOr:
    return Level{2, 3};
  case Tok::FatArrow:
    return Level{1, 1}; // right-associative
  default:
    return std::nullopt;
  }
}
constexpr int kCallLevel = 11, kIndexLevel = 10, kMemberLevel = 9;

class Parser {
public:
  Parser(const SourceFile &f, const std::vector<Token> &t)
      : file(f), text(f.text()), toks(t) {}

  ast::Module program() {
    ast::Module m;
    if (accept(Tok::Module))
      m.nameRange = qualifiedName(m.name);
    while (at(Tok::Import)) {
      unsigned begin = next().begin;
      ast::ImportDecl i;
      i.pathRange = qualifiedName(i.path);
      if (accept(Tok::As))
        i.alias = str(expect(Tok::Ident));
      i.range = span(begin);
      m.imports.push_back(std::move(i));
    }
    while (!at(Tok::End))
      decl(m);
    return m;
  }

private:
  // ---- tokens ------------------------------------------------------------

  Tok kind(size_t ahead = 0) const {
    return toks[std::min(pos + ahead, toks.size() - 1)].kind;
  }
  bool at(Tok k) const { return toks[pos].kind == k; }
  // Tok::End is never consumed: it stays the current token.
  const Token &next() { return at(Tok::End) ? toks[pos] : toks[pos++]; }
  bool accept(Tok k) {
    if (!at(k))
      return false;
    ++pos;
    return true;
  }
  const Token &expect(Tok k) {
    if (!at(k))
      throw NotHandled{};
    return toks[pos++];
  }
  std::string str(const Token &t) const {
    return text.substr(t.begin, t.end - t.begin);
  }
  SourceRange range(const Token &t) const { return {&file, t.begin, t.end}; }
  // From `begin` to the end of the last token consumed.
  SourceRange span(unsigned begin) const {
    return {&file, begin, toks[pos - 1].end};
  }
  std::pair<std::string, SourceRange> name() {
    const Token &t = expect(Tok::Ident);
    return {str(t), range(t)};
  }

  // ---- declarations ------------------------------------------------------

  SourceRange qualifiedName(std::string &out) {
    const Token &first = expect(Tok::Ident);
    out = str(first);
    while (accept(Tok::Dot))
      out += "." + str(expect(Tok::Ident));
    return span(first.begin);
  }

  void decl(ast::Module &m) {
    switch (kind()) {
    case Tok::Entry:
    case Tok::Op:
      return m.funcs.push_back(funcDecl());
    case Tok::Train:
      return m.trains.push_back(trainDecl());
    case Tok::Adjoint:
      return m.adjoints.push_back(adjointDecl());
    case Tok::Const:
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Const));
    case Tok::Let:
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Let));
    case Tok::Policy:
      return m.values.push_back(valueDecl(ast::ValueDecl::Kind::Policy));
    case Tok::Param:
      return m.params.push_back(paramDecl());
    case Tok::Mesh:
      return m.meshes.push_back(meshDecl());
    default:
      throw NotHandled{};
    }
  }

  ast::FuncDecl funcDecl() {
    ast::FuncDecl fn;
    const Token &kw = next();
    fn.isEntry = kw.kind == Tok::Entry;
    std::tie(fn.name, fn.nameRange) = name();
    if (at(Tok::LBracket))
      fn.dimParams = dimParams();
    fn.params = paramList();
    if (accept(Tok::Arrow)) {
      fn.hasResultType = true;
      if (accept(Tok::LParen)) {
        do
          fn.results.push_back(resultItem(fn.results.size()));
        while (accept(Tok::Comma));
        expect(Tok::RParen);
      } else {
        ast::TensorType t = type();
        SourceRange where = t.range;
        fn.results.push_back({"out0", where, std::move(t)});
      }
    }
    if (accept(Tok::Policy))
      fn.policy = expr(0);
    fn.body = block();
    fn.range = span(kw.begin);
    return fn;
  }

  // (IDENT ':')? type; an unnamed result is out<index>.
  ast::Param resultItem(size_t index) {
    if (at(Tok::Ident) && kind(1) == Tok::Colon) {
      auto [n, where] = name();
      next();
      return {n, where, type()};
    }
    ast::TensorType t = type();
    SourceRange where = t.range;
    return {"out" + std::to_string(index), where, std::move(t)};
  }

  ast::TrainDecl trainDecl() {
    ast::TrainDecl tr;
    unsigned begin = next().begin;
    std::tie(tr.name, tr.nameRange) = name();
    if (at(Tok::LBracket))
      tr.dimParams = dimParams();
    tr.params = paramList();
    expect(Tok::With);
    tr.optimizer = expr(0);
    if (accept(Tok::Policy))
      tr.policy = expr(0);
    tr.body = block();
    tr.range = span(begin);
    return tr;
  }

  ast::AdjointDecl adjointDecl() {
    ast::AdjointDecl adj;
    unsigned begin = next().begin;
    std::tie(adj.name, adj.nameRange) = name();
    expect(Tok::LParen);
    do
      adj.params.push_back(name());
    while (accept(Tok::Comma));
    expect(Tok::RParen);
    adj.body = block();
    adj.range = span(begin);
    return adj;
  }

  // const / let / policy NAME (: type)? = expr; a policy has no type.
  ast::ValueDecl valueDecl(ast::ValueDecl::Kind k) {
    ast::ValueDecl v;
    v.kind = k;
    unsigned begin = next().begin;
    std::tie(v.name, v.nameRange) = name();
    if (k != ast::ValueDecl::Kind::Policy && accept(Tok::Colon))
      v.type = type();
    expect(Tok::Assign);
    v.value = expr(0);
    v.range = span(begin);
    return v;
  }

  // `param NAME: type (= init)?` or `param NAME: ctor`. Where both parse,
  // as in `param w: f32[N] @ shard(M)`, ANTLR predicts the first: the
  // declaration is a tensor parameter if it parses as one up to the next
  // declaration, and an operator parameter otherwise.
  ast::ParamDecl paramDecl() {
    ast::ParamDecl p;
    unsigned begin = next().begin;
    std::tie(p.name, p.nameRange) = name();
    expect(Tok::Colon);
    size_t mark = pos;
    int depth = exprDepth;
    try {
      ast::TensorType t = type();
      ast::ExprPtr init;
      if (accept(Tok::Assign))
        init = expr(0);
      if (!startsDeclOrEnds(kind()))
        throw NotHandled{};
      p.type = std::move(t);
      p.init = std::move(init);
    } catch (const NotHandled &) {
      pos = mark;
      exprDepth = depth;
      p.ctor = expr(0);
    }
    p.range = span(begin);
    return p;
  }

  ast::MeshDecl meshDecl() {
    ast::MeshDecl mesh;
    unsigned begin = next().begin;
    std::tie(mesh.name, mesh.nameRange) = name();
    expect(Tok::Assign);
    expect(Tok::Mesh);
    expect(Tok::LParen);
    mesh.args = argList(Tok::RParen);
    mesh.range = span(begin);
    return mesh;
  }

  ast::DimParams dimParams() {
    ast::DimParams dims;
    expect(Tok::LBracket);
    do
      dims.push_back(name());
    while (accept(Tok::Comma));
    expect(Tok::RBracket);
    return dims;
  }

  // '(' (IDENT ':' type (',' IDENT ':' type)*)? ')'
  std::vector<ast::Param> paramList() {
    std::vector<ast::Param> params;
    expect(Tok::LParen);
    if (at(Tok::Ident)) {
      do {
        auto [n, where] = name();
        expect(Tok::Colon);
        params.push_back({std::move(n), where, type()});
      } while (accept(Tok::Comma));
    }
    expect(Tok::RParen);
    return params;
  }

  // INT, IDENT, or grammar/Tessera.g4's dimForm: an extent computed from
  // dims, terms added and subtracted (N-1, -N+5, N+M, 2*N, N/2-1,
  // (N+1)/2).
  ast::Dim dim() {
    ast::Dim dim;
    unsigned begin = toks[pos].begin;
    size_t first = pos;
    std::string written;
    auto take = [&](Tok k) { written += str(expect(k)); };
    // dimSummand: INT, IDENT, INT '*' IDENT.
    auto summand = [&] {
      if (!at(Tok::Int)) {
        take(Tok::Ident);
        return;
      }
      take(Tok::Int);
      if (at(Tok::Star)) {
        take(Tok::Star);
        take(Tok::Ident);
      }
    };
    // dimTerm: a summand, IDENT '/' INT, or '(' '-'? summands ')' '/' INT.
    auto term = [&] {
      if (at(Tok::LParen)) {
        take(Tok::LParen);
        if (at(Tok::Minus))
          take(Tok::Minus);
        summand();
        while (at(Tok::Plus) || at(Tok::Minus)) {
          take(kind());
          summand();
        }
        take(Tok::RParen);
        take(Tok::Slash);
        take(Tok::Int);
      } else if (at(Tok::Ident) && kind(1) == Tok::Slash) {
        take(Tok::Ident);
        take(Tok::Slash);
        take(Tok::Int);
      } else {
        summand();
      }
    };
    if (at(Tok::Minus))
      take(Tok::Minus);
    term();
    while (at(Tok::Plus) || at(Tok::Minus)) {
      take(kind());
      term();
    }
    dim.range = span(begin);
    // One INT or IDENT alone: dim's own alternatives.
    if (pos == first + 1 && toks[first].kind == Tok::Int) {
      dim.value = ast::parseExtent(written);
      return dim;
    }
    if (pos == first + 1)
      dim.value = written;
    else
      dim.value = ast::dimFormText(written);
    return dim;
  }

  ast::TensorType type() {
    ast::TensorType ty;
    const Token &dtype = expect(Tok::Ident);
    ty.dtype = str(dtype);
    ty.dtypeRange = range(dtype);
    if (accept(Tok::LBracket)) {
      if (!at(Tok::RBracket)) {
        do
          ty.dims.push_back(dim());
        while (accept(Tok::Comma));
      }
      expect(Tok::RBracket);
    }
    if (accept(Tok::At))
      ty.layout = expr(0);
    ty.range = span(dtype.begin);
    return ty;
  }

  // ---- statements --------------------------------------------------------

  std::vector<ast::Stmt> block() {
    std::vector<ast::Stmt> body;
    expect(Tok::LBrace);
    while (!accept(Tok::RBrace))
      body.push_back(stmt());
    return body;
  }

  ast::Stmt stmt() {
    ast::Stmt st;
    const Token &kw = next();
    switch (kw.kind) {
    case Tok::Let:
      if (accept(Tok::LParen)) { // let (a, b, ...) = expr
        st.kind = ast::Stmt::Kind::TupleLet;
        st.names.push_back(name());
        expect(Tok::Comma);
        do
          st.names.push_back(name());
        while (accept(Tok::Comma));
        expect(Tok::RParen);
      } else {
        st.kind = ast::Stmt::Kind::Let;
        st.names.push_back(name());
        if (accept(Tok::Colon))
          st.type = type();
      }
      expect(Tok::Assign);
      st.values.push_back(expr(0));
      break;
    case Tok::Return:
      st.kind = ast::Stmt::Kind::Return;
      if (startsExpr(kind())) {
        do
          st.values.push_back(expr(0));
        while (accept(Tok::Comma));
      }
      break;
    case Tok::Minimize:
      st.kind = ast::Stmt::Kind::Minimize;
      st.values.push_back(expr(0));
      break;
    default:
      throw NotHandled{};
    }
    st.range = span(kw.begin);
    return st;
  }

  // ---- expressions -------------------------------------------------------

  // An expression at precedence `level` (0: any).
  ast::ExprPtr expr(int level) {
    // Deeper nesting is absurd (lambda chains `x => y => ...`, which the
    // limits do not bound, get there): leaving it to the ANTLR parser, as
    // before, bounds the stack this parser takes.
    if (exprDepth >= kMaxExprDepth)
      throw NotHandled{};
    ++exprDepth;
    ast::ExprPtr e = exprAt(level);
    --exprDepth;
    return e;
  }

  // The helpers expr() calls are kept out of line, so that its frame,
  // which nesting multiplies, stays small.
  ast::ExprPtr exprAt(int level) {
    unsigned begin = toks[pos].begin;
    ast::ExprPtr e = at(Tok::Minus) || at(Tok::Bang) ? unary() : primary();
    while (true) {
      Tok k = kind();
      if ((k == Tok::LParen && kCallLevel >= level) ||
          (k == Tok::LBracket && kIndexLevel >= level) ||
          (k == Tok::Dot && kMemberLevel >= level)) {
        e = suffix(begin, std::move(e));
      } else if (auto l = binaryLevel(k); l && l->level >= level) {
        const Token &op = next();
        ast::ExprPtr rhs = expr(l->rhs);
        e = binary(begin, op, std::move(e), std::move(rhs));
      } else {
        return e;
      }
    }
  }

  [[gnu::noinline]] ast::ExprPtr unary() {
    const Token &op = next();
    ast::ExprPtr operand = expr(kUnaryOperand);
    return std::make_shared<ast::UnaryExpr>(span(op.begin), str(op),
                                            std::move(operand));
  }

  // A call, an index or a member of `e`, which starts at `begin`.
  [[gnu::noinline]] ast::ExprPtr suffix(unsigned begin, ast::ExprPtr e) {
    Tok k = next().kind;
    if (k == Tok::LParen) {
      auto call = std::make_shared<ast::CallExpr>(SourceRange{}, std::move(e));
      call->args = argList(Tok::RParen);
      call->range = span(begin);
      return call;
    }
    if (k == Tok::LBracket) {
      auto index =
          std::make_shared<ast::IndexExpr>(SourceRange{}, std::move(e));
      do
        index->slices.push_back(slice());
      while (accept(Tok::Comma));
      expect(Tok::RBracket);
      index->range = span(begin);
      return index;
    }
    auto [member, where] = name();
    return std::make_shared<ast::MemberExpr>(span(begin), std::move(e),
                                             std::move(member), where);
  }

  [[gnu::noinline]] ast::ExprPtr binary(unsigned begin, const Token &op,
                                        ast::ExprPtr lhs, ast::ExprPtr rhs) {
    SourceRange r = span(begin);
    if (op.kind == Tok::FatArrow) {
      auto lambda = std::make_shared<ast::LambdaExpr>(r);
      if (ast::setLambdaParams(*lambda, lhs))
        throw NotHandled{}; // reported by the ANTLR path
      lambda->body = std::move(rhs);
      return lambda;
    }
    // `**` keeps its left operand's range as its operator's (as the ANTLR
    // path does).
    SourceRange opRange = op.kind == Tok::StarStar ? lhs->range : range(op);
    return std::make_shared<ast::BinaryExpr>(r, str(op), std::move(lhs),
                                             std::move(rhs), opRange);
  }

  [[gnu::noinline]] ast::ExprPtr primary() {
    const Token &t = next();
    switch (t.kind) {
    case Tok::Int:
    case Tok::Float:
      return ast::makeNumber(range(t), str(t), t.kind == Tok::Int);
    case Tok::String:
      return std::make_shared<ast::StringExpr>(
          range(t), text.substr(t.begin + 1, t.end - t.begin - 2));
    case Tok::True:
    case Tok::False:
      return std::make_shared<ast::BoolExpr>(range(t), t.kind == Tok::True);
    case Tok::Ident:
      return std::make_shared<ast::NameExpr>(range(t), str(t));
    case Tok::LParen: { // (), (e), (e,), (a, b)
      std::vector<ast::ExprPtr> elements;
      bool trailing = false;
      if (!at(Tok::RParen)) {
        elements.push_back(expr(0));
        while (accept(Tok::Comma)) {
          if (at(Tok::RParen)) {
            trailing = true;
            break;
          }
          elements.push_back(expr(0));
        }
      }
      expect(Tok::RParen);
      SourceRange r = span(t.begin);
      if (elements.size() == 1 && !trailing) {
        elements[0]->range = r;
        return elements[0];
      }
      auto tuple = std::make_shared<ast::TupleExpr>(r);
      tuple->elements = std::move(elements);
      return tuple;
    }
    case Tok::LBracket: {
      auto list = std::make_shared<ast::ListExpr>(SourceRange{});
      if (!at(Tok::RBracket)) {
        do
          list->elements.push_back(expr(0));
        while (accept(Tok::Comma));
      }
      expect(Tok::RBracket);
      list->range = span(t.begin);
      return list;
    }
    case Tok::LBrace: {
      auto record = std::make_shared<ast::RecordExpr>(SourceRange{});
      if (!at(Tok::RBrace)) {
        do {
          auto [n, where] = name();
          expect(Tok::Colon);
          record->fields.push_back({std::move(n), where, expr(0)});
        } while (accept(Tok::Comma));
      }
      expect(Tok::RBrace);
      record->range = span(t.begin);
      return record;
    }
    default:
      throw NotHandled{};
    }
  }

  // (arg (',' arg)*)? `close`; an arg is (IDENT ':')? expr.
  std::vector<ast::Arg> argList(Tok close) {
    std::vector<ast::Arg> args;
    if (!at(close)) {
      do {
        ast::Arg a;
        if (at(Tok::Ident) && kind(1) == Tok::Colon) {
          std::tie(a.name, a.nameRange) = name();
          next();
        }
        a.value = expr(0);
        args.push_back(std::move(a));
      } while (accept(Tok::Comma));
    }
    expect(close);
    return args;
  }

  // An index `e`, or a range `lo:hi:step` with every part optional.
  ast::Slice slice() {
    ast::Slice s;
    unsigned begin = toks[pos].begin;
    ast::ExprPtr first;
    if (!at(Tok::Colon)) {
      first = expr(0);
      if (!at(Tok::Colon)) {
        s.index = std::move(first);
        s.range = span(begin);
        return s;
      }
    }
    s.isRange = true;
    s.lo = std::move(first);
    expect(Tok::Colon);
    if (startsExpr(kind()))
      s.hi = expr(0);
    if (accept(Tok::Colon) && startsExpr(kind()))
      s.step = expr(0);
    s.range = span(begin);
    return s;
  }

  const SourceFile &file;
  const std::string &text;
  const std::vector<Token> &toks;
  size_t pos = 0;
  static constexpr int kMaxExprDepth = 8192;
  int exprDepth = 0;
};

} // namespace

std::optional<ast::Module> parse(const SourceFile &file) {
  std::vector<Token> tokens;
  if (!lex(file.text(), tokens))
    return std::nullopt;
  try {
    return Parser(file, tokens).program();
  } catch (const NotHandled &) {
    return std::nullopt;
  }
}

} // namespace tessera::direct
