#include "CursorContext.h"

#include "SemaTypes.h"

#include <algorithm>
#include <set>

namespace tessera::lsp {

using Kind = LexToken::Kind;

namespace {

// Token-level reading helpers over one analysis.
class Tokens {
public:
  explicit Tokens(const Analysis &a) : a(a), toks(a.tokens()) {}

  int size() const { return static_cast<int>(toks.size()); }
  const LexToken &operator[](int i) const { return toks[i]; }
  std::string text(int i) const {
    return a.text().substr(toks[i].begin, toks[i].end - toks[i].begin);
  }
  bool is(int i, const char *s) const {
    if (i < 0 || i >= size())
      return false;
    const LexToken &t = toks[i];
    return t.end - t.begin == std::char_traits<char>::length(s) &&
           a.text().compare(t.begin, t.end - t.begin, s) == 0;
  }
  bool isName(int i) const {
    return i >= 0 && i < size() && toks[i].kind == Kind::Name;
  }
  bool isKeyword(int i) const {
    return i >= 0 && i < size() && toks[i].kind == Kind::Keyword;
  }
  // The nearest token before / after `i` that is not a comment.
  int prev(int i) const {
    for (--i; i >= 0 && toks[i].kind == Kind::Comment; --i)
      ;
    return i;
  }
  int next(int i) const {
    for (++i; i < size() && toks[i].kind == Kind::Comment; ++i)
      ;
    return i;
  }
  bool opens(int i) const { return is(i, "(") || is(i, "[") || is(i, "{"); }
  bool closes(int i) const { return is(i, ")") || is(i, "]") || is(i, "}"); }

  // Keywords that start a statement or a declaration: never inside brackets.
  bool startsStatement(int i) const {
    static const char *kws[] = {
        "module", "import", "const",   "param", "policy", "mesh",     "op",
        "entry",  "train",  "adjoint", "let",   "return", "minimize", "with"};
    if (!isKeyword(i))
      return false;
    for (const char *k : kws)
      if (is(i, k))
        return true;
    return false;
  }

  // Starts a module-level declaration, whatever the bracket depth says
  // (`policy` and `mesh` also appear inside declarations; `let` only counts
  // at depth 0).
  bool startsDeclaration(int i) const {
    static const char *always[] = {"module", "import", "const", "param",
                                   "op",     "entry",  "train", "adjoint"};
    if (!isKeyword(i))
      return false;
    for (const char *k : always)
      if (is(i, k))
        return true;
    if (is(i, "policy") || is(i, "mesh"))
      return isName(next(i)) && is(next(next(i)), "=");
    return false;
  }

  // The innermost bracket opened before token `i` (inclusive) and not
  // closed by then; -1 at statement level.
  int openBracket(int i) const {
    int depth = 0;
    for (int j = i; j >= 0; --j) {
      if (toks[j].kind == Kind::Comment)
        continue;
      if (closes(j))
        ++depth;
      else if (opens(j)) {
        if (depth == 0)
          return j;
        --depth;
      } else if (depth == 0 && startsStatement(j)) {
        return -1;
      }
    }
    return -1;
  }

  // The text of tokens [first, last] with runs of whitespace as one space.
  std::string span(int first, int last) const {
    std::string out;
    for (unsigned k = toks[first].begin; k < toks[last].end; ++k) {
      char c = a.text()[k];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!out.empty() && out.back() != ' ')
          out += ' ';
      } else {
        out += c;
      }
    }
    return out;
  }

  const Analysis &a;
  const std::vector<LexToken> &toks;
};

bool isFunctionKeyword(const Tokens &t, int i) {
  return t.is(i, "op") || t.is(i, "entry") || t.is(i, "train") ||
         t.is(i, "adjoint");
}

// The names of `softmax(x, axis) — ...`'s parameters.
std::vector<std::string> builtinParams(const std::string &sig) {
  std::vector<std::string> out;
  size_t open = sig.find('('), close = sig.find(')');
  if (open == std::string::npos || close == std::string::npos || close < open)
    return out;
  std::string inner = sig.substr(open + 1, close - open - 1);
  if (inner == "no arguments")
    return out;
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(", ", start);
    std::string p = inner.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!p.empty())
      out.push_back(p);
    if (comma == std::string::npos)
      break;
    start = comma + 2;
  }
  return out;
}

} // namespace

CompletionSite completionSiteAt(const Analysis &a, unsigned offset) {
  using What = CompletionSite::What;
  Tokens t(a);
  CompletionSite site;
  site.prefixBegin = offset;
  int last = a.tokenBefore(offset);
  if (last < 0)
    return site;
  const LexToken &tk = t[last];
  if (tk.kind == Kind::Comment || tk.kind == Kind::String) {
    // A line comment or an unterminated one runs to the end of the line.
    const std::string &s = a.text();
    bool open =
        s.compare(tk.begin, 2, "//") == 0 ||
        (tk.kind == Kind::String &&
         (tk.end - tk.begin < 2 || s[tk.end - 1] != '"')) ||
        (tk.kind == Kind::Comment && s.compare(tk.end - 2, 2, "*/") != 0);
    if (offset < tk.end || (offset == tk.end && open)) {
      site.what = What::Nothing;
      return site;
    }
  }
  int before = last;
  if ((tk.kind == Kind::Name || tk.kind == Kind::Keyword) && offset <= tk.end) {
    site.prefixBegin = tk.begin;
    before = t.prev(last);
  } else if (tk.kind == Kind::Comment) {
    before = t.prev(last + 1);
  }
  if (before < 0)
    return site;
  if (t.is(before, ".")) {
    site.what = What::Member;
    if (t.isName(t.prev(before)))
      site.base = t.text(t.prev(before));
    return site;
  }
  if (t.is(before, "->")) {
    site.what = What::Type;
    return site;
  }
  if (t.is(before, ":")) {
    int name = t.prev(before);
    int kw = t.prev(name);
    if (t.isName(name) &&
        (t.is(kw, "let") || t.is(kw, "const") || t.is(kw, "param"))) {
      site.what = What::Type;
      site.constructors = t.is(kw, "param");
      return site;
    }
    int open = t.openBracket(before);
    if (t.isName(name) && t.is(open, "(")) {
      int p = t.prev(open);
      bool header = t.is(p, "]") || t.is(p, "->") ||
                    (t.isName(p) && isFunctionKeyword(t, t.prev(p)));
      if (header) {
        site.what = What::Type;
        return site;
      }
    }
    return site;
  }
  if (t.is(before, "[") || t.is(before, ",")) {
    int open = t.openBracket(before);
    if (t.is(open, "[") && t.isName(t.prev(open)) &&
        isKnownDType(t.text(t.prev(open))))
      site.what = What::Dim;
  }
  return site;
}

std::optional<CallContext> callAt(const Analysis &a, unsigned offset) {
  Tokens t(a);
  int last = a.tokenBefore(offset);
  if (last < 0)
    return std::nullopt;
  bool nested = false;
  int open = t.openBracket(last);
  while (open >= 0) {
    if (t.is(open, "(")) {
      int p = t.prev(open);
      if (t.isName(p)) {
        if (isFunctionKeyword(t, t.prev(p)))
          return std::nullopt; // a declaration's parameter list
        break;
      }
      if (t.closes(p))
        return std::nullopt; // f(x)(y), or a header with dims: no name
    }
    // A tuple, list, record or subscript: look at what holds it.
    nested = true;
    open = t.openBracket(open - 1);
  }
  if (open < 0)
    return std::nullopt;

  CallContext c;
  c.callee = t.text(t.prev(open));
  c.openParen = t[open].begin;
  c.argIndex = 0;
  // Arguments before the cursor: commas at the call's own level.
  int argStart = t.next(open), depth = 0;
  c.positionalBefore = 0;
  for (int j = t.next(open); j <= last && j < t.size(); j = t.next(j)) {
    if (t.opens(j))
      ++depth;
    else if (t.closes(j))
      --depth;
    else if (depth == 0 && t.is(j, ",") && t[j].end <= offset) {
      if (!(t.isName(argStart) && t.is(t.next(argStart), ":")))
        ++c.positionalBefore;
      ++c.argIndex;
      argStart = t.next(j);
    }
  }
  if (argStart < t.size() && t.isName(argStart) &&
      t.is(t.next(argStart), ":") && t[t.next(argStart)].end <= offset)
    c.keyword = t.text(argStart);
  // Before the cursor in this argument: nothing, or the name being typed.
  c.atArgumentStart =
      !nested && (argStart > last || (argStart == last && t.isName(last) &&
                                      t[last].end >= offset));
  // Keyword arguments written anywhere in this call.
  depth = 0;
  bool atStart = true;
  for (int j = t.next(open); j < t.size(); j = t.next(j)) {
    if (t.opens(j)) {
      ++depth;
    } else if (t.closes(j)) {
      if (depth-- == 0)
        break;
    } else if (depth == 0 && t.startsStatement(j)) {
      break;
    } else if (depth == 0 && atStart && t.isName(j) && t.is(t.next(j), ":")) {
      c.keywordsGiven.push_back(t.text(j));
    }
    atStart = depth == 0 && t.is(j, ",");
  }
  return c;
}

std::vector<ScopeName> namesInScope(const Analysis &a, unsigned offset) {
  Tokens t(a);
  const Analysis *parsed = a.parsed();
  std::vector<ScopeName> locals, globals;

  auto globalDetail = [&](const std::string &name, DeclKind kind) {
    if (!parsed)
      return std::string();
    auto it = parsed->sema.globals.find(name);
    if (it == parsed->sema.globals.end())
      return std::string();
    if (kind == DeclKind::Op || kind == DeclKind::Entry)
      return (kind == DeclKind::Entry ? "entry " : "") +
             signatureText(it->second);
    return typeText(it->second);
  };

  // Module-level declarations, and the function holding the cursor.
  int depth = 0, function = -1;
  for (int i = 0; i < t.size(); i = t.next(i)) {
    if (t.startsDeclaration(i))
      depth = 0;
    if (t.opens(i)) {
      ++depth;
    } else if (t.closes(i)) {
      depth = std::max(0, depth - 1);
      // The function's body ended before the cursor.
      if (depth == 0 && t.is(i, "}") && t[i].end <= offset)
        function = -1;
    }
    if (depth != 0 || !t.isKeyword(i) ||
        !(t.startsDeclaration(i) || t.is(i, "let")))
      continue;
    if (t[i].begin < offset)
      function = isFunctionKeyword(t, i) ? i : -1;
    int n = t.next(i);
    if (!t.isName(n))
      continue;
    std::string kw = t.text(i);
    if (kw == "import") {
      int lastName = n;
      for (int j = t.next(n); t.is(j, ".") && t.isName(t.next(j));
           j = t.next(t.next(j)))
        lastName = t.next(j);
      int as = t.next(lastName);
      if (t.is(as, "as") && t.isName(t.next(as)))
        lastName = t.next(as);
      globals.push_back({t.text(lastName), DeclKind::Import, "import"});
      continue;
    }
    DeclKind k;
    if (kw == "const")
      k = DeclKind::Const;
    else if (kw == "param")
      k = DeclKind::Param;
    else if (kw == "policy")
      k = DeclKind::Policy;
    else if (kw == "mesh")
      k = DeclKind::Mesh;
    else if (kw == "let")
      k = DeclKind::ModuleLet;
    else if (kw == "op")
      k = DeclKind::Op;
    else if (kw == "entry")
      k = DeclKind::Entry;
    else if (kw == "train")
      k = DeclKind::Train;
    else
      continue; // module, adjoint: no new name
    std::string name = t.text(n);
    globals.push_back({name, k, globalDetail(name, k)});
  }

  if (function >= 0 && t.isName(t.next(function))) {
    std::string fname = t.text(t.next(function));
    bool isAdjoint = t.is(function, "adjoint");
    // Types of this function's lets, from the newest analysis that parsed.
    auto letDetail = [&](const std::string &name) {
      if (!parsed)
        return std::string();
      std::string found;
      for (const Decl &d : parsed->index().decls)
        if (d.kind == DeclKind::Let && d.name == name && d.parent >= 0 &&
            parsed->index().decls[d.parent].name == fname)
          found = typeText(d.type);
      return found;
    };
    int i = t.next(t.next(function));
    if (t.is(i, "[")) { // dims
      for (i = t.next(i); i < t.size() && !t.is(i, "]") && !t.opens(i);
           i = t.next(i))
        if (t.isName(i))
          locals.push_back({t.text(i), DeclKind::Dim, "dim"});
      i = t.next(i);
    }
    if (t.is(i, "(")) { // parameters
      int d = 0;
      bool atStart = true;
      for (i = t.next(i); i < t.size(); i = t.next(i)) {
        if (t.opens(i))
          ++d;
        else if (t.closes(i) && d-- == 0)
          break;
        if (t.startsStatement(i))
          break;
        if (d == 0 && atStart && t.isName(i)) {
          std::string detail;
          if (t.is(t.next(i), ":")) {
            int first = t.next(t.next(i)), last = first, dd = 0;
            for (int j = first; j < t.size(); j = t.next(j)) {
              if (t.opens(j))
                ++dd;
              else if (t.closes(j) && dd-- == 0)
                break;
              if (dd == 0 && t.is(j, ","))
                break;
              if (t.startsStatement(j))
                break;
              last = j;
            }
            if (first < t.size() && last >= first)
              detail = t.span(first, last);
          }
          if (isAdjoint || !detail.empty())
            locals.push_back(
                {t.text(i),
                 isAdjoint ? DeclKind::AdjointParam : DeclKind::Parameter,
                 detail});
        }
        atStart = d == 0 && t.is(i, ",");
      }
    }
    // Lets of the body before the cursor, but not the one being written
    // (the statement the cursor is in).
    size_t current = locals.size();
    for (; i < t.size() && t[i].begin < offset; i = t.next(i)) {
      if (t.startsStatement(i))
        current = locals.size();
      if (!t.is(i, "let"))
        continue;
      int n = t.next(i);
      if (t.isName(n)) {
        locals.push_back({t.text(n), DeclKind::Let, letDetail(t.text(n))});
      } else if (t.is(n, "(")) {
        for (int j = t.next(n); t.isName(j);) {
          locals.push_back({t.text(j), DeclKind::Let, letDetail(t.text(j))});
          if (!t.is(t.next(j), ","))
            break;
          j = t.next(t.next(j));
        }
      }
    }
    locals.resize(std::min(locals.size(), current));
  }

  // Later lets shadow earlier ones; locals shadow globals.
  std::vector<ScopeName> out;
  std::set<std::string> seen;
  for (auto it = locals.rbegin(); it != locals.rend(); ++it)
    if (seen.insert(it->name).second)
      out.push_back(*it);
  std::reverse(out.begin(), out.end());
  for (const ScopeName &g : globals)
    if (seen.insert(g.name).second)
      out.push_back(g);
  return out;
}

std::optional<CalleeSignature> calleeSignature(const Analysis &a,
                                               const std::string &callee) {
  const Analysis *parsed = a.parsed();
  const Signature *sig = nullptr;
  if (parsed) {
    auto g = parsed->sema.globals.find(callee);
    if (g != parsed->sema.globals.end() &&
        g->second.kind == ExprType::Kind::Function && g->second.sig)
      sig = g->second.sig.get();
  }
  CalleeSignature out;
  if (!sig && sema::isBuiltin(callee)) {
    std::string full = sema::builtinSignature(callee);
    std::string dash = " \u2014 ";
    size_t at = full.find(dash);
    std::string head = full.substr(0, at);
    if (at != std::string::npos)
      out.documentation = full.substr(at + dash.size());
    out.params = builtinParams(head);
    out.label = callee + "(";
    for (size_t i = 0; i < out.params.size(); ++i) {
      if (i)
        out.label += ", ";
      auto begin = static_cast<unsigned>(out.label.size());
      out.label += out.params[i];
      out.paramLabels.emplace_back(begin,
                                   static_cast<unsigned>(out.label.size()));
    }
    out.label += ")";
    return out;
  }
  if (!sig && parsed) {
    // A function-valued let or parameter of that name.
    for (const Decl &d : parsed->index().decls)
      if (d.name == callee && d.type.kind == ExprType::Kind::Function &&
          d.type.sig)
        sig = d.type.sig.get();
  }
  if (!sig)
    return std::nullopt;
  out.label = callee;
  if (!sig->dimParams.empty()) {
    out.label += "[";
    for (size_t i = 0; i < sig->dimParams.size(); ++i)
      out.label += (i ? ", " : "") + sig->dimParams[i];
    out.label += "]";
  }
  out.label += "(";
  for (size_t i = 0; i < sig->params.size(); ++i) {
    if (i)
      out.label += ", ";
    auto begin = static_cast<unsigned>(out.label.size());
    out.label += sig->params[i].first + ": " + sig->params[i].second.str();
    out.paramLabels.emplace_back(begin,
                                 static_cast<unsigned>(out.label.size()));
    out.params.push_back(sig->params[i].first);
  }
  out.label += ")";
  if (sig->results.size() == 1) {
    out.label += " -> " + sig->results[0].str();
  } else if (!sig->results.empty()) {
    out.label += " -> (";
    for (size_t i = 0; i < sig->results.size(); ++i)
      out.label += (i ? ", " : "") + sig->results[i].str();
    out.label += ")";
  }
  return out;
}

} // namespace tessera::lsp
