/**
 * The child side of the bench: every runner in this folder is a tiny module that builds a
 * `PeerModel` and calls `runPeer`. The driver loads the shared data, times the workload the
 * harness asked for, and writes a RunResult where the harness told it to.
 *
 *   node --import tsx bench/peers/<lib>.ts '<Job as JSON>'
 *
 * Timed: the training epoch (or the inference passes). Not timed: process start, imports,
 * backend initialisation, loading MNIST and the initial weights, and the final test evaluation.
 */
import {writeFileSync} from "node:fs";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {readInit, readOrder, type InitLayer} from "../lib/fixtures.js";
import type {ChildMessage, Job, RunResult} from "../lib/types.js";
import {parameterShapes} from "../lib/workloads.js";

export const INPUT_SIZE = 784;
export const CLASSES = 10;

/** The training set in the epoch's order. */
export interface TrainData {
  /** count × 784 bytes, 0 = paper, 255 = ink, in MNIST's own order. */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** order[k] is the MNIST index of the k-th sample of the epoch (length ≥ count). */
  order: Uint32Array;
  /** Samples in the epoch. */
  count: number;
}

export interface PeerContext {
  job: Job;
  init: InitLayer[];
  /** Present for training workloads only. */
  train: TrainData | null;
}

export interface PeerModel {
  /**
   * Trains on epoch positions [start, end): whole minibatches of job.workload.batchSize, except
   * possibly a shorter last one at the end of the epoch.
   */
  train(start: number, end: number): void;
  /** Class of one image (784 floats in [0, 1]). */
  predictOne(x: Float32Array): number;
  /** Classes of n images stored back to back in x (n × 784), written to out[0 … n). */
  predictBatch(x: Float32Array, n: number, out: Uint8Array): void;
  /** How predictBatch works, e.g. "tf.matMul on n × 784". */
  readonly batchedMethod: string;
  /** How training works, if worth saying. */
  readonly trainMethod?: string;
  readonly notes?: string[];
}

/** Writes the epoch's samples [start, start + b) into out (b × 784) as pixel/255. */
export function fillInputs(data: TrainData, start: number, b: number, out: Float32Array | Float64Array): void {
  const {pixels, order} = data;
  for (let k = 0, o = 0; k < b; k++) {
    const p = order[start + k] * INPUT_SIZE;
    for (let j = 0; j < INPUT_SIZE; j++, o++) out[o] = pixels[p + j] / 255;
  }
}

/** Index of the largest of n values from `offset` (the first one on ties). */
export function argmax(values: ArrayLike<number>, offset = 0, n = values.length - offset): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

const now = (): number => performance.now();

/** The test set as floats in [0, 1], 10,000 × 784. */
function testSet(): {x: Float32Array; labels: Uint8Array; count: number} {
  const {pixels, labels, count} = readMnist("test");
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return {x, labels, count};
}

function accuracyOf(predictions: Uint8Array, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / labels.length;
}

function predictAll(model: PeerModel, x: Float32Array, count: number, batch: number, out: Uint8Array): void {
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    model.predictBatch(x.subarray(start * INPUT_SIZE, (start + n) * INPUT_SIZE), n, out.subarray(start, start + n));
  }
}

interface Timing {
  samples: number;
  seconds: number;
  partial: boolean;
  accuracy: number | null;
  method: string;
}

function timeTraining(model: PeerModel, ctx: PeerContext, test: ReturnType<typeof testSet>): Timing {
  const {job} = ctx;
  const data = ctx.train!;
  const batch = job.workload.batchSize!;
  // Check the clock and report progress about every 1,024 samples, on minibatch boundaries.
  const chunk = Math.max(1, Math.round(1024 / batch)) * batch;
  const t0 = now();
  let done = 0;
  while (done < data.count) {
    const end = Math.min(data.count, done + chunk);
    model.train(done, end);
    done = end;
    send({type: "progress", done, total: data.count});
    if (done < data.count && now() - t0 > job.budgetMs) break;
  }
  const seconds = (now() - t0) / 1000;
  const partial = done < data.count;
  let accuracy: number | null = null;
  if (!partial) {
    const predictions = new Uint8Array(test.count);
    predictAll(model, test.x, test.count, job.inferBatch, predictions);
    accuracy = accuracyOf(predictions, test.labels);
  }
  return {samples: done, seconds, partial, accuracy, method: model.trainMethod ?? `minibatch ${batch}`};
}

function timeInference(model: PeerModel, job: Job, test: ReturnType<typeof testSet>): Timing {
  const {x, count, labels} = test;
  const predictions = new Uint8Array(count);
  const pass =
    job.workload.kind === "infer-1"
      ? (() => {
          const views = Array.from({length: count}, (_, i) => x.subarray(i * INPUT_SIZE, (i + 1) * INPUT_SIZE));
          return () => {
            for (let i = 0; i < count; i++) predictions[i] = model.predictOne(views[i]);
          };
        })()
      : () => predictAll(model, x, count, job.inferBatch, predictions);
  pass(); // warm-up (JIT, kernel set-up); not timed
  const t0 = now();
  let passes = 0;
  do {
    pass();
    passes++;
    send({type: "progress", done: Math.min(now() - t0, job.minInferMs), total: job.minInferMs});
  } while (now() - t0 < job.minInferMs);
  const seconds = (now() - t0) / 1000;
  const method = job.workload.kind === "infer-1" ? "one sample per call" : model.batchedMethod;
  return {samples: passes * count, seconds, partial: false, accuracy: accuracyOf(predictions, labels), method};
}

export type BuildModel = (ctx: PeerContext) => PeerModel | Promise<PeerModel>;

/**
 * A runner's whole main: parses the job from argv, runs it with the model `build` returns,
 * writes the result and exits (status 1 with the error on stderr when anything throws).
 */
export function runPeer(build: BuildModel): void {
  run(build).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}

async function run(build: BuildModel): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const {workload} = job;
  const init = readInit(job.initPath);
  const shapes = JSON.stringify(init.map(({fanIn, fanOut}) => ({fanIn, fanOut})));
  if (shapes !== JSON.stringify(parameterShapes(workload))) throw new Error(`init ${job.initPath} has layers ${shapes}, workload ${workload.id} needs ${JSON.stringify(parameterShapes(workload))}`);
  let train: TrainData | null = null;
  if (workload.kind === "train") {
    const {pixels, labels} = readMnist("train");
    train = {pixels, labels, order: readOrder(job.orderPath), count: job.trainCount};
  }
  const test = testSet();
  const model = await build({job, init, train});
  const timing = workload.kind === "train" ? timeTraining(model, {job, init, train}, test) : timeInference(model, job, test);
  const result: RunResult = {
    lib: job.lib,
    workload: workload.id,
    round: job.round,
    samples: timing.samples,
    seconds: timing.seconds,
    samplesPerSec: timing.samples / timing.seconds,
    partial: timing.partial,
    epochSamples: workload.kind === "train" ? job.trainCount : test.count,
    accuracy: timing.accuracy,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    method: timing.method,
    notes: [...(model.notes ?? [])],
  };
  writeFileSync(job.resultPath, JSON.stringify(result, null, 2));
}
