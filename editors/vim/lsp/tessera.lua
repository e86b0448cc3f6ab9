-- Neovim 0.11+ reads lsp/<name>.lua from 'runtimepath' as the default
-- configuration of the language server <name>. With editors/vim on the
-- runtimepath, `vim.lsp.enable('tessera')` in init.lua is all it takes;
-- override any field with vim.lsp.config('tessera', { ... }).
return {
  cmd = { 'tessera-lsp' },
  filetypes = { 'tessera' },
  root_markers = { '.git' },
}
