/**
 * Memory: training allocates nothing per step after warm-up. Trains W2 (784-16-16-10, batch 32,
 * plain SGD, η = 0.1) and W1 (batch 1) on all 60,000 MNIST training images, and reports the heap
 * after a forced GC at epoch 1 and at epoch 10, plus every garbage collection V8 ran during
 * epochs 2–10 (a collection only runs once something allocates).
 *
 *   node --expose-gc --import tsx bench/memory.ts      (npm run bench runs it after the speed table;
 *                                                       results also in bench/results/memory.json)
 */
import {mkdirSync, writeFileSync} from "node:fs";
import {PerformanceObserver} from "node:perf_hooks";
import {Network, pixelSamples, Trainer} from "../src/components/nn/index.js";
import {readMnist} from "../src/components/datasets/mnist-node.js";

const gc = (globalThis as {gc?: () => void}).gc;
if (!gc) throw new Error("bench/memory.ts: run node with --expose-gc");

export interface MemoryResult {
  workload: string;
  epochs: number;
  heapAfterEpoch1MB: number;
  heapAfterEpoch10MB: number;
  collectionsDuringEpochs2to10: number;
  samplesPerSecond: number;
}

/** GC entries reach observers in a later task: wait for them before counting. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

async function measure(workload: string, batchSize: number, learningRate: number): Promise<MemoryResult> {
  const images = readMnist("train");
  const samples = pixelSamples(images.pixels, images.labels, 784);
  const network = new Network({layers: [784, 16, 16, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
  const trainer = new Trainer(network, samples, {learningRate, batchSize});
  const stepsPerEpoch = Math.ceil(samples.count / batchSize);
  trainer.run(stepsPerEpoch);
  gc!();
  const heap1 = process.memoryUsage().heapUsed;
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({entryTypes: ["gc"]});
  const t = performance.now();
  trainer.run(9 * stepsPerEpoch);
  const seconds = (performance.now() - t) / 1000;
  await settle();
  observer.disconnect();
  gc!();
  const heap10 = process.memoryUsage().heapUsed;
  return {
    workload,
    epochs: trainer.epoch,
    heapAfterEpoch1MB: heap1 / 2 ** 20,
    heapAfterEpoch10MB: heap10 / 2 ** 20,
    collectionsDuringEpochs2to10: collections,
    samplesPerSecond: (9 * samples.count) / seconds,
  };
}

/** Control: the same counting around a loop that does allocate, so a zero above means something. */
async function control(): Promise<number> {
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({entryTypes: ["gc"]});
  let keep = 0;
  for (let i = 0; i < 200_000; i++) keep += new Float64Array(64).length;
  await settle();
  observer.disconnect();
  return keep > 0 ? collections : -1;
}

export async function memoryResults(): Promise<{results: MemoryResult[]; controlCollections: number}> {
  return {results: [await measure("W2 (batch 32)", 32, 0.1), await measure("W1 (batch 1)", 1, 0.01)], controlCollections: await control()};
}

if (process.argv[1]?.endsWith("memory.ts")) {
  const {results, controlCollections} = await memoryResults();
  for (const r of results) {
    console.log(
      `${r.workload}: heap ${r.heapAfterEpoch1MB.toFixed(2)} MB after epoch 1, ${r.heapAfterEpoch10MB.toFixed(2)} MB after epoch ${r.epochs}; ${r.collectionsDuringEpochs2to10} garbage collections during epochs 2–10; ${Math.round(r.samplesPerSecond)} samples/s`,
    );
  }
  console.log(`control: allocating 200,000 small arrays triggered ${controlCollections} garbage collections`);
  mkdirSync("bench/results", {recursive: true});
  writeFileSync("bench/results/memory.json", JSON.stringify({results, controlCollections}, null, 2));
}
