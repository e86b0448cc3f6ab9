// Object file -> .tbin: lld, in process, links an ELF shared object. The
// code calls nothing outside itself: the runtime passes in what entries
// need (launches, temporary memory; tbin_abi.h), so a symbol left undefined
// is a compiler bug, refused here rather than when the module is loaded.
#include "tessera/Backend/Tbin.h"

#include "lld/Common/Driver.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace tessera {

// A .tbin leaves no symbol for the loader to bind.
static bool noUndefinedSymbols(const std::string &objectBytes,
                               std::string &error) {
  auto object = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(objectBytes, "module.o"));
  if (!object) {
    error =
        "cannot read the object file: " + llvm::toString(object.takeError());
    return false;
  }
  for (const llvm::object::SymbolRef &sym : (*object)->symbols()) {
    auto flags = sym.getFlags();
    auto name = sym.getName();
    if (!flags || !name) {
      llvm::consumeError(flags.takeError());
      llvm::consumeError(name.takeError());
      continue;
    }
    if ((*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty()) {
      error = "linking failed: undefined symbol '" + name->str() + "'";
      return false;
    }
  }
  return true;
}

bool linkTbin(const std::string &objectBytes, const std::string &outputPath,
              std::string &error) {
  if (!noUndefinedSymbols(objectBytes, error))
    return false;
  llvm::SmallString<128> objPath, tmpOut;
  int fd;
  if (auto ec =
          llvm::sys::fs::createTemporaryFile("tessera", "o", fd, objPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << objectBytes;
  }
  // Link next to the destination so the final rename is atomic.
  tmpOut = outputPath;
  tmpOut += ".tmp-link";

  std::string diagnostics;
  llvm::raw_string_ostream diagOS(diagnostics);
  std::vector<const char *> args = {
      "ld.lld", "-shared",         "-z", "noexecstack",  "-z",
      "now",    "--build-id=sha1", "-o", tmpOut.c_str(), objPath.c_str()};
  lld::Result result =
      lld::lldMain(args, diagOS, diagOS, {{lld::Gnu, &lld::elf::link}});
  llvm::sys::fs::remove(objPath);
  if (result.retCode != 0) {
    llvm::sys::fs::remove(tmpOut);
    error = "linking failed: " + diagnostics;
    return false;
  }
  if (auto ec = llvm::sys::fs::rename(tmpOut, outputPath)) {
    llvm::sys::fs::remove(tmpOut);
    error = "cannot write " + outputPath + ": " + ec.message();
    return false;
  }
  return true;
}

} // namespace tessera
