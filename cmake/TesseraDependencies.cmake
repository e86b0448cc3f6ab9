# Compiler-side dependencies (the runtime uses none of these).
set(TESSERA_LLVM_ROOT "/usr/lib/llvm-19" CACHE PATH "LLVM/MLIR 19 installation")

find_package(MLIR REQUIRED CONFIG HINTS "${TESSERA_LLVM_ROOT}/lib/cmake/mlir")
find_package(LLD REQUIRED CONFIG HINTS "${TESSERA_LLVM_ROOT}/lib/cmake/lld")
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS} ${LLD_INCLUDE_DIRS})
separate_arguments(TESSERA_LLVM_DEFINITIONS UNIX_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${TESSERA_LLVM_DEFINITIONS})

find_package(antlr4-runtime 4.9 REQUIRED CONFIG)
# Debian's antlr4-generator package runs `java -jar antlr4.jar`, which fails
# because that jar's manifest lists no class path; the `antlr4` launcher
# script sets it, so the grammar is generated with that (frontend/).
find_program(TESSERA_ANTLR4 antlr4 REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(GTest REQUIRED)

find_program(TESSERA_FILECHECK FileCheck HINTS "${TESSERA_LLVM_ROOT}/bin" REQUIRED)
find_program(TESSERA_LIT lit.py HINTS "${TESSERA_LLVM_ROOT}/build/utils/lit" REQUIRED)
find_program(TESSERA_LLD ld.lld HINTS "${TESSERA_LLVM_ROOT}/bin")
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Optional: the CUDA toolkit is detected and reported, never required.
find_program(TESSERA_NVCC nvcc HINTS /usr/local/cuda/bin)
find_program(TESSERA_PTXAS ptxas HINTS /usr/local/cuda/bin)

# Every compiler binary links the MLIR and LLVM shared libraries: fast links,
# and one copy of LLVM's global state.
set(TESSERA_MLIR_LIBS MLIR LLVM)
