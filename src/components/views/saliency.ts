/**
 * "Why it said that": for the explorer's current input, the network's own reasons for two classes
 * (its guess and a second class the reader picks, by default the runner-up), as three maps each on
 * the shared diverging scale of palette.ts (red: argued for the class, blue: against):
 *
 *   saliency          ∂z_c/∂x, the logit's gradient with respect to every pixel (Network.inputGradient);
 *   gradient × input  x ⊙ ∂z_c/∂x, the same restricted to the ink that is there;
 *   occlusion         p_c(x) − p_c(x with a 4 × 4 patch blanked), 49 forward passes (nn/attribution.ts).
 *
 * Each map kind has one symmetric scale for both rows, so the two classes compare. The view
 * (`saliencyView`) keeps the View contract; `saliencyRedraw` drives it from a run and the current
 * input, at most one redraw every 300 ms (about three a second) while the run trains.
 *
 *   const view = saliencyView();
 *   const redraw = saliencyRedraw({run, current, selection, view});
 *   invalidation.then(() => redraw.dispose());
 */
import {html} from "htl";
import {argmax, gradientTimesInput, occlusion, occlusionMap, type Network} from "../nn/index.js";
import {paint} from "./explorer-views.js";
import {legend} from "./legend.js";
import {maxAbs, palette, weightTable} from "./palette.js";
import {followRun, type RedrawScheduler} from "./redraw-scheduler.js";
import type {Selection, Store} from "./selection.js";
import type {View} from "./view.js";

/** What the view shows: a network and one input (784 values in [0, 1]). */
export interface SaliencyData {
  network: Network;
  pixels: Float64Array;
  /** The input's class, or null (a drawing). */
  label: number | null;
  /** Where the input came from, in words. */
  source: string;
  /** Training samples the network has seen (set as data-samples on the figure, for tests). */
  samples?: number;
}

/** The second class: "runner-up" follows the network's second-highest output. */
export type SecondChoice = "runner-up" | number;

/** The guess (largest output), the runner-up (second largest; ties: the lower index) and the second class shown. */
export function explainedClasses(outputs: ArrayLike<number>, choice: SecondChoice): {guess: number; runnerUp: number; second: number} {
  const guess = argmax(outputs);
  let runnerUp = guess === 0 ? 1 : 0;
  for (let k = 0; k < outputs.length; k++) if (k !== guess && outputs[k] > outputs[runnerUp]) runnerUp = k;
  return {guess, runnerUp, second: choice === "runner-up" ? runnerUp : choice};
}

/** The three maps of one class: Float64Arrays of inputSize. */
export interface ClassMaps {
  c: number;
  gradient: Float64Array;
  gradientInput: Float64Array;
  occlusion: Float64Array;
}

/** The maps of `classes` for one input: one occlusion sweep (all classes), one input gradient per class. */
export function saliencyMaps(network: Network, pixels: Float64Array, classes: number[], patch = 4): {outputs: Float64Array; maps: ClassMaps[]} {
  const occ = occlusion(network, pixels, {patch});
  const maps = classes.map((c) => {
    const gradient = network.inputGradient(pixels, c);
    return {c, gradient, gradientInput: gradientTimesInput(gradient, pixels), occlusion: occlusionMap(occ, c)};
  });
  return {outputs: occ.base, maps};
}

const KINDS = [
  {key: "gradient", title: "saliency ∂z/∂x", legend: "∂z_c/∂x"},
  {key: "gradientInput", title: "gradient × input", legend: "x · ∂z_c/∂x"},
  {key: "occlusion", title: "occlusion Δp", legend: "drop in p_c"},
] as const;

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
/** 10ⁿ as text: "10⁻⁶". */
const power = (n: number) => `10${n < 0 ? "⁻" : ""}${[...String(Math.abs(n))].map((d) => SUPERSCRIPT[+d]).join("")}`;
/** A positive amount in prose: 0.412, or 4.1 × 10⁻⁶ below 0.001. */
export const amount = (x: number) => {
  if (x >= 1e-3 || x === 0) return x.toFixed(3);
  const e = Math.floor(Math.log10(x));
  return `${(x / 10 ** e).toFixed(1)} × ${power(e)}`;
};
/**
 * A legend unit for a symmetric scale of half-width m: the power of ten (a multiple of 3) that
 * brings m to [1, 1000) when m < 0.01, so ramp ticks stay short ("4", not "0.000004"); else 0.
 */
export const legendExponent = (m: number) => (m >= 0.01 || !(m > 0) ? 0 : 3 * Math.floor(Math.log10(m) / 3));

/** A number as the readout shows it. */
const fmt = (x: number) => (x === 0 ? "0" : Math.abs(x) >= 1e-3 ? x.toFixed(4) : x.toExponential(2)).replace("-", "−");

/** Paints a digit (ink 0–1) as the page's ink on its paper. */
function paintDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, side: number, paper: string, ink: string): void {
  const context = canvas.getContext("2d")!;
  context.fillStyle = paper;
  context.fillRect(0, 0, side, side);
  context.fillStyle = ink;
  for (let i = 0; i < side * side; i++) {
    if (!(pixels[i] > 0)) continue;
    context.globalAlpha = Math.min(1, pixels[i]);
    context.fillRect(i % side, Math.floor(i / side), 1, 1);
  }
  context.globalAlpha = 1;
}

function mapCanvas(side: number, size: number, label: string): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  canvas.style.cssText = `width:${size}px;height:${size}px;image-rendering:pixelated;display:block;border:1px solid var(--theme-foreground-faint)`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

/** The patch whose blanking drops p_c most (sign +1) or raises it most (sign −1): where, in words, and by how much; null when none moves it. */
function strongestPatch(map: Float64Array, side: number, patch: number, sign: 1 | -1): {where: string; by: number} | null {
  let best = 0,
    at = -1;
  for (let i = 0; i < map.length; i++)
    if (sign * map[i] > best) {
      best = sign * map[i];
      at = i;
    }
  if (at < 0) return null;
  const r = Math.floor(at / side / patch) * patch,
    c = Math.floor((at % side) / patch) * patch;
  return {where: `rows ${r}–${Math.min(side, r + patch) - 1}, columns ${c}–${Math.min(side, c + patch) - 1}`, by: best};
}

/** The caption: what the network says, and the patches that argued most for and against. */
export function saliencyCaption({
  label,
  guess,
  second,
  p,
  guessMap,
  secondMap,
  side = 28,
  patch = 4,
}: {
  label: number | null;
  guess: number;
  second: number;
  p: number;
  guessMap: Float64Array;
  secondMap: Float64Array;
  side?: number;
  patch?: number;
}): string {
  const lowers = strongestPatch(guessMap, side, patch, 1),
    raises = strongestPatch(guessMap, side, patch, -1),
    forSecond = strongestPatch(secondMap, side, patch, 1);
  return [
    `${label == null ? "" : `This is a ${label}. `}The network says ${guess} (p = ${amount(p)}). Red pixels argued for the class of their row, blue ones against.`,
    lowers ? `Blanking ${lowers.where} lowers p(${guess}) most, by ${amount(lowers.by)}.` : `No ${patch} × ${patch} patch lowers p(${guess}).`,
    raises ? `Blanking ${raises.where} raises it most, by ${amount(raises.by)}.` : "",
    second === guess ? "" : forSecond ? `The ink that argued most for ${second} is at ${forSecond.where} (blanked, p(${second}) falls by ${amount(forSecond.by)}).` : `No patch argued for ${second}.`,
  ]
    .filter(Boolean)
    .join(" ");
}

export interface SaliencyView extends View<SaliencyData> {
  readonly node: HTMLElement;
  /** Redraws the last data (after a colour-scheme change). */
  refresh(): void;
  /** The reader's second class. */
  readonly choice: SecondChoice;
}

/** The "Why it said that" figure: rows guess and second class, columns input, saliency, gradient × input, occlusion. */
export function saliencyView({side = 28, size = 112, patch = 4, classes = 10}: {side?: number; size?: number; patch?: number; classes?: number} = {}): SaliencyView {
  let last: SaliencyData | null = null;
  let choice: SecondChoice = "runner-up";
  let legendKey = "";
  // Redraws so far (data-redraws, for tests).
  let redraws = 0;
  const runnerUpOption = html`<option value="runner-up">the runner-up</option>` as HTMLOptionElement;
  const select = html`<select data-metric="saliency-second">
    ${runnerUpOption}${Array.from({length: classes}, (_, k) => html`<option value=${k}>${k}</option>`)}
  </select>` as HTMLSelectElement;
  select.addEventListener("change", () => {
    choice = select.value === "runner-up" ? "runner-up" : Number(select.value);
    draw();
  });
  const digit = mapCanvas(side, size, "the current input");
  const rows = (["guess", "second"] as const).map((role) => {
    const name = html`<div class="saliency-class" data-role=${role} style="font-size:0.85rem;max-width:9rem"></div>` as HTMLElement;
    const canvases = KINDS.map((k) => mapCanvas(side, size, k.title));
    return {role, name, canvases};
  });
  const readout = html`<div class="small" data-metric="saliency-readout" style="min-height:1.3em;font-size:0.8rem;color:var(--theme-foreground-muted)">
    Hover a map for a pixel's value.
  </div>` as HTMLElement;
  const caption = html`<figcaption data-metric="saliency-caption" style="font-size:0.85rem;max-width:640px"></figcaption>` as HTMLElement;
  const legends = html`<div class="saliency-legends" style="display:flex;flex-wrap:wrap;gap:0.25rem 1.5rem;margin:0.25rem 0 0.5rem"></div>` as HTMLElement;
  const cell = (content: Node | string) => html`<div style="min-width:0">${content}</div>`;
  const head = (text: string) => html`<div style="font-size:0.8rem;color:var(--theme-foreground-muted);max-width:${size}px;align-self:end">${text}</div>`;
  const grid = html`<div
    class="saliency-grid"
    style=${`display:grid;grid-template-columns:minmax(6rem,10rem) repeat(4,${size + 2}px);justify-content:start;gap:0.4rem 0.6rem;align-items:center;overflow-x:auto;max-width:100%`}
  >
    ${head("")}${head("input")}${KINDS.map((k) => head(k.title))}
    ${rows.flatMap((r, i) => [cell(r.name), ...(i === 0 ? [html`<div style="grid-row:span 2">${digit}</div>`] : []), ...r.canvases.map(cell)])}
  </div>` as HTMLElement;
  const node = html`<figure class="saliency" data-figure="saliency" style="margin:0;max-width:none">
    <label style="display:flex;gap:0.5rem;align-items:center;font-size:0.9rem;margin-bottom:0.5rem">Second class to explain ${select}</label>
    ${grid}${readout}${legends}${caption}
  </figure>` as HTMLElement;

  // Current values per canvas, for the hover readout.
  const shown = new Map<HTMLCanvasElement, {values: Float64Array; what: string}>();
  for (const r of rows)
    for (const canvas of r.canvases) {
      canvas.addEventListener("mousemove", (e) => {
        const s = shown.get(canvas);
        if (!s) return;
        const box = canvas.getBoundingClientRect();
        const col = Math.min(side - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * side))),
          row = Math.min(side - 1, Math.max(0, Math.floor(((e.clientY - box.top) / box.height) * side)));
        readout.textContent = `pixel (${row}, ${col}): ${s.what} = ${fmt(s.values[row * side + col])}`;
      });
    }

  function draw(): void {
    if (!last) return;
    const {network, pixels, label, source} = last;
    const outputs = network.forward(pixels).slice();
    const {guess, runnerUp, second} = explainedClasses(outputs, choice);
    runnerUpOption.textContent = `the runner-up (now ${runnerUp})`;
    const {maps} = saliencyMaps(network, pixels, [guess, second], patch);
    const p = palette();
    const table = weightTable(p);
    paintDigit(digit, pixels, side, p.background, p.activationHigh);
    digit.setAttribute("aria-label", `current input: ${source}`);
    const scales = KINDS.map((k) =>
      maxAbs(
        maps.map((m) => m[k.key]),
        1e-9,
      ),
    );
    rows.forEach((r, i) => {
      const m = maps[i];
      const words = i === 0 ? "the guess" : second === runnerUp ? "the runner-up" : "your choice";
      r.name.dataset.class = String(m.c);
      r.name.textContent = `${m.c}: ${words}, p = ${amount(outputs[m.c])}`;
      KINDS.forEach((k, j) => {
        const canvas = r.canvases[j];
        paint(canvas, m[k.key], side, table, {diverging: true, scale: scales[j]});
        canvas.setAttribute("aria-label", `${k.title} of class ${m.c} for ${source}`);
        shown.set(canvas, {values: m[k.key], what: `${k.key === "occlusion" ? `drop in p(${m.c})` : k.key === "gradient" ? `∂z${m.c}/∂x` : `x·∂z${m.c}/∂x`}`});
      });
    });
    node.dataset.redraws = String(++redraws);
    node.dataset.guess = String(guess);
    node.dataset.second = String(second);
    if (last.samples !== undefined) node.dataset.samples = String(last.samples);
    const key = scales.map((s) => s.toPrecision(2)).join(" ");
    if (key !== legendKey) {
      legendKey = key;
      legends.replaceChildren(
        ...KINDS.map((k, j) => {
          const e = legendExponent(scales[j]);
          return legend({weights: scales[j] / 10 ** e, weightLabel: e ? `${k.legend} (× ${power(e)})` : k.legend, width: 200, palette: p});
        }),
      );
    }
    caption.textContent = saliencyCaption({label, guess, second, p: outputs[guess], guessMap: maps[0].occlusion, secondMap: maps[1].occlusion, side, patch});
  }

  return {
    node,
    update(data) {
      last = data;
      draw();
    },
    refresh: draw,
    get choice() {
      return choice;
    },
    dispose() {
      last = null;
      shown.clear();
    },
  };
}

/** What the redraw reads of a run (a WorkerRun: its main-thread mirror of the worker's network). */
export interface SaliencyRun {
  network: Network;
  state: {samplesSeen: number};
  readonly training: boolean;
  subscribe(listener: () => void): () => void;
}

/**
 * Redraws `view` from the run on show (`current.run`) and the current input: when the run
 * notifies, when the input changes, and again after each redraw while the run trains; never more
 * than one redraw per `throttleMs` (300: about three a second; one redraw is 49 + 3 forward
 * passes, 2 backward passes and 7 small canvases), while the view is on screen. Returns the
 * scheduler: dispose it with the run.
 */
export function saliencyRedraw({
  run,
  current,
  selection,
  view,
  throttleMs = 300,
}: {
  run: SaliencyRun;
  current: {run: SaliencyRun | null};
  selection: Store<Selection>;
  view: SaliencyView;
  throttleMs?: number;
}): RedrawScheduler {
  return followRun({
    run,
    current,
    throttleMs,
    node: view.node,
    also: [(listener) => selection.on(listener)],
    draw: (r) => view.update({network: r.network, pixels: selection.pixels, label: selection.label, source: selection.source, samples: r.state.samplesSeen}),
  });
}
