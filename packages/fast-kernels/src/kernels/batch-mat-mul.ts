// BatchMatMul through the system BLAS: every transpose flag and numpy-style broadcasting of
// the batch dimensions, computed in place on the wasm heap.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { broadcastShape } from "../shapes.js"
import { elementCount, float32View, type WasmBackendLike } from "../wasm-heap.js"

interface BatchMatMulArgs {
  readonly inputs: { readonly a: TensorInfo; readonly b: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly transposeA: boolean; readonly transposeB: boolean }
}

// Element offset of each output batch entry's A and B matrix (and C's), for broadcast batches.
export const batchOffsets = (
  outerA: ReadonlyArray<number>,
  outerB: ReadonlyArray<number>,
  outer: ReadonlyArray<number>,
  sizeA: number,
  sizeB: number,
  sizeC: number
): Uint32Array => {
  const batch = elementCount(outer)
  const offsets = new Uint32Array(batch * 3)
  const rank = outer.length
  const stridesOf = (dims: ReadonlyArray<number>, size: number) => {
    const strides = new Array<number>(rank).fill(0)
    let stride = size
    for (let i = rank - 1; i >= 0; i--) {
      const dim = dims[dims.length - rank + i] ?? 1
      strides[i] = dim === 1 ? 0 : stride
      stride *= dim
    }
    return strides
  }
  const stridesA = stridesOf(outerA, sizeA)
  const stridesB = stridesOf(outerB, sizeB)
  const index = new Array<number>(rank).fill(0)
  let offsetA = 0
  let offsetB = 0
  for (let i = 0; i < batch; i++) {
    offsets[3 * i] = offsetA
    offsets[3 * i + 1] = offsetB
    offsets[3 * i + 2] = i * sizeC
    for (let d = rank - 1; d >= 0; d--) {
      offsetA += stridesA[d]!
      offsetB += stridesB[d]!
      if (++index[d]! < outer[d]!) break
      offsetA -= stridesA[d]! * outer[d]!
      offsetB -= stridesB[d]! * outer[d]!
      index[d] = 0
    }
  }
  return offsets
}

export const batchMatMulKernel = (addon: NativeKernels, stock: KernelConfig): KernelConfig => ({
  ...stock,
  kernelFunc: ((args: BatchMatMulArgs) => {
    const { a, b } = args.inputs
    if (a.dtype !== "float32" || b.dtype !== "float32") return stock.kernelFunc(args as never)
    const { transposeA, transposeB } = args.attrs
    const backend = args.backend
    const rankA = a.shape.length
    const rankB = b.shape.length
    const m = transposeA ? a.shape[rankA - 1]! : a.shape[rankA - 2]!
    const k = transposeA ? a.shape[rankA - 2]! : a.shape[rankA - 1]!
    const kB = transposeB ? b.shape[rankB - 1]! : b.shape[rankB - 2]!
    const n = transposeB ? b.shape[rankB - 2]! : b.shape[rankB - 1]!
    if (k !== kB) {
      throw new Error(
        `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`
      )
    }
    const outerA = a.shape.slice(0, -2)
    const outerB = b.shape.slice(0, -2)
    const outer = broadcastShape(outerA, outerB)
    const out = backend.makeOutput([...outer, m, n], "float32")
    const batch = elementCount(outer)
    if (batch * m * n === 0) return out
    const outView = float32View(backend, out)
    if (k === 0) {
      outView.fill(0)
      return out
    }
    const aView = float32View(backend, a)
    const bView = float32View(backend, b)
    if (elementCount(outerB) === 1 && !transposeA) {
      // One shared right operand and row-major left operands: a single tall GEMM.
      addon.sgemm(false, transposeB, batch * m, n, k, 1, aView, bView, 0, outView, new Uint32Array(3))
    } else {
      const offsets = batchOffsets(outerA, outerB, outer, m * k, k * n, m * n)
      addon.sgemm(transposeA, transposeB, m, n, k, 1, aView, bView, 0, outView, offsets)
    }
    return out
  }) as unknown as KernelFunc
})
