// PTX -> cubin with the CUDA toolkit's ptxas, when it is installed (Cuda.h).
#include "tessera/Backend/Cuda.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace tessera {
namespace {

// Removes a temporary file on every way out.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

} // namespace

std::string findPtxas() {
  if (const char *env = std::getenv("TESSERA_PTXAS"))
    return llvm::sys::fs::can_execute(env) ? env : "";
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return "/usr/local/cuda/bin/ptxas";
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("ptxas");
  return found ? *found : "";
}

bool assembleCubin(const std::string &ptxas, const std::string &ptx,
                   const std::string &arch, std::string &cubin,
                   std::string &error) {
  TempFile in, out, log;
  if (llvm::sys::fs::createTemporaryFile("tessera", "ptx", in.path) ||
      llvm::sys::fs::createTemporaryFile("tessera", "cubin", out.path) ||
      llvm::sys::fs::createTemporaryFile("tessera-ptxas", "log", log.path)) {
    error = "cannot create temporary files for ptxas";
    return false;
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(in.path, ec);
    if (ec) {
      error = "cannot write " + in.path.str().str() + ": " + ec.message();
      return false;
    }
    os << ptx;
  }
  // --fmad=false: the PTX already says which operations round (ARCHITECTURE.md
  // §6); ptxas must not fuse a multiply into an add either.
  // --split-compile: the kernels compiled on several threads (the Burgers
  // step's sm_90a code: 2.3 s on one, 1.4 s on two cores). The cubin's
  // layout depends on the thread count, so it is fixed, not the machine's:
  // the same bytes everywhere. A ptxas without the option runs without it.
  std::string archFlag = "-arch=" + arch;
  llvm::SmallVector<llvm::StringRef> args{
      ptxas, archFlag, "-O3", "--fmad=false", "--split-compile",
      "4",   in.path,  "-o",  out.path};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path.str(),
                                                log.path.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log.path);
    if (text && (*text)->getBuffer().contains("split-compile")) {
      args.erase(args.begin() + 4, args.begin() + 6);
      rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0,
                                     &message);
    }
  }
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log.path);
    error =
        "ptxas failed for " + arch + (message.empty() ? "" : ": " + message);
    if (text)
      error += "\n" + (*text)->getBuffer().str();
    return false;
  }
  auto bytes = llvm::MemoryBuffer::getFile(out.path, /*IsText=*/false);
  if (!bytes) {
    error = "cannot read the cubin ptxas wrote";
    return false;
  }
  cubin = (*bytes)->getBuffer().str();
  return true;
}

} // namespace tessera
