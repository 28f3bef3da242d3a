/**
 * The MNIST explorer's live views. Each is created once and updated in place (`update(...)`)
 * while the network trains, so a view costs a redraw, not a rebuild of the page's cells:
 *
 *   unitTiles      hidden layer 1 as 28 × 28 weight templates, with a unit's positive pixel × weight terms
 *   relianceView   hidden layer 2: which H1 units a unit relies on (w × a)
 *   heldOutGrid    the 90 held-out digits, right or wrong, with the guess on a badge
 *   probabilityBars, weightHistograms, confusionMatrix, classSparklines: Observable Plot figures
 *
 * Colours come from the shared palette (weights diverging, activations sequential), so the views
 * read in light and dark mode. Every interactive part is a native button (focusable, Enter/Space).
 */
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {palette, weightTable, activationTable, weightScale, maxAbs, type Palette} from "./palette.js";
import {argmax, type Layer} from "../nn/index.js";
import {contributions} from "../experiments/explorer.js";

/** Paints a side × side image of values in [−1, 1] (weights / scale) or [0, 1] (activations) into a canvas through a colour table. */
/**
 * Paints a side × side map of values through a 256-entry colour table (palette.ts weightTable or
 * activationTable): diverging maps [−scale, scale], otherwise [0, scale]; values outside are clamped.
 */
export function paint(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number, table: Uint8ClampedArray, {diverging, scale = 1}: {diverging: boolean; scale?: number}): void {
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(side, side);
  const data = image.data;
  for (let i = 0; i < side * side; i++) {
    const t = values[i] / scale;
    let k = diverging ? Math.round((t + 1) * 127.5) : Math.round(t * 255);
    k = k < 0 ? 0 : k > 255 ? 255 : k | 0;
    data[i * 4] = table[k * 4];
    data[i * 4 + 1] = table[k * 4 + 1];
    data[i * 4 + 2] = table[k * 4 + 2];
    data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

function pixelCanvas(side: number, cssSize: number, label: string): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  canvas.style.cssText = `width:${cssSize}px;height:${cssSize}px;image-rendering:pixelated;display:block`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

/** Axis ticks in thousands: 0, 10k, 20k … */
const thousands = (d: number) => (d === 0 ? "0" : `${d / 1000}k`);

const fmt = (x: number) => (!Number.isFinite(x) ? String(x) : Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3));

/** Paints a digit (values 0–1, side × side) as ink on the page's paper. */
export function paintDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, side = 28, p: Palette = palette()): void {
  paint(canvas, pixels, side, activationTable(p), {diverging: false});
}

/** A digit as a small canvas (ink on paper). */
export function digitCanvas(pixels: ArrayLike<number>, {side = 28, size = 56, label = "digit"}: {side?: number; size?: number; label?: string} = {}): HTMLCanvasElement {
  const canvas = pixelCanvas(side, size, label);
  paintDigit(canvas, pixels, side);
  return canvas;
}

export interface TileState {
  /** Hidden layer 1: fanOut units × 784 weights. */
  layer: Layer;
  /** 1 = dead (0 on every test digit), per unit. */
  dead: Uint8Array;
  /** The current input (784 values in [0, 1]) and its z⁽¹⁾, a⁽¹⁾; null input draws templates only. */
  input: Float64Array | null;
  z: ArrayLike<number> | null;
  a: ArrayLike<number> | null;
}

/**
 * Hidden layer 1 as templates: each unit's 784 weights as a 28 × 28 tile on one diverging scale
 * (shared by all tiles, so tiles compare). Hovering or focusing a tile shows, for the current
 * input, only the positive pixel × weight terms of that unit, the strokes that push its z up.
 * Dead units carry a "dead" mark. Dispatches "unitfocus" {unit} on the root.
 */
export function unitTiles({units, side = 28, size = 62}: {units: number; side?: number; size?: number}) {
  let state: TileState | null = null;
  let focused = 0;
  let pinned = false;
  const tiles = Array.from({length: units}, (_, j) => {
    const canvas = pixelCanvas(side, size, `weights of H1 unit ${j}`);
    const mark = html`<span class="tile-dead" hidden>dead</span>`;
    const glow = html`<span class="tile-glow" aria-hidden="true"></span>`;
    const button = html`<button type="button" class="tile" data-unit=${j} aria-label=${`H1 unit ${j}`}>${canvas}<span class="tile-label">${j}</span>${glow}${mark}</button>` as HTMLButtonElement;
    button.addEventListener("mouseenter", () => ((hovering = true), show(j)));
    button.addEventListener("mouseleave", () => (hovering = false));
    button.addEventListener("focus", () => show(j));
    button.addEventListener("click", () => ((pinned = true), show(j)));
    return {canvas, mark, glow, button};
  });
  // Hover is tracked by events: asking the DOM (":hover") would force a style recalculation per redraw.
  let hovering = false;
  const detailCanvas = pixelCanvas(side, 168, "positive pixel × weight terms of the focused unit");
  const templateCanvas = pixelCanvas(side, 168, "weights of the focused unit");
  const caption = html`<div class="tile-caption" data-metric="unit-detail"></div>`;
  const root = html`<div class="unit-tiles">
    <div class="tiles-grid" role="group" aria-label="H1 weight templates: focus a tile to see what drives it">${tiles.map((t) => t.button)}</div>
    <div class="tile-detail">
      <figure>
        <figcaption>weights w of the unit</figcaption>
        ${templateCanvas}
      </figure>
      <figure>
        <figcaption>x·w where it pushes z up (this digit)</figcaption>
        ${detailCanvas}
      </figure>
      ${caption}
    </div>
  </div>` as HTMLElement;

  function show(j: number): void {
    focused = j;
    tiles.forEach((t, k) => t.button.classList.toggle("focused", k === j));
    root.dispatchEvent(new CustomEvent("unitfocus", {detail: {unit: j}}));
    drawDetail();
  }

  function drawDetail(): void {
    if (!state) return;
    const p = palette();
    const {layer, input, z, a} = state;
    const row = layer.weights.subarray(focused * layer.fanIn, (focused + 1) * layer.fanIn);
    const scale = maxAbs([layer.weights], 1e-6);
    paint(templateCanvas, row, side, weightTable(p), {diverging: true, scale});
    if (!input) {
      caption.textContent = `H1 unit ${focused}: no input chosen.`;
      return;
    }
    // The pixel × weight terms x_i · w_i; only the positive ones are drawn.
    const terms = contributions(layer, focused, input);
    let positive = 0,
      negative = 0,
      largest = 1e-9;
    for (let i = 0; i < terms.length; i++) {
      const c = terms[i];
      if (c > 0) {
        positive += c;
        if (c > largest) largest = c;
      } else {
        negative += c;
        terms[i] = 0;
      }
    }
    paint(detailCanvas, terms, side, weightTable(p), {diverging: true, scale: largest});
    const b = layer.biases[focused];
    caption.textContent = `H1 unit ${focused}${state.dead[focused] ? " (dead)" : ""}: z = ${fmt(z?.[focused] ?? NaN)}, a = ${fmt(a?.[focused] ?? NaN)}. Pixel × weight terms: +${positive.toFixed(3)} from ink on positive weights, ${negative.toFixed(3)} from ink on negative weights, bias ${b.toFixed(3)}.`;
  }

  return {
    node: root,
    get focused() {
      return focused;
    },
    /** Redraws every tile and the detail for `next`; `focus` picks the detail's unit unless the reader pinned one. */
    update(next: TileState, {focus}: {focus?: number} = {}): void {
      state = next;
      if (focus !== undefined && !pinned && !hovering && !root.contains(document.activeElement)) focused = focus;
      const p = palette();
      const table = weightTable(p);
      const scale = maxAbs([next.layer.weights], 1e-6);
      const aMax = next.a ? Math.max(1e-9, ...Array.from(next.a, Math.abs)) : 1;
      tiles.forEach((t, j) => {
        paint(t.canvas, next.layer.weights.subarray(j * next.layer.fanIn, (j + 1) * next.layer.fanIn), side, table, {diverging: true, scale});
        t.mark.hidden = !next.dead[j];
        t.button.classList.toggle("dead", !!next.dead[j]);
        t.button.classList.toggle("focused", j === focused);
        t.glow.style.opacity = next.a ? String(Math.min(1, Math.abs(next.a[j]) / aMax)) : "0";
        t.button.title = `H1 unit ${j}${next.dead[j] ? ": dead, 0 on every test digit" : ""}${next.a ? `; a = ${fmt(next.a[j])} for this digit` : ""}`;
      });
      drawDetail();
    },
  };
}

/**
 * Hidden layer 2 as a row of units; hovering or focusing one draws which H1 units it relies on
 * for the current input: the terms w_jk · a_k (k = H1 unit), in the weight colours.
 */
export function relianceView({units, width = 640}: {units: number; width?: number}) {
  let focused = 0;
  let last: {layer: Layer; a1: ArrayLike<number>; z2: ArrayLike<number>; a2: ArrayLike<number>} | null = null;
  const buttons = Array.from({length: units}, (_, j) => {
    const b = html`<button type="button" class="h2-unit" data-unit=${j} aria-label=${`H2 unit ${j}`}>${j}</button>` as HTMLButtonElement;
    b.addEventListener("mouseenter", () => ((hovering = true), show(j)));
    b.addEventListener("mouseleave", () => (hovering = false));
    b.addEventListener("focus", () => show(j));
    return b;
  });
  let hovering = false;
  const chart = html`<div class="reliance-chart"></div>`;
  const root = html`<div class="reliance">
    <div class="h2-units" role="group" aria-label="H2 units: focus one to see which H1 units it relies on">${buttons}</div>
    ${chart}
  </div>` as HTMLElement;
  function show(j: number) {
    focused = j;
    draw();
  }
  function draw() {
    if (!last) return;
    const p = palette();
    const {layer, a1, z2, a2} = last;
    const aMax = Math.max(1e-9, ...Array.from(a2, Math.abs));
    buttons.forEach((b, j) => {
      b.classList.toggle("focused", j === focused);
      b.style.setProperty("--glow", String(Math.min(1, Math.abs(a2[j]) / aMax)));
      b.title = `H2 unit ${j}: z = ${fmt(z2[j])}, a = ${fmt(a2[j])}`;
    });
    const terms = Array.from(contributions(layer, focused, a1), (term, k) => ({k, term}));
    const m = Math.max(1e-9, ...terms.map((t) => Math.abs(t.term)));
    chart.replaceChildren(
      Plot.plot({
        width,
        height: 170,
        marginLeft: 50,
        x: {label: "H1 unit k", type: "band"},
        // Tiny terms (a network decayed or barely trained) get short tick labels: 2e-8, not 0.00000002.
        y: {label: `w·a into H2 unit ${focused}`, grid: true, domain: [-m, m], ticks: 5, tickFormat: m < 1e-3 ? "~e" : undefined},
        color: weightScale(p, m, "w·a"),
        marks: [Plot.barY(terms, {x: "k", y: "term", fill: "term", stroke: "var(--theme-foreground-faint)", tip: {format: {term: (v: number) => fmt(v)}}}), Plot.ruleY([0])],
        caption: `H2 unit ${focused}: z = ${fmt(z2[focused])}, a = ${fmt(a2[focused])}; bias ${fmt(layer.biases[focused])}.`,
      }) as Element,
    );
  }
  return {
    node: root,
    update(next: {layer: Layer; a1: ArrayLike<number>; z2: ArrayLike<number>; a2: ArrayLike<number>}, {focus}: {focus?: number} = {}) {
      last = next;
      if (focus !== undefined && !root.contains(document.activeElement) && !hovering) focused = focus;
      draw();
    },
  };
}

/**
 * The held-out digits as a grid (one row per class), each marked right or wrong; a wrong one has a
 * badge with the guess ("→3"). Clicking (or Enter on) a digit dispatches "digitpick" {position}.
 */
export function heldOutGrid(digits: {pixels: Float64Array; label: number}[], {size = 42}: {size?: number} = {}) {
  let selected = -1;
  const cells = digits.map((d, position) => {
    const canvas = digitCanvas(d.pixels, {size, label: `held-out digit ${position + 1}, a ${d.label}`});
    const badge = html`<span class="guess-badge" hidden></span>`;
    const button = html`<button type="button" class="held-out" data-position=${position} data-label=${d.label} aria-pressed="false">${canvas}${badge}</button>` as HTMLButtonElement;
    button.addEventListener("click", () => root.dispatchEvent(new CustomEvent("digitpick", {detail: {position}})));
    return {button, badge, canvas};
  });
  const perRow = digits.length / 10;
  const root = html`<div class="held-out-grid" role="group" aria-label="90 held-out digits: choose one to make it the input of every view">
    ${Array.from({length: 10}, (_, c) => html`<div class="held-out-row"><span class="row-label">${c}</span>${cells.slice(c * perRow, (c + 1) * perRow).map((x) => x.button)}</div>`)}
  </div>` as HTMLElement;
  return {
    node: root,
    /** guesses[position]: the network's class for each held-out digit. Returns how many are wrong. */
    update(guesses: ArrayLike<number>): number {
      let wrong = 0;
      cells.forEach((cell, k) => {
        const right = guesses[k] === digits[k].label;
        if (!right) wrong++;
        cell.button.classList.toggle("right", right);
        cell.button.classList.toggle("wrong", !right);
        cell.badge.hidden = right;
        cell.badge.textContent = right ? "" : `→${guesses[k]}`;
        cell.button.title = `a ${digits[k].label}: ${right ? "read right" : `read as ${guesses[k]}`}`;
      });
      root.dataset.wrong = String(wrong);
      return wrong;
    },
    select(position: number) {
      selected = position;
      cells.forEach((c, k) => c.button.setAttribute("aria-pressed", String(k === selected)));
    },
    repaint() {
      const p = palette();
      cells.forEach((c, k) => paintDigit(c.canvas, digits[k].pixels, 28, p));
    },
  };
}

/** The 10 softmax probabilities as bars, the largest marked; empty (no guess) for null. */
export function probabilityBars(probabilities: ArrayLike<number> | null, {width = 320, height = 170, label}: {width?: number; height?: number; label?: number | null} = {}): Element {
  if (!probabilities) return html`<div class="no-guess" data-metric="guess">No guess: nothing to read.</div>`;
  const p = palette();
  const data = Array.from(probabilities, (v, k) => ({digit: String(k), p: v}));
  const best = data[argmax(probabilities)];
  return html`<div class="probability-bars">
    ${Plot.plot({
      width,
      height,
      marginLeft: 40,
      x: {label: "digit", domain: data.map((d) => d.digit)},
      y: {label: "softmax probability", domain: [0, 1], grid: true},
      marks: [
        Plot.barY(data, {x: "digit", y: "p", fill: (d) => (d === best ? p.weightPositive : p.muted), fillOpacity: (d) => (d === best ? 1 : 0.55), tip: {format: {p: (v: number) => v.toFixed(4)}}}),
        Plot.text(
          data.filter((d) => d.p >= 0.05),
          {x: "digit", y: "p", text: (d) => d.p.toFixed(2), dy: -7, fontSize: 10},
        ),
        Plot.ruleY([0]),
      ],
    })}
    <div class="guess" data-metric="guess">Guess: <strong>${best.digit}</strong> (p = ${best.p.toFixed(3)})${label == null ? "" : `; the answer is ${label}`}</div>
  </div>`;
}

/** Counts of `values` in `bins` equal bins over [lo, hi] (values outside go to the end bins). */
export function binCounts(values: ArrayLike<number>, lo: number, hi: number, bins: number): Uint32Array {
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const k = Math.floor((values[i] - lo) * scale);
    counts[k < 0 ? 0 : k >= bins ? bins - 1 : k]++;
  }
  return counts;
}

/** Per layer, a histogram of the weights now (bars) over the initial weights (a dashed step line). */
export function weightHistograms(now: readonly Layer[], initial: readonly {weights: Float64Array}[], {width = 640, bins = 40}: {width?: number; bins?: number} = {}): Element {
  const p = palette();
  const panels = now.map((layer, l) => {
    const init = initial[l].weights;
    const m = maxAbs([layer.weights, init], 1e-6);
    const step = (2 * m) / bins;
    const rows = (values: Float64Array) => Array.from(binCounts(values, -m, m, bins), (count, k) => ({x1: -m + k * step, x2: -m + (k + 1) * step, count}));
    const nowRows = rows(layer.weights),
      initRows = rows(init);
    return Plot.plot({
      width: Math.max(180, Math.floor(width / now.length) - 8),
      height: 150,
      marginLeft: 44,
      x: {label: `w, layer ${l + 1} (${layer.fanIn}→${layer.fanOut})`, domain: [-m, m], ticks: 4, tickFormat: "~g"},
      y: {label: "number of weights", grid: true},
      marks: [
        Plot.rectY(nowRows, {x1: "x1", x2: "x2", y: "count", fill: p.weightNegative, fillOpacity: 0.55, inset: 0.5}),
        Plot.lineY([...initRows, {...initRows[bins - 1], x1: m}], {x: "x1", y: "count", curve: "step-after", stroke: "currentColor", strokeDasharray: "3,2"}),
        Plot.ruleY([0]),
      ],
    }) as Element;
  });
  return html`<div class="weight-histograms">
    ${panels}
    <div class="histogram-key"><span class="key-bar"></span> now <span class="key-line"></span> at initialisation</div>
  </div>`;
}

/**
 * The confusion matrix (row = true class, column = guess) as Plot cells with counts; each cell is a
 * focusable button-like rect: click or Enter dispatches "cellpick" {actual, guess} on the returned node.
 */
export function confusionMatrix(confusion: ArrayLike<number>, {width = 420, selected}: {width?: number; selected?: {actual: number; guess: number} | null} = {}): Element {
  const p = palette();
  const data = Array.from({length: 100}, (_, k) => ({actual: Math.floor(k / 10), guess: k % 10, count: confusion[k]}));
  const off = data.filter((d) => d.actual !== d.guess),
    diagonal = data.filter((d) => d.actual === d.guess);
  const offMax = Math.max(1, ...off.map((d) => d.count));
  const isSelected = (d: {actual: number; guess: number}) => !!selected && d.actual === selected.actual && d.guess === selected.guess;
  const chart = Plot.plot({
    width,
    height: width,
    marginLeft: 44,
    marginBottom: 40,
    x: {label: "the network's guess", type: "band", domain: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], axis: "bottom"},
    y: {label: "true class", type: "band", domain: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]},
    color: {type: "sqrt", domain: [0, offMax], range: [p.background, p.wrong], clamp: true},
    marks: [
      // Off-diagonal cells (mistakes) shaded by count; diagonal cells (right answers) framed.
      Plot.cell(off, {
        x: "guess",
        y: "actual",
        fill: "count",
        stroke: (d) => (isSelected(d) ? "currentColor" : "var(--theme-foreground-faint)"),
        strokeWidth: (d) => (isSelected(d) ? 3 : 1),
        inset: 0.5,
      }),
      Plot.cell(diagonal, {x: "guess", y: "actual", fill: p.background, stroke: p.correct, strokeWidth: (d) => (isSelected(d) ? 3 : 1.5), inset: 0.5}),
      Plot.text(data, {x: "guess", y: "actual", text: (d) => (d.count ? String(d.count) : ""), fill: "currentColor", fontSize: 10, pointerEvents: "none"}),
    ],
  }) as SVGSVGElement;
  // Make each cell reachable: Plot binds each rect to its datum's index in its mark's data.
  chart.querySelectorAll<SVGGElement>("g[aria-label=cell]").forEach((group, g) => {
    const rows = g === 0 ? off : diagonal;
    group.querySelectorAll<SVGRectElement>("rect").forEach((rect) => {
      const d = rows[(rect as unknown as {__data__: number}).__data__];
      if (!d) return;
      rect.setAttribute("tabindex", "0");
      rect.setAttribute("role", "button");
      rect.setAttribute("aria-label", `true ${d.actual}, guessed ${d.guess}: ${d.count} digit${d.count === 1 ? "" : "s"}`);
      rect.dataset.actual = String(d.actual);
      rect.dataset.guess = String(d.guess);
      rect.style.cursor = "pointer";
      const pick = () => chart.dispatchEvent(new CustomEvent("cellpick", {detail: {actual: d.actual, guess: d.guess}, bubbles: true}));
      rect.addEventListener("click", pick);
      rect.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          pick();
          e.preventDefault();
        }
      });
    });
  });
  return chart;
}

/** Accuracy of each class over training, as ten small line charts in one figure. */
export function classSparklines(history: {samples: number; accuracy: number[]}[], {width = 640}: {width?: number} = {}): Element {
  // At most about 120 points per class: a long run's line keeps its shape and costs the same to draw.
  const every = Math.max(1, Math.ceil(history.length / 120));
  const kept = history.filter((_, k) => k % every === 0 || k === history.length - 1);
  const rows = kept.flatMap((h) => h.accuracy.map((a, c) => ({samples: h.samples, digit: c, accuracy: 100 * a})));
  const p = palette();
  return Plot.plot({
    width,
    height: 130,
    marginLeft: 36,
    marginBottom: 30,
    fx: {label: null, tickFormat: (c: number) => `digit ${c}`},
    x: {label: "samples seen", ticks: 2, tickFormat: thousands},
    y: {label: "accuracy (%)", domain: [0, 100], ticks: 3, grid: true},
    marks: [Plot.frame({stroke: "var(--theme-foreground-faint)"}), Plot.lineY(rows, {fx: "digit", x: "samples", y: "accuracy", stroke: p.series[0], strokeWidth: 1.5, tip: true})],
  }) as Element;
}

/**
 * First-layer weights drawn by several initialisers side by side: one histogram per initialiser,
 * each on its own x range (their spreads differ by an order of magnitude), with the target
 * standard deviation marked.
 */
export function initHistograms(panels: {name: string; weights: Float64Array; std: number}[], {width = 640}: {width?: number} = {}): Element {
  const p = palette();
  const w = Math.max(170, Math.floor(width / Math.min(panels.length, width < 700 ? 2 : 4)) - 10);
  return html`<div class="init-histograms">
    ${panels.map(({name, weights, std}) => {
      const m = maxAbs([weights], 1e-6);
      return html`<figure>
        ${Plot.plot({
          width: w,
          height: 150,
          marginLeft: 44,
          x: {label: "initial w", domain: [-m, m], ticks: 4, tickFormat: "~g"},
          y: {label: "number of weights", grid: true},
          marks: [
            Plot.rectY(weights, {...Plot.binX({y: "count"}, {x: (d: number) => d, thresholds: 40}), fill: p.weightPositive, fillOpacity: 0.6}),
            Plot.ruleX([-std, std], {stroke: "currentColor", strokeDasharray: "3,2"}),
            Plot.ruleY([0]),
          ],
        })}
        <figcaption>${name}: sd ${std.toPrecision(2)}</figcaption>
      </figure>`;
    })}
  </div>`;
}

/** Spread of activations (forward) and of δ = ∂L/∂z (backward) layer by layer, on a log scale. */
export function signalChart(layers: {layer: number; activationStd: number; gradientStd: number}[], {width = 640, hidden}: {width?: number; hidden: number}): Element {
  const p = palette();
  const rows = layers
    .flatMap((d) => [
      {layer: d.layer, what: "activations a (forward)", std: d.activationStd},
      {layer: d.layer, what: "gradients δ = ∂L/∂z (backward)", std: d.gradientStd},
    ])
    .filter((d) => d.std > 0 && Number.isFinite(d.std));
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 56,
    x: {label: "layer (1 = first hidden, last = output)", ticks: layers.length, tickFormat: "d"},
    y: {type: "log", label: "standard deviation", grid: true, tickFormat: "~g"},
    color: {domain: ["activations a (forward)", "gradients δ = ∂L/∂z (backward)"], range: [p.series[0], p.series[1]], legend: true},
    marks: [
      Plot.ruleX([hidden + 0.5], {stroke: "var(--theme-foreground-faint)"}),
      // z set explicitly: when few points survive (a stack whose signal is all 0), Plot would warn that the implicit z has high cardinality.
      Plot.lineY(rows, {x: "layer", y: "std", stroke: "what", z: "what", marker: "circle"}),
      Plot.tip(rows, Plot.pointer({x: "layer", y: "std", title: (d) => `${d.what}, layer ${d.layer}: sd ${d.std.toExponential(2)}`})),
    ],
  }) as Element;
}

/** Test loss and accuracy of the build-time η runs, one line per η, on a shared samples axis. */
export function etaCurves(runs: {role: string; lr: number; outcome: string; points: {samples: number; testLoss: number; testAccuracy: number}[]}[], {width = 640}: {width?: number} = {}): Element {
  const p = palette();
  const name = (r: {role: string; lr: number}) => `η = ${r.lr} (${r.role})`;
  const rows = runs.flatMap((r) => r.points.map((pt) => ({run: name(r), samples: pt.samples, accuracy: 100 * pt.testAccuracy, loss: pt.testLoss})));
  const color = {domain: runs.map(name), range: [p.series[0], p.series[2], p.series[1]], legend: true};
  const half = Math.max(260, Math.floor(width / 2) - 10);
  const ends = runs.filter((r) => r.outcome).map((r) => ({run: name(r), ...r.points[r.points.length - 1]}));
  return html`<div class="eta-curves">
    ${Plot.plot({
      width: half,
      height: 220,
      marginLeft: 44,
      x: {label: "training samples seen", tickFormat: thousands},
      y: {label: "test accuracy (%)", domain: [0, 100], grid: true},
      color,
      marks: [
        Plot.lineY(rows, {x: "samples", y: "accuracy", stroke: "run", z: "run", tip: true}),
        Plot.dot(ends, {x: "samples", y: (d) => 100 * d.testAccuracy, symbol: "times", stroke: p.wrong, r: 6}),
      ],
    })}${Plot.plot({
      width: half,
      height: 220,
      marginLeft: 44,
      x: {label: "training samples seen", tickFormat: thousands},
      y: {label: "test loss (cross-entropy)", grid: true, domain: [0, 2.5], clamp: true},
      color: {...color, legend: false},
      marks: [
        Plot.lineY(rows, {x: "samples", y: "loss", stroke: "run", z: "run", tip: true}),
        Plot.dot(ends, {x: "samples", y: (d) => Math.min(2.5, d.testLoss), symbol: "times", stroke: p.wrong, r: 6}),
      ],
    })}
  </div>`;
}

/** Update sizes per layer after one step: ‖Δθ‖ and ‖Δθ‖/‖θ‖ as bars. */
export function updateBars(sizes: {layer: number; norm: number; relative: number}[], {width = 320}: {width?: number} = {}): Element {
  const p = palette();
  const rows = sizes.filter((s) => s.norm > 0).map((s) => ({layer: `layer ${s.layer}`, norm: s.norm, relative: s.relative}));
  if (!rows.length) return html`<p>No weight moved in this step.</p>`;
  return Plot.plot({
    width,
    height: 40 + 28 * sizes.length,
    marginLeft: 60,
    // Room on the right for the longest bar's label ("‖Δθ‖ 2.77e-1", about 65 px at 10 px).
    marginRight: 72,
    x: {type: "log", label: "‖Δθ‖ / ‖θ‖ (relative update size)", tickFormat: "~g", grid: true},
    y: {label: null},
    marks: [
      Plot.barX(rows, {y: "layer", x1: Math.min(...rows.map((r) => r.relative)) / 3, x2: "relative", fill: p.series[0]}),
      Plot.text(rows, {y: "layer", x: "relative", text: (d) => `‖Δθ‖ ${d.norm.toExponential(2)}`, dx: 4, textAnchor: "start", fontSize: 10}),
    ],
  }) as Element;
}
