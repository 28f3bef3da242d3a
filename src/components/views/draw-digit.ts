/**
 * "Draw your own digit" for the MNIST page: a drawing pad, the drawing prepared as MNIST's digits
 * were (mnistPreprocess: 20 × 20 box, centred by mass in 28 × 28), and the network's guess for it.
 * Draw mode makes the drawing the explorer's current input (`onDrawing`); it switches on with the
 * first stroke, and the D key or the draw-mode button toggles it; C clears the pad. While on, the
 * document carries the class `draw-mode-on`. The page places the parts and calls `dispose()` when
 * it goes (the keyboard listener is on `window`).
 *
 *   const draw = drawDigit({network: () => current.run.network, onDrawing: (pixels) => …});
 *   html`${draw.pad}${draw.modeButton}${draw.clearButton}${draw.prepared}${draw.output}`
 */
import {html} from "htl";
import type {Network} from "../nn/index.js";
import {mnistPreprocess} from "../datasets/mnist-preprocess.js";
import {drawPad} from "./draw-pad.js";
import {digitCanvas, probabilityBars} from "./explorer-views.js";

export interface DrawDigitOptions {
  /** The network on show now. */
  network: () => Pick<Network, "forward">;
  /** Called with the prepared 784 pixels whenever the drawing changes in draw mode. */
  onDrawing: (pixels: Float64Array) => void;
  label?: string;
}

export function drawDigit({network, onDrawing, label = "Draw a digit (0–9)"}: DrawDigitOptions) {
  const pad = drawPad({label, resolution: 280, size: 196});
  const prepared = html`<div class="prepared"></div>` as HTMLDivElement;
  const output = html`<div class="draw-output"></div>` as HTMLDivElement;
  const modeButton = html`<button type="button" class="draw-mode" aria-pressed="false" data-action="draw-mode">Draw mode: off</button>` as HTMLButtonElement;
  const clearButton = html`<button type="button" data-action="clear">Clear</button>` as HTMLButtonElement;
  let mode = false;

  function setMode(on: boolean): void {
    mode = on;
    modeButton.setAttribute("aria-pressed", String(on));
    modeButton.textContent = `Draw mode: ${on ? "on" : "off"}`;
    document.documentElement.classList.toggle("draw-mode-on", on);
    if (on) use();
  }

  /** Prepares the drawing, shows the network's guess, and in draw mode hands it on. */
  function use(): void {
    const p = mnistPreprocess(pad.value, pad.resolution);
    prepared.replaceChildren(digitCanvas(p.pixels, {size: 112, label: "your digit, prepared as MNIST's were"}), html`<div class="small">${p.empty ? "empty" : "prepared 28 × 28"}</div>`);
    if (p.empty) {
      output.replaceChildren(probabilityBars(null));
      return;
    }
    output.replaceChildren(probabilityBars(network().forward(p.pixels), {width: 300}));
    if (mode) onDrawing(p.pixels);
  }

  pad.addEventListener("input", () => {
    if (!mode && !pad.empty) setMode(true);
    else use();
  });
  modeButton.onclick = () => setMode(!mode);
  clearButton.onclick = () => pad.clear();
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t?.isContentEditable) return;
    if (e.key === "d" || e.key === "D") setMode(!mode);
    else if ((e.key === "c" || e.key === "C") && t !== pad.querySelector("canvas")) pad.clear();
  };
  window.addEventListener("keydown", onKey);
  use();

  return {
    pad,
    prepared,
    output,
    modeButton,
    clearButton,
    get mode() {
      return mode;
    },
    setMode,
    /** Redraws the guess for the network as it is now (nothing to do on an empty pad). */
    refresh(): void {
      if (!pad.empty) use();
    },
    dispose(): void {
      window.removeEventListener("keydown", onKey);
    },
  };
}
