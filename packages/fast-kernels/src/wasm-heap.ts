// Zero-copy access to tensors of tfjs's wasm backend: each tensor is a block of the wasm heap.
import type { TensorInfo } from "@tensorflow/tfjs"

export interface WasmBackendLike {
  readonly wasm: { readonly HEAPU8: Uint8Array }
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined }
  makeOutput(shape: number[], dtype: "float32" | "int32"): TensorInfo
}

const sizeOf = (shape: ReadonlyArray<number>) => shape.reduce((size, dim) => size * dim, 1)

const offsetOf = (backend: WasmBackendLike, tensor: TensorInfo) => {
  const data = backend.dataIdMap.get(tensor.dataId)
  if (data === undefined) throw new Error("fast-kernels: tensor is not on the wasm backend")
  return data.memoryOffset
}

// Take views only after every output of a kernel is allocated: an allocation can grow the
// heap, which detaches the previous ArrayBuffer (and with it all older views).
export const float32View = (backend: WasmBackendLike, tensor: TensorInfo): Float32Array =>
  new Float32Array(backend.wasm.HEAPU8.buffer, offsetOf(backend, tensor), sizeOf(tensor.shape))

export const int32View = (backend: WasmBackendLike, tensor: TensorInfo): Int32Array =>
  new Int32Array(backend.wasm.HEAPU8.buffer, offsetOf(backend, tensor), sizeOf(tensor.shape))

export const elementCount = sizeOf

/** A view typed by the tensor's dtype, for kernels that only move 4-byte elements. */
export const view32 = (backend: WasmBackendLike, tensor: TensorInfo): Float32Array | Int32Array =>
  tensor.dtype === "float32" ? float32View(backend, tensor) : int32View(backend, tensor)

export const isFourByte = (tensor: TensorInfo): tensor is TensorInfo & { dtype: "float32" | "int32" } =>
  tensor.dtype === "float32" || tensor.dtype === "int32"
