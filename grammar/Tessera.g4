// The .tsr grammar. docs/language.md is the normative description; this file
// is its machine-readable form. Valid input is parsed by a hand-written
// parser that follows these rules (frontend/lib/Direct/, tested against the
// ANTLR parser); the ANTLR parser runs on the rest, in SLL mode first and
// in full LL only when SLL fails (frontend/lib/Parser.cpp), and reports the
// errors. A change here needs the same change there.
grammar Tessera;

program
  : moduleDecl? importDecl* decl* EOF
  ;

moduleDecl
  : 'module' qualifiedName
  ;

importDecl
  : 'import' qualifiedName ('as' alias=IDENT)?
  ;

qualifiedName
  : IDENT ('.' IDENT)*
  ;

decl
  : funcDecl
  | trainDecl
  | adjointDecl
  | constDecl
  | paramDecl
  | policyDecl
  | meshDecl
  | letDecl
  ;

// `entry` functions are exported from the .tbin; `op` functions are not.
funcDecl
  : kind=('entry' | 'op') name=IDENT dimParams? '(' paramList? ')'
    ('->' resultList)? policyClause? block
  ;

// train NAME[dims](params) with OPTIMIZER { minimize LOSS }
trainDecl
  : 'train' name=IDENT dimParams? '(' paramList? ')' 'with' optimizer=expr
    policyClause? block
  ;

// A custom adjoint: the names bind the primal's inputs, then the cotangent.
adjointDecl
  : 'adjoint' name=IDENT '(' IDENT (',' IDENT)* ')' block
  ;

constDecl
  : 'const' name=IDENT (':' type)? '=' expr
  ;

// A trainable parameter: a tensor with an initialiser, or a parameterised
// operator such as mlp(...).
paramDecl
  : 'param' name=IDENT ':' type ('=' init=expr)?    # tensorParam
  | 'param' name=IDENT ':' ctor=expr                # operatorParam
  ;

policyDecl
  : 'policy' name=IDENT '=' expr
  ;

meshDecl
  : 'mesh' name=IDENT '=' 'mesh' '(' argList? ')'
  ;

letDecl
  : 'let' name=IDENT (':' type)? '=' expr
  ;

policyClause
  : 'policy' expr
  ;

dimParams
  : '[' IDENT (',' IDENT)* ']'
  ;

paramList
  : param (',' param)*
  ;

param
  : IDENT ':' type
  ;

resultList
  : type                                        # singleResult
  | '(' resultItem (',' resultItem)* ')'        # tupleResults
  ;

resultItem
  : (IDENT ':')? type
  ;

// f32 (a scalar), f32[N, 4], bf16[8192, 8192] @ shard(M, rows: dp).
type
  : dtype=IDENT ('[' (dim (',' dim)*)? ']')? ('@' layout=expr)?
  ;

dim
  : INT
  | IDENT
  | dimForm
  ;

// An extent computed from dims (a slice's, a concat's over dims known at
// run time): terms added and subtracted, each a number, a dim, a number
// times a dim or a quotient: N-1, -N+5, N+M, 2*N, N/2-1, (N+1)/2. Which
// of these are extents Tessera computes is the checker's business
// (runtime/include/tessera/dim_form.hpp).
dimForm
  : '-' dimTerm (('+' | '-') dimTerm)*
  | dimTerm (('+' | '-') dimTerm)+
  | dimFactor
  ;

dimTerm
  : INT
  | IDENT
  | dimFactor
  ;

// 2*N, N/2, (N+1)/2, (N+M)/2.
dimFactor
  : INT '*' IDENT
  | IDENT '/' INT
  | '(' '-'? dimSummand (('+' | '-') dimSummand)* ')' '/' INT
  ;

dimSummand
  : INT
  | IDENT
  | INT '*' IDENT
  ;

block
  : '{' stmt* '}'
  ;

stmt
  : 'let' IDENT (':' type)? '=' expr                  # letStmt
  | 'let' '(' IDENT (',' IDENT)+ ')' '=' expr         # tupleLetStmt
  | 'return' (expr (',' expr)*)?                      # returnStmt
  | 'minimize' expr                                   # minimizeStmt
  ;

expr
  : primary                                           # primaryExpr
  | expr '(' argList? ')'                             # callExpr
  | expr '[' slice (',' slice)* ']'                   # indexExpr
  | expr '.' IDENT                                    # memberExpr
  | <assoc = right> expr '**' expr                    # powExpr
  | op=('-' | '!') expr                               # unaryExpr
  | expr op=('*' | '/' | '%' | '@') expr              # mulExpr
  | expr op=('+' | '-') expr                          # addExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr  # compareExpr
  | expr op='&&' expr                                 # andExpr
  | expr op='||' expr                                 # orExpr
  // `x => e`, `(x, y) => e`: the left side is parsed as an expression and
  // checked to be names, so the parser never has to look ahead to `=>`.
  | <assoc = right> expr '=>' expr                    # lambdaExpr
  ;

primary
  : INT                                               # intLit
  | FLOAT                                             # floatLit
  | STRING                                            # stringLit
  | ('true' | 'false')                                # boolLit
  | IDENT                                             # nameRef
  // (), (e), (e,), (a, b): one alternative, told apart by its commas, so
  // that nested parentheses need no lookahead.
  | '(' (expr (',' expr)* trailing=','?)? ')'         # parenOrTuple
  | '[' (expr (',' expr)*)? ']'                       # listLit
  | '{' (field (',' field)*)? '}'                     # recordLit
  ;

field
  : IDENT ':' expr
  ;

argList
  : arg (',' arg)*
  ;

// Positional (x) or keyword (axis: -1).
arg
  : (IDENT ':')? expr
  ;

// An index, or a range lo:hi:step with every part optional.
slice
  : expr
  | lo=expr? ':' hi=expr? (':' step=expr?)?
  ;

INT     : [0-9]+ ;
FLOAT   : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;

// Comments stay in the token stream, off the parser's channel, so that the
// formatter and the language server can see them.
LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n]+ -> skip ;

// An unterminated block comment or string; reported by the parser.
// (It cannot contain `*/`, so a closed comment is never taken for it.)
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF ;
UNTERMINATED_STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;

// Anything else is one bad character; the parser reports it with its place.
UNKNOWN : . ;
