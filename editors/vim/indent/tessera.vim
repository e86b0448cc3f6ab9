" Vim indent file for Tessera (.tsr): one 'shiftwidth' more after a line
" that opens more `{` than it closes, one less on a line that starts with `}`.
" Braces in strings and comments do not count.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetTesseraIndent(v:lnum)
setlocal indentkeys=0{,0},!^F,o,O
setlocal autoindent nosmartindent nocindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< smartindent< cindent<'

if exists('*GetTesseraIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" The code of a line: strings and comments removed.
function! s:Code(line) abort
  let l = substitute(a:line, '"\%([^"\\]\|\\.\)*"\=', '""', 'g')
  let l = substitute(l, '/\*.\{-}\*/', '', 'g')
  return substitute(l, '//.*$\|/\*.*$', '', '')
endfunction

function! GetTesseraIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev)
  let code = s:Code(getline(prev))
  " A line starting with `}` was already dedented: count only what follows it.
  let code = substitute(code, '^\s*}', '', '')
  let opens = len(substitute(code, '[^{]', '', 'g'))
  let closes = len(substitute(code, '[^}]', '', 'g'))
  if opens > closes
    let ind += shiftwidth()
  endif
  if getline(a:lnum) =~# '^\s*}'
    let ind -= shiftwidth()
  endif
  return ind < 0 ? 0 : ind
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
