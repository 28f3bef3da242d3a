/**
 * UMAP of the hidden space (umap-js 1.4.0), seeded: the same activations and options give the same
 * 2-D points, bit for bit, in Node, Chromium and a worker. The MNIST page runs it in a Web Worker
 * (runs/embedding-worker.ts) because it takes seconds; the tests call this same function.
 *
 * Kept apart from experiments/projection.ts so the page that only draws PCA never loads umap-js.
 *
 * Pure: no DOM.
 */
import * as umapJs from "umap-js";
import {randomLcg} from "d3-random";

// umap-js is CommonJS: Node hands it over with named exports, Framework's browser bundle with a
// default export only (a named import would fail to link there).
const {UMAP} = (umapJs.UMAP ? umapJs : (umapJs as unknown as {default: typeof umapJs}).default) as typeof umapJs;

export interface EmbeddingOptions {
  /** Seed of the generator (d3-random's randomLcg) that umap-js draws every random number from. */
  seed?: number;
  /** Neighbours per point in the graph (15; at most rows − 1). */
  nNeighbors?: number;
  /** How tightly points may pack in the picture (0.1). */
  minDist?: number;
  /** Optimisation epochs (200). */
  nEpochs?: number;
}

/** What the worker is asked: the activations (rows × units, row-major) and the options. */
export interface EmbeddingTask extends EmbeddingOptions {
  values: Float64Array;
  units: number;
}

/**
 * UMAP of `values` (rows × units, row-major) to two dimensions: Float64Array of rows × 2 (x, y
 * interleaved). `beat` is called every few epochs (a worker's heartbeat), `progress` with the
 * fraction of epochs done. With fewer than 3 rows, or every row equal to within 1e-6 of the
 * activations' size (a dead layer: no neighbours to tell apart), every row maps to (0, 0).
 * throws RangeError for bad options, Error when UMAP produces a non-finite coordinate.
 */
export function umapEmbedding(
  values: Float64Array,
  units: number,
  {seed = 1, nNeighbors = 15, minDist = 0.1, nEpochs = 200}: EmbeddingOptions = {},
  {beat, progress}: {beat?: () => void; progress?: (fraction: number) => void} = {},
): Float64Array {
  if (!(Number.isInteger(units) && units >= 1 && values.length % units === 0)) throw new RangeError(`invalid units: ${units} for ${values.length} values`);
  if (!(Number.isInteger(nNeighbors) && nNeighbors >= 2)) throw new RangeError(`invalid nNeighbors: ${nNeighbors} (expected an integer ≥ 2)`);
  if (!(minDist >= 0)) throw new RangeError(`invalid minDist: ${minDist} (expected ≥ 0)`);
  if (!(Number.isInteger(nEpochs) && nEpochs >= 1)) throw new RangeError(`invalid nEpochs: ${nEpochs} (expected an integer ≥ 1)`);
  const rows = values.length / units;
  const out = new Float64Array(rows * 2);
  let size = 0,
    differs = false;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`the activations are not finite (row ${Math.floor(i / units)})`);
    size = Math.max(size, Math.abs(values[i]));
  }
  const tolerance = 1e-6 * Math.max(1, size);
  for (let i = units; i < values.length && !differs; i++) differs = Math.abs(values[i] - values[i % units]) > tolerance;
  if (rows < 3 || !differs) return out;
  const data = Array.from({length: rows}, (_, i) => Array.from(values.subarray(i * units, (i + 1) * units)));
  const umap = new UMAP({nComponents: 2, nNeighbors: Math.min(nNeighbors, rows - 1), minDist, nEpochs, random: randomLcg(seed)});
  const epochs = umap.initializeFit(data);
  beat?.();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % 10 === 9) {
      beat?.();
      progress?.((e + 1) / epochs);
    }
  }
  const embedding = umap.getEmbedding();
  for (let i = 0; i < rows; i++) {
    const [x, y] = embedding[i];
    if (!(Number.isFinite(x) && Number.isFinite(y))) throw new Error(`UMAP gave a non-finite point (row ${i})`);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}
