// Object file -> .tbin: lld, in process, links an ELF shared object. The
// code calls nothing outside itself: the runtime passes in what entries
// need (launches, temporary memory; tbin_abi.h), so a symbol left undefined
// is a compiler bug, refused here rather than when the module is loaded.
#include "tessera/Backend/Tbin.h"

#include "lld/Common/Driver.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace tessera {

// A .tbin leaves no symbol for the loader to bind: what one object leaves
// undefined, another must define.
static bool noUndefinedSymbols(const std::vector<std::string> &objects,
                               std::string &error) {
  llvm::StringSet<> defined;
  std::vector<std::string> undefined;
  for (const std::string &bytes : objects) {
    auto object = llvm::object::ObjectFile::createObjectFile(
        llvm::MemoryBufferRef(bytes, "module.o"));
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
      if (name->empty())
        continue;
      if (*flags & llvm::object::SymbolRef::SF_Undefined)
        undefined.push_back(name->str());
      else
        defined.insert(*name);
    }
  }
  for (const std::string &name : undefined)
    if (!defined.contains(name)) {
      error = "linking failed: undefined symbol '" + name + "'";
      return false;
    }
  return true;
}

bool linkTbin(const std::vector<std::string> &objects,
              const std::string &outputPath, std::string &error) {
  if (!noUndefinedSymbols(objects, error))
    return false;
  std::vector<std::string> objPaths;
  auto removeObjects = [&] {
    for (const std::string &path : objPaths)
      llvm::sys::fs::remove(path);
  };
  for (const std::string &bytes : objects) {
    llvm::SmallString<128> objPath;
    int fd;
    if (auto ec =
            llvm::sys::fs::createTemporaryFile("tessera", "o", fd, objPath)) {
      removeObjects();
      error = "cannot create a temporary file: " + ec.message();
      return false;
    }
    objPaths.push_back(objPath.str().str());
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
  }
  // Link next to the destination so the final rename is atomic.
  llvm::SmallString<128> tmpOut(outputPath);
  tmpOut += ".tmp-link";

  std::string diagnostics;
  llvm::raw_string_ostream diagOS(diagnostics);
  std::vector<const char *> args = {
      "ld.lld", "-shared",         "-z", "noexecstack", "-z",
      "now",    "--build-id=sha1", "-o", tmpOut.c_str()};
  for (const std::string &path : objPaths)
    args.push_back(path.c_str());
  lld::Result result =
      lld::lldMain(args, diagOS, diagOS, {{lld::Gnu, &lld::elf::link}});
  removeObjects();
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
