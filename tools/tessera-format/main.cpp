// tessera-format: print, rewrite (-i) or check (--check) the canonical
// layout of .tsr files.
#include "tessera/Frontend/Format.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Writes through a temporary file and a rename, so a failure never leaves
// a half-written source file.
bool writeAtomically(const std::string &path, const std::string &text) {
  std::string tmp = path + ".tessera-format.tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out)
      return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

} // namespace

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
    std::string text;
    if (!readFile(path, text)) {
      std::cerr << "tessera-format: error: cannot read '" << path
                << "': " << std::strerror(errno) << "\n";
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
      if (*formatted != text && !writeAtomically(path, *formatted)) {
        std::cerr << "tessera-format: error: cannot write '" << path
                  << "': " << std::strerror(errno) << "\n";
        status = 1;
      }
    } else {
      std::cout << *formatted;
    }
  }
  return status;
}
