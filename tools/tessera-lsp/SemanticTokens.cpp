// Semantic tokens: every token of the document with its class, names
// classified by what they refer to (from the index when the text parsed,
// from the tokens around them when it does not).
#include "Features.h"

#include "SemaTypes.h"

#include <unordered_map>

namespace tessera::lsp {

namespace {

// The legend's order: indices into it are what is sent.
enum TokenType : uint32_t {
  Namespace,
  Type,
  TypeParameter,
  Parameter,
  Variable,
  Property,
  Function,
  Keyword,
  Comment,
  String,
  Number,
  Operator,
};
const char *const kTypeNames[] = {"namespace", "type",     "typeParameter",
                                  "parameter", "variable", "property",
                                  "function",  "keyword",  "comment",
                                  "string",    "number",   "operator"};

enum TokenModifier : uint32_t {
  Declaration = 1u << 0,
  Readonly = 1u << 1,
  DefaultLibrary = 1u << 2,
};
const char *const kModifierNames[] = {"declaration", "readonly",
                                      "defaultLibrary"};

struct Class {
  uint32_t type, modifiers;
};

Class classOf(DeclKind k) {
  switch (k) {
  case DeclKind::Import:
    return {Namespace, 0};
  case DeclKind::Op:
  case DeclKind::Entry:
  case DeclKind::Train:
  case DeclKind::Adjoint:
    return {Function, 0};
  case DeclKind::Dim:
    return {TypeParameter, 0};
  case DeclKind::Parameter:
  case DeclKind::Result:
  case DeclKind::AdjointParam:
  case DeclKind::LambdaParam:
    return {Parameter, 0};
  case DeclKind::Const:
    return {Variable, Readonly};
  default:
    return {Variable, 0};
  }
}

// Names by offset, from the index of a text that parsed.
std::unordered_map<unsigned, Class> namesFromIndex(const Index &index) {
  std::unordered_map<unsigned, Class> out;
  for (const Occurrence &o : index.occurrences) {
    Class c = classOf(index.decls[o.decl].kind);
    if (o.isDeclaration)
      c.modifiers |= Declaration;
    out.emplace(o.begin, c);
  }
  for (const OtherName &n : index.others) {
    switch (n.role) {
    case OtherName::Role::Builtin:
      out.emplace(n.begin, Class{Function, DefaultLibrary});
      break;
    case OtherName::Role::DType:
      out.emplace(n.begin, Class{Type, 0});
      break;
    case OtherName::Role::KeywordArgument:
      out.emplace(n.begin, Class{Parameter, 0});
      break;
    case OtherName::Role::Member:
    case OtherName::Role::Field:
      out.emplace(n.begin, Class{Property, 0});
      break;
    }
  }
  return out;
}

// Positions of increasing offsets, in one pass over the text.
class Walker {
public:
  Walker(const std::string &text) : text(text) {}
  // Line and UTF-16 character of `offset` (not before the last one asked).
  std::pair<uint32_t, uint32_t> to(unsigned offset) {
    for (; at < offset && at < text.size(); ++at) {
      auto c = static_cast<unsigned char>(text[at]);
      if (c == '\n') {
        ++line;
        character = 0;
      } else if ((c & 0xC0) != 0x80) {
        character += c >= 0xF0 ? 2 : 1;
      }
    }
    return {line, character};
  }

private:
  const std::string &text;
  unsigned at = 0;
  uint32_t line = 0, character = 0;
};

} // namespace

llvm::json::Object semanticTokensLegend() {
  llvm::json::Array types, modifiers;
  for (const char *t : kTypeNames)
    types.push_back(t);
  for (const char *m : kModifierNames)
    modifiers.push_back(m);
  return llvm::json::Object{{"tokenTypes", std::move(types)},
                            {"tokenModifiers", std::move(modifiers)}};
}

std::vector<uint32_t> semanticTokens(const Analysis &a) {
  const std::string &text = a.text();
  const std::vector<LexToken> &toks = a.tokens();
  std::unordered_map<unsigned, Class> names;
  if (a.module)
    names = namesFromIndex(a.index());

  auto tokenText = [&](size_t i) {
    return text.substr(toks[i].begin, toks[i].end - toks[i].begin);
  };
  auto significant = [&](size_t i, int step) -> const LexToken * {
    for (auto j = static_cast<long>(i) + step;
         j >= 0 && j < static_cast<long>(toks.size()); j += step)
      if (toks[j].kind != LexToken::Kind::Comment)
        return &toks[j];
    return nullptr;
  };
  auto textOf = [&](const LexToken *t) {
    return t ? text.substr(t->begin, t->end - t->begin) : std::string();
  };
  // A name in a text that does not parse: judged by its neighbours.
  auto guess = [&](size_t i) -> Class {
    std::string name = tokenText(i);
    std::string prev = textOf(significant(i, -1));
    std::string next = textOf(significant(i, +1));
    if (prev == "op" || prev == "entry" || prev == "train" || prev == "adjoint")
      return {Function, Declaration};
    if (prev == "let" || prev == "const" || prev == "param" ||
        prev == "policy" || prev == "mesh")
      return {Variable, Declaration};
    if (isKnownDType(name))
      return {Type, 0};
    // `(x: f32` in a header; `(axis: 0` in a call.
    if (next == ":" && (prev == "(" || prev == ","))
      return {Parameter, 0};
    if (sema::isBuiltin(name))
      return {Function, DefaultLibrary};
    if (next == "(")
      return {Function, 0};
    return {Variable, 0};
  };

  std::vector<uint32_t> data;
  Walker walker(text);
  uint32_t lastLine = 0, lastChar = 0;
  auto emit = [&](unsigned begin, unsigned end, Class c) {
    auto [line, character] = walker.to(begin);
    auto [endLine, endChar] = walker.to(end);
    (void)endLine;
    uint32_t length = endChar - character;
    if (length == 0)
      return;
    data.push_back(line - lastLine);
    data.push_back(line == lastLine ? character - lastChar : character);
    data.push_back(length);
    data.push_back(c.type);
    data.push_back(c.modifiers);
    lastLine = line;
    lastChar = character;
  };

  for (size_t i = 0; i < toks.size(); ++i) {
    const LexToken &t = toks[i];
    Class c{Variable, 0};
    switch (t.kind) {
    case LexToken::Kind::Keyword:
      c = {Keyword, 0};
      break;
    case LexToken::Kind::Number:
      c = {Number, 0};
      break;
    case LexToken::Kind::String:
      c = {String, 0};
      break;
    case LexToken::Kind::Operator:
      c = {Operator, 0};
      break;
    case LexToken::Kind::Comment: {
      // One token per line: clients need not support multi-line tokens.
      unsigned begin = t.begin;
      for (unsigned k = t.begin; k < t.end; ++k)
        if (text[k] == '\n') {
          unsigned end = k > begin && text[k - 1] == '\r' ? k - 1 : k;
          emit(begin, end, {Comment, 0});
          begin = k + 1;
        }
      emit(begin, t.end, {Comment, 0});
      continue;
    }
    case LexToken::Kind::Name: {
      auto it = names.find(t.begin);
      if (it != names.end())
        c = it->second;
      else if (a.module)
        c = isKnownDType(tokenText(i))      ? Class{Type, 0}
            : sema::isBuiltin(tokenText(i)) ? Class{Function, DefaultLibrary}
                                            : Class{Variable, 0};
      else
        c = guess(i);
      break;
    }
    case LexToken::Kind::Punctuation:
    case LexToken::Kind::Invalid:
      continue;
    }
    emit(t.begin, t.end, c);
  }
  return data;
}

} // namespace tessera::lsp
