// ttile: Tessera's Tile IR. Kernels over explicit tiles of flat buffers:
// vector loads and stores of one tile step, with the tail masked.
#ifndef TESSERA_TTILE_OPS
#define TESSERA_TTILE_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def TTile_Dialect : Dialect {
  let name = "ttile";
  let cppNamespace = "::tessera::ttile";
  let summary = "Tessera Tile IR: kernels over explicit tiles";
}

class TTile_Op<string mnemonic, list<Trait> traits = []>
    : Op<TTile_Dialect, mnemonic, traits>;

def TTile_KernelOp
    : TTile_Op<"kernel", [Symbol, IsolatedFromAbove,
                          SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a kernel: one step of a tiled loop nest";
  let description = [{
    The body runs once per `vector`-wide step at offset `%offset` of a flat
    iteration space of `%extent` points; the iteration space is split into
    tiles of `tile` points, the unit the runtime distributes over threads.
    Block arguments: the buffers (inputs then outputs), then `%offset` and
    `%extent`, then `num_sizes` run-time extents the body needs (`index`).
    Loads and stores mask lanes at or past their bound, so every tile (the
    last one too) is handled by the same body.

    `kind` names the body's schedule: `elementwise` (a point is an element,
    a step one vector), `matmul_pack` (a point is one row of a panel of a
    matmul's right operand, copied into scratch space), `matmul` (a point is
    a block of rows by one panel of the result), `reduction`
    (a point is a result element, reduced in a fixed order), `row_reduction`
    (a point is a result folding one contiguous row in 32 lanes, then a
    fixed tree over them), `layout` (a
    point is a result element read from where the layout operator puts it),
    `fft` (a point is one row of a Fourier transform, through scratch
    space). A kernel with the unit attribute `ttile.lanes` has `scf.for`
    loops marked so whose iterations are independent: a target may spread
    them over threads that run the point together (the CUDA backend runs
    such a point by a warp), with the same bits.
    A `matmul` kernel carries `ttile.matmul = {element, lhs_transposed,
    rhs_transposed, panel_width}`: what a target that runs matmuls on its
    own schedule (the CUDA backend's block tiles) needs to read the
    operands (it also takes `b` itself, after the panels, and its batch
    stride, its last size, which its own body does not read); with
    `epilogue = @k_epilogue`, the body also applies its group's epilogue
    as it stores the sums (the epilogue's inputs follow `b`, its outputs
    the product's where that is stored, its row lengths come before the
    batch stride), and kernel `@k_epilogue` (kind `matmul_epilogue`, never
    launched) describes it for one element, which such a target applies
    in its own stores; a `matmul_pack`
    kernel carries `ttile.matmul_pack = {element, rhs_transposed,
    panel_width}`, with which the CUDA backend copies panels a 16-byte
    chunk a thread; an `attention`
    kernel (a point is a block of query rows) carries `ttile.attention =
    {element}`, which the CUDA backend reads to run bf16 and f16 on tensor
    cores.
    Whatever the kind, each point's result depends only on the point, never
    on the tile it falls in: that is what makes results independent of the
    thread count and the tile size.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$kind,
                       I64Attr:$tile, I64Attr:$vector,
                       I64Attr:$num_inputs,
                       DefaultValuedAttr<I64Attr, "0">:$num_sizes);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let extraClassDeclaration = [{
    // Buffers the body takes (inputs, then outputs).
    unsigned getNumBuffers() {
      return getBody().front().getNumArguments() - 2 - getNumSizes();
    }
  }];
  let hasVerifier = 1;
}

def TTile_YieldOp
    : TTile_Op<"yield", [Pure, Terminator, HasParent<"KernelOp">]> {
  let summary = "end of a kernel step";
  let assemblyFormat = "attr-dict";
}

def TTile_LoadOp : TTile_Op<"load", [MemoryEffects<[MemRead]>]> {
  let summary = "load one vector step, lanes at or past `bound` masked off";
  let arguments = (ins AnyMemRef:$buffer, Index:$offset, Index:$bound);
  let results = (outs VectorOfRank<[1]>:$result);
  let assemblyFormat = [{
    $buffer `[` $offset `]` `bound` $bound attr-dict `:` type($buffer) `->` type($result)
  }];
  let hasVerifier = 1;
}

def TTile_StoreOp : TTile_Op<"store", [MemoryEffects<[MemWrite]>]> {
  let summary = "store one vector step, lanes at or past `bound` masked off";
  let arguments = (ins VectorOfRank<[1]>:$value, AnyMemRef:$buffer,
                       Index:$offset, Index:$bound);
  let assemblyFormat = [{
    $value `,` $buffer `[` $offset `]` `bound` $bound attr-dict `:` type($value) `,` type($buffer)
  }];
  let hasVerifier = 1;
}

def TTile_LaunchOp
    : TTile_Op<"launch", [DeclareOpInterfaceMethods<SymbolUserOpInterface>,
                          AttrSizedOperandSegments]> {
  let summary = "run every tile of a kernel over `elements` points";
  let arguments = (ins FlatSymbolRefAttr:$kernel,
                       Variadic<AnyMemRef>:$buffers, Index:$elements,
                       Variadic<Index>:$sizes);
  let assemblyFormat = [{
    $kernel `(` $buffers `)` `elements` $elements (`sizes` `(` $sizes^ `)`)?
    attr-dict `:` type($buffers)
  }];
}

def TTile_CheckOp
    : TTile_Op<"check", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "end the entry with `status` unless `ok`";
  let description = [{
    In an entry: when `ok` is false the entry frees its temporaries and
    returns `status`, launching nothing more, and the runtime reports it
    (`tbin_abi.h` lists the statuses); when it is true, nothing happens.
    Two uses:

    - before the launches that rely on it, what only run-time extents
      decide: a slice of a dim whose extent is bound from the inputs
      (`x[2:5]` of `x: f32[N]` needs `N >= 5`; a reshape of `x: f32[N]` to
      `[M, 2]` needs `N = 2M`), status 8 (`TESSERA_ERROR_OUT_OF_RANGE`);
    - after the launches that computed it, a value the entry read back
      from a buffer: `solve` checks its pivots, status 64.

    `message` says what was checked, for the reader of the IR.

    ```mlir
    ttile.check %in_range status 8, "slice dim 0 of f32[N] inside its extent"
    %info = memref.load %flag[%c0] : memref<?xi64>
    %ok = arith.cmpi eq, %info, %c0_i64 : i64
    ttile.check %ok status 64
    ```
  }];
  let arguments = (ins I1:$ok, I32Attr:$status, OptionalAttr<StrAttr>:$message);
  let assemblyFormat = "$ok `status` $status (`,` $message^)? attr-dict";
}

#endif // TESSERA_TTILE_OPS
