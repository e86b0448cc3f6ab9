// Object file -> .tbin: lld, in process, links an ELF shared object. The
// code calls nothing outside itself (the runtime passes its launch callback
// in) except the C library's malloc and free, for the temporary buffers
// between kernels; those stay undefined, bound when the runtime loads the
// module, and anything else undefined is refused here.
#include "tessera/Backend/Tbin.h"

#include "lld/Common/Driver.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace tessera {

// The symbols a .tbin may leave for the loader to bind.
static bool undefinedSymbolsAllowed(const std::string &objectBytes,
                                    std::string &error) {
  static const llvm::StringSet<> allowed = {"malloc", "free"};
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
    if ((*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty() &&
        !allowed.contains(*name)) {
      error = "linking failed: undefined symbol '" + name->str() + "'";
      return false;
    }
  }
  return true;
}

bool linkTbin(const std::string &objectBytes, const std::string &outputPath,
              std::string &error) {
  if (!undefinedSymbolsAllowed(objectBytes, error))
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
