// Semantic analysis: the public entry point (the checker is in Sema/).
#include "Sema/Checker.h"

namespace tessera {

bool checkModule(const ast::Module &m, DiagnosticEngine &diags,
                 SemaResult &result, const SemaOptions &options) {
  unsigned before = diags.errorCount();
  sema::ImportState imports;
  std::string path = m.nameRange.valid() ? m.nameRange.file->path() : "";
  if (path.empty() && !m.funcs.empty())
    path = m.funcs[0].nameRange.file->path();
  imports.stack.push_back(path);
  sema::Checker(m, diags, result, options, imports, path).run();
  return diags.errorCount() == before;
}

} // namespace tessera
