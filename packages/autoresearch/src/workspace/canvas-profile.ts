// The canvas a workspace starts from: the template (sized for the `cpu` profile) with the
// hyper-parameter block of the workspace's profile. A `reference` workspace is the original's
// experiment: its train.py hyper-parameters, unchanged.
import type { ProfileName } from "@autoresearch/prepare"

/** Values (as TypeScript source) that replace the template's, per profile. */
export const canvasHyperParameters: Record<ProfileName, Readonly<Record<string, string>>> = {
  cpu: {},
  // karpathy/autoresearch train.py: model_dim 512 (4 heads of 128), 2^19 tokens per step in
  // 2 micro-batches of 128 x 2048. The optimizer values are the template's already.
  reference: {
    DEPTH: "8",
    ASPECT_RATIO: "64",
    HEAD_DIM: "128",
    WINDOW_PATTERN: '"SSSL"',
    TOTAL_BATCH_SIZE: "2 ** 19",
    DEVICE_BATCH_SIZE: "128",
    EMBEDDING_LR: "0.6",
    UNEMBEDDING_LR: "0.004",
    MATRIX_LR: "0.04",
    SCALAR_LR: "0.5",
    WEIGHT_DECAY: "0.2",
    ADAM_BETAS: "[0.8, 0.95]",
    WARMUP_RATIO: "0.0",
    WARMDOWN_RATIO: "0.5",
    FINAL_LR_FRAC: "0.0"
  }
}

const HEADING = /^\/\/ Hyper-parameters \(.*\)$/m

/** The template with `const NAME = value` replaced for every listed name (comments kept). */
export const canvasForProfile = (template: string, profile: ProfileName): string => {
  let source = template
  for (const [name, value] of Object.entries(canvasHyperParameters[profile])) {
    const line = new RegExp(`^(const ${name}(?:: [^=]+)? = )([^/\\n]*?)(\\s*//.*)?$`, "m")
    if (!line.test(source)) throw new Error(`the canvas template has no hyper-parameter ${name}`)
    source = source.replace(line, (_all, head: string, _old: string, comment: string | undefined) => `${head}${value}${comment ?? ""}`)
  }
  if (profile === "reference") source = source.replace(HEADING, "// Hyper-parameters (the original's train.py, for the `reference` profile: DEPTH 8, model_dim 512, 2^19 tokens per step)")
  return source
}
