/**
 * Types shared by the harness (bench/run.ts) and the per-library runners (bench/peers/*.ts).
 * Nothing here imports a peer library, so the root typecheck can follow run.ts's imports.
 */

/** The libraries compared; each runs in its own child process. */
export const LIB_IDS = ["ours", "plain-f32", "tfjs-cpu", "tfjs-wasm", "convnetjs", "brain.js"] as const;
export type LibId = (typeof LIB_IDS)[number];

export type WorkloadKind = "train" | "infer-1" | "infer-batch";

/** Who a workload's target compares ours against, and the factor ours must reach. */
export interface Target {
  /** "best-peer": the fastest external library on that workload; otherwise one library. */
  against: "best-peer" | LibId;
  factor: number;
}

/** A convolutional workload's network (nn/conv.ts's ConvNetworkConfig, written out here so nothing is imported). */
export interface ConvWorkload {
  /** [channels, height, width] of the input. */
  input: [number, number, number];
  /** As ConvLayerSpec: conv (kernel a number, stride 1, no padding here), maxpool / avgpool (stride = size), flatten, dense. */
  layers: ({type: "conv"; channels: number; kernel: number} | {type: "maxpool" | "avgpool"; size: number} | {type: "flatten"} | {type: "dense"; units: number})[];
}

export interface Workload {
  id: string;
  label: string;
  kind: WorkloadKind;
  /** Layer sizes, input first (a conv workload: its input and output sizes). */
  sizes: number[];
  /** A convolutional network instead of the fully-connected `sizes`. */
  conv?: ConvWorkload;
  /** This many times the time budget per training run (default 1). */
  budgetFactor?: number;
  /** Training only. */
  batchSize?: number;
  learningRate?: number;
  target: Target | null;
  /** Run in the first round only, with a larger time budget (the row is there for its accuracy). */
  accuracyOnly?: boolean;
  description: string;
}

/** What the harness hands a runner (as one JSON argument). */
export interface Job {
  lib: LibId;
  workload: Workload;
  round: number;
  /** Header of the initial weights (see lib/fixtures.ts). */
  initPath: string;
  /** Header of the sample order. */
  orderPath: string;
  /** Training samples in the epoch: the first trainCount entries of the order. */
  trainCount: number;
  /** Stop training after this many ms (checked between chunks) and extrapolate. */
  budgetMs: number;
  /** Inference: repeat passes over the test set until this many ms have elapsed. */
  minInferMs: number;
  /** Inference: samples per call of the batched path. */
  inferBatch: number;
  /** Where the runner writes its RunResult. */
  resultPath: string;
}

/** One child process's measurement. */
export interface RunResult {
  lib: LibId;
  workload: string;
  round: number;
  /** Samples processed inside the timed region. */
  samples: number;
  seconds: number;
  samplesPerSec: number;
  /** Training stopped by the time budget before the epoch ended (samples/s extrapolated from the part done). */
  partial: boolean;
  /** Samples in a whole epoch (training) or one pass over the test set (inference). */
  epochSamples: number;
  /** Test accuracy in [0, 1]; null when the epoch was cut short. */
  accuracy: number | null;
  /** process.resourceUsage().maxRSS of the child, in MiB. */
  maxRssMB: number;
  /** How the library did the work, e.g. "per-sample predict loop". */
  method: string;
  /** Anything a reader must know about this library's numbers. */
  notes: string[];
  /** 1-minute load average just before the run (set by the harness: other processes skew timings). */
  loadBefore?: number;
  /** Git commit of the tree when the run started, "+modified" when src/components/nn had uncommitted changes (set by the harness). */
  engine?: string;
}

/** Messages a runner sends the harness over IPC. */
export type ChildMessage = {type: "progress"; done: number; total: number};
