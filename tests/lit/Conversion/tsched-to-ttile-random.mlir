// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s --check-prefix=GROUPS
// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// Random numbers join the elementwise group of their shape: a random
// tensor, the dropout of an input and their sum are one kernel (the dim a
// random op is sized by is an index input, which the kernel does not read).
// GROUPS-LABEL: func.func @draw
// GROUPS: tsched.fusion_group(%{{.*}}, %{{.*}}) {kind = "elementwise", shape = ["N", 7]
// GROUPS-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: tensor<?x7xf32>):
// GROUPS-NEXT: tgraph.random_uniform
// GROUPS-NEXT: tgraph.dropout
// GROUPS-NEXT: tgraph.add
// GROUPS-NEXT: tsched.yield
// GROUPS-NOT: tsched.fusion_group

// Each lane draws from its element's flat index (the step's offset plus
// the lane): SplitMix64's output mix(key + (i + 1) * G) with the seed's key
// a constant (seed 5: 0x6303... = 7134611160154358618), mix in 64-bit lanes.
// Uniform f32: the top 24 bits times 2^-24. Dropout (p = 0.25, seed 3):
// kept iff the top 53 bits are >= ceil(0.25 * 2^53) = 2^51, divided by
// 0.75 in f64 and rounded to f32.
// CHECK-LABEL: ttile.kernel @draw_k0
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[OFF:[^:]*]]: index, %[[EXT:[^:]*]]: index):
// CHECK-NEXT: %[[XV:.*]] = ttile.load %[[X]][%[[OFF]]] bound %[[EXT]]
// CHECK-NEXT: %[[O64:.*]] = arith.index_castui %[[OFF]] : index to i64
// CHECK-NEXT: %[[OS:.*]] = vector.splat %[[O64]] : vector<8xi64>
// CHECK-NEXT: %[[IOTA:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7]> : vector<8xi64>
// CHECK-NEXT: %[[I:.*]] = arith.addi %[[OS]], %[[IOTA]] : vector<8xi64>
// CHECK-NEXT: %[[KEY:.*]] = arith.constant dense<7134611160154358618> : vector<8xi64>
// CHECK-NEXT: %[[ONE:.*]] = arith.constant dense<1> : vector<8xi64>
// CHECK-NEXT: %[[C:.*]] = arith.addi %[[I]], %[[ONE]] : vector<8xi64>
// CHECK-NEXT: %[[G:.*]] = arith.constant dense<-7046029254386353131> : vector<8xi64>
// CHECK-NEXT: %[[CG:.*]] = arith.muli %[[C]], %[[G]] : vector<8xi64>
// CHECK-NEXT: %[[Z:.*]] = arith.addi %[[KEY]], %[[CG]] : vector<8xi64>
// CHECK:      arith.shrui %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK:      %[[M1:.*]] = arith.constant dense<-4658895280553007687> : vector<8xi64>
// CHECK:      %[[M2:.*]] = arith.constant dense<-7723592293110705685> : vector<8xi64>
// CHECK:      %[[BITS:.*]] = arith.xori
// CHECK-NEXT: %[[S40:.*]] = arith.constant dense<40> : vector<8xi64>
// CHECK-NEXT: %[[TOP:.*]] = arith.shrui %[[BITS]], %[[S40]] : vector<8xi64>
// CHECK-NEXT: %[[W:.*]] = arith.uitofp %[[TOP]] : vector<8xi64> to vector<8xf32>
// CHECK-NEXT: %[[SCALE:.*]] = arith.constant dense<5.96046448E-8> : vector<8xf32>
// CHECK-NEXT: %[[U:.*]] = arith.mulf %[[W]], %[[SCALE]] : vector<8xf32>
// CHECK:      %[[S11:.*]] = arith.constant dense<11> : vector<8xi64>
// CHECK-NEXT: %[[TOP53:.*]] = arith.shrui %{{.*}}, %[[S11]] : vector<8xi64>
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<2251799813685248> : vector<8xi64>
// CHECK-NEXT: %[[KEEP:.*]] = arith.cmpi uge, %[[TOP53]], %[[T]] : vector<8xi64>
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[XV]] : vector<8xf32> to vector<8xf64>
// CHECK-NEXT: %[[Q:.*]] = arith.constant dense<7.500000e-01> : vector<8xf64>
// CHECK-NEXT: %[[DIV:.*]] = arith.divf %[[WIDE]], %[[Q]] : vector<8xf64>
// CHECK-NEXT: %[[NARROW:.*]] = arith.truncf %[[DIV]] : vector<8xf64> to vector<8xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT: %[[D:.*]] = arith.select %[[KEEP]], %[[NARROW]], %[[ZERO]] : vector<8xi1>, vector<8xf32>
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[U]], %[[D]] : vector<8xf32>
// CHECK-NEXT: ttile.store %[[SUM]], %[[OUT]][%[[OFF]]] bound %[[EXT]]
func.func @draw(%x: tensor<?x7xf32> {tgraph.name = "x", tgraph.shape = ["N", 7]})
    -> (tensor<?x7xf32> {tgraph.name = "out0", tgraph.shape = ["N", 7]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x7xf32>
  %u = tgraph.random_uniform(%n) seed = 5 : tensor<?x7xf32>
  %d = tgraph.dropout %x p = 2.500000e-01 seed = 3 : tensor<?x7xf32>
  %s = tgraph.add %u, %d : tensor<?x7xf32>, tensor<?x7xf32> -> tensor<?x7xf32>
  return %s : tensor<?x7xf32>
}

// A reduction does not take a random op into its chain: the random tensor
// is an elementwise kernel of its own, and the sum reads it.
// GROUPS-LABEL: func.func @total
// GROUPS: tsched.fusion_group({{.*}}) {kind = "elementwise"
// GROUPS: tgraph.random_normal
// GROUPS: tsched.fusion_group({{.*}}) {kind = "reduction"
// GROUPS-NOT: tgraph.random_normal
// GROUPS: return
func.func @total(%x: tensor<?x7xf32> {tgraph.name = "x", tgraph.shape = ["N", 7]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x7xf32>
  %g = tgraph.random_normal(%n) seed = 9 : tensor<?x7xf32>
  %s = tgraph.reduce_sum %g axes = [1] : tensor<?x7xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// normal in f64: Box-Muller with Tessera's own f64 log and cos
// (Float64Math.cpp), arithmetic only: the exponent from the bits, the
// series in s = (m - 1) / (m + 1), k = round(t / (pi/2)) by adding and
// taking away 1.5 * 2^52, and no math.log or math.cos left for a target
// to expand its own way.
// CHECK-LABEL: ttile.kernel @normal64_k0
// CHECK: arith.bitcast %{{.*}} : vector<{{[0-9]+}}xf64> to vector<{{[0-9]+}}xi64>
// CHECK: arith.divf
// CHECK: math.sqrt
// CHECK: %[[SHIFT:.*]] = arith.constant dense<0x4338000000000000> : vector<{{[0-9]+}}xf64>
// CHECK-NEXT: %[[UP:.*]] = arith.addf %{{.*}}, %[[SHIFT]]
// CHECK-NOT: math.log
// CHECK-NOT: math.cos
// CHECK: ttile.store
func.func @normal64(%x: tensor<?xf64> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<?xf64> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf64>
  %g = tgraph.random_normal(%n) seed = 1 : tensor<?xf64>
  return %g : tensor<?xf64>
}
