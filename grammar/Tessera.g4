// The .tsr grammar. docs/language.md is the normative description; this file
// is its machine-readable form. The parser runs in SLL mode first and falls
// back to full LL only when SLL fails (frontend/parse/Parser.cpp).
grammar Tessera;

program
  : moduleDecl? decl* EOF
  ;

moduleDecl
  : 'module' qualifiedName
  ;

qualifiedName
  : IDENT ('.' IDENT)*
  ;

decl
  : funcDecl
  ;

// `entry` functions are exported from the .tbin; `op` functions are not.
funcDecl
  : kind=('entry' | 'op') name=IDENT dimParams? '(' paramList? ')'
    '->' resultList block
  ;

dimParams
  : '[' IDENT (',' IDENT)* ']'
  ;

paramList
  : param (',' param)*
  ;

param
  : IDENT ':' tensorType
  ;

resultList
  : tensorType                                  # singleResult
  | '(' namedResult (',' namedResult)* ')'      # namedResults
  ;

namedResult
  : IDENT ':' tensorType
  ;

// A dtype, optionally followed by dims: f32 (a scalar), f32[N, 4].
tensorType
  : dtype=IDENT ('[' (dim (',' dim)*)? ']')?
  ;

dim
  : INT
  | IDENT
  ;

block
  : '{' stmt* '}'
  ;

stmt
  : 'let' IDENT '=' expr                         # letStmt
  | 'return' expr (',' expr)*                    # returnStmt
  ;

expr
  : '(' expr ')'                                 # parenExpr
  | '-' expr                                     # negExpr
  | expr op=('*' | '/') expr                     # mulExpr
  | expr op=('+' | '-') expr                     # addExpr
  | IDENT '(' (expr (',' expr)*)? ')'            # callExpr
  | IDENT                                        # nameExpr
  | (INT | FLOAT)                                # numberExpr
  ;

INT     : [0-9]+ ;
FLOAT   : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else is one bad character; the parser reports it with its place.
UNKNOWN : . ;
