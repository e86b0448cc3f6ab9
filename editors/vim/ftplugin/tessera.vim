" Vim filetype plugin for Tessera (.tsr): comments, 2-space indentation,
" and `gf` on an import (`import models.encoder` opens models/encoder.tsr).

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab
setlocal include=^\\s*import\\s\\+
setlocal includeexpr=substitute(v:fname,'\\.','/','g')
setlocal suffixesadd=.tsr

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'
      \ . ' shiftwidth< softtabstop< expandtab< include< includeexpr< suffixesadd<'

let &cpo = s:cpo_save
unlet s:cpo_save
