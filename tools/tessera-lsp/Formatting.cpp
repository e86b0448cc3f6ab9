// Document formatting: tessera-format's layout (tessera::formatSource) as
// one edit over the whole document.
#include "Features.h"

#include "tessera/Frontend/Format.h"

namespace tessera::lsp {

std::vector<mlir::lsp::TextEdit> formatting(const Analysis &a) {
  std::optional<std::string> formatted;
  {
    auto lock = lockFrontend();
    withDeepStack([&] {
      DiagnosticEngine diags;
      formatted = formatSource(*a.file, diags);
    });
  }
  if (!formatted || *formatted == a.text())
    return {};
  mlir::lsp::TextEdit edit;
  edit.range = a.lines.range(0, static_cast<unsigned>(a.text().size()));
  edit.newText = std::move(*formatted);
  return {edit};
}

} // namespace tessera::lsp
