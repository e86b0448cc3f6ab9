// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// Entries with several groups: results that are returned go straight into
// the output buffers; the others get temporary buffers, allocated before the
// launch that writes them and freed before the entry returns. A return
// position whose value is already written elsewhere (a value returned twice,
// an input returned as it is) is filled by a copy kernel. A number computed
// in the entry (tensor.from_elements) is stored there.

// matmul -> relu -> row sum: the matmul's result is a temporary; its packed
// right operand is scratch space, freed right after the matmul; the relu
// writes output h, which the reduction then reads: a row sum over a row
// length N known at run time, so two row_reduction kernels, one point a
// segment (M * S, S = ceil(N / 8192)) then one a row (M), and the segment
// values in a temporary.
// CHECK-LABEL: ttile.kernel @chain_k3 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32> {{.*}}, %[[B:[^:]*]]: memref<?xf32> {{.*}}, %[[H:[^:]*]]: memref<?xf32> {{.*}}, %[[S:[^:]*]]: memref<?xf32> {{.*}}, %[[M:[^:]*]]: index {tgraph.name = "M"}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: %[[MN:.*]] = arith.muli %[[M]], %[[N]] : index
// CHECK-NEXT: %[[T:.*]] = memref.alloc(%[[MN]]) : memref<?xf32>
// CHECK: %[[P:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: ttile.launch @chain_k0(%[[B]], %[[P]]) elements
// CHECK: ttile.launch @chain_k1(%[[A]], %[[P]], %[[B]], %[[T]]) elements %{{.*}} sizes(
// CHECK-NEXT: memref.dealloc %[[P]] : memref<?xf32>
// CHECK-NEXT: %[[MN2:.*]] = arith.muli %[[M]], %[[N]] : index
// CHECK-NEXT: ttile.launch @chain_k2(%[[T]], %[[H]]) elements %[[MN2]] : memref<?xf32>, memref<?xf32>
// CHECK: %[[SEGS:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[PTS:.*]] = arith.muli %[[M]], %[[SEGS]] : index
// CHECK-NEXT: %[[V:.*]] = memref.alloc(%[[PTS]]) : memref<?xf32>
// CHECK-NEXT: ttile.launch @chain_k3(%[[H]], %[[V]], %[[S]]) elements %[[PTS]] sizes(%[[N]], %[[SEGS]]) : memref<?xf32>, memref<?xf32>, memref<?xf32>
// CHECK: ttile.launch @chain_k4(%[[V]], %[[S]]) elements %{{.*}} sizes(%[[SEGS]], %[[N]]) : memref<?xf32>, memref<?xf32>
// CHECK-NEXT: memref.dealloc %[[V]] : memref<?xf32>
// CHECK-NEXT: memref.dealloc %[[T]] : memref<?xf32>
// CHECK-NEXT: return
// CHECK-NOT: memref.alloc
// CHECK: ttile.kernel
func.func @chain(%a: tensor<?x8xf32> {tgraph.name = "a", tgraph.shape = ["M", 8]},
                 %b: tensor<8x?xf32> {tgraph.name = "b", tgraph.shape = [8, "N"]})
    -> (tensor<?x?xf32> {tgraph.name = "h", tgraph.shape = ["M", "N"]},
        tensor<?xf32> {tgraph.name = "s", tgraph.shape = ["M"]})
    attributes {tgraph.dims = ["M", "N"], tgraph.entry} {
  %mm = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", "N"], tile = array<i64: 16>}
      : (tensor<?x8xf32>, tensor<8x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x8xf32>, %y: tensor<8x?xf32>):
    %m = tgraph.matmul %x, %y : tensor<?x8xf32>, tensor<8x?xf32> -> tensor<?x?xf32>
    tsched.yield %m : tensor<?x?xf32>
  }
  %h = tsched.fusion_group(%mm) {kind = "elementwise", shape = ["M", "N"], tile = array<i64: 4096>}
      : (tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %r = tgraph.relu %x : tensor<?x?xf32>
    tsched.yield %r : tensor<?x?xf32>
  }
  %s = tsched.fusion_group(%h) {kind = "reduction", shape = ["M"], tile = array<i64: 64>}
      : (tensor<?x?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?x?xf32>):
    %r = tgraph.reduce_sum %x axes = [1] : tensor<?x?xf32> -> tensor<?xf32>
    tsched.yield %r : tensor<?xf32>
  }
  return %h, %s : tensor<?x?xf32>, tensor<?xf32>
}

// The matmul's result is returned twice: the matmul writes one output and a
// copy kernel the other; the returned input is copied too. No temporaries
// but the matmul's packed operand.
// CHECK-LABEL: ttile.kernel @dup_k2 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 4096 : i64, vector = 8 : i64} {
// CHECK-NEXT: ^bb0(%[[FROM:[^:]*]]: memref<?xf32>, %[[TO:[^:]*]]: memref<?xf32>, %[[OFF:[^:]*]]: index, %[[END:[^:]*]]: index):
// CHECK-NEXT: %[[V:.*]] = ttile.load %[[FROM]][%[[OFF]]] bound %[[END]] : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT: ttile.store %[[V]], %[[TO]][%[[OFF]]] bound %[[END]] : vector<8xf32>, memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: ttile.kernel @dup_k3 attributes {kind = "elementwise"
// CHECK-LABEL: func.func @dup(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32> {{.*}}, %[[B:[^:]*]]: memref<?xf32> {{.*}}, %[[C:[^:]*]]: memref<?xf32> {{.*}}, %[[D:[^:]*]]: memref<?xf32> {{.*}}, %[[E:[^:]*]]: memref<?xf32> {{.*}}, %[[M:[^:]*]]: index {tgraph.name = "M"})
// CHECK-NOT: memref.alloc
// CHECK: %[[P:.*]] = memref.alloc
// CHECK-NOT: memref.alloc
// CHECK: ttile.launch @dup_k0(%[[B]], %[[P]])
// CHECK: ttile.launch @dup_k1(%[[A]], %[[P]], %[[B]], %[[W:[^)]*]]) elements
// CHECK-NEXT: memref.dealloc %[[P]]
// CHECK: %[[M3:.*]] = arith.muli %[[M]], %{{.*}} : index
// CHECK-NEXT: ttile.launch @dup_k2(%[[W]], %{{.*}}) elements %[[M3]] : memref<?xf32>, memref<?xf32>
// CHECK: %[[M4:.*]] = arith.muli %[[M]], %{{.*}} : index
// CHECK-NEXT: ttile.launch @dup_k3(%[[A]], %[[E]]) elements %[[M4]] : memref<?xf32>, memref<?xf32>
// CHECK-NEXT: return
func.func @dup(%a: tensor<?x4xf32> {tgraph.name = "a", tgraph.shape = ["M", 4]},
               %b: tensor<4x3xf32> {tgraph.name = "b", tgraph.shape = [4, 3]})
    -> (tensor<?x3xf32> {tgraph.name = "c", tgraph.shape = ["M", 3]},
        tensor<?x3xf32> {tgraph.name = "d", tgraph.shape = ["M", 3]},
        tensor<?x4xf32> {tgraph.name = "e", tgraph.shape = ["M", 4]})
    attributes {tgraph.dims = ["M"], tgraph.entry} {
  %mm = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", 3], tile = array<i64: 16>}
      : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32> {
  ^bb0(%x: tensor<?x4xf32>, %y: tensor<4x3xf32>):
    %m = tgraph.matmul %x, %y : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
    tsched.yield %m : tensor<?x3xf32>
  }
  return %mm, %mm, %a : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x4xf32>
}

// A returned element count: stored by the entry into its output buffer,
// which the group then reads (a rank-0 input: one scalar load, splat).
// CHECK-LABEL: ttile.kernel @scalar_k0
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[Y:[^:]*]]: memref<?xf32>, %[[Q:[^:]*]]: memref<?xf32>, %[[OFF:[^:]*]]: index, %[[END:[^:]*]]: index):
// CHECK: %[[XV:.*]] = ttile.load %[[X]][%[[OFF]]] bound %[[END]]
// CHECK: %[[S:.*]] = memref.load %[[Y]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: %[[YV:.*]] = vector.splat %[[S]] : vector<8xf32>
// CHECK-NEXT: arith.divf %[[XV]], %[[YV]] : vector<8xf32>
// CHECK-LABEL: func.func @scalar(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32> {{.*}}, %[[QO:[^:]*]]: memref<?xf32> {{.*}}, %[[NO:[^:]*]]: memref<?xf32> {{.*}}, %[[R:[^:]*]]: index {tgraph.name = "R"}, %[[C:[^:]*]]: index {tgraph.name = "C"})
// CHECK-NOT: tensor.
// CHECK: %[[RC:.*]] = arith.muli %[[R]], %[[C]] : index
// CHECK-NEXT: %[[I:.*]] = arith.index_cast %[[RC]] : index to i64
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK: memref.store %[[F]], %[[NO]][%{{.*}}] : memref<?xf32>
// CHECK: ttile.launch @scalar_k0(%[[A]], %[[NO]], %[[QO]])
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @scalar(%a: tensor<?x?xf32> {tgraph.name = "a", tgraph.shape = ["R", "C"]})
    -> (tensor<?x?xf32> {tgraph.name = "q", tgraph.shape = ["R", "C"]},
        tensor<f32> {tgraph.name = "n", tgraph.shape = []})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %a, %c0 : tensor<?x?xf32>
  %c = tensor.dim %a, %c1 : tensor<?x?xf32>
  %rc = arith.muli %r, %c : index
  %i = arith.index_cast %rc : index to i64
  %f = arith.sitofp %i : i64 to f32
  %n = tensor.from_elements %f : tensor<f32>
  %q = tsched.fusion_group(%a, %n) {kind = "elementwise", shape = ["R", "C"], tile = array<i64: 4096>}
      : (tensor<?x?xf32>, tensor<f32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>, %y: tensor<f32>):
    %d = tgraph.div %x, %y : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
    tsched.yield %d : tensor<?x?xf32>
  }
  return %q, %n : tensor<?x?xf32>, tensor<f32>
}

// A count read only by a group: stored into a one-element temporary.
// CHECK-LABEL: func.func @scalar_temp(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xf32> {{.*}}, %[[Q:[^:]*]]: memref<?xf32> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: %[[I:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[T:.*]] = memref.alloc(%[[ONE]]) : memref<?xf32>
// CHECK: memref.store %[[F]], %[[T]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: ttile.launch @scalar_temp_k0(%[[A]], %[[T]], %[[Q]]) elements %[[N]]
// CHECK-NEXT: memref.dealloc %[[T]] : memref<?xf32>
// CHECK-NEXT: return
func.func @scalar_temp(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]})
    -> (tensor<?xf32> {tgraph.name = "q", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to f32
  %t = tensor.from_elements %f : tensor<f32>
  %q = tsched.fusion_group(%a, %t) {kind = "elementwise", shape = ["N"], tile = array<i64: 4096>}
      : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>, %y: tensor<f32>):
    %d = tgraph.mul %x, %y : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    tsched.yield %d : tensor<?xf32>
  }
  return %q : tensor<?xf32>
}

// A group of one element whose inputs are numbers the entry holds is
// computed by the entry itself (HostScalars.cpp): 1 / sqrt(D) in bf16, the
// dim cast in the entry, each operator the narrow one a kernel would
// compute; then a group of that number and a constant, computed there too;
// no kernel for either, and only the number a kernel reads has a buffer
// (the dim's and the first number's, written and never read, are gone).
// CHECK-LABEL: func.func @host_numbers(
// CHECK-SAME: %[[A:[^:]*]]: memref<?xbf16> {{.*}}, %[[Q:[^:]*]]: memref<?xbf16> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NOT: memref.
// CHECK: %[[I:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[F:.*]] = arith.sitofp %[[I]] : i64 to bf16
// CHECK-NEXT: %[[R:.*]] = math.sqrt %[[F]] : bf16
// CHECK-NEXT: %[[S:.*]] = arith.divf %{{.*}}, %[[R]] : bf16
// CHECK-NOT: memref.store
// CHECK: %[[T:.*]] = memref.alloc(%{{.*}}) : memref<?xbf16>
// CHECK: %[[H:.*]] = arith.mulf %[[S]], %{{.*}} : bf16
// CHECK: memref.store %[[H]], %[[T]][%{{.*}}] : memref<?xbf16>
// CHECK-NEXT: ttile.launch @host_numbers_k0(%[[A]], %[[T]], %[[Q]]) elements %[[N]]
// CHECK-NEXT: memref.dealloc %[[T]] : memref<?xbf16>
// CHECK-NEXT: return
func.func @host_numbers(%a: tensor<?xbf16> {tgraph.name = "a", tgraph.shape = ["N"]})
    -> (tensor<?xbf16> {tgraph.name = "q", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xbf16>
  %i = arith.index_cast %n : index to i64
  %t = tensor.from_elements %i : tensor<i64>
  %s = tsched.fusion_group(%t) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<i64>) -> tensor<bf16> {
  ^bb0(%x: tensor<i64>):
    %one = tgraph.constant 1.000000e+00 : bf16 -> tensor<bf16>
    %f = tgraph.cast %x : tensor<i64> -> tensor<bf16>
    %r = tgraph.sqrt %f : tensor<bf16>
    %d = tgraph.div %one, %r : tensor<bf16>, tensor<bf16> -> tensor<bf16>
    tsched.yield %d : tensor<bf16>
  }
  %h = tsched.fusion_group(%s) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<bf16>) -> tensor<bf16> {
  ^bb0(%x: tensor<bf16>):
    %half = tgraph.constant 5.000000e-01 : bf16 -> tensor<bf16>
    %m = tgraph.mul %x, %half : tensor<bf16>, tensor<bf16> -> tensor<bf16>
    tsched.yield %m : tensor<bf16>
  }
  %q = tsched.fusion_group(%a, %h) {kind = "elementwise", shape = ["N"], tile = array<i64: 4096>}
      : (tensor<?xbf16>, tensor<bf16>) -> tensor<?xbf16> {
  ^bb0(%x: tensor<?xbf16>, %y: tensor<bf16>):
    %p = tgraph.mul %x, %y : tensor<?xbf16>, tensor<bf16> -> tensor<?xbf16>
    tsched.yield %p : tensor<?xbf16>
  }
  return %q : tensor<?xbf16>
}

// Groups that stay kernels: a transcendental (Tessera's own polynomial,
// inside kernels only), and a number read from a tensor the entry does not
// hold (a sum's result).
// CHECK-LABEL: func.func @kernel_numbers(
// CHECK: ttile.launch @kernel_numbers_k0(
// CHECK: ttile.launch @kernel_numbers_k1(
// CHECK: ttile.launch @kernel_numbers_k2(
// CHECK: ttile.launch @kernel_numbers_k3(
// CHECK: return
func.func @kernel_numbers(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]})
    -> (tensor<?xf32> {tgraph.name = "q", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to f32
  %t = tensor.from_elements %f : tensor<f32>
  %e = tsched.fusion_group(%t) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<f32>) -> tensor<f32> {
  ^bb0(%x: tensor<f32>):
    %y = tgraph.exp %x : tensor<f32>
    tsched.yield %y : tensor<f32>
  }
  %s = tsched.fusion_group(%a) {kind = "reduction", shape = ["N"], tile = array<i64: 4096>}
      : (tensor<?xf32>) -> tensor<f32> {
  ^bb0(%x: tensor<?xf32>):
    %y = tgraph.reduce_sum %x axes = [0] : tensor<?xf32> -> tensor<f32>
    tsched.yield %y : tensor<f32>
  }
  %w = tsched.fusion_group(%s, %e) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<f32>, tensor<f32>) -> tensor<f32> {
  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
    %z = tgraph.div %x, %y : tensor<f32>, tensor<f32> -> tensor<f32>
    tsched.yield %z : tensor<f32>
  }
  %q = tsched.fusion_group(%a, %w) {kind = "elementwise", shape = ["N"], tile = array<i64: 4096>}
      : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>, %y: tensor<f32>):
    %p = tgraph.mul %x, %y : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    tsched.yield %p : tensor<?xf32>
  }
  return %q : tensor<?xf32>
}

// Negation and rsqrt of such a number (f32: rsqrt as 1 / sqrt in the
// type itself, as a kernel computes it), then an integer negation: all in
// the entry, no kernel.
// CHECK-LABEL: func.func @host_rsqrt(
// CHECK-NOT: ttile.launch
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[NEG:.*]] = arith.negf %[[F]] : f32
// CHECK: %[[ROOT:.*]] = math.sqrt %[[NEG]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %{{.*}}, %[[ROOT]] : f32
// CHECK: memref.store %[[R]], %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK: %[[I:.*]] = arith.subi %{{.*}}, %{{.*}} : i64
// CHECK: memref.store %[[I]], %{{.*}}[%{{.*}}] : memref<?xi64>
// CHECK-NOT: ttile.launch
// CHECK: return
func.func @host_rsqrt(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]})
    -> (tensor<f32> {tgraph.name = "r", tgraph.shape = []},
        tensor<i64> {tgraph.name = "m", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to f32
  %t = tensor.from_elements %f : tensor<f32>
  %it = tensor.from_elements %i : tensor<i64>
  %r = tsched.fusion_group(%t) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<f32>) -> tensor<f32> {
  ^bb0(%x: tensor<f32>):
    %y = tgraph.neg %x : tensor<f32> -> tensor<f32>
    %z = tgraph.rsqrt %y : tensor<f32>
    tsched.yield %z : tensor<f32>
  }
  %m = tsched.fusion_group(%it) {kind = "elementwise", shape = [], tile = array<i64: 4096>}
      : (tensor<i64>) -> tensor<i64> {
  ^bb0(%x: tensor<i64>):
    %y = tgraph.neg %x : tensor<i64> -> tensor<i64>
    tsched.yield %y : tensor<i64>
  }
  return %r, %m : tensor<f32>, tensor<i64>
}
