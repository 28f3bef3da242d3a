/**
 * A free-hand drawing pad for digits (mouse, touch and pen through Pointer Events), shared by the
 * pages that let a reader draw their own input. It keeps the ink at a high resolution and follows
 * the Observable Inputs contract: `pad.value` is the ink, and the pad dispatches `input` events
 * while drawing (at most once per animation frame) and when cleared, so `view(pad)` works.
 *
 *   const pad = drawPad({label: "Draw a digit", resolution: 280, brush: 0.075});
 *   pad.value          // Float64Array of resolution × resolution, ink coverage 0–1, row-major
 *   pad.empty          // true until the first stroke, and after clear()
 *   pad.grid(28)       // the ink area-averaged to 28 × 28 (Float64Array, 0–1)
 *   pad.clear()
 *
 * Keyboard: the pad is focusable; Delete, Backspace or C clears it. Drawing needs a pointer.
 */
import {areaAverage} from "../datasets/resample.js";
import {palette} from "./palette.js";

export interface DrawPadOptions {
  /** Accessible name and visible caption. */
  label?: string;
  /** Side of the ink buffer in pixels (default 280 = 10 × MNIST's 28). */
  resolution?: number;
  /** Brush diameter as a fraction of the pad's side (default 0.075). */
  brush?: number;
  /** Displayed side in CSS pixels (default 196). */
  size?: number;
}

export interface DrawPad extends HTMLElement {
  /** Ink coverage in [0, 1]: Float64Array of resolution × resolution, row-major. */
  readonly value: Float64Array;
  /** No ink on the pad. */
  readonly empty: boolean;
  readonly resolution: number;
  /** The ink area-averaged to n × n (n ≤ resolution). throws RangeError for a bad n. */
  grid(n: number): Float64Array;
  /** Wipes the pad and dispatches `input`. */
  clear(): void;
}

/** throws RangeError for a resolution that is not an integer ≥ 8 or a brush outside (0, 1). */
export function drawPad({label = "Draw a digit", resolution = 280, brush = 0.075, size = 196}: DrawPadOptions = {}): DrawPad {
  if (!(Number.isInteger(resolution) && resolution >= 8)) throw new RangeError(`invalid resolution: ${resolution} (expected an integer ≥ 8)`);
  if (!(brush > 0 && brush < 1)) throw new RangeError(`invalid brush: ${brush} (expected a fraction of the side in (0, 1))`);
  const root = document.createElement("figure") as unknown as DrawPad & HTMLElement;
  root.className = "draw-pad";
  root.style.margin = "0";
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = resolution;
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${label}: drawing pad; Delete or C clears it`);
  canvas.style.cssText = `width:${size}px;height:${size}px;max-width:100%;touch-action:none;cursor:crosshair;border:1px solid var(--theme-foreground-faint);border-radius:4px;background:var(--theme-background-alt);display:block`;
  const caption = document.createElement("figcaption");
  caption.textContent = label;
  caption.style.fontSize = "0.8rem";
  root.append(canvas, caption);

  const context = canvas.getContext("2d", {willReadFrequently: true})!;
  let empty = true;
  let cached: Float64Array | null = null;
  let last: {x: number; y: number} | null = null;
  let queued = false;

  const emit = () => {
    cached = null;
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      root.dispatchEvent(new Event("input", {bubbles: true}));
    });
  };
  const point = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return {x: ((event.clientX - box.left) / box.width) * resolution, y: ((event.clientY - box.top) / box.height) * resolution};
  };
  const stroke = (from: {x: number; y: number}, to: {x: number; y: number}) => {
    context.strokeStyle = context.fillStyle = palette().activationHigh;
    context.lineWidth = brush * resolution;
    context.lineCap = context.lineJoin = "round";
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x + 0.01, to.y);
    context.stroke();
    empty = false;
    emit();
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke(last, last);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const next = point(event);
    stroke(last, next);
    last = next;
  });
  const end = () => (last = null);
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("keydown", (event) => {
    if (event.key === "Delete" || event.key === "Backspace" || event.key.toLowerCase() === "c") {
      root.clear();
      event.preventDefault();
    }
  });

  Object.defineProperties(root, {
    value: {
      get(): Float64Array {
        if (!cached) {
          const {data} = context.getImageData(0, 0, resolution, resolution);
          cached = new Float64Array(resolution * resolution);
          for (let i = 0; i < cached.length; i++) cached[i] = data[4 * i + 3] / 255;
        }
        return cached;
      },
    },
    empty: {get: () => empty},
    resolution: {value: resolution},
    grid: {value: (n: number) => areaAverage(root.value, resolution, n)},
    clear: {
      value: () => {
        context.clearRect(0, 0, resolution, resolution);
        empty = true;
        emit();
      },
    },
  });
  return root;
}
