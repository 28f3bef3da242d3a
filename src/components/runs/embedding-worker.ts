/**
 * Web Worker entry for the hidden space's UMAP (views/projection.ts drives it through a
 * WorkerPool of one): each task is one seeded UMAP of the test digits' activations
 * (experiments/embedding.ts, the function the unit tests call), with a heartbeat every few epochs
 * and the fraction done as progress. Returns the 2-D points (x, y interleaved).
 */
import {serveTasks} from "./worker-pool.js";
import {umapEmbedding, type EmbeddingTask} from "../experiments/embedding.js";

serveTasks<unknown, EmbeddingTask, Float64Array, number>({
  init() {},
  run({values, units, ...options}, progress, beat) {
    return umapEmbedding(values, units, options, {beat, progress});
  },
});
