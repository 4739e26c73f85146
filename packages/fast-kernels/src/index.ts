export { installFastKernels, uninstallFastKernels, fixHint, type FastKernelsInstall, type InstallOptions } from "./install.js"
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from "./ops/softmax-cross-entropy.js"
export { loadNativeKernels, type NativeKernels, type AddonLoad, type GemmInfo } from "./addon.js"
export { chooseGemm, describeGemm, type GemmChoice } from "./gemm-choice.js"
