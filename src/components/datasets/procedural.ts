/**
 * Procedural 16×16 digits for the neuron lab: each digit is a stroke skeleton (data/digit-strokes.json,
 * drawn by hand) placed in the frame with a seeded random shift, rotation, scale and stroke width,
 * rasterised anti-aliased (ink falls off linearly over one pixel at the stroke's edge) and
 * sprinkled with pixel noise: data augmentation, so the network cannot memorise one picture per class.
 *
 *   const strokes = parseStrokes(json);
 *   const set = generateDigits(strokes, 1000, 7);        // {pixels: Uint8Array(1000·256), labels, params}
 *   const clean = renderDigit(strokes[3], CLEAN);        // Float64Array(256), ink in [0, 1]
 *
 * Pure and deterministic: the same strokes, count and seed give the same bytes in Node and in a browser.
 */
import {randomLcg} from "d3-random";

/** Side of a procedural digit in pixels. */
export const SIZE = 16;

/** A polyline in the unit box: [x, y] points, x to the right, y downwards, 0–1. */
export type Stroke = [number, number][];
/** The ten digits' skeletons, indexed by class. */
export type DigitStrokes = Stroke[][];

/** Augmentation ranges, each [min, max], sampled uniformly. Units in the comments. */
export const AUGMENT = {
  /** Shift of the glyph's centre, pixels, each axis. */
  shift: [-1.25, 1.25],
  /** Rotation about the glyph's centre, degrees. */
  rotation: [-12, 12],
  /** Glyph height, pixels (the 16-pixel frame keeps a margin). */
  height: [9.5, 11.5],
  /** Width ÷ height of the glyph box. */
  aspect: [0.55, 0.75],
  /** Stroke width, pixels. */
  width: [1.1, 2.0],
  /** Largest additive pixel noise, ink units (0–1); each pixel gets uniform noise in [0, amplitude]. */
  noise: [0, 0.12],
} as const satisfies Record<string, readonly [number, number]>;

export interface DigitParams {
  dx: number;
  dy: number;
  rotation: number;
  height: number;
  aspect: number;
  width: number;
  noise: number;
}

/** The undistorted digit: centred, upright, mid-size, no noise (the page's "clean digit" probe). */
export const CLEAN: DigitParams = {dx: 0, dy: 0, rotation: 0, height: 11, aspect: 0.68, width: 1.5, noise: 0};

/** Validates parsed JSON of data/digit-strokes.json. throws TypeError naming the faulty entry. */
export function parseStrokes(json: unknown): DigitStrokes {
  const table = (json as {strokes?: Record<string, unknown>})?.strokes;
  if (!table || typeof table !== "object") throw new TypeError("invalid digit strokes: no `strokes` object");
  return Array.from({length: 10}, (_, c) => {
    const strokes = table[String(c)];
    if (!Array.isArray(strokes) || strokes.length === 0) throw new TypeError(`invalid digit strokes: digit ${c} has no strokes`);
    return strokes.map((stroke, s) => {
      if (!Array.isArray(stroke) || stroke.length < 2) throw new TypeError(`invalid digit strokes: digit ${c} stroke ${s} needs at least 2 points`);
      return stroke.map((p, k) => {
        if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === "number" && v >= 0 && v <= 1))
          throw new TypeError(`invalid digit strokes: digit ${c} stroke ${s} point ${k} is ${JSON.stringify(p)} (expected [x, y] in the unit box)`);
        return [p[0], p[1]] as [number, number];
      });
    });
  });
}

/** Draws augmentation parameters from a uniform [0, 1) source. */
export function sampleParams(random: () => number): DigitParams {
  const u = ([lo, hi]: readonly [number, number]) => lo + (hi - lo) * random();
  return {dx: u(AUGMENT.shift), dy: u(AUGMENT.shift), rotation: u(AUGMENT.rotation), height: u(AUGMENT.height), aspect: u(AUGMENT.aspect), width: u(AUGMENT.width), noise: u(AUGMENT.noise)};
}

/** Distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax,
    vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2)) : 0;
  const dx = px - ax - t * vx,
    dy = py - ay - t * vy;
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * Rasterises one digit: Float64Array of SIZE × SIZE, row-major, ink in [0, 1].
 * Pixel centres sit at (col + 0.5, row + 0.5); a pixel's ink is clamp(width/2 + 0.5 − d, 0, 1) for its
 * centre's distance d to the nearest stroke, plus noise · random() when a source is given.
 */
export function renderDigit(strokes: Stroke[], params: DigitParams, random?: () => number): Float64Array {
  const {dx, dy, rotation, height, aspect, width, noise} = params;
  const w = height * aspect,
    theta = (rotation * Math.PI) / 180;
  const cos = Math.cos(theta),
    sin = Math.sin(theta);
  // Unit box → pixels: centre the box, scale, rotate about the centre, shift. A shift that would
  // push ink past the frame is reduced until the glyph (with its soft edge) fits: digits stay whole.
  const placed = strokes.map((stroke) =>
    stroke.map(([x, y]) => {
      const u = (x - 0.5) * w,
        v = (y - 0.5) * height;
      return [u * cos - v * sin, u * sin + v * cos];
    }),
  );
  const edge = width / 2 + 0.5;
  const fit = (shift: number, axis: 0 | 1) => {
    const values = placed.flat().map((p) => p[axis]);
    const lo = edge - SIZE / 2 - Math.min(...values),
      hi = SIZE / 2 - edge - Math.max(...values);
    return lo > hi ? (lo + hi) / 2 : Math.max(lo, Math.min(hi, shift));
  };
  const cx = SIZE / 2 + fit(dx, 0),
    cy = SIZE / 2 + fit(dy, 1);
  const segments: number[] = [];
  for (const stroke of placed) {
    const pts = stroke.map(([x, y]) => [cx + x, cy + y]);
    for (let k = 1; k < pts.length; k++) segments.push(pts[k - 1][0], pts[k - 1][1], pts[k][0], pts[k][1]);
  }
  const out = new Float64Array(SIZE * SIZE);
  const half = width / 2 + 0.5;
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      const px = col + 0.5,
        py = row + 0.5;
      let d = Infinity;
      for (let s = 0; s < segments.length; s += 4) d = Math.min(d, segmentDistance(px, py, segments[s], segments[s + 1], segments[s + 2], segments[s + 3]));
      let ink = Math.max(0, Math.min(1, half - d));
      if (random && noise > 0) ink = Math.min(1, ink + noise * random());
      out[row * SIZE + col] = ink;
    }
  }
  return out;
}

export interface DigitSet {
  count: number;
  /** Uint8Array of count × 256, row-major, 0 = paper, 255 = ink. */
  pixels: Uint8Array;
  /** Uint8Array of count: classes cycle 0, 1, …, 9 so every class has ⌊count/10⌋ or one more. */
  labels: Uint8Array;
  /** The augmentation parameters of each digit. */
  params: DigitParams[];
}

/**
 * `count` augmented digits from `seed` (an integer; d3-random's LCG). Sample i has class i mod 10.
 * throws RangeError for a count that is not an integer ≥ 0.
 */
export function generateDigits(strokes: DigitStrokes, count: number, seed: number): DigitSet {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`invalid count: ${count} (expected an integer ≥ 0)`);
  const random = randomLcg(seed);
  const pixels = new Uint8Array(count * SIZE * SIZE),
    labels = new Uint8Array(count);
  const params: DigitParams[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    const p = sampleParams(random);
    const image = renderDigit(strokes[c], p, random);
    for (let k = 0; k < image.length; k++) pixels[i * SIZE * SIZE + k] = Math.round(image[k] * 255);
    labels[i] = c;
    params.push(p);
  }
  return {count, pixels, labels, params};
}
