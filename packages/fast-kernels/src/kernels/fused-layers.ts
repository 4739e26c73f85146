// Fused layers as custom wasm kernels with registered gradients: RMSNorm, rotary embeddings
// (RoPE), attention's scaled and masked softmax and the MLP's squared ReLU. One native pass over
// memory forward and one backward each, instead of chains of 2-7 element-wise tfjs kernels each
// way (several of them on tfjs's single-threaded wasm kernels).
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, type WasmBackendLike } from "../wasm-heap.js"

export const RmsNorm = "AutoresearchRmsNorm"
export const RmsNormGrad = "AutoresearchRmsNormGrad"
export const Rope = "AutoresearchRope"
export const AttentionSoftmax = "AutoresearchAttentionSoftmax"
export const AttentionSoftmaxGrad = "AutoresearchAttentionSoftmaxGrad"
export const ReluSquare = "AutoresearchReluSquare"
export const ReluSquareGrad = "AutoresearchReluSquareGrad"

interface Args<I> {
  readonly inputs: I
  readonly backend: WasmBackendLike
  readonly attrs: NamedAttrMap
}

const float32Only = (name: string, tensors: ReadonlyArray<TensorInfo>) => {
  if (tensors.some((t) => t.dtype !== "float32")) throw new Error(`fast-kernels: ${name} wants float32 tensors`)
}

export const fusedLayerKernels = (addon: NativeKernels): KernelConfig[] => [
  {
    kernelName: RmsNorm,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo }>) => {
      const { x } = args.inputs
      float32Only("rmsNorm", [x])
      const out = args.backend.makeOutput(x.shape.slice(), "float32")
      addon.rmsNorm(float32View(args.backend, x), x.shape[x.shape.length - 1]!, args.attrs["eps"] as number, float32View(args.backend, out))
      return out
    }) as unknown as KernelFunc
  },
  {
    kernelName: RmsNormGrad,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo; dy: TensorInfo }>) => {
      const { x, dy } = args.inputs
      float32Only("rmsNorm", [x, dy])
      const dx = args.backend.makeOutput(x.shape.slice(), "float32")
      const b = args.backend
      addon.rmsNormBackward(float32View(b, x), float32View(b, dy), x.shape[x.shape.length - 1]!, args.attrs["eps"] as number, float32View(b, dx))
      return dx
    }) as unknown as KernelFunc
  },
  {
    kernelName: Rope,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo; cos: TensorInfo; sin: TensorInfo }>) => {
      const { x, cos, sin } = args.inputs
      float32Only("rope", [x, cos, sin])
      const out = args.backend.makeOutput(x.shape.slice(), "float32")
      const b = args.backend
      addon.rope(float32View(b, x), float32View(b, cos), float32View(b, sin), cos.shape[0]!, args.attrs["inverse"] === true, float32View(b, out))
      return out
    }) as unknown as KernelFunc
  },
  {
    kernelName: AttentionSoftmax,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ scores: TensorInfo; mask: TensorInfo }>) => {
      const { scores, mask } = args.inputs
      float32Only("attentionSoftmax", [scores, mask])
      const rank = scores.shape.length
      if (mask.shape.length !== 2 || mask.shape[0] !== scores.shape[rank - 2] || mask.shape[1] !== scores.shape[rank - 1])
        throw new Error(`fast-kernels: attentionSoftmax wants a mask [T, S] for scores [..., T, S], got [${mask.shape}] for [${scores.shape}]`)
      const out = args.backend.makeOutput(scores.shape.slice(), "float32")
      const b = args.backend
      addon.maskedSoftmax(float32View(b, scores), float32View(b, mask), scores.shape[scores.shape.length - 1]!, args.attrs["scale"] as number, float32View(b, out))
      return out
    }) as unknown as KernelFunc
  },
  {
    kernelName: AttentionSoftmaxGrad,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ y: TensorInfo; dy: TensorInfo }>) => {
      const { y, dy } = args.inputs
      float32Only("attentionSoftmax", [y, dy])
      const dx = args.backend.makeOutput(y.shape.slice(), "float32")
      const b = args.backend
      addon.softmaxBackward(float32View(b, y), float32View(b, dy), y.shape[y.shape.length - 1]!, args.attrs["scale"] as number, float32View(b, dx))
      return dx
    }) as unknown as KernelFunc
  },
  {
    kernelName: ReluSquare,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo }>) => {
      const { x } = args.inputs
      float32Only("reluSquare", [x])
      const out = args.backend.makeOutput(x.shape.slice(), "float32")
      addon.reluSquare(float32View(args.backend, x), float32View(args.backend, out))
      return out
    }) as unknown as KernelFunc
  },
  {
    kernelName: ReluSquareGrad,
    backendName: "wasm",
    kernelFunc: ((args: Args<{ x: TensorInfo; dy: TensorInfo }>) => {
      const { x, dy } = args.inputs
      float32Only("reluSquare", [x, dy])
      const dx = args.backend.makeOutput(x.shape.slice(), "float32")
      const b = args.backend
      addon.reluSquareBackward(float32View(b, x), float32View(b, dy), float32View(b, dx))
      return dx
    }) as unknown as KernelFunc
  }
]

type RunKernel = (name: string, inputs: object, attrs: object) => Tensor

export interface GradientHelpers {
  readonly zerosLike: (t: Tensor) => Tensor
  /** Sums t over its leading axes down to `shape` (its trailing axes): a broadcast operand's gradient. */
  readonly sumToTrailing: (t: Tensor, shape: number[]) => Tensor
}

export const fusedLayerGradients = (runKernel: RunKernel, { zerosLike, sumToTrailing }: GradientHelpers): GradConfig[] => [
  {
    kernelName: RmsNorm,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => ({ x: () => runKernel(RmsNormGrad, { x: saved[0]!, dy }, attrs) })
  },
  {
    kernelName: Rope,
    inputsToSave: ["cos", "sin"],
    gradFunc: (dy, saved, attrs) => {
      const [cos, sin] = saved as [Tensor, Tensor]
      return {
        // The rotation is orthogonal: its gradient is the rotation back.
        x: () => runKernel(Rope, { x: dy, cos, sin }, { inverse: attrs["inverse"] !== true }),
        // The tables are constants of the model (position angles), not trained.
        cos: () => zerosLike(cos),
        sin: () => zerosLike(sin)
      }
    }
  },
  {
    kernelName: AttentionSoftmax,
    inputsToSave: ["mask"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [mask, y] = saved as [Tensor, Tensor]
      const scale = attrs["scale"] as number
      return {
        scores: () => runKernel(AttentionSoftmaxGrad, { y, dy }, { scale }),
        // The mask is added unscaled and broadcast over the leading axes (usually a constant).
        mask: () => sumToTrailing(runKernel(AttentionSoftmaxGrad, { y, dy }, { scale: 1 }), mask.shape)
      }
    }
  },
  {
    kernelName: ReluSquare,
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({ x: () => runKernel(ReluSquareGrad, { x: saved[0]!, dy }, {}) })
  }
]
