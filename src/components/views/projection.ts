/**
 * "The hidden space, forming" (data-figure="projection"): the last hidden layer's activations on
 * the test digits, projected to two dimensions, one point per digit coloured by its true class on a
 * categorical scale (Observable 10, chosen for colour-vision deficiencies), misclassified digits
 * drawn as ×.
 *
 * Two methods, chosen in the card when the view is given `embeddingWorker` (a factory for
 * runs/embedding-worker.ts; without it the view is PCA only, with no control):
 * - PCA (the default; experiments/projection.ts): exact, each frame's axes aligned to the last,
 *   redrawn from the live run about twice a second.
 * - UMAP (experiments/embedding.ts, seeded): computed in a Web Worker, never on the page's
 *   thread. At most one in flight; a new one starts when the weights have changed since the last
 *   one was asked for, at most once every `umapThrottleMs` (3 s), or at once on "Recompute". Each
 *   result is aligned to the UMAP frame before it (or, the first, to the PCA picture it replaces)
 *   by Procrustes, so the picture does not spin. The status (`data-metric="projection-method-status"`)
 *   says what is shown ("computing UMAP of update N…", "UMAP of update N"); until the first
 *   result the PCA picture stays. A failed worker is reported there and the view falls back to
 *   PCA; switching back to PCA or dispose() terminates a UMAP in flight and ignores its result.
 *
 * Hover or focus a point to see the digit and the network's guess; click it (or press Enter on
 * it) to make it the current input of every view. Keyboard: the figure takes focus; ← → step
 * through the misclassified digits (all digits with Shift), Enter picks. Below the figure: the
 * separation (between- over within-class spread of the points shown;
 * `data-metric="projection-separation"`) and the three most tangled pairs of classes with their
 * confusions. A UMAP frame carries the guesses of the weights it was computed from, so the
 * points, the × marks and the tooltip always belong to one update.
 *
 *   const view = projectionView({onPick: (i) => …, embeddingWorker: () => new Worker(…)});
 *   const redraw = projectionRedraw({run, current, test, view});
 */
import {html} from "htl";
import * as Plot from "@observablehq/plot";
import {Delaunay} from "d3";
import type {Network, Samples} from "../nn/index.js";
import {hiddenActivations, principalAxes, procrustes, project, separation, tangles, neighbourTangles, type Axes, type Tangle} from "../experiments/projection.js";
import type {EmbeddingTask} from "../experiments/embedding.js";
import {CancelledError, WorkerPool} from "../runs/worker-pool.js";
import {digitCanvas} from "./explorer-views.js";
import {followRun, type RedrawScheduler} from "./redraw-scheduler.js";
import type {View} from "./view.js";

export interface ProjectionData {
  network: Network;
  test: Samples;
  /** Training samples the network has seen (for the data-samples hook). */
  samples?: number;
  /** Updates the network has had (named by the UMAP status). */
  steps?: number;
}

export type ProjectionMethod = "pca" | "umap";

export interface ProjectionView extends View<ProjectionData> {
  readonly node: HTMLElement;
  /** Redraws the last frame (after a resize or a change of colour scheme). */
  refresh(): void;
  /** The method chosen in the card ("pca" without an embedding worker). */
  readonly method: ProjectionMethod;
  /** The last frame's figures, for tests and the page: `method` is the one whose points are shown. */
  readonly last: {method: ProjectionMethod; separation: number; tangles: Tangle[]; explained: [number, number]} | null;
}

/** One picture: the points shown and the labels and guesses of the weights they come from. */
interface Frame {
  method: ProjectionMethod;
  points: Float64Array;
  labels: Uint8Array;
  guesses: Uint8Array;
  /** PCA's shares of the variance ([0, 0] for UMAP). */
  explained: [number, number];
  /** Every digit at one point (a dead or constant layer). */
  flat: boolean;
  samples?: number;
  steps?: number;
}

/** The activations of one update, as sent to the worker. */
interface Snapshot {
  values: Float64Array;
  units: number;
  labels: Uint8Array;
  guesses: Uint8Array;
  samples?: number;
  steps?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const METHOD_LABELS: Record<ProjectionMethod, string> = {
  pca: "PCA (exact, follows training)",
  umap: "UMAP (neighbour graph, computed on demand)",
};
const which = ({steps, samples}: {steps?: number; samples?: number}) =>
  steps !== undefined ? `update ${steps.toLocaleString("en")}` : samples !== undefined ? `the weights after ${samples.toLocaleString("en")} samples` : "these weights";
const same = (a: Float64Array, b: Float64Array) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** `hook`: the figure's data-figure name and its metrics' prefix (default "projection"; another for a second projection on one page). */
export function projectionView({
  onPick,
  width: fixedWidth,
  hook = "projection",
  embeddingWorker,
  umapThrottleMs = 3000,
  umap: umapOptions = {},
}: {
  onPick: (index: number, pixels: Float64Array, label: number) => void;
  width?: number;
  hook?: string;
  /** Makes the UMAP worker (runs/embedding-worker.ts); given, the card offers UMAP. */
  embeddingWorker?: () => Worker;
  /** Least milliseconds between the starts of two UMAPs that follow the run (3,000). */
  umapThrottleMs?: number;
  /** UMAP's options (experiments/embedding.ts; seed 1, 15 neighbours, minimum distance 0.1, 200 epochs). */
  umap?: Omit<EmbeddingTask, "values" | "units">;
}): ProjectionView {
  const figure = html`<div class="projection-plot" tabindex="0" role="img"></div>` as HTMLElement;
  const tip = html`<div class="projection-tip" role="status" aria-live="polite" hidden></div>` as HTMLElement;
  const sep = html`<span data-metric=${`${hook}-separation`}>–</span>` as HTMLElement;
  const list = html`<ul class="projection-tangles small"></ul>` as HTMLElement;
  const methodSelect = html`<select data-metric=${`${hook}-method`}>
    ${(Object.keys(METHOD_LABELS) as ProjectionMethod[]).map((m) => html`<option value=${m}>${METHOD_LABELS[m]}</option>`)}
  </select>` as HTMLSelectElement;
  const recompute = html`<button type="button" data-action="projection-recompute" hidden>Recompute</button>` as HTMLButtonElement;
  const status = html`<span data-metric=${`${hook}-method-status`} role="status">PCA: exact, redrawn as the run trains</span>` as HTMLElement;
  // The fraction done, apart from the status so a screen reader is not told every 10 %.
  const done = html`<span aria-hidden="true" style="font-variant-numeric:tabular-nums"></span>` as HTMLElement;
  const controls = embeddingWorker
    ? html`<div class="projection-method" style="display:flex;flex-wrap:wrap;gap:0.35rem 1rem;align-items:center;font-size:0.9rem;margin-bottom:0.5rem">
        <label style="display:flex;gap:0.5rem;align-items:center">Method ${methodSelect}</label>
        ${recompute}
        <span style="color:var(--theme-foreground-muted)">${status}${done}</span>
      </div>`
    : null;
  const node = html`<div data-figure=${hook} class="projection" data-method="pca">
    ${controls}
    <div class="projection-frame">${figure}${tip}</div>
    <p class="small">Separation (between-class over within-class spread in this picture): ${sep}. Pairs of classes whose clouds overlap most:</p>
    ${list}
  </div>` as HTMLElement;
  let method: ProjectionMethod = "pca";
  let axes: Axes | null = null;
  let data: ProjectionData | null = null;
  /** What is drawn, the latest UMAP result, and the latest activations while UMAP is chosen. */
  let frame: Frame | null = null;
  let umapFrame: Frame | null = null;
  let latest: Snapshot | null = null;
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
  const describeFigure = () =>
    frame?.method === "umap"
      ? "The test digits in the hidden space: a scatter of the last hidden layer's activations laid out by UMAP, where nearby points are digits the layer treats alike"
      : "The test digits in the hidden space: a scatter of the last hidden layer's activations projected on their first two principal components";
  figure.setAttribute("aria-label", describeFigure());

  // UMAP's worker and its bookkeeping: one task at a time; `generation` changes on cancel, so a
  // result that arrives after it is ignored.
  let pool: WorkerPool | null = null;
  let generation = 0;
  let inFlight: Snapshot | null = null;
  let sent: Float64Array | null = null;
  let startedAt = -Infinity;
  let forceNext = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const setStatus = (text: string) => {
    status.textContent = text;
    done.textContent = "";
  };
  function umapStatus(): void {
    const shown = umapFrame ? `UMAP of ${which(umapFrame)}` : "";
    const computing = inFlight ? `computing UMAP of ${which(inFlight)}…` : "";
    setStatus(shown && computing ? `${shown}; ${computing}` : shown || computing || "UMAP: waiting for the network");
    if (!umapFrame && inFlight) status.textContent += " (PCA shown until it is ready)";
  }

  function cancelUmap(): void {
    generation++;
    pool?.cancel();
    if (timer) clearTimeout(timer);
    timer = null;
    inFlight = null;
    sent = null;
    umapFrame = null;
    latest = null;
    forceNext = false;
    startedAt = -Infinity;
  }

  /** Starts a UMAP of the latest activations if they changed since the last one asked for (or Recompute was pressed), one at a time, throttled. */
  function request(): void {
    if (method !== "umap" || !latest || !embeddingWorker || disposed) return;
    if (!forceNext && sent && same(sent, latest.values)) return;
    if (inFlight) return umapStatus(); // the result's handler asks again
    const wait = startedAt + umapThrottleMs - performance.now();
    if (!forceNext && wait > 0) {
      timer ??= setTimeout(() => ((timer = null), request()), wait);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    const snap = latest;
    const gen = generation;
    forceNext = false;
    sent = snap.values;
    inFlight = snap;
    startedAt = performance.now();
    umapStatus();
    pool ??= new WorkerPool(embeddingWorker, {size: 1, heartbeatTimeout: 20_000});
    const task: EmbeddingTask = {...umapOptions, values: snap.values, units: snap.units};
    pool
      .run<Float64Array, number>(task, (fraction) => {
        if (gen === generation) done.textContent = ` ${pct(fraction)}`;
      })
      .then(
        (raw) => {
          if (gen !== generation || disposed) return;
          inFlight = null;
          // The first UMAP turns to match the PCA picture it replaces; each later one, the UMAP before it.
          const reference = umapFrame?.points ?? project(snap.values, snap.units, principalAxes(snap.values, snap.units, axes));
          const aligned = procrustes(reference, raw);
          let flat = true;
          for (let i = 2; i < aligned.length && flat; i++) flat = aligned[i] === aligned[i % 2];
          umapFrame = {method: "umap", points: aligned, labels: snap.labels, guesses: snap.guesses, explained: [0, 0], flat, samples: snap.samples, steps: snap.steps};
          render(umapFrame);
          umapStatus();
          request();
        },
        (error: Error) => {
          if (gen !== generation || disposed || error instanceof CancelledError) return;
          fallBack(error.message);
        },
      );
  }

  /** The worker failed: say so, show PCA, keep everything else. */
  function fallBack(message: string): void {
    cancelUmap();
    method = "pca";
    methodSelect.value = "pca";
    recompute.hidden = true;
    setStatus(`UMAP failed (${message}); showing PCA, which follows the run`);
    draw();
  }

  function choose(next: ProjectionMethod): void {
    if (next === method) return;
    method = next;
    if (next === "pca") {
      cancelUmap();
      recompute.hidden = true;
      setStatus("PCA: exact, redrawn as the run trains");
    } else {
      recompute.hidden = false;
      forceNext = true;
      umapStatus();
    }
    draw();
  }
  methodSelect.addEventListener("change", () => choose(methodSelect.value as ProjectionMethod));
  recompute.addEventListener("click", () => {
    if (method !== "umap") return;
    forceNext = true;
    if (latest) request();
    else draw();
  });

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
    const {left, top, outer} = origin();
    const x = left + screen.x(points[2 * i]);
    tip.style.left = `${Math.round(x)}px`;
    tip.style.top = `${Math.round(top + screen.y(points[2 * i + 1]))}px`;
    tip.hidden = false;
    // Beside the point, on the side with room: the card clips what overflows it (its paint containment).
    tip.style.transform = x + 12 + tip.offsetWidth > outer.width ? "translate(calc(-100% - 12px), -50%)" : "";
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

  /** Reads the network: PCA drawn now; with UMAP chosen, its activations kept for the worker and the latest UMAP frame drawn (once it exists). */
  function draw(): void {
    if (!data) return;
    const {network, test, samples, steps} = data;
    const {values, units, guesses: g} = hiddenActivations(network, test);
    const l = Uint8Array.from({length: g.length}, (_, i) => test.labels[i]);
    if (method === "umap") {
      latest = {values, units, labels: l, guesses: g, samples, steps};
      request();
      if (umapFrame) {
        if (frame !== umapFrame) render(umapFrame);
        return;
      }
    }
    axes = principalAxes(values, units, axes);
    render({method: "pca", points: project(values, units, axes), labels: l, guesses: g, explained: axes.explained, flat: axes.explained[0] === 0, samples, steps});
  }

  function render(next: Frame): void {
    frame = next;
    ({points, labels, guesses} = next);
    const {flat, explained} = next;
    const umap = next.method === "umap";
    const rows = Array.from({length: labels.length}, (_, i) => ({i, x: points[2 * i], y: points[2 * i + 1], c: labels[i], wrong: guesses[i] !== labels[i]}));
    const width = fixedWidth ?? Math.max(280, Math.min(640, figure.clientWidth || 520));
    const height = Math.round(Math.min(420, width * 0.75));
    // Every digit on one point (a dead or constant layer): a fixed frame instead of ticks of rounding noise.
    const fixed = flat ? {domain: [-1, 1]} : {};
    // UMAP's axes have no units (only who sits near whom means something): no tick values.
    // The inset keeps the outermost dots inside the frame (PCA's nice domain pads its own).
    const axis = (label: string) => (umap ? {label, ticks: [] as number[], nice: false, inset: 8, ...fixed} : {label, ticks: 5, nice: true, ...fixed});
    const plot = Plot.plot({
      width,
      height,
      marginLeft: 44,
      style: {background: "transparent"},
      x: axis(
        flat
          ? "every digit at one point: the layer's activations do not vary"
          : umap
            ? "UMAP 1 (no units: only neighbours mean something)"
            : `principal component 1 (${pct(explained[0])} of the variance)`,
      ),
      y: axis(flat ? "" : umap ? "UMAP 2" : `component 2 (${pct(explained[1])})`),
      color: {type: "categorical", domain: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scheme: "observable10", legend: true, label: "true class"},
      marks: [
        ...(umap ? [Plot.frame({stroke: "currentColor", strokeOpacity: 0.25})] : []),
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
    figure.setAttribute("aria-label", describeFigure());
    marks = plot instanceof SVGElement ? plot : plot.querySelector(":scope > svg");
    const s = separation(points, labels);
    // UMAP keeps neighbourhoods, not distances between clusters (a class may form several): its
    // tangled pairs are the ones whose digits' neighbours mix; PCA's are the ones whose centres are close.
    const t = flat ? [] : next.method === "umap" ? neighbourTangles(points, labels, guesses).filter((p) => p.mixed! > 0) : tangles(points, labels, guesses).filter((p) => Number.isFinite(p.gap));
    last = {method: next.method, separation: s, tangles: t, explained};
    sep.textContent = Number.isFinite(s) ? s.toFixed(2) : "–";
    list.replaceChildren(
      ...(flat ? [html`<li>none to tell apart: every digit is at one point</li>`] : []),
      ...t.map((p) => {
        const how =
          p.mixed === undefined
            ? `centres ${p.gap.toFixed(2)} × their combined spread apart`
            : `${(100 * p.mixed).toFixed(1)} % of their digits' 10 nearest neighbours in the picture are of the other class`;
        const text = `${p.a} and ${p.b}: ${how}; ${p.confused} test digit${p.confused === 1 ? "" : "s"} confused between them (see `;
        return html`<li data-pair=${`${p.a}-${p.b}`}>${text}<a href="#held-out-digits-and-errors">the confusion matrix</a>)</li>`;
      }),
    );
    node.dataset.redraws = String(++redraws);
    node.dataset.method = next.method;
    if (next.samples !== undefined) node.dataset.samples = String(next.samples);
    if (cursor >= labels.length) cursor = -1;
    if (cursor >= 0) show(cursor);
  }

  return {
    node,
    update(next) {
      data = next;
      draw();
    },
    refresh() {
      if (frame) render(frame);
      else draw();
    },
    get method() {
      return method;
    },
    get last() {
      return last;
    },
    dispose() {
      disposed = true;
      cancelUmap();
      pool?.dispose();
      pool = null;
      data = null;
      delaunay = null;
    },
  };
}

/** What the redraw reads of a run (a WorkerRun's main-thread mirror of its network). */
export interface ProjectionRun {
  network: Network;
  state: {samplesSeen: number; steps?: number};
  readonly training: boolean;
  subscribe(listener: () => void): () => void;
}

/**
 * Redraws `view` from the run on show (`current.run`) when it notifies, and again while it trains,
 * at most once per `throttleMs` (500: one frame is 1,000 forward passes, a 1,000 × 16 PCA and a
 * Plot of 1,000 dots, about 30 ms here), while the view is on screen. Returns the scheduler:
 * dispose it with the run.
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
  return followRun({
    run,
    current,
    throttleMs,
    node: view.node,
    draw: (r) => view.update({network: r.network, test, samples: r.state.samplesSeen, steps: r.state.steps}),
  });
}
