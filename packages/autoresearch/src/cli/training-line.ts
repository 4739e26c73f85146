import type { TrainingProgress } from "@autoresearch/core"
import { bar, formatSeconds } from "./status-line.js"

/** `step 120 [#########.....] 48% · loss 4.1234 · 1,520 tok/s · 31s left` */
export const trainingLine = (progress: TrainingProgress): string =>
  `step ${progress.step} ${bar(progress.progress, 20)} · loss ${Number.isFinite(progress.loss) ? progress.loss.toFixed(4) : String(progress.loss)} · ` +
  `${Math.round(progress.tokensPerSec).toLocaleString("en")} tok/s · ${formatSeconds(progress.remainingSeconds)} left`
