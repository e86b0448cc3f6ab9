// RUN: tessera-opt %s --verify-diagnostics --convert-ttile-to-llvm="targets=cpu,tpu"

// expected-error @+1 {{unknown target 'tpu' (expected cpu, cuda)}}
module {
}
