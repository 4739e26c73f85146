// Fused RMSNorm and rotary embeddings (RoPE) as custom wasm kernels with registered gradients:
// one native pass over memory forward and one backward, instead of chains of 5-7 element-wise
// tfjs kernels each way (several of them on tfjs's single-threaded wasm kernels).
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from "@tensorflow/tfjs"
import type { NativeKernels } from "../addon.js"
import { float32View, type WasmBackendLike } from "../wasm-heap.js"

export const RmsNorm = "AutoresearchRmsNorm"
export const RmsNormGrad = "AutoresearchRmsNormGrad"
export const Rope = "AutoresearchRope"

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
  }
]

type RunKernel = (name: string, inputs: object, attrs: object) => Tensor

export const fusedLayerGradients = (runKernel: RunKernel, zerosLike: (t: Tensor) => Tensor): GradConfig[] => [
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
  }
]
