// libFuzzer entry point: the input bytes are one .tsr file, run through the
// lexer, the parser, Sema and diagnostics rendering, as `tesserac` does
// before MLIR. Besides ASan/UBSan findings it checks the frontend's contract
// with its tools: a failed parse or check has reported an error, and every
// diagnostic points inside the file (the renderer reads the source there).
// It also checks that the direct parser agrees with the ANTLR parser.
#include "tessera/Frontend/AST.h"
#include "tessera/Frontend/Diagnostics.h"
#include "tessera/Frontend/Files.h"
#include "tessera/Frontend/Parser.h"
#include "tessera/Frontend/Sema.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

[[noreturn]] void violated(const char *what, const std::string &rendered) {
  std::fprintf(stderr, "tessera-frontend-fuzz: contract violated: %s\n%s", what,
               rendered.c_str());
  std::abort();
}

void checkRanges(const tessera::Diagnostic &d, const tessera::SourceFile &file,
                 const std::string &rendered) {
  // Imported modules are other files; only this one's bounds are known here.
  if (d.range.file == &file &&
      (d.range.begin > d.range.end || d.range.end > file.text().size()))
    violated("diagnostic range outside the file", rendered);
  for (const tessera::Diagnostic &n : d.notes)
    checkRanges(n, file, rendered);
}

// parseModule's two parsers (tessera/Frontend/Parser.h): what the direct
// one accepts, the ANTLR one accepts with the same AST, and the direct one
// leaves no valid input to ANTLR (but for a byte-order mark).
void checkParsersAgree(const tessera::SourceFile &file) {
  if (tessera::firstInvalidUtf8(file.text()) >= 0)
    return;
  std::optional<tessera::ast::Module> direct =
      tessera::detail::parseDirect(file);
  tessera::DiagnosticEngine diags;
  std::optional<tessera::ast::Module> reference =
      tessera::detail::parseWithANTLR(file, diags);
  if (direct && !reference)
    violated("the direct parser accepted what the ANTLR parser rejects",
             diags.render());
  if (direct && tessera::ast::dump(*direct) != tessera::ast::dump(*reference))
    violated("the direct and the ANTLR parser built different ASTs",
             tessera::ast::dump(*direct) + "--- ANTLR:\n" +
                 tessera::ast::dump(*reference));
  if (!direct && reference && file.text().compare(0, 3, "\xEF\xBB\xBF") != 0)
    violated("valid input left to the ANTLR parser", "");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // `import` looks next to the importing file; under /dev/null nothing can
  // exist, so runs never depend on the working directory's contents.
  tessera::SourceFile file(
      "/dev/null/fuzz.tsr",
      std::string(reinterpret_cast<const char *>(data), size));
  tessera::DiagnosticEngine diags;
  std::optional<tessera::ast::Module> ast = tessera::parseModule(file, diags);
  bool ok = ast.has_value();
  if (ast) {
    // `tesserac --emit=ast` prints what parsed, before Sema.
    (void)tessera::ast::print(*ast);
    tessera::SemaResult result;
    ok = tessera::checkModule(*ast, diags, result);
  }
  checkParsersAgree(file);
  std::string rendered = diags.render();
  if (!ok && !diags.hasErrors())
    violated("failed without reporting an error", rendered);
  for (const tessera::Diagnostic &d : diags.diagnostics())
    checkRanges(d, file, rendered);
  return 0;
}
