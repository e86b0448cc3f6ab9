// Object file -> .tbin: lld, in process, links an ELF shared object. The
// code calls nothing outside itself (the runtime passes its launch callback
// in), so the link needs no libraries and leaves no undefined symbols.
#include "tessera/Backend/Tbin.h"

#include "lld/Common/Driver.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace tessera {

bool linkTbin(const std::string &objectBytes, const std::string &outputPath,
              std::string &error) {
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
      "ld.lld",       "-shared", "--no-undefined",  "-z", "noexecstack",
      "-z",           "now",     "--build-id=sha1", "-o", tmpOut.c_str(),
      objPath.c_str()};
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
