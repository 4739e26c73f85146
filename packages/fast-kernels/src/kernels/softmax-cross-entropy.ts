// A fused (optionally soft-capped) softmax cross-entropy as two custom wasm kernels and a
// registered gradient: the [tokens, vocab] logits are read once per pass instead of once per
// element-wise tfjs kernel (tanh, scale, max, sub, exp, sum, log, one-hot product, and their
// gradients).
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, int32View, type WasmBackendLike } from "../wasm-heap.js"

export const SoftmaxCrossEntropy = "AutoresearchSoftmaxCrossEntropy"
export const SoftmaxCrossEntropyGrad = "AutoresearchSoftmaxCrossEntropyGrad"

interface CrossEntropyArgs {
  readonly inputs: { readonly logits: TensorInfo; readonly targets: TensorInfo; readonly dy?: TensorInfo }
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap & { readonly softCap: number }
}

const checkInputs = (logits: TensorInfo, targets: TensorInfo) => {
  if (logits.shape.length !== 2 || targets.shape.length !== 1 || logits.shape[0] !== targets.shape[0]) {
    throw new Error(`fast-kernels: softmaxCrossEntropy wants logits [N, V] and targets [N], got [${logits.shape}] and [${targets.shape}]`)
  }
  if (logits.dtype !== "float32" || targets.dtype !== "int32") {
    throw new Error(`fast-kernels: softmaxCrossEntropy wants float32 logits and int32 targets`)
  }
}

export const softmaxCrossEntropyKernels = (addon: NativeKernels): KernelConfig[] => [
  {
    kernelName: SoftmaxCrossEntropy,
    backendName: "wasm",
    kernelFunc: ((args: CrossEntropyArgs) => {
      const { logits, targets } = args.inputs
      checkInputs(logits, targets)
      const backend = args.backend
      const loss = backend.makeOutput([targets.shape[0]!], "float32")
      addon.crossEntropyForward(
        float32View(backend, logits),
        int32View(backend, targets),
        logits.shape[1]!,
        args.attrs.softCap,
        float32View(backend, loss)
      )
      return loss
    }) as unknown as KernelFunc
  },
  {
    kernelName: SoftmaxCrossEntropyGrad,
    backendName: "wasm",
    kernelFunc: ((args: CrossEntropyArgs) => {
      const { logits, targets, dy } = args.inputs
      checkInputs(logits, targets)
      const backend = args.backend
      const dlogits = backend.makeOutput([...logits.shape], "float32")
      addon.crossEntropyBackward(
        float32View(backend, logits),
        int32View(backend, targets),
        logits.shape[1]!,
        args.attrs.softCap,
        float32View(backend, dy!),
        float32View(backend, dlogits)
      )
      return dlogits
    }) as unknown as KernelFunc
  }
]

export const softmaxCrossEntropyGradient = (runKernel: (name: string, inputs: object, attrs: object) => Tensor, zerosLike: (t: Tensor) => Tensor): GradConfig => ({
  kernelName: SoftmaxCrossEntropy,
  inputsToSave: ["logits", "targets"],
  gradFunc: (dy, saved, attrs) => {
    const [logits, targets] = saved as [Tensor, Tensor]
    return {
      logits: () => runKernel(SoftmaxCrossEntropyGrad, { logits, targets, dy }, attrs),
      targets: () => zerosLike(targets)
    }
  }
})
