# lit configuration shared by tests/lit and tests/e2e.
import os
import lit.formats

site = lit_config.params.get("site_config")
if site:
    lit_config.load_config(config, site)

config.name = "Tessera"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".tsr", ".test"]
config.excludes = ["Inputs", "pending", "expect_exit.py", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tessera_build_dir, "tests",
                                     os.path.basename(config.test_source_root))

config.environment["PATH"] = os.pathsep.join(
    [config.tessera_bin_dir, config.llvm_tools_dir, config.environ_path]
    if hasattr(config, "environ_path") else
    [config.tessera_bin_dir, config.llvm_tools_dir, os.environ.get("PATH", "")])
# Messages are compared exactly; keep them in one language.
config.environment["LC_ALL"] = "C"
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src", config.tessera_src_dir))
config.substitutions.append(
    ("%expect_exit", config.python_executable + " " +
     os.path.join(config.tessera_src_dir, "tests", "lit", "expect_exit.py")))
config.substitutions.append(
    ("%tessera_rt_so", os.path.join(config.tessera_build_dir, "lib", "libtessera_rt.so")))
config.substitutions.append(
    ("%tessera_rt_a", os.path.join(config.tessera_build_dir, "lib", "libtessera_rt.a")))
# What a program linking the static runtime from the build tree needs (the
# installed libtessera_rt.a holds the format codec too).
config.substitutions.append(
    ("%tessera_rt_static_libs", " ".join(
        os.path.join(config.tessera_build_dir, "lib", lib)
        for lib in ("libtessera_rt.a", "libtessera_format.a"))))
config.substitutions.append(
    ("%tessera_bin", os.path.join(config.tessera_bin_dir, "tessera")))
config.substitutions.append(
    ("%tesserac_bin", os.path.join(config.tessera_bin_dir, "tesserac")))

# The CUDA toolkit's assembler, where installed: tests that check it accepts
# the PTX tesserac emits need it (the PTX itself is checked everywhere).
import shutil
_ptxas = os.environ.get("TESSERA_PTXAS") or shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas" if os.access("/usr/local/cuda/bin/ptxas", os.X_OK) else None)
if _ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))
