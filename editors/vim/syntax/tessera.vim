" Vim syntax file
" Language:    Tessera (.tsr)
" Reference:   docs/language.md (normative), grammar/Tessera.g4
" Maintainers: the Tessera project
"
" The same token classes as the VS Code grammar
" (editors/vscode/syntaxes/tessera.tmLanguage.json):
"   comments (// and /* */, not nested)    Comment, Todo
"   strings, escapes                       String, SpecialChar
"   integers, floats (.5, 5., 1e-3)        Number, Float
"   keywords                               Include, Keyword, Statement
"   module and import names                Identifier
"   true, false                            Boolean
"   dtypes (f32, bf16, fp8_e4m3, ...)      Type
"   dims in f32[B, 128] and op f[B, S]     Constant (tesseraDim)
"   names declared by op/entry/train/
"     adjoint                              Function
"   ... by param/policy/mesh/let           Identifier
"   ... by const                           Constant
"   standard operators (softmax, grad ...) Function (tesseraBuiltin)
"   calls of other ops: f(...)             Function
"   `name:` in parentheses (keyword
"     arguments, parameters)               Identifier (tesseraParam)
"   `x =>` lambda parameters               Identifier
"   `_` (replicated, in shard dims)        Special
"   operators (+ - * / % @ ** ! == ...)    Operator
" Each tessera* group is linked with `hi def link` below; override any of
" them in your vimrc, e.g. `hi link tesseraParam Special`.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_

" Keywords (docs/language.md section 1).
syn keyword tesseraInclude   module import as nextgroup=tesseraModuleName skipwhite
syn keyword tesseraStatement return minimize
syn keyword tesseraKeyword   with
syn keyword tesseraBoolean   true false

" Declarations: the keyword, then the declared name.
syn keyword tesseraKeyword   op entry train nextgroup=tesseraFunctionName skipwhite
syn keyword tesseraKeyword   adjoint nextgroup=tesseraAdjointName skipwhite
syn keyword tesseraKeyword   const nextgroup=tesseraConstName skipwhite
syn keyword tesseraKeyword   param nextgroup=tesseraVarName skipwhite
syn keyword tesseraKeyword   let nextgroup=tesseraVarName,tesseraLetTuple skipwhite
" `policy NAME = ...` declares; `policy EXPR` after a signature does not.
syn keyword tesseraKeyword   policy nextgroup=tesseraDeclName skipwhite
" `mesh M = mesh(axes: {...})`: a keyword, then a constructor call.
syn match   tesseraKeyword   "\<mesh\>\%(\s*(\)\@!" nextgroup=tesseraDeclName skipwhite

syn match   tesseraModuleName   "\<\h\w*\%(\.\h\w*\)*" contained
syn match   tesseraFunctionName "\<\h\w*" contained nextgroup=tesseraDimParams skipwhite
" adjoint NAME(x1, ..., xn, g): every name in the list is a parameter.
syn match   tesseraAdjointName  "\<\h\w*" contained nextgroup=tesseraAdjointParams skipwhite
syn region  tesseraAdjointParams matchgroup=tesseraDelimiter start="(" end=")" contained contains=tesseraAdjointParam,tesseraComma,@tesseraComments
syn match   tesseraAdjointParam "\<\h\w*" contained
syn match   tesseraConstName    "\<\h\w*" contained
syn match   tesseraVarName      "\<\h\w*" contained
syn match   tesseraDeclName   "\<\h\w*\ze\s*=[=>]\@!" contained
syn region  tesseraLetTuple  matchgroup=tesseraDelimiter start="(" end=")" contained contains=tesseraVarNameList,tesseraComma
syn match   tesseraVarNameList  "\<\h\w*" contained

" op name[B, S, D]: symbolic dims.
syn region  tesseraDimParams matchgroup=tesseraDelimiter start="\[" end="\]" contained contains=tesseraDim,tesseraComma,@tesseraComments

" Dtypes, and tensor types f32[B, 128].
syn keyword tesseraType f64 f32 f16 bf16 fp8_e4m3 fp8_e5m2 i64 i32 i8 bool c64 nextgroup=tesseraDims skipwhite
syn region  tesseraDims matchgroup=tesseraDelimiter start="\[" end="\]" contained contains=tesseraDim,tesseraNumber,tesseraComma,@tesseraComments
syn match   tesseraDim "\<\h\w*\>" contained

" Calls of other ops (defined first: the later tesseraBuiltin wins for
" `softmax(`, as it does for `mesh(`), lambda parameters, `_`.
syn match   tesseraCall        "\<\h\w*\ze\s*("
syn match   tesseraLambdaParam "\<\h\w*\ze\s*=>"
syn match   tesseraReplicated  "\<_\>"
syn match   tesseraBuiltin     "\<mesh\ze\s*("

" The standard operators (docs/language.md sections 6-7). A match, not a
" keyword, so that `name:` (tesseraParam, defined later) wins in `(sum: f32)`.
syn match   tesseraBuiltin "\<\%(exp\|log\|log1p\|sqrt\|rsqrt\|sin\|cos\|tanh\|sigmoid\|gelu\|silu\)\>"
syn match   tesseraBuiltin "\<\%(relu\|abs\|neg\|square\|pow\|max\|min\|sum\|mean\|prod\|reduce_sum\|reduce_mean\)\>"
syn match   tesseraBuiltin "\<\%(softmax\|log_softmax\|layernorm\|rmsnorm\)\>"
syn match   tesseraBuiltin "\<\%(matmul\|transpose\|reshape\|gather\|concat\|pad\|cast\|select\|cross_entropy\|mse\)\>"
syn match   tesseraBuiltin "\<\%(fft\|ifft\|rfft\|irfft\|conj\|real\|imag\|complex\|solve\|fixed_point\)\>"
syn match   tesseraBuiltin "\<\%(uniform\|normal\|dropout\|zeros\|ones\|glorot\|he\|lecun\|mlp\)\>"
syn match   tesseraBuiltin "\<\%(sgd\|adam\|adamw\|numeric\|shard\|partial\)\>"
syn match   tesseraBuiltin "\<\%(grad\|vjp\|jvp\|hvp\|value_and_grad\)\>"

" Operators and punctuation (before comments, which win at `/`).
syn match   tesseraOperator "->\|=>\|\*\*\|==\|!=\|<=\|>=\|&&\|||\|[-+*/%@!<>=]"
syn match   tesseraComma    ","
syn match   tesseraDelimiter "[.:]"

" Numbers: 42, 0.5, 5., .5, 1e-3, 2.5E+4.
syn match   tesseraNumber "\<\d\+\>"
syn match   tesseraFloat  "\<\d\+\.\d*\%([eE][+-]\=\d\+\)\=\%([[:alnum:]_.]\)\@!"
syn match   tesseraFloat  "\%([[:alnum:]_.]\)\@<!\.\d\+\%([eE][+-]\=\d\+\)\=\>"
syn match   tesseraFloat  "\<\d\+[eE][+-]\=\d\+\>"

" Strings: one line, backslash escapes.
syn region  tesseraString start=+"+ skip=+\\.+ end=+"+ end=+$+ contains=tesseraEscape
syn match   tesseraEscape "\\." contained

" Comments.
syn keyword tesseraTodo TODO FIXME XXX NOTE contained
syn match   tesseraLineComment "//.*$" contains=tesseraTodo,@Spell
syn region  tesseraBlockComment start="/\*" end="\*/" contains=tesseraTodo,@Spell
syn cluster tesseraComments contains=tesseraLineComment,tesseraBlockComment

" Brackets. `name:` inside parentheses is a keyword argument or a parameter;
" inside braces a record field (statements start with keywords, so a block
" has none); inside brackets `:` is a slice.
syn cluster tesseraTop contains=tesseraInclude,tesseraStatement,tesseraKeyword,tesseraBoolean,tesseraBuiltin,tesseraType,tesseraCall,tesseraLambdaParam,tesseraReplicated,tesseraOperator,tesseraComma,tesseraDelimiter,tesseraNumber,tesseraFloat,tesseraString,@tesseraComments,tesseraParens,tesseraBrackets,tesseraBraces
syn region  tesseraParens   matchgroup=tesseraDelimiter start="(" end=")" contains=tesseraParam,@tesseraTop
syn region  tesseraBrackets matchgroup=tesseraDelimiter start="\[" end="\]" contains=@tesseraTop
syn region  tesseraBraces   matchgroup=tesseraDelimiter start="{" end="}" contains=tesseraField,@tesseraTop fold
syn match   tesseraParam "\<\h\w*\ze\s*:" contained
syn match   tesseraField "\<\h\w*\ze\s*:" contained

syn sync fromstart

hi def link tesseraLineComment  Comment
hi def link tesseraBlockComment Comment
hi def link tesseraTodo         Todo
hi def link tesseraString       String
hi def link tesseraEscape       SpecialChar
hi def link tesseraNumber       Number
hi def link tesseraFloat        Float
hi def link tesseraBoolean      Boolean
hi def link tesseraInclude      Include
hi def link tesseraKeyword      Keyword
hi def link tesseraStatement    Statement
hi def link tesseraType         Type
hi def link tesseraDim          Constant
hi def link tesseraModuleName   Identifier
hi def link tesseraFunctionName Function
hi def link tesseraAdjointName  Function
hi def link tesseraAdjointParam Identifier
hi def link tesseraConstName    Constant
hi def link tesseraVarName      Identifier
hi def link tesseraVarNameList  Identifier
hi def link tesseraDeclName   Identifier
hi def link tesseraBuiltin      Function
hi def link tesseraCall         Function
hi def link tesseraParam        Identifier
hi def link tesseraField        Identifier
hi def link tesseraLambdaParam  Identifier
hi def link tesseraReplicated   Special
hi def link tesseraOperator     Operator
hi def link tesseraComma        Delimiter
hi def link tesseraDelimiter    Delimiter

let b:current_syntax = 'tessera'

let &cpo = s:cpo_save
unlet s:cpo_save
