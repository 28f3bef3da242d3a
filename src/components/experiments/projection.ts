/**
 * The hidden space, projected: the second hidden layer's activations on the test digits, reduced
 * to two dimensions by principal component analysis (ml-pca, centred, SVD), with each frame's
 * axes aligned to the previous frame's so the picture does not flip or swap while the network
 * trains; and Procrustes alignment, which does the same for UMAP frames (experiments/embedding.ts,
 * computed in a worker). Also the measures the page reports: how far the classes have separated (between-class
 * over within-class spread) and which pairs of classes stay tangled.
 *
 * Pure: no DOM. The view is views/projection.ts.
 */
import {PCA} from "ml-pca";
import type {Network, Samples} from "../nn/index.js";

/**
 * The activations a⁽ˡ⁾ of hidden layer `layer` (1-based; default the last hidden layer) for the
 * first `count` samples: Float64Array of count × units, row-major. throws RangeError when the
 * layer is not a hidden layer.
 */
export function hiddenActivations(
  network: Network,
  samples: Samples,
  {layer = network.layers.length - 1, count = samples.count}: {layer?: number; count?: number} = {},
): {values: Float64Array; units: number; guesses: Uint8Array} {
  const hidden = network.layers.length - 1;
  if (!(Number.isInteger(layer) && layer >= 1 && layer <= hidden)) throw new RangeError(`invalid layer: ${layer} (the network's hidden layers are 1 to ${hidden})`);
  const units = network.layers[layer - 1].fanOut;
  const n = Math.min(count, samples.count);
  const values = new Float64Array(n * units);
  const guesses = new Uint8Array(n);
  const x = new Float64Array(network.inputSize);
  for (let i = 0; i < n; i++) {
    samples.input(i, x);
    const out = network.forward(x);
    values.set(network.a[layer].subarray(0, units), i * units);
    let best = 0;
    for (let c = 1; c < out.length; c++) if (out[c] > out[best]) best = c;
    guesses[i] = best;
  }
  return {values, units, guesses};
}

/** Two principal axes: unit vectors of `units` values each, and the share of variance each explains. */
export interface Axes {
  components: [Float64Array, Float64Array];
  explained: [number, number];
  mean: Float64Array;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * Matches `next`'s two axes to `previous`'s: swaps them when the swap lines them up better (two
 * eigenvalues crossing), then flips each axis whose dot product with its predecessor is negative
 * (an eigenvector's sign is arbitrary). Returns new axes; `previous` null returns `next` with each
 * axis's largest entry made positive, so the first frame is reproducible too.
 */
export function alignAxes(previous: Axes | null, next: Axes): Axes {
  let [a, b] = next.components;
  let explained = next.explained;
  if (!previous) {
    const sign = (v: Float64Array) => {
      let k = 0;
      for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[k])) k = i;
      return v[k] < 0 ? -1 : 1;
    };
    return {...next, components: [a.map((x) => x * sign(a)), b.map((x) => x * sign(b))]};
  }
  const [p, q] = previous.components;
  if (Math.abs(dot(p, b)) + Math.abs(dot(q, a)) > Math.abs(dot(p, a)) + Math.abs(dot(q, b))) {
    [a, b] = [b, a];
    explained = [explained[1], explained[0]];
  }
  const sa = dot(p, a) < 0 ? -1 : 1,
    sb = dot(q, b) < 0 ? -1 : 1;
  return {mean: next.mean, explained, components: [a.map((x) => x * sa), b.map((x) => x * sb)]};
}

/**
 * PCA of `values` (rows × units, row-major) to two axes (centred; SVD, ml-pca), aligned to
 * `previous`. With fewer than two units, or all rows equal (to within 1e-6 of their size: a dead
 * layer), the missing axes are zero vectors and every row projects to (0, 0).
 */
export function principalAxes(values: Float64Array, units: number, previous: Axes | null = null): Axes {
  const rows = values.length / units;
  const data = Array.from({length: rows}, (_, i) => Array.from(values.subarray(i * units, (i + 1) * units)));
  const mean = new Float64Array(units);
  for (let i = 0; i < rows; i++) for (let j = 0; j < units; j++) mean[j] += values[i * units + j] / rows;
  const zero = () => new Float64Array(units);
  let components: [Float64Array, Float64Array] = [zero(), zero()];
  let explained: [number, number] = [0, 0];
  // Rounding noise is not spread: below 1e-6 of the activations' size, every digit sits on one point.
  let variance = 0,
    size = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < units; j++) {
      variance += (values[i * units + j] - mean[j]) ** 2 / rows;
      size = Math.max(size, Math.abs(values[i * units + j]));
    }
  const spread = Math.sqrt(variance) > 1e-6 * Math.max(1, size);
  if (spread && rows > 1) {
    const pca = new PCA(data, {center: true, scale: false});
    const vectors = pca.getEigenvectors();
    const share = pca.getExplainedVariance();
    const column = (k: number) => (k < vectors.columns ? Float64Array.from(vectors.getColumn(k)) : zero());
    components = [column(0), column(1)];
    explained = [share[0] ?? 0, share[1] ?? 0];
  }
  return alignAxes(previous, {components, explained, mean});
}

/** Each row of `values` projected on the axes: Float64Array of rows × 2 (x, y interleaved). */
export function project(values: Float64Array, units: number, {components, mean}: Axes): Float64Array {
  const rows = values.length / units;
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    let x = 0,
      y = 0;
    for (let j = 0; j < units; j++) {
      const v = values[i * units + j] - mean[j];
      x += v * components[0][j];
      y += v * components[1][j];
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

/**
 * Orthogonal Procrustes with scale, in two dimensions: `points` (x, y interleaved) turned (a
 * rotation, or a reflection when that fits better), scaled and shifted onto `reference` (the same
 * rows, same layout) so that the sum of squared distances between matching rows is least. For a
 * fresh UMAP frame, whose orientation, handedness and size are arbitrary, aligned to the frame
 * before it. Closed form: with both centred and N = Σ yᵢ xᵢᵀ, the best rotation scores
 * hypot(N₁₁ + N₂₂, N₁₂ − N₂₁), the best reflection hypot(N₁₁ − N₂₂, N₁₂ + N₂₁); the larger wins,
 * and the scale is that score over Σ ‖yᵢ‖². Returns a new array; a copy of `points` when the
 * lengths differ or either set has no spread (nothing to align to).
 */
export function procrustes(reference: Float64Array, points: Float64Array): Float64Array {
  const n = points.length / 2;
  if (reference.length !== points.length || n < 1) return Float64Array.from(points);
  let rx = 0,
    ry = 0,
    px = 0,
    py = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    rx += reference[2 * i];
    ry += reference[2 * i + 1];
    px += points[2 * i];
    py += points[2 * i + 1];
    size = Math.max(size, Math.abs(reference[2 * i]), Math.abs(reference[2 * i + 1]), Math.abs(points[2 * i]), Math.abs(points[2 * i + 1]));
  }
  rx /= n;
  ry /= n;
  px /= n;
  py /= n;
  // N = Σ yᵢ xᵢᵀ (y: the points, x: the reference, both centred) and the points' spread Σ ‖yᵢ‖².
  let n11 = 0,
    n12 = 0,
    n21 = 0,
    n22 = 0,
    spread = 0,
    target = 0;
  for (let i = 0; i < n; i++) {
    const yx = points[2 * i] - px,
      yy = points[2 * i + 1] - py,
      xx = reference[2 * i] - rx,
      xy = reference[2 * i + 1] - ry;
    n11 += yx * xx;
    n12 += yx * xy;
    n21 += yy * xx;
    n22 += yy * xy;
    spread += yx * yx + yy * yy;
    target += xx * xx + xy * xy;
  }
  const rotation = Math.hypot(n11 + n22, n12 - n21),
    reflection = Math.hypot(n11 - n22, n12 + n21);
  const best = Math.max(rotation, reflection);
  // Rounding noise is not spread: below 1e-12 of the coordinates' size (per point), nothing to align.
  const noise = n * (1e-12 * Math.max(1, size)) ** 2;
  if (!(spread > noise && target > noise && best > 0)) return Float64Array.from(points);
  // R maps a centred point y to R·y: rotation [[c, −s], [s, c]], reflection [[c, s], [s, −c]].
  const c = (rotation >= reflection ? n11 + n22 : n11 - n22) / best,
    s = (rotation >= reflection ? n12 - n21 : n12 + n21) / best;
  const [a, b, d, e] = rotation >= reflection ? [c, -s, s, c] : [c, s, s, -c];
  const scale = best / spread;
  const out = new Float64Array(points.length);
  for (let i = 0; i < n; i++) {
    const yx = points[2 * i] - px,
      yy = points[2 * i + 1] - py;
    out[2 * i] = rx + scale * (a * yx + b * yy);
    out[2 * i + 1] = ry + scale * (d * yx + e * yy);
  }
  return out;
}

/**
 * How far the classes have come apart in the 2-D points (x, y interleaved): the between-class
 * sum of squares Σ_c n_c‖μ_c − μ‖² over the within-class sum Σ_i ‖p_i − μ_{c_i}‖² (Fisher's
 * criterion, as a trace ratio). 0 when every class sits on the overall mean; grows as the clouds
 * separate. Infinity when every class is a single point apart from the others.
 */
export function separation(points: Float64Array, labels: ArrayLike<number>, classes = 10): number {
  const n = labels.length;
  const sum = new Float64Array(classes * 2),
    count = new Float64Array(classes);
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    sum[2 * c] += points[2 * i];
    sum[2 * c + 1] += points[2 * i + 1];
    count[c]++;
    mx += points[2 * i] / n;
    my += points[2 * i + 1] / n;
  }
  let between = 0,
    within = 0;
  for (let c = 0; c < classes; c++) if (count[c]) between += count[c] * ((sum[2 * c] / count[c] - mx) ** 2 + (sum[2 * c + 1] / count[c] - my) ** 2);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    within += (points[2 * i] - sum[2 * c] / count[c]) ** 2 + (points[2 * i + 1] - sum[2 * c + 1] / count[c]) ** 2;
  }
  return within === 0 ? (between === 0 ? 0 : Infinity) : between / within;
}

/** A pair of classes whose clouds overlap in the projection, and how often the network confuses them. */
export interface Tangle {
  a: number;
  b: number;
  /** Distance between the two centroids over the sum of the two clouds' RMS radii (< 1: they overlap). */
  gap: number;
  /** Test digits of class a guessed b plus those of b guessed a. */
  confused: number;
  /** With `neighbourTangles`: the share of the two classes' digits' nearest neighbours (in the picture) that belong to the other class of the pair. */
  mixed?: number;
}

/** The `top` most tangled pairs of classes: the smallest centroid gap relative to the clouds' spread. */
export function tangles(points: Float64Array, labels: ArrayLike<number>, guesses: ArrayLike<number>, {classes = 10, top = 3} = {}): Tangle[] {
  const n = labels.length;
  const cx = new Float64Array(classes),
    cy = new Float64Array(classes),
    count = new Float64Array(classes),
    spread = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    cx[labels[i]] += points[2 * i];
    cy[labels[i]] += points[2 * i + 1];
    count[labels[i]]++;
  }
  for (let c = 0; c < classes; c++) {
    if (!count[c]) continue;
    cx[c] /= count[c];
    cy[c] /= count[c];
  }
  for (let i = 0; i < n; i++) spread[labels[i]] += (points[2 * i] - cx[labels[i]]) ** 2 + (points[2 * i + 1] - cy[labels[i]]) ** 2;
  for (let c = 0; c < classes; c++) spread[c] = count[c] ? Math.sqrt(spread[c] / count[c]) : 0;
  const confusion = new Float64Array(classes * classes);
  for (let i = 0; i < n; i++) confusion[labels[i] * classes + guesses[i]]++;
  const pairs: Tangle[] = [];
  for (let a = 0; a < classes; a++)
    for (let b = a + 1; b < classes; b++) {
      if (!count[a] || !count[b]) continue;
      const radius = spread[a] + spread[b];
      const distance = Math.hypot(cx[a] - cx[b], cy[a] - cy[b]);
      pairs.push({a, b, gap: radius === 0 ? Infinity : distance / radius, confused: confusion[a * classes + b] + confusion[b * classes + a]});
    }
  return pairs.sort((p, q) => p.gap - q.gap || q.confused - p.confused).slice(0, top);
}

/**
 * The `top` most tangled pairs of classes by neighbourhoods, for pictures where distances between
 * clusters mean little and a class may form several clusters (UMAP): for every digit, its `k`
 * nearest others in the picture (Euclidean, ties to the lower index); a pair's `mixed` is the number
 * of neighbour links from a digit of one class to a digit of the other, over k × the two classes'
 * digits. `gap` is NaN. Brute force: n² distances (1,000 digits: a million, a few ms).
 * Throws RangeError unless 1 ≤ k < n.
 */
export function neighbourTangles(points: Float64Array, labels: ArrayLike<number>, guesses: ArrayLike<number>, {classes = 10, top = 3, k = 10} = {}): Tangle[] {
  const n = labels.length;
  if (!(Number.isInteger(k) && k >= 1 && k < n)) throw new RangeError(`k must be a whole number from 1 to ${n - 1} (the digits less one), got ${k}`);
  const links = new Float64Array(classes * classes),
    count = new Float64Array(classes),
    confusion = new Float64Array(classes * classes);
  const distance = new Float64Array(n),
    order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    count[labels[i]]++;
    confusion[labels[i] * classes + guesses[i]]++;
    for (let j = 0; j < n; j++) {
      distance[j] = j === i ? Infinity : (points[2 * i] - points[2 * j]) ** 2 + (points[2 * i + 1] - points[2 * j + 1]) ** 2;
      order[j] = j;
    }
    // The k nearest: a partial selection over the indices by distance, then index.
    const nearest = Array.from(order)
      .sort((x, y) => distance[x] - distance[y] || x - y)
      .slice(0, k);
    for (const j of nearest) if (labels[j] !== labels[i]) links[labels[i] * classes + labels[j]]++;
  }
  const pairs: Tangle[] = [];
  for (let a = 0; a < classes; a++)
    for (let b = a + 1; b < classes; b++) {
      if (!count[a] || !count[b]) continue;
      pairs.push({a, b, gap: NaN, mixed: (links[a * classes + b] + links[b * classes + a]) / (k * (count[a] + count[b])), confused: confusion[a * classes + b] + confusion[b * classes + a]});
    }
  return pairs.sort((p, q) => q.mixed! - p.mixed! || q.confused - p.confused).slice(0, top);
}
