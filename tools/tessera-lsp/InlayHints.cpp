// Inlay hints: the checked tensor type of each `let` whose type is not
// written, after its name.
#include "Features.h"

#include <algorithm>

namespace tessera::lsp {

std::vector<mlir::lsp::InlayHint> inlayHints(const Analysis &a,
                                             const mlir::lsp::Range &range) {
  std::vector<mlir::lsp::InlayHint> out;
  if (!a.module)
    return out;
  unsigned begin = a.lines.offset(range.start);
  unsigned end = a.lines.offset(range.end);
  std::vector<const Decl *> lets;
  for (const Decl &d : a.index().decls)
    if ((d.kind == DeclKind::Let || d.kind == DeclKind::ModuleLet) &&
        !d.typeWritten && d.type.isTensor() && d.end >= begin && d.end <= end)
      lets.push_back(&d);
  std::sort(lets.begin(), lets.end(),
            [](const Decl *x, const Decl *y) { return x->end < y->end; });
  for (const Decl *d : lets) {
    mlir::lsp::InlayHint h(mlir::lsp::InlayHintKind::Type,
                           a.lines.position(d->end));
    h.label = ": " + d->type.str();
    out.push_back(std::move(h));
  }
  return out;
}

} // namespace tessera::lsp
