// The symbols of one checked document: every declaration (module level and
// inside ops, entries, train steps and adjoints), every place a name refers
// to one (SemaResult.definitions for names in expressions, the enclosing
// function's dims for dims in types, the op for an adjoint's name), and every
// expression with its checked type. Offsets are bytes into the document.
#pragma once

#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Sema.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::lsp {

enum class DeclKind {
  Import,
  Const,
  ModuleLet,
  Policy,
  Mesh,
  Param, // a trainable `param`
  Op,
  Entry,
  Train,
  Adjoint,
  Dim,       // a symbolic dim of a function
  Parameter, // a function's parameter
  Result,    // a named result
  Let,       // a `let` in a body
  AdjointParam,
  LambdaParam,
};

// "op", "parameter", ...: how hover and completion name the kind.
const char *kindName(DeclKind kind);
bool isFunctionKind(DeclKind kind);

// A type as hover, completion and symbols show it: "f32[B, 10]", "op
// layer[B](x: f32[B, 64]) -> f32[B, 10]"; "" when unknown.
std::string typeText(const ExprType &type);
// A function's signature after its name: "[B](x: f32[B, 64]) -> f32[B, 10]".
std::string signatureText(const ExprType &type);
// "(parameter) x: f32[B, 64]", "(op) layer[B](x: ...) -> ...", "(dim) B".
std::string describe(DeclKind kind, const std::string &name,
                     const ExprType &type);

struct Decl {
  DeclKind kind;
  std::string name;
  unsigned begin, end;         // the name
  unsigned declBegin, declEnd; // the whole declaration
  ExprType type;               // Error when unknown
  bool typeWritten = false;    // `let x: f32[N] = ...`: no inlay hint
  int parent = -1;             // the enclosing function's Decl, or -1
};

struct Occurrence {
  unsigned begin, end;
  int decl;
  bool isDeclaration;
};

// Names that refer to no declaration of this document.
struct OtherName {
  enum class Role { Builtin, KeywordArgument, Member, Field, DType };
  unsigned begin, end;
  Role role;
};

class Index {
public:
  std::vector<Decl> decls;
  std::vector<Occurrence> occurrences; // sorted by begin
  std::vector<OtherName> others;
  std::vector<const ast::Expr *> exprs; // every expression of this file

  // The occurrence whose name touches `offset` (a cursor right after a name
  // still names it).
  const Occurrence *occurrenceAt(unsigned offset) const;
  // The innermost expression containing `offset`.
  const ast::Expr *exprAt(unsigned offset) const;
  const OtherName *otherAt(unsigned offset) const;

  void finish(); // sorts, after building
  // The declaration whose name starts at an offset.
  std::unordered_map<unsigned, int> byNameBegin;
};

Index buildIndex(const ast::Module &module, const SemaResult &sema,
                 const SourceFile &file);

} // namespace tessera::lsp
