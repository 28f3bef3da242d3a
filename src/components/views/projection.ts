/**
 * "The hidden space, forming" (data-figure="projection"): the last hidden layer's activations on
 * the test digits, projected to two dimensions (experiments/projection.ts: PCA, each frame's axes
 * aligned to the last), one point per digit coloured by its true class on a categorical scale
 * (Observable 10, chosen for colour-vision deficiencies), misclassified digits drawn as ×. It
 * redraws from the live run about twice a second.
 *
 * Hover or focus a point to see the digit and the network's guess; click it (or press Enter on
 * it) to make it the current input of every view. Keyboard: the figure takes focus; ← → step
 * through the misclassified digits (all digits with Shift), Enter picks. Below the figure: the
 * separation (between- over within-class spread; `data-metric="projection-separation"`) and the
 * three most tangled pairs of classes with their confusions.
 *
 *   const view = projectionView({onPick: (i) => …});
 *   const redraw = projectionRedraw({run, current, test, view});
 */
import {html} from "htl";
import * as Plot from "@observablehq/plot";
import {Delaunay} from "d3";
import type {Network, Samples} from "../nn/index.js";
import {hiddenActivations, principalAxes, project, separation, tangles, type Axes, type Tangle} from "../experiments/projection.js";
import {digitCanvas} from "./explorer-views.js";
import {redrawScheduler, type RedrawScheduler} from "./redraw-scheduler.js";
import type {View} from "./view.js";

export interface ProjectionData {
  network: Network;
  test: Samples;
  /** Training samples the network has seen (for the data-samples hook). */
  samples?: number;
}

export interface ProjectionView extends View<ProjectionData> {
  readonly node: HTMLElement;
  /** Redraws the last data (after a resize or a change of colour scheme). */
  refresh(): void;
  /** The last frame's figures, for tests and the page. */
  readonly last: {separation: number; tangles: Tangle[]; explained: [number, number]} | null;
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

/** `hook`: the figure's data-figure name and its metrics' prefix (default "projection"; another for a second projection on one page). */
export function projectionView({
  onPick,
  width: fixedWidth,
  hook = "projection",
}: {
  onPick: (index: number, pixels: Float64Array, label: number) => void;
  width?: number;
  hook?: string;
}): ProjectionView {
  const figure = html`<div
    class="projection-plot"
    tabindex="0"
    role="img"
    aria-label="The test digits in the hidden space: a scatter of the last hidden layer's activations projected on their first two principal components"
  ></div>` as HTMLElement;
  const tip = html`<div class="projection-tip" role="status" aria-live="polite" hidden></div>` as HTMLElement;
  const sep = html`<span data-metric=${`${hook}-separation`}>–</span>` as HTMLElement;
  const list = html`<ul class="projection-tangles small"></ul>` as HTMLElement;
  const node = html`<div data-figure=${hook} class="projection">
    <div class="projection-frame">${figure}${tip}</div>
    <p class="small">Separation (between-class over within-class spread in this picture): ${sep}. Pairs of classes whose clouds overlap most:</p>
    ${list}
  </div>` as HTMLElement;
  let axes: Axes | null = null;
  let data: ProjectionData | null = null;
  let points: Float64Array = new Float64Array(0);
  let labels: Uint8Array = new Uint8Array(0);
  let guesses: Uint8Array = new Uint8Array(0);
  let screen: {x: (v: number) => number; y: (v: number) => number} | null = null;
  /** The marks' SVG (Plot puts the class legend above it in one figure): screen positions are relative to it. */
  let marks: Element | null = null;
  const origin = () => {
    const outer = figure.getBoundingClientRect(),
      inner = (marks ?? figure).getBoundingClientRect();
    return {left: inner.left - outer.left, top: inner.top - outer.top, outer};
  };
  let delaunay: Delaunay<number> | null = null;
  let cursor = -1;
  let last: ProjectionView["last"] = null;
  let redraws = 0;

  const pixelsOf = (i: number) => {
    const x = new Float64Array(data!.test.inputSize);
    data!.test.input(i, x);
    return x;
  };

  function show(i: number): void {
    cursor = i;
    if (i < 0 || !screen || !data) {
      tip.hidden = true;
      return;
    }
    const wrong = guesses[i] !== labels[i];
    tip.replaceChildren(
      digitCanvas(pixelsOf(i), {size: 56, label: `test digit ${i}`}),
      html`<span>test digit ${i}: a ${labels[i]}, guessed ${guesses[i]}${wrong ? " (wrong)" : ""}<br /><span class="small">click or Enter: make it the current input</span></span>`,
    );
    const {left, top} = origin();
    tip.style.left = `${Math.round(left + screen.x(points[2 * i]))}px`;
    tip.style.top = `${Math.round(top + screen.y(points[2 * i + 1]))}px`;
    tip.hidden = false;
    figure.setAttribute("aria-label", `test digit ${i}: a ${labels[i]}, guessed ${guesses[i]}`);
  }

  function pick(i: number): void {
    if (i < 0 || !data) return;
    onPick(i, pixelsOf(i), labels[i]);
  }

  /** The point nearest a pointer event, or −1. */
  const nearest = (event: MouseEvent) => {
    if (!delaunay || !marks) return -1;
    const box = marks.getBoundingClientRect();
    return delaunay.find(event.clientX - box.left, event.clientY - box.top);
  };
  figure.addEventListener("pointermove", (event) => show(nearest(event)));
  figure.addEventListener("pointerleave", () => show(-1));
  figure.addEventListener("click", (event) => pick(nearest(event)));
  figure.addEventListener("keydown", (event) => {
    const n = labels.length;
    if (!n) return;
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      const step = event.key === "ArrowRight" ? 1 : -1;
      const all = event.shiftKey || !labels.some((c, i) => guesses[i] !== c);
      let i = cursor;
      for (let k = 0; k < n; k++) {
        i = (i + step + n) % n;
        if (all || guesses[i] !== labels[i]) break;
      }
      show(i);
    } else if (event.key === "Enter" && cursor >= 0) {
      event.preventDefault();
      pick(cursor);
    } else if (event.key === "Escape") show(-1);
  });

  function draw(): void {
    if (!data) return;
    const {network, test} = data;
    const {values, units, guesses: g} = hiddenActivations(network, test);
    axes = principalAxes(values, units, axes);
    points = project(values, units, axes);
    labels = Uint8Array.from({length: g.length}, (_, i) => test.labels[i]);
    guesses = g;
    const rows = Array.from({length: labels.length}, (_, i) => ({i, x: points[2 * i], y: points[2 * i + 1], c: labels[i], wrong: g[i] !== labels[i]}));
    const width = fixedWidth ?? Math.max(280, Math.min(640, figure.clientWidth || 520));
    // Every digit on one point (a dead or constant layer): a fixed frame instead of ticks of rounding noise.
    const flat = axes.explained[0] === 0;
    const height = Math.round(Math.min(420, width * 0.75));
    const plot = Plot.plot({
      width,
      height,
      marginLeft: 44,
      style: {background: "transparent"},
      x: {
        label: flat ? "every digit at one point: the layer's activations do not vary" : `principal component 1 (${pct(axes.explained[0])} of the variance)`,
        ticks: 5,
        nice: true,
        ...(flat ? {domain: [-1, 1]} : {}),
      },
      y: {label: flat ? "" : `component 2 (${pct(axes.explained[1])})`, ticks: 5, nice: true, ...(flat ? {domain: [-1, 1]} : {})},
      color: {type: "categorical", domain: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scheme: "observable10", legend: true, label: "true class"},
      marks: [
        Plot.dot(
          rows.filter((r) => !r.wrong),
          {x: "x", y: "y", fill: "c", r: 2.2, fillOpacity: 0.75},
        ),
        Plot.dot(
          rows.filter((r) => r.wrong),
          {x: "x", y: "y", stroke: "c", symbol: "times", r: 3.2, strokeWidth: 1.4},
        ),
      ],
    });
    const x = plot.scale("x")!,
      y = plot.scale("y")!;
    screen = {x: (v) => x.apply(v) as number, y: (v) => y.apply(v) as number};
    delaunay = Delaunay.from(
      rows,
      (r) => screen!.x(r.x),
      (r) => screen!.y(r.y),
    );
    figure.replaceChildren(plot);
    marks = plot instanceof SVGElement ? plot : plot.querySelector(":scope > svg");
    const s = separation(points, labels);
    const t = flat ? [] : tangles(points, labels, guesses).filter((p) => Number.isFinite(p.gap));
    last = {separation: s, tangles: t, explained: axes.explained};
    sep.textContent = Number.isFinite(s) ? s.toFixed(2) : "–";
    list.replaceChildren(
      ...(flat ? [html`<li>none to tell apart: every digit is at one point</li>`] : []),
      ...t.map(
        (p) =>
          html`<li data-pair=${`${p.a}-${p.b}`}>
            ${p.a} and ${p.b}: centres ${p.gap.toFixed(2)} × their combined spread apart; ${p.confused} test digit${p.confused === 1 ? "" : "s"} confused between them (see
            <a href="#held-out-digits-and-errors">the confusion matrix</a>)
          </li>`,
      ),
    );
    node.dataset.redraws = String(++redraws);
    if (data.samples !== undefined) node.dataset.samples = String(data.samples);
    if (cursor >= labels.length) cursor = -1;
    if (cursor >= 0) show(cursor);
  }

  return {
    node,
    update(next) {
      data = next;
      draw();
    },
    refresh: draw,
    get last() {
      return last;
    },
    dispose() {
      data = null;
      delaunay = null;
    },
  };
}

/** What the redraw reads of a run (a WorkerRun's main-thread mirror of its network). */
export interface ProjectionRun {
  network: Network;
  state: {samplesSeen: number};
  readonly training: boolean;
  subscribe(listener: () => void): () => void;
}

/**
 * Redraws `view` from the run on show (`current.run`) when it notifies, and again while it trains,
 * at most once per `throttleMs` (500: one frame is 1,000 forward passes, a 1,000 × 16 PCA and a
 * Plot of 1,000 dots, about 30 ms here). Returns the scheduler: dispose it with the run.
 */
export function projectionRedraw({
  run,
  current,
  test,
  view,
  throttleMs = 500,
}: {
  run: ProjectionRun;
  current: {run: ProjectionRun | null};
  test: Samples;
  view: ProjectionView;
  throttleMs?: number;
}): RedrawScheduler {
  const scheduler: RedrawScheduler = redrawScheduler({
    throttleMs,
    again: () => !!current.run?.training,
    redraw() {
      const r = current.run;
      if (!r) return;
      scheduler.enqueue(() => view.update({network: r.network, test, samples: r.state.samplesSeen}));
    },
  });
  scheduler.own(run.subscribe(scheduler.schedule));
  scheduler.schedule();
  return scheduler;
}
