// tessera-lsp: the .tsr language server, over stdio.
#include "Server.h"

#include "mlir/Tools/lsp-server-support/Logging.h"
#include "mlir/Tools/lsp-server-support/Transport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using mlir::lsp::JSONStreamStyle;
using mlir::lsp::Logger;

int main(int argc, char **argv) {
  llvm::cl::OptionCategory category("tessera-lsp options");
  llvm::cl::opt<bool> litTest{
      "lit-test",
      llvm::cl::desc(
          "Read messages delimited by `// -----` lines, pretty-print "
          "the output, check each change before the next message, "
          "and log everything (for lit tests)"),
      llvm::cl::cat(category)};
  llvm::cl::opt<Logger::Level> logLevel{
      "log", llvm::cl::desc("What to log on stderr"),
      llvm::cl::values(clEnumValN(Logger::Level::Error, "error", "errors only"),
                       clEnumValN(Logger::Level::Info, "info", "each message"),
                       clEnumValN(Logger::Level::Debug, "verbose",
                                  "each message's text, and timings")),
      llvm::cl::init(Logger::Level::Error), llvm::cl::cat(category)};
  llvm::cl::opt<bool> pretty{"pretty",
                             llvm::cl::desc("Pretty-print the JSON output"),
                             llvm::cl::cat(category)};
  llvm::cl::list<std::string> includeDirs{
      "I", llvm::cl::desc("Add a directory to the import path"),
      llvm::cl::value_desc("dir"), llvm::cl::Prefix, llvm::cl::cat(category)};
  llvm::cl::opt<unsigned> intervalMs{
      "check-interval",
      llvm::cl::desc("Check a document at most once per this many ms while "
                     "it is being edited"),
      llvm::cl::init(50), llvm::cl::cat(category)};
  llvm::cl::HideUnrelatedOptions(category);
  // Bad usage exits 2, as every Tessera tool does.
  if (!llvm::cl::ParseCommandLineOptions(
          argc, argv,
          "tessera-lsp: the .tsr language server (Language Server Protocol "
          "over stdin/stdout)\n",
          &llvm::errs()))
    return 2;

  JSONStreamStyle style = JSONStreamStyle::Standard;
  if (litTest) {
    style = JSONStreamStyle::Delimited;
    pretty = true;
    logLevel = Logger::Level::Debug;
  }
  Logger::setLogLevel(logLevel);

  tessera::lsp::ServerOptions options;
  options.analysis.includeDirs.assign(includeDirs.begin(), includeDirs.end());
  options.synchronous = litTest;
  options.checkInterval = std::chrono::milliseconds(intervalMs);

  llvm::sys::ChangeStdinToBinary();
  mlir::lsp::JSONTransport transport(stdin, llvm::outs(), style, pretty);
  return llvm::succeeded(tessera::lsp::runServer(transport, options)) ? 0 : 1;
}
