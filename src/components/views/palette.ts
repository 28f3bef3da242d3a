/**
 * The workbook's colour scales, one for weights and one for activations, shared by every page,
 * canvas and the 3D view. The colours are CSS variables (src/workbook.css) with a dark variant;
 * `palette()` reads their current values, so a cell that also reads Framework's `dark` redraws
 * with the right colours when the reader's colour scheme changes.
 *
 *   const p = palette();
 *   const colour = weightColor(p, 0.5);   // w in [−0.5, 0.5] → CSS colour string
 *   ctx.fillStyle = colour(w);
 */
import {interpolateLab, rgb} from "d3";

export interface Palette {
  /** Colour of the most negative weight. */
  weightNegative: string;
  /** Colour of the most positive weight. */
  weightPositive: string;
  /** Page background: the colour of a zero weight and of a zero activation. */
  background: string;
  /** Ink: the colour of the largest activation. */
  activationHigh: string;
  /** Muted text colour (axes, labels). */
  muted: string;
  /** Right and wrong answers (badges, confusion matrix diagonal). */
  correct: string;
  wrong: string;
  /** Categorical series colours for overlaid curves (six, in order). */
  series: string[];
}

/** Fallback colours (light theme) for Node, tests and any element outside a styled page. */
export const lightPalette: Palette = {
  weightNegative: "#2166ac",
  weightPositive: "#b2182b",
  background: "#ffffff",
  activationHigh: "#1b1e23",
  muted: "#6d6d6d",
  correct: "#1a9850",
  wrong: "#d73027",
  series: ["#4269d0", "#ff725c", "#3ca951", "#a463f2", "#efb118", "#6cc5b0"],
};

let scratch: CanvasRenderingContext2D | null = null;

/**
 * Any CSS colour (including color-mix(), which the dark theme's background uses and d3 cannot
 * parse) as "#rrggbb", by letting a canvas parse and draw it; `fallback` when it cannot.
 */
export function resolveColor(value: string, fallback: string): string {
  if (/^#[0-9a-f]{6}$/i.test(value)) return value;
  scratch ??= document.createElement("canvas").getContext("2d", {willReadFrequently: true});
  if (!scratch || !value) return fallback;
  scratch.fillStyle = "#000001"; // a sentinel: an unparsable value leaves it unchanged
  scratch.fillStyle = value;
  if (typeof scratch.fillStyle === "string" && /^#[0-9a-f]{6}$/i.test(scratch.fillStyle) && scratch.fillStyle !== "#000001") return scratch.fillStyle;
  scratch.clearRect(0, 0, 1, 1);
  scratch.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = scratch.getImageData(0, 0, 1, 1).data;
  if (a === 0) return fallback;
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

let cached: {palette: Palette; at: number} | null = null;
let watching = false;

/**
 * The current palette, read from the CSS variables of `element` (default: the document root).
 * The root's palette is cached for a second and dropped at once when the colour scheme changes:
 * reading computed styles forces the browser to recalculate every pending style change, which is
 * costly when views redraw many times a second.
 */
export function palette(element: Element = document.documentElement): Palette {
  const root = element === document.documentElement;
  if (root) {
    if (!watching && typeof matchMedia === "function") {
      watching = true;
      matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => (cached = null));
    }
    const now = performance.now();
    if (cached && now - cached.at < 1000) return cached.palette;
    const fresh = readPalette(element);
    cached = {palette: fresh, at: now};
    return fresh;
  }
  return readPalette(element);
}

function readPalette(element: Element): Palette {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => resolveColor(style.getPropertyValue(name).trim(), fallback);
  return {
    weightNegative: read("--weight-negative", lightPalette.weightNegative),
    weightPositive: read("--weight-positive", lightPalette.weightPositive),
    background: read("--theme-background", lightPalette.background),
    activationHigh: read("--activation-high", lightPalette.activationHigh),
    muted: read("--theme-foreground-muted", lightPalette.muted),
    correct: read("--correct", lightPalette.correct),
    wrong: read("--wrong", lightPalette.wrong),
    series: lightPalette.series.map((fallback, i) => read(`--series-${i + 1}`, fallback)),
  };
}

/** Clamps t to [0, 1]; NaN becomes 0.5 (the middle of a scale). */
const unit = (t: number) => (Number.isNaN(t) ? 0.5 : t < 0 ? 0 : t > 1 ? 1 : t);

/**
 * Diverging weight scale: w in [−maxAbs, maxAbs] → colour, through the background at 0, so a
 * weight's sign is its hue and its magnitude its distance from the page. Values outside the
 * domain are clamped. throws RangeError when maxAbs is not a finite number > 0.
 */
export function weightColor(p: Palette, maxAbs: number): (w: number) => string {
  if (!(Number.isFinite(maxAbs) && maxAbs > 0)) throw new RangeError(`invalid maxAbs: ${maxAbs} (expected a finite number > 0)`);
  const negative = interpolateLab(p.background, p.weightNegative);
  const positive = interpolateLab(p.background, p.weightPositive);
  return (w) => (w < 0 ? negative(unit(-w / maxAbs)) : positive(unit(w / maxAbs)));
}

/**
 * Sequential activation scale: a in [lo, hi] → colour from the background (lo) to ink (hi).
 * Use [0, 1] for sigmoid and softmax outputs, [−1, 1] for tanh, [0, max] for ReLU.
 * throws RangeError unless lo < hi, both finite.
 */
export function activationColor(p: Palette, [lo, hi]: [number, number]): (a: number) => string {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`invalid activation domain: [${lo}, ${hi}] (expected finite lo < hi)`);
  const ramp = interpolateLab(p.background, p.activationHigh);
  return (a) => ramp(unit((a - lo) / (hi - lo)));
}

/** Observable Plot colour-scale options for weights, matching `weightColor` (for cell, raster and legend marks). */
export function weightScale(p: Palette, maxAbs: number, label = "weight w") {
  return {type: "linear" as const, domain: [-maxAbs, 0, maxAbs], range: [p.weightNegative, p.background, p.weightPositive], interpolate: "lab" as const, clamp: true, label};
}

/** Observable Plot colour-scale options for activations, matching `activationColor`. */
export function activationScale(p: Palette, domain: [number, number], label = "activation a") {
  return {type: "linear" as const, domain, range: [p.background, p.activationHigh], interpolate: "lab" as const, clamp: true, label};
}

/** Largest |x| over one or more arrays, at least `floor` (so an all-zero layer still has a scale). */
export function maxAbs(arrays: ArrayLike<number>[], floor = 1e-6): number {
  let m = floor;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (v > m) m = v;
    }
  return m;
}

/**
 * A colour scale sampled into a lookup table for canvases that colour thousands of pixels per
 * frame: Uint8ClampedArray of n × 4 (r, g, b, 255), entry k the colour at t = k / (n − 1).
 */
export function colorTable(scale: (t: number) => string, n = 256): Uint8ClampedArray {
  const table = new Uint8ClampedArray(n * 4);
  for (let k = 0; k < n; k++) {
    const c = rgb(scale(k / (n - 1)));
    table.set([c.r, c.g, c.b, 255], k * 4);
  }
  return table;
}

/** `weightColor` as a 256-entry table over w ∈ [−1, 1] · maxAbs: entry round((w/maxAbs + 1) · 127.5). */
export function weightTable(p: Palette): Uint8ClampedArray {
  const colour = weightColor(p, 1);
  return colorTable((t) => colour(2 * t - 1));
}

/** `activationColor` as a 256-entry table over a ∈ [0, 1]: entry round(a · 255). */
export function activationTable(p: Palette): Uint8ClampedArray {
  return colorTable(activationColor(p, [0, 1]));
}
