// tesserac: .tsr -> .tbin, or any level in between with --emit.
#include "VerifyAdjoints.h"
#include "tessera/Backend/Cuda.h"
#include "tessera/Backend/Passes.h"
#include "tessera/Backend/Tbin.h"
#include "tessera/Conversion/Passes.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"
#include "tessera/Dialect/TTile/Transforms/Passes.h"
#include "tessera/Frontend/Files.h"
#include "tessera/Frontend/MLIRGen.h"
#include "tessera/Frontend/Parser.h"
#include "tessera/Frontend/Sema.h"

#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

namespace {

enum class Emit {
  Ast,
  Types,
  TGraph,
  TSched,
  TTile,
  LLVM,
  PTX,
  Asm,
  Obj,
  Header,
  Tbin
};

const std::map<std::string, Emit> kEmitNames = {
    {"ast", Emit::Ast},       {"types", Emit::Types}, {"tgraph", Emit::TGraph},
    {"tsched", Emit::TSched}, {"ttile", Emit::TTile}, {"llvm", Emit::LLVM},
    {"ptx", Emit::PTX},       {"asm", Emit::Asm},     {"obj", Emit::Obj},
    {"header", Emit::Header}, {"tbin", Emit::Tbin}};

struct Options {
  std::string input;
  std::string output;
  std::string emit = "tbin";
  unsigned optLevel = 2;
  std::vector<std::string> includeDirs;
  std::vector<std::string> targets{"cpu"};
  std::vector<std::string> cudaArchs = tessera::defaultCudaArchs();
  std::string cpu = "host";
  bool werror = false;
  bool checkOnly = false;
  bool printLocations = false;
  bool verifyAdjoints = false;
  bool ptxas = true;
  bool fuseRows = true;
  bool fuseEpilogues = true;
  bool cudaMatmulEpilogues = false;
  bool time = false;
};

int fail(const std::string &msg) {
  std::cerr << "tesserac: error: " << msg << "\n";
  return 1;
}

// Standard output for "-", else the file, written atomically.
bool writeOutput(const std::string &path, const std::string &data,
                 std::string &error) {
  if (path == "-") {
    std::cout << data;
    return true;
  }
  return tessera::writeFileAtomically(path, data, error);
}

std::string defaultOutput(const std::string &input, Emit emit) {
  if (emit != Emit::Tbin && emit != Emit::Obj && emit != Emit::Header)
    return "-";
  std::string stem = input;
  if (auto slash = stem.find_last_of('/'); slash != std::string::npos)
    stem = stem.substr(slash + 1);
  if (auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0)
    stem = stem.substr(0, dot);
  return stem + (emit == Emit::Tbin  ? ".tbin"
                 : emit == Emit::Obj ? ".o"
                                     : ".h");
}

// Renders MLIR diagnostics like the frontend's: file:line:col, the source
// line and a caret, using the location every op carries from the source.
class SourceDiagnostics {
public:
  SourceDiagnostics(mlir::MLIRContext &ctx, const tessera::SourceFile &file)
      : handler(&ctx, [&file](mlir::Diagnostic &d) {
          tessera::Diagnostic out;
          out.severity = d.getSeverity() == mlir::DiagnosticSeverity::Warning
                             ? tessera::Severity::Warning
                         : d.getSeverity() == mlir::DiagnosticSeverity::Note
                             ? tessera::Severity::Note
                             : tessera::Severity::Error;
          out.message = d.str();
          out.range = rangeOf(d.getLocation(), file);
          std::cerr << tessera::renderDiagnostic(out);
          return mlir::success();
        }) {}

private:
  static tessera::SourceRange rangeOf(mlir::Location loc,
                                      const tessera::SourceFile &file) {
    mlir::FileLineColLoc flc;
    loc->walk([&](mlir::Location l) {
      if (!flc)
        flc = mlir::dyn_cast<mlir::FileLineColLoc>(l);
      return flc ? mlir::WalkResult::interrupt() : mlir::WalkResult::advance();
    });
    if (!flc || flc.getFilename() != file.path())
      return {};
    // Offset of line:col: walk the line starts.
    unsigned line = 1, offset = 0;
    const std::string &text = file.text();
    while (line < flc.getLine() && offset < text.size())
      if (text[offset++] == '\n')
        ++line;
    offset = std::min<unsigned>(offset + flc.getColumn() - 1, text.size());
    return {&file, offset, offset + 1};
  }

  mlir::ScopedDiagnosticHandler handler;
};

std::string printOp(mlir::Operation *op, bool locations) {
  std::string s;
  llvm::raw_string_ostream os(s);
  mlir::OpPrintingFlags flags;
  if (locations)
    flags.enableDebugInfo();
  op->print(os, flags);
  os << "\n";
  return s;
}

int compile(const Options &opts) {
  Emit emit = kEmitNames.at(opts.emit);
  std::string output =
      opts.output.empty() ? defaultOutput(opts.input, emit) : opts.output;
  // --time: a tree of wall and user times per phase and pass, printed to
  // standard error when `timing` goes out of scope.
  mlir::DefaultTimingManager timing;
  timing.setEnabled(opts.time);
  mlir::TimingScope root = timing.getRootScope();
  mlir::TimingScope frontend = root.nest("parse and check");
  std::string text, error;
  if (!tessera::readFile(opts.input, text, error))
    return fail(error);
  tessera::SourceFile file(opts.input, std::move(text));
  tessera::DiagnosticEngine diags;
  diags.setWarningsAsErrors(opts.werror);

  std::optional<tessera::ast::Module> ast = tessera::parseModule(file, diags);
  if (!ast) {
    std::cerr << diags.render();
    return 1;
  }
  if (emit == Emit::Ast) {
    std::cerr << diags.render();
    return writeOutput(output, tessera::ast::print(*ast), error) ? 0
                                                                 : fail(error);
  }
  tessera::SemaResult types;
  tessera::SemaOptions semaOptions;
  semaOptions.includeDirs = opts.includeDirs;
  bool ok = tessera::checkModule(*ast, diags, types, semaOptions);
  std::cerr << diags.render();
  size_t reported = diags.diagnostics().size();
  if (!ok)
    return 1;
  if (opts.checkOnly)
    return 0;
  frontend.stop();
  if (emit == Emit::Types) {
    std::string out;
    for (const auto &[name, type] : types.globals)
      out += name + ": " + type.str() + "\n";
    return writeOutput(output, out, error) ? 0 : fail(error);
  }

  std::string moduleName =
      ast->name.empty() ? defaultOutput(opts.input, Emit::Tbin) : ast->name;
  if (ast->name.empty())
    moduleName = moduleName.substr(0, moduleName.size() - 5);

  mlir::DialectRegistry registry;
  mlir::func::registerInlinerExtension(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadDialect<tessera::tsched::TSchedDialect, tessera::ttile::TTileDialect,
                  mlir::arith::ArithDialect, mlir::memref::MemRefDialect,
                  mlir::LLVM::LLVMDialect>();
  SourceDiagnostics sourceDiags(ctx, file);
  mlir::TimingScope generate = root.nest("generate Graph IR");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      tessera::mlirGen(ctx, *ast, types, diags);
  generate.stop();
  if (!module) {
    std::cerr << diags.render(reported);
    return 1;
  }
  if (failed(mlir::verify(*module)))
    return 1;
  if (opts.verifyAdjoints)
    return tessera::verifyAdjoints(*module);
  if (emit == Emit::TGraph)
    return writeOutput(output, printOp(*module, opts.printLocations), error)
               ? 0
               : fail(error);

  // One pass manager per phase, each timed under the phase's own name (the
  // timer nests passes by address, which a later pass manager may reuse).
  auto run = [&](llvm::StringRef phase, auto addPasses) {
    mlir::TimingScope phaseTiming = root.nest(phase);
    mlir::PassManager pm(&ctx);
    if (opts.time)
      pm.enableTiming(phaseTiming);
    addPasses(pm);
    return mlir::succeeded(pm.run(*module));
  };
  // Graph IR for the backend: derivative operators become derivative code,
  // train steps become entries with their optimizer's update (whose
  // gradient is derivative code in turn), calls are inlined into the
  // entries, parameters become entry inputs; then composite operators are
  // decomposed and the algebra simplified (within what the numerics policy
  // allows).
  if (!run("derivatives and calls", [&](mlir::PassManager &pm) {
        pm.addPass(tessera::tgraph::createPinPolicies());
        pm.addPass(mlir::createInlinerPass());
        // Before differentiation, so that reverse mode through attention is
        // attention's own fused adjoint.
        if (opts.optLevel > 0)
          pm.addPass(tessera::tgraph::createFormAttention());
        // Derivative operators first: the parameters a derivative's callee
        // reads (partial(u), grad(f), ...) then lie in the train body, where
        // train-steps makes them arguments of the loss, so they are trained.
        // The second round lowers the train steps' own vjps.
        pm.addPass(tessera::tgraph::createDifferentiate());
        pm.addPass(mlir::createInlinerPass());
        // The derivative functions, once inlined, recompute the same
        // forward values (u, Dx(u) and Dxx(u) each run u's layers): merged
        // here, before the train steps' reverse sweep, each such value's
        // adjoints are summed first and cross its matmuls once, not once
        // per copy (the Burgers step: 55 matmuls instead of 80).
        if (opts.optLevel > 0)
          pm.addPass(mlir::createCSEPass());
        pm.addPass(tessera::tgraph::createTrainSteps());
        pm.addPass(tessera::tgraph::createDifferentiate());
        pm.addPass(mlir::createInlinerPass());
        pm.addPass(tessera::tgraph::createParamsToInputs());
      }))
    return 1;
  tessera::tbin::ModuleMeta meta =
      tessera::collectModuleMeta(*module, moduleName);
  if (emit == Emit::Header)
    return writeOutput(output,
                       tessera::moduleHeader(
                           meta, llvm::sys::path::filename(opts.input).str()),
                       error)
               ? 0
               : fail(error);
  if (!run("rewrites and fusion", [&](mlir::PassManager &pm) {
        pm.addPass(mlir::createSymbolDCEPass());
        pm.addPass(tessera::tgraph::createDecompose());
        if (opts.optLevel > 0) {
          pm.addPass(tessera::tgraph::createSimplify());
          // After simplification has merged equal values: an adjoint whose
          // forward attention is here reads that op's log-sum-exp.
          pm.addPass(tessera::tgraph::createAttentionResiduals());
        }
        tessera::FormFusionGroupsOptions fusion;
        fusion.rows = opts.fuseRows;
        fusion.epilogues = opts.fuseEpilogues;
        pm.addPass(tessera::createFormFusionGroups(fusion));
      }))
    return 1;
  if (emit == Emit::TSched)
    return writeOutput(output, printOp(*module, opts.printLocations), error)
               ? 0
               : fail(error);
  // One vector step per kernel step: the CPU's widest registers for a CPU
  // build. GPU kernels share the Tile IR, and a GPU thread runs one step:
  // 32 bytes (two 16-byte accesses) keeps its loads coalesced, so a GPU or
  // fat build uses at most that (a fat build's CPU code then runs at AVX2
  // width; Tile IR per target would lift this).
  int64_t vectorBytes = llvm::is_contained(opts.targets, "cpu")
                            ? tessera::vectorBytesForCpu(opts.cpu)
                            : 32;
  // A reduction step computes 8 results on the CPU, one per GPU thread (8
  // per thread left 8 times fewer threads: softmax rows ran 5 times slower).
  int64_t reductionResults = 8;
  // An attention point takes a vector's rows on the CPU; a GPU runs a thread
  // a row (8 rows a thread left too few threads). The bits are the same.
  int64_t attentionRows = 0;
  // A matmul's epilogue runs in the matmul kernel on the CPU. The GPU's
  // block tiles can apply it element by element in their stores, but on an
  // H100 that is slower than a kernel of its own after them (their scalar
  // stores: docs/ir/cuda-backend.md), so a GPU build (and the CPU code of
  // a fat build, which shares its Tile IR) keeps the separate kernel unless
  // asked.
  bool matmulEpilogues = true;
  if (llvm::is_contained(opts.targets, "cuda") || emit == Emit::PTX) {
    vectorBytes = std::min<int64_t>(vectorBytes, 32);
    reductionResults = 1;
    attentionRows = 1;
    matmulEpilogues = opts.cudaMatmulEpilogues;
  }
  if (!run("Tile IR", [&](mlir::PassManager &pm) {
        pm.addPass(tessera::createConvertTSchedToTTile(
            {vectorBytes, reductionResults, attentionRows, matmulEpilogues}));
        // Merging first spares the canonicalizer the repeats; canonical
        // forms can make more kernels equal, so merge again after it.
        pm.addPass(tessera::ttile::createDedupeKernels());
        pm.addPass(mlir::createCanonicalizerPass());
        pm.addPass(tessera::ttile::createDedupeKernels());
      }))
    return 1;
  if (emit == Emit::TTile)
    return writeOutput(output, printOp(*module, opts.printLocations), error)
               ? 0
               : fail(error);
  bool cpu = llvm::is_contained(opts.targets, "cpu");
  bool cuda = llvm::is_contained(opts.targets, "cuda") || emit == Emit::PTX;
  tessera::tbin::OpsTable ops = tessera::collectOpsTable(*module, cpu, cuda);
  // Device code first, from a copy: the host lowering consumes the kernels.
  std::optional<tessera::tbin::CudaImages> cudaImages;
  if (cuda) {
    mlir::OwningOpRef<mlir::ModuleOp> device = module->clone();
    mlir::TimingScope deviceTiming = root.nest("device code");
    mlir::PassManager pm(&ctx);
    if (opts.time)
      pm.enableTiming(deviceTiming);
    pm.addPass(tessera::createConvertTTileToNVVM());
    if (mlir::failed(pm.run(*device)))
      return 1;
    if (emit == Emit::PTX) {
      std::string ptx;
      if (!tessera::emitPTX(*device, opts.cudaArchs.front(), opts.optLevel, ptx,
                            error))
        return fail(error);
      return writeOutput(output, ptx, error) ? 0 : fail(error);
    }
    cudaImages.emplace();
    if (!tessera::buildCudaImages(*device, opts.cudaArchs, opts.optLevel,
                                  opts.ptxas ? tessera::findPtxas() : "",
                                  *cudaImages, error))
      return fail(error);
  }
  if (!run("host code", [&](mlir::PassManager &pm) {
        tessera::ConvertTTileToLLVMOptions host;
        host.targets = opts.targets;
        host.hardwareFma = tessera::cpuHasFma(opts.cpu);
        pm.addPass(tessera::createConvertTTileToLLVM(host));
      }))
    return 1;

  tessera::CodegenOptions cg;
  cg.optLevel = opts.optLevel;
  // "host": the vector extensions of the machine compiling (AVX2, AVX-512
  // where present); a .tbin for another machine names its CPU.
  cg.cpu = opts.cpu == "host" ? llvm::sys::getHostCPUName().str() : opts.cpu;
  cg.staticModule = emit == Emit::Obj;
  llvm::LLVMContext llvmCtx;
  if (emit == Emit::Tbin) {
    // Optimized and compiled in pieces, in parallel ([ParallelCodegen]).
    mlir::TimingScope translate = root.nest("LLVM IR");
    std::unique_ptr<llvm::Module> llvmModule = tessera::translateUnoptimized(
        *module, llvmCtx, meta, ops, cudaImages ? &*cudaImages : nullptr, cg,
        error);
    translate.stop();
    if (!llvmModule)
      return fail(error);
    if (output == "-")
      return fail("a .tbin cannot be written to standard output; use -o FILE");
    std::vector<std::string> objects;
    unsigned pieces = tessera::codegenPartitions(*llvmModule);
    mlir::TimingScope codegen = root.nest(
        pieces == 1 ? std::string("optimization and machine code")
                    : "optimization and machine code, " +
                          std::to_string(pieces) + " pieces in parallel");
    if (!tessera::compileInPieces(std::move(llvmModule), cg, objects, error))
      return fail(error);
    codegen.stop();
    mlir::TimingScope link = root.nest("link");
    return tessera::linkTbin(objects, output, error) ? 0 : fail(error);
  }
  mlir::TimingScope translate = root.nest("LLVM IR and its optimization");
  std::unique_ptr<llvm::Module> llvmModule = tessera::translateToLLVMIR(
      *module, llvmCtx, meta, ops, cudaImages ? &*cudaImages : nullptr, cg,
      error);
  translate.stop();
  if (!llvmModule)
    return fail(error);
  if (emit == Emit::LLVM) {
    std::string s;
    llvm::raw_string_ostream os(s);
    llvmModule->print(os, nullptr);
    return writeOutput(output, s, error) ? 0 : fail(error);
  }
  std::string code;
  mlir::TimingScope codegen = root.nest("machine code");
  if (!tessera::emitMachineCode(*llvmModule, cg, emit == Emit::Asm, code,
                                error))
    return fail(error);
  codegen.stop();
  return writeOutput(output, code, error) ? 0 : fail(error);
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  CLI::App app{"tesserac: compile Tessera (.tsr) programs to .tbin modules.\n\n"
               "  tesserac model.tsr -o model.tbin      compile\n"
               "  tesserac model.tsr --emit=tgraph      print the Graph IR\n"
               "  tesserac model.tsr --emit=obj         model.o and model.h, "
               "to link\n"
               "  tesserac model.tsr --emit=header      the model into a "
               "program\n"};
  app.add_option("input", opts.input, "The .tsr source file")->required();
  app.add_option("-o,--output", opts.output,
                 "Output file ('-' for standard output). Default: <input>.tbin "
                 "for tbin, <input>.o for obj, <input>.h for header, standard "
                 "output otherwise");
  app.add_option("--emit", opts.emit,
                 "What to produce: ast, types (each top-level name's checked "
                 "type), tgraph (Graph IR), tsched (Schedule "
                 "IR), ttile (Tile IR), llvm (LLVM IR of the host code), ptx "
                 "(the GPU kernels for the first --cuda-arch), asm, obj (an "
                 "object file to link into a program), header (its C header), "
                 "tbin")
      ->check(CLI::IsMember({"ast", "types", "tgraph", "tsched", "ttile",
                             "llvm", "ptx", "asm", "obj", "header", "tbin"}))
      ->default_str("tbin");
  app.add_option("-O", opts.optLevel, "Optimization level 0-3 (default 2)")
      ->check(CLI::Range(0, 3));
  app.add_option("-I", opts.includeDirs, "Add a directory to the import path");
  app.add_option("--cpu", opts.cpu,
                 "The x86-64 CPU to generate code for: host (default: the "
                 "machine compiling), x86-64, x86-64-v2, x86-64-v3 (AVX2), "
                 "x86-64-v4 (AVX-512), or an LLVM CPU name")
      ->check(CLI::Validator(
          [](std::string &cpu) {
            return tessera::isKnownCpu(cpu)
                       ? std::string()
                       : "unknown CPU '" + cpu +
                             "' (try host, x86-64, x86-64-v2, x86-64-v3, "
                             "x86-64-v4)";
          },
          "CPU"));
  app.add_option("--target", opts.targets,
                 "Devices to generate code for, comma-separated: cpu "
                 "(default), cuda, or cpu,cuda for one .tbin that runs on "
                 "either (a fat binary)")
      ->delimiter(',')
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->default_str("cpu");
  app.add_option("--cuda-arch", opts.cudaArchs,
                 "GPU architectures for --target=cuda, comma-separated "
                 "(default sm_80,sm_90a): PTX for each, and a cubin for each "
                 "when ptxas is found ($TESSERA_PTXAS, /usr/local/cuda/bin, "
                 "PATH)")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string &arch) {
            return tessera::isKnownCudaArch(arch)
                       ? std::string()
                       : "unknown CUDA architecture '" + arch +
                             "' (try sm_80, sm_90, sm_90a)";
          },
          "ARCH"))
      ->default_str("sm_80,sm_90a");
  app.add_flag("!--no-cubin", opts.ptxas,
               "With --target=cuda, embed PTX only, even where ptxas is "
               "installed (the driver compiles it when the model loads)");
  app.add_flag("!--no-row-fusion", opts.fuseRows,
               "Run each row reduction of softmax, layernorm and the like as "
               "a kernel of its own instead of one kernel a row (the results "
               "are the same bytes; for comparison)");
  app.add_flag("!--no-epilogue-fusion", opts.fuseEpilogues,
               "Run the bias, activation or other elementwise operators "
               "applied to a matmul's product as a kernel of their own "
               "instead of in the matmul's stores (the results are the same "
               "bytes; for comparison)");
  app.add_flag("--cuda-matmul-epilogues", opts.cudaMatmulEpilogues,
               "With --target=cuda, apply a matmul's epilogue in the GPU's "
               "matmul kernels, element by element, instead of in a kernel "
               "of its own after them (the same bytes; slower on an H100 "
               "today; for comparison)");
  app.add_flag("--Werror", opts.werror, "Treat warnings as errors");
  app.add_flag(
      "--print-locations", opts.printLocations,
      "With --emit=tgraph/tsched/ttile, print each op's source location");
  app.add_flag("--verify-adjoints", opts.verifyAdjoints,
               "Check the derivatives of every function the program "
               "differentiates against finite differences (in f64, at random "
               "inputs); produce nothing");
  app.add_flag("--time", opts.time,
               "Print the wall and user time of each compilation phase and "
               "pass to standard error");
  app.add_flag("--check", opts.checkOnly,
               "Parse and check only (names, types, shapes); produce nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    app.exit(e);
    return 2;
  }
  return compile(opts);
}
