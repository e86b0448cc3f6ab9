// Signature help: the signature of what is being called, and which of its
// parameters the cursor's argument binds.
#include "CursorContext.h"
#include "Features.h"

#include <algorithm>

namespace tessera::lsp {

std::optional<mlir::lsp::SignatureHelp>
signatureHelp(const Analysis &a, const mlir::lsp::Position &position) {
  unsigned offset = a.lines.offset(position);
  if (completionSiteAt(a, offset).what == CompletionSite::What::Nothing)
    return std::nullopt;
  std::optional<CallContext> call = callAt(a, offset);
  if (!call)
    return std::nullopt;
  std::optional<CalleeSignature> sig = calleeSignature(a, call->callee);
  if (!sig)
    return std::nullopt;
  mlir::lsp::SignatureInformation info;
  info.label = sig->label;
  info.documentation = sig->documentation;
  for (const auto &[begin, end] : sig->paramLabels) {
    mlir::lsp::ParameterInformation p;
    p.labelString = sig->label.substr(begin, end - begin);
    p.labelOffsets = std::make_pair(begin, end);
    info.parameters.push_back(std::move(p));
  }
  mlir::lsp::SignatureHelp help;
  help.signatures.push_back(std::move(info));
  // A keyword argument names its parameter; a positional one is counted.
  int active = static_cast<int>(call->argIndex);
  if (!call->keyword.empty()) {
    auto it = std::find(sig->params.begin(), sig->params.end(), call->keyword);
    active = it == sig->params.end()
                 ? static_cast<int>(sig->params.size())
                 : static_cast<int>(it - sig->params.begin());
  }
  help.activeParameter = active;
  return help;
}

} // namespace tessera::lsp
