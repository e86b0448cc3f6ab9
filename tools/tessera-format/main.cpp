// tessera-format: print, rewrite (-i) or check (--check) the canonical
// layout of .tsr files.
#include "tessera/Frontend/Files.h"
#include "tessera/Frontend/Format.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char **argv) {
  std::vector<std::string> files;
  bool inPlace = false, check = false;
  CLI::App app{
      "tessera-format: lay out .tsr files in Tessera's one canonical "
      "style.\n\n"
      "  tessera-format model.tsr          print the formatted file\n"
      "  tessera-format -i a.tsr b.tsr     rewrite files in place\n"
      "  tessera-format --check *.tsr      exit 1 if any file would change\n"};
  app.add_option("files", files, "The .tsr files")->required();
  app.add_flag("-i,--in-place", inPlace,
               "Rewrite the files instead of printing");
  app.add_flag(
      "--check", check,
      "Print nothing; exit 1 and name each file that is not formatted");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    app.exit(e);
    return 2;
  }
  int status = 0;
  for (const std::string &path : files) {
    std::string text, error;
    if (!tessera::readFile(path, text, error)) {
      std::cerr << "tessera-format: error: " << error << "\n";
      status = 1;
      continue;
    }
    tessera::SourceFile file(path, text);
    tessera::DiagnosticEngine diags;
    std::optional<std::string> formatted = tessera::formatSource(file, diags);
    if (!formatted) {
      std::cerr << diags.render();
      status = 1;
      continue;
    }
    if (check) {
      if (*formatted != text) {
        std::cout << path << ": not formatted\n";
        status = 1;
      }
    } else if (inPlace) {
      if (*formatted != text &&
          !tessera::writeFileAtomically(path, *formatted, error)) {
        std::cerr << "tessera-format: error: " << error << "\n";
        status = 1;
      }
    } else {
      std::cout << *formatted;
    }
  }
  return status;
}
