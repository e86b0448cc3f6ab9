// tessera-eval: runs a function of a Graph IR module with the reference
// evaluator (no scheduler, no backend), reading inputs and parameters from
// .npy files and writing each result as DIR/<result name>.npy. Errors are one
// line, "tessera-eval: error: ...": exit 1, or 2 for a malformed command.
#include "tessera/Backend/DType.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Reference/Evaluator.h"

#include "tessera/npy.hpp"

#include "../tessera/value_format.hpp"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Mesh/IR/MeshDialect.h"
#include "mlir/Dialect/Mesh/IR/MeshOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

using namespace mlir;
namespace npy = tessera::npy;
namespace tbin = tessera::tbin;
namespace ref = tessera::reference;
namespace tg = tessera::tgraph;

namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Options {
  std::string module;
  std::string entry;
  std::vector<std::string> inputs;
  std::vector<std::string> params;
  std::string outputDir = ".";
};

// NAME=FILE pairs; malformed or repeated ones are usage errors.
std::map<std::string, std::string>
parsePairs(const std::vector<std::string> &flags, const char *option) {
  std::map<std::string, std::string> byName;
  for (const std::string &flag : flags) {
    std::size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size())
      throw UsageError(std::string(option) + " expects NAME=FILE, got '" +
                       flag + "'");
    std::string name = flag.substr(0, eq);
    if (!byName.emplace(name, flag.substr(eq + 1)).second)
      throw UsageError(std::string(option) + " '" + name + "' is given twice");
  }
  return byName;
}

// "file:line:col: " of a location, or "" when it has none.
std::string where(Location loc) {
  FileLineColLoc flc;
  loc->walk([&](Location l) {
    if (!flc)
      flc = dyn_cast<FileLineColLoc>(l);
    return flc ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (!flc)
    return "";
  return (flc.getFilename().str() + ":" + std::to_string(flc.getLine()) + ":" +
          std::to_string(flc.getColumn()) + ": ");
}

Type typeOf(tbin::DType d, Builder &b) {
  switch (d) {
  case tbin::DType::F32:
    return b.getF32Type();
  case tbin::DType::F64:
    return b.getF64Type();
  case tbin::DType::F16:
    return b.getF16Type();
  case tbin::DType::BF16:
    return b.getBF16Type();
  case tbin::DType::I64:
    return b.getI64Type();
  case tbin::DType::I32:
    return b.getI32Type();
  case tbin::DType::I8:
    return b.getIntegerType(8);
  case tbin::DType::Bool:
    return b.getI1Type();
  case tbin::DType::FP8_E4M3:
    return b.getFloat8E4M3FNType();
  case tbin::DType::FP8_E5M2:
    return b.getFloat8E5M2Type();
  case tbin::DType::C64:
    return ComplexType::get(b.getF32Type());
  }
  return {};
}

// The name of an element type as `tessera run` prints it ("f32", "bool").
std::string dtypeName(Type t) {
  if (std::optional<tbin::DType> d = tessera::tbinDType(t))
    return tbin::dtypeName(*d);
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

// A 16- or 8-bit float's bits <-> double, through APFloat (exact both ways
// for values the evaluator has already rounded to the format).
double halfBits(const llvm::fltSemantics &sem, uint16_t bits) {
  unsigned width = llvm::APFloat::getSizeInBits(sem);
  llvm::APFloat f(sem, llvm::APInt(width, bits));
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}
uint16_t toHalfBits(const llvm::fltSemantics &sem, double v) {
  llvm::APFloat f(v);
  bool lost;
  f.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

template <typename T> T loadAt(const npy::Array &a, int64_t i) {
  T v;
  std::memcpy(&v, a.data.data() + i * sizeof(T), sizeof v);
  return v;
}
template <typename T> void storeAt(npy::Array &a, int64_t i, T v) {
  std::memcpy(a.data.data() + i * sizeof(T), &v, sizeof v);
}

ref::Tensor toTensor(const npy::Array &a, Builder &b) {
  ref::Tensor t(typeOf(a.dtype, b), a.shape);
  for (int64_t i = 0, n = a.numElements(); i < n; ++i) {
    switch (a.dtype) {
    case tbin::DType::F32:
      t.data[i] = loadAt<float>(a, i);
      break;
    case tbin::DType::F64:
      t.data[i] = loadAt<double>(a, i);
      break;
    case tbin::DType::F16:
      t.data[i] = halfBits(llvm::APFloat::IEEEhalf(), loadAt<uint16_t>(a, i));
      break;
    case tbin::DType::BF16:
      t.data[i] = halfBits(llvm::APFloat::BFloat(), loadAt<uint16_t>(a, i));
      break;
    case tbin::DType::I64:
      t.data[i] = static_cast<double>(loadAt<int64_t>(a, i));
      break;
    case tbin::DType::I32:
      t.data[i] = loadAt<int32_t>(a, i);
      break;
    case tbin::DType::I8:
      t.data[i] = loadAt<int8_t>(a, i);
      break;
    case tbin::DType::Bool:
      t.data[i] = loadAt<uint8_t>(a, i) != 0;
      break;
    case tbin::DType::C64: // two doubles an element, real first
      t.data[2 * i] = loadAt<float>(a, 2 * i);
      t.data[2 * i + 1] = loadAt<float>(a, 2 * i + 1);
      break;
    case tbin::DType::FP8_E4M3:
      t.data[i] =
          halfBits(llvm::APFloat::Float8E4M3FN(), loadAt<uint8_t>(a, i));
      break;
    case tbin::DType::FP8_E5M2:
      t.data[i] = halfBits(llvm::APFloat::Float8E5M2(), loadAt<uint8_t>(a, i));
      break;
    }
  }
  return t;
}

npy::Array toArray(const ref::Tensor &t, tbin::DType dtype) {
  npy::Array a;
  a.dtype = dtype;
  a.shape = t.shape;
  int64_t n = t.numElements();
  a.data.assign(n * tbin::dtypeSize(dtype), 0);
  for (int64_t i = 0; i < n; ++i) {
    double v = t.data[i * t.width()];
    switch (dtype) {
    case tbin::DType::F32:
      storeAt(a, i, static_cast<float>(v));
      break;
    case tbin::DType::F64:
      storeAt(a, i, v);
      break;
    case tbin::DType::F16:
      storeAt(a, i, toHalfBits(llvm::APFloat::IEEEhalf(), v));
      break;
    case tbin::DType::BF16:
      storeAt(a, i, toHalfBits(llvm::APFloat::BFloat(), v));
      break;
    case tbin::DType::I64:
      storeAt(a, i, static_cast<int64_t>(v));
      break;
    case tbin::DType::I32:
      storeAt(a, i, static_cast<int32_t>(v));
      break;
    case tbin::DType::I8:
      storeAt(a, i, static_cast<int8_t>(v));
      break;
    case tbin::DType::Bool:
      storeAt(a, i, static_cast<uint8_t>(v != 0));
      break;
    case tbin::DType::C64:
      storeAt(a, 2 * i, static_cast<float>(v));
      storeAt(a, 2 * i + 1, static_cast<float>(t.data[2 * i + 1]));
      break;
    case tbin::DType::FP8_E4M3:
      storeAt(
          a, i,
          static_cast<uint8_t>(toHalfBits(llvm::APFloat::Float8E4M3FN(), v)));
      break;
    case tbin::DType::FP8_E5M2:
      storeAt(a, i,
              static_cast<uint8_t>(toHalfBits(llvm::APFloat::Float8E5M2(), v)));
      break;
    }
  }
  return a;
}

// The declared signature of an input or result: "f32[N, 3]", from
// `tgraph.shape` when present, else the type ('?' for a dynamic dim).
std::string signature(Type type, ArrayAttr shape) {
  auto tensor = cast<RankedTensorType>(type);
  std::string s = dtypeName(tensor.getElementType()) + "[";
  for (int64_t d = 0; d < tensor.getRank(); ++d) {
    if (d)
      s += ", ";
    Attribute dim =
        shape && static_cast<int64_t>(shape.size()) == tensor.getRank()
            ? shape[d]
            : Attribute();
    if (auto sym = dyn_cast_or_null<StringAttr>(dim))
      s += sym.str();
    else if (ShapedType::isDynamic(tensor.getDimSize(d)))
      s += "?";
    else
      s += std::to_string(tensor.getDimSize(d));
  }
  return s + "]";
}

// "f32[N=4, 3]": a result's signature with the values its dims took.
std::string boundSignature(Type type, ArrayAttr shape,
                           const std::vector<int64_t> &extents) {
  auto tensor = cast<RankedTensorType>(type);
  std::string s = dtypeName(tensor.getElementType()) + "[";
  for (size_t d = 0; d < extents.size(); ++d) {
    if (d)
      s += ", ";
    if (shape && shape.size() == extents.size())
      if (auto sym = dyn_cast<StringAttr>(shape[d]))
        s += sym.str() + "=";
    s += std::to_string(extents[d]);
  }
  return s + "]";
}

std::string shapeList(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t d = 0; d < shape.size(); ++d)
    s += (d ? ", " : "") + std::to_string(shape[d]);
  return s;
}

std::string nameOf(func::FuncOp fn, unsigned i, bool result) {
  auto name = result ? fn.getResultAttrOfType<StringAttr>(i, tg::kNameAttr)
                     : fn.getArgAttrOfType<StringAttr>(i, tg::kNameAttr);
  if (name)
    return name.str();
  return (result ? "out" : "arg") + std::to_string(i);
}

func::FuncOp chooseEntry(ModuleOp module, const Options &o) {
  if (!o.entry.empty()) {
    auto fn = module.lookupSymbol<func::FuncOp>(o.entry);
    if (!fn) {
      std::string names;
      for (auto f : module.getOps<func::FuncOp>())
        names += (names.empty() ? "" : ", ") + f.getName().str();
      throw Failure("no function '" + o.entry + "' in " + o.module +
                    " (functions: " + names + ")");
    }
    return fn;
  }
  std::vector<func::FuncOp> entries;
  for (auto f : module.getOps<func::FuncOp>())
    if (f->hasAttr(tg::kEntryAttr))
      entries.push_back(f);
  if (entries.size() == 1)
    return entries[0];
  if (entries.empty())
    throw Failure(o.module +
                  " has no tgraph.entry function; choose one with --entry");
  std::string names;
  for (auto f : entries)
    names += (names.empty() ? "" : ", ") + f.getName().str();
  throw Failure(o.module + " has " + std::to_string(entries.size()) +
                " entries (" + names + "); choose one with --entry");
}

// Checks one input against the entry's signature, as `tessera run` does:
// dtype and rank, static dims, and symbols bound consistently.
void checkInput(func::FuncOp fn, unsigned i, const std::string &file,
                const ref::Tensor &t,
                std::map<std::string, std::pair<int64_t, std::string>> &dims) {
  auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
  auto shape = fn.getArgAttrOfType<ArrayAttr>(i, tg::kShapeAttr);
  std::string name = nameOf(fn, i, false);
  std::string expects = signature(type, shape);
  if (t.elementType != type.getElementType() ||
      static_cast<int64_t>(t.shape.size()) != type.getRank())
    throw Failure(file + ": input '" + name + "' expects " + expects +
                  ", got " + dtypeName(t.elementType) + "[" +
                  shapeList(t.shape) + "]");
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t extent = t.shape[d];
    std::optional<std::string> sym;
    if (shape && static_cast<int64_t>(shape.size()) == type.getRank())
      if (auto s = dyn_cast<StringAttr>(shape[d]))
        sym = s.str();
    if (!ShapedType::isDynamic(type.getDimSize(d)) &&
        type.getDimSize(d) != extent)
      throw Failure(file + ": input '" + name + "' expects " + expects +
                    ", got " + dtypeName(t.elementType) + "[" +
                    shapeList(t.shape) + "]");
    if (!sym)
      continue;
    auto [it, fresh] = dims.try_emplace(*sym, extent, name);
    if (!fresh && it->second.first != extent)
      throw Failure(file + ": input '" + name + "' dim " + std::to_string(d) +
                    " is " + *sym + " = " + std::to_string(extent) +
                    " here but " + *sym + " = " +
                    std::to_string(it->second.first) + " from input '" +
                    it->second.second + "'");
  }
}

int run(const Options &o) {
  std::map<std::string, std::string> inputFiles =
      parsePairs(o.inputs, "--input");
  std::map<std::string, std::string> paramFiles =
      parsePairs(o.params, "--param");

  MLIRContext ctx;
  ctx.loadDialect<tg::TGraphDialect, func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect, ml_program::MLProgramDialect,
                  complex::ComplexDialect, mesh::MeshDialect>();
  // The first error, with its location, becomes the one line reported.
  std::string firstError;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && firstError.empty())
      firstError = where(d.getLocation()) + d.str();
    return success();
  });
  auto fail = [&](const std::string &fallback) {
    return Failure(firstError.empty() ? fallback : firstError);
  };

  std::string error;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(o.module);
  if (!buffer)
    throw Failure(o.module + ": " + buffer.getError().message());
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &ctx);
  if (!module)
    throw fail(o.module + ": cannot parse the module");
  func::FuncOp fn = chooseEntry(*module, o);
  std::string entry = fn.getName().str();

  // Inputs by name, in the entry's order.
  std::vector<std::string> names;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    names.push_back(nameOf(fn, i, false));
  for (const auto &[name, file] : inputFiles)
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string list;
      for (const std::string &n : names)
        list += (list.empty() ? "" : ", ") + n;
      throw Failure("entry '" + entry + "' has no input '" + name +
                    "' (inputs: " + list + ")");
    }
  Builder b(&ctx);
  std::vector<ref::Tensor> args;
  std::map<std::string, std::pair<int64_t, std::string>> dims;
  for (unsigned i = 0; i < names.size(); ++i) {
    auto it = inputFiles.find(names[i]);
    if (it == inputFiles.end())
      throw Failure(
          "missing input '" + names[i] + "' (" +
          signature(fn.getArgumentTypes()[i],
                    fn.getArgAttrOfType<ArrayAttr>(i, tg::kShapeAttr)) +
          "); pass --input " + names[i] + "=FILE.npy");
    npy::Array array;
    if (!npy::read(it->second, array, error))
      throw Failure(error);
    // .npy has no bf16 or fp8: such an input reads a float32 file, rounded
    // (as `tessera run` does).
    Type elem =
        cast<RankedTensorType>(fn.getArgumentTypes()[i]).getElementType();
    if (elem.isBF16())
      array = npy::roundToBFloat16(std::move(array));
    if (std::optional<tbin::DType> d = tessera::tbinDType(elem))
      array = npy::roundToFloat8(std::move(array), *d);
    args.push_back(toTensor(array, b));
    checkInput(fn, i, it->second, args.back(), dims);
  }

  ref::Options options;
  for (const auto &[given, file] : paramFiles) {
    std::string name = given[0] == '@' ? given.substr(1) : given;
    if (!module->lookupSymbol<ml_program::GlobalOp>(name))
      throw Failure("no parameter '@" + name + "' in " + o.module);
    npy::Array array;
    if (!npy::read(file, array, error))
      throw Failure(error);
    options.params[name] = toTensor(array, b);
  }

  FailureOr<std::vector<ref::Tensor>> results =
      ref::evaluate(fn, args, options);
  if (failed(results))
    throw fail("cannot evaluate '@" + entry + "'");

  // Every result must fit a .npy file before any is written.
  std::vector<tbin::DType> dtypes;
  for (auto [i, t] : llvm::enumerate(*results)) {
    std::string name = nameOf(fn, i, true);
    if (name.empty() || name == "." || name == ".." ||
        name.find('/') != std::string::npos)
      throw Failure("result name '" + name + "' cannot be used as a file name");
    std::optional<tbin::DType> d = tessera::tbinDType(t.elementType);
    // .npy has no bf16 or fp8: written as float32, exactly (as `tessera
    // run` does).
    if (d == tbin::DType::BF16 || d == tbin::DType::FP8_E4M3 ||
        d == tbin::DType::FP8_E5M2)
      d = tbin::DType::F32;
    if (!d || !npy::descrOf(*d)) // .npy has no complex dtype
      throw Failure("result '" + name + "' has element type " +
                    dtypeName(t.elementType) +
                    ", which .npy output does not support");
    dtypes.push_back(*d);
  }
  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (ec)
    throw Failure(o.outputDir + ": " + ec.message());
  for (auto [i, t] : llvm::enumerate(*results)) {
    std::string name = nameOf(fn, i, true);
    npy::Array array = toArray(t, dtypes[i]);
    std::string path =
        (std::filesystem::path(o.outputDir) / (name + ".npy")).string();
    if (!npy::write(path, array, error))
      throw Failure(error);
    auto shape = fn.getResultAttrOfType<ArrayAttr>(i, tg::kShapeAttr);
    std::printf("%s: %s = %s\n", name.c_str(),
                boundSignature(fn.getResultTypes()[i], shape, t.shape).c_str(),
                tessera::cli::formatValues(array).c_str());
  }
  return 0;
}

int reportError(const std::string &message, int status) {
  std::fprintf(stderr, "tessera-eval: error: %s\n", message.c_str());
  return status;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  CLI::App app{"Evaluates a function of a Graph IR (tgraph) module with the "
               "reference evaluator, on inputs read from .npy files, and "
               "writes its results as .npy files.",
               "tessera-eval"};
  app.footer("Exit status: 0 on success, 1 on an error, 2 on a usage error.");
  app.add_option("module", o.module, "The module (.mlir file, '-' for stdin).")
      ->required()
      ->type_name("MODULE.mlir");
  app.add_option("--entry", o.entry,
                 "Function to evaluate. Default: the module's only function "
                 "marked tgraph.entry.")
      ->type_name("NAME");
  app.add_option("--input", o.inputs,
                 "Read input NAME (its tgraph.name, else argN) from the .npy "
                 "file FILE. Repeat for each input; every input must be given.")
      ->type_name("NAME=FILE")
      ->allow_extra_args(false);
  app.add_option("--param", o.params,
                 "Read the value of the ml_program global @NAME from FILE; a "
                 "global not given takes its dense initial value.")
      ->type_name("@NAME=FILE")
      ->allow_extra_args(false);
  app.add_option("--output-dir", o.outputDir,
                 "Directory to write each result to, as DIR/<result "
                 "name>.npy (its tgraph.name, else outN); created if "
                 "missing. Default: .")
      ->type_name("DIR");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    return reportError(e.what(), 2);
  }
  try {
    return run(o);
  } catch (const UsageError &e) {
    return reportError(e.what(), 2);
  } catch (const std::exception &e) {
    return reportError(e.what(), 1);
  }
}
