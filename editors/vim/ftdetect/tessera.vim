" Vim filetype detection for Tessera (docs/language.md): *.tsr files.
autocmd BufNewFile,BufRead *.tsr setfiletype tessera
