/**
 * Turns free-hand ink into a digit the way MNIST's digits were made (LeCun, Cortes & Burges,
 * "The MNIST database", 1998): the ink's bounding box is scaled to fit a 20 × 20 box keeping its
 * aspect ratio, anti-aliased (here by area averaging, which keeps the ink's share of every output
 * pixel), and placed in a 28 × 28 frame so that its centre of mass sits at the frame's centre.
 * A network trained on MNIST only gives a meaningful guess for ink prepared this way.
 */
import {areaAverage} from "./resample.js";

/** Side of MNIST's frame, and of the box the ink is scaled into. */
export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;

export interface Preprocessed {
  /** Float64Array of 28 × 28 in [0, 1], row-major; all zeros when there is no ink. */
  pixels: Float64Array;
  /** No ink above the threshold. */
  empty: boolean;
  /** The ink's bounding box in the source image: [x0, y0, x1, y1), in source pixels. */
  box: [number, number, number, number] | null;
  /** Centre of mass (x, y) of `pixels` in 28 × 28 pixel units (pixel centres at i + 0.5). */
  centre: [number, number] | null;
}

/** Centre of mass of a side × side image (pixel centres at i + 0.5), or null without ink. */
export function centreOfMass(image: ArrayLike<number>, side: number): [number, number] | null {
  let m = 0,
    mx = 0,
    my = 0;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const v = image[y * side + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  return m > 0 ? [mx / m, my / m] : null;
}

/**
 * ink: Float64Array (or any array) of side × side coverage values in [0, 1], row-major, e.g. a
 * draw pad's 280 × 280 buffer. `threshold` is the coverage below which a pixel counts as blank
 * for the bounding box (default 0.05). Returns the 28 × 28 digit.
 * throws RangeError when ink.length ≠ side² or side < 28.
 */
export function mnistPreprocess(ink: ArrayLike<number>, side: number, {threshold = 0.05}: {threshold?: number} = {}): Preprocessed {
  if (!(Number.isInteger(side) && side >= MNIST_SIDE)) throw new RangeError(`invalid side: ${side} (expected an integer ≥ ${MNIST_SIDE})`);
  if (ink.length !== side * side) throw new RangeError(`invalid ink: ${ink.length} values, expected ${side}×${side} = ${side * side}`);
  let x0 = side,
    y0 = side,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      if (ink[y * side + x] <= threshold) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  const pixels = new Float64Array(MNIST_SIDE * MNIST_SIDE);
  if (x1 < 0) return {pixels, empty: true, box: null, centre: null};
  // The bounding box, widened on its short side to a square (centred), so scaling keeps the aspect ratio.
  // A box smaller than 20 pixels is not enlarged: it is copied at its own size (no upsampling).
  const w = x1 - x0 + 1,
    h = y1 - y0 + 1;
  const square = Math.max(w, h, MNIST_BOX);
  const sx = x0 - Math.floor((square - w) / 2),
    sy = y0 - Math.floor((square - h) / 2);
  const crop = new Float64Array(square * square);
  for (let y = 0; y < square; y++) {
    const srcY = sy + y;
    if (srcY < 0 || srcY >= side) continue;
    for (let x = 0; x < square; x++) {
      const srcX = sx + x;
      if (srcX >= 0 && srcX < side) crop[y * square + x] = Math.min(1, Math.max(0, ink[srcY * side + srcX]));
    }
  }
  const box = areaAverage(crop, square, MNIST_BOX);
  // Place the 20 × 20 box so its centre of mass lands on the frame's centre (14, 14), shifted by
  // whole pixels and never pushing ink out of the frame.
  const [cx, cy] = centreOfMass(box, MNIST_BOX)!;
  const clampShift = (s: number) => Math.max(0, Math.min(MNIST_SIDE - MNIST_BOX, s));
  const ox = clampShift(Math.round(MNIST_SIDE / 2 - cx)),
    oy = clampShift(Math.round(MNIST_SIDE / 2 - cy));
  for (let y = 0; y < MNIST_BOX; y++) for (let x = 0; x < MNIST_BOX; x++) pixels[(y + oy) * MNIST_SIDE + x + ox] = box[y * MNIST_BOX + x];
  return {pixels, empty: false, box: [x0, y0, x1 + 1, y1 + 1], centre: centreOfMass(pixels, MNIST_SIDE)};
}
