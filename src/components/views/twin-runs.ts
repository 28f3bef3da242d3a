/**
 * Two runs side by side (data-figure="twin-runs"): the page's run and a second run with one
 * setting changed (same seed unless the seed is the setting), trained in a second worker. Shows
 * both runs' H1 templates on one shared diverging weight scale, both test-accuracy curves on one
 * chart, and each run's hidden space (views/projection.ts).
 *
 *   const twin = twinRunsView({names: () => ["ReLU", "sigmoid"]});
 *   twin.update({runs: [run, second]});   // WorkerRun-like: network, state.history, state.samplesSeen
 */
import {html} from "htl";
import * as Plot from "@observablehq/plot";
import type {Network, Samples} from "../nn/index.js";
import type {RunPoint} from "../runs/live-run.js";
import {digitCanvas, paint} from "./explorer-views.js";
import {legend} from "./legend.js";
import {maxAbs, palette, weightTable} from "./palette.js";
import {projectionView, type ProjectionView} from "./projection.js";

export interface TwinRun {
  network: Network;
  state: {samplesSeen: number; history: RunPoint[]; testAccuracy: number};
}

/** The setting the second run changes, and the value it takes. */
export interface TwinChange {
  key: string;
  value: string | number;
}

/** The second run's value for `key` when the reader has not chosen one: the natural contrast. */
export function contrastValue(key: string, values: Record<string, string | number>): string | number {
  switch (key) {
    case "activation":
      return values.activation === "sigmoid" ? "relu" : "sigmoid";
    case "init":
      return values.init === "uniform" ? "he-normal" : "uniform";
    case "optimizer":
      return values.optimizer === "adam" ? "sgd" : "adam";
    case "lr":
      return +(Number(values.lr) * 10).toPrecision(3) > 10 ? +(Number(values.lr) / 10).toPrecision(3) : +(Number(values.lr) * 10).toPrecision(3);
    case "seed":
      return Number(values.seed) + 1;
    default:
      return values[key];
  }
}

export function twinRunsView({onPick}: {onPick: (index: number, pixels: Float64Array, label: number) => void}) {
  const templates = [html`<div class="twin-tiles"></div>`, html`<div class="twin-tiles"></div>`] as HTMLElement[];
  const titles = [html`<h4></h4>`, html`<h4></h4>`] as HTMLElement[];
  const accuracy = [html`<span data-metric="twin-accuracy-0">–</span>`, html`<span data-metric="twin-accuracy-1">–</span>`] as HTMLElement[];
  const curves = html`<div class="twin-curves"></div>` as HTMLElement;
  const scaleLegend = html`<div></div>` as HTMLElement;
  const projections: ProjectionView[] = [0, 1].map((k) => projectionView({onPick, width: 420, hook: `twin-projection-${k}`}));
  const canvases: HTMLCanvasElement[][] = [[], []];
  const node = html`<div class="twin-runs" data-figure="twin-runs">
    <div class="twin-grid">
      ${[0, 1].map(
        (k) =>
          html`<div class="twin-side">
            ${titles[k]}
            <p class="small">test accuracy ${accuracy[k]}</p>
            ${templates[k]}
          </div>`,
      )}
    </div>
    ${scaleLegend} ${curves}
    <div class="twin-grid">${projections.map((p, k) => html`<div class="twin-side" data-run=${k}>${p.node}</div>`)}</div>
  </div>` as HTMLElement;
  let last: {runs: [TwinRun, TwinRun]; names: [string, string]; test: Samples} | null = null;
  let redraws = 0;
  // What each side's projection last drew: a run that has not moved (the same state and network
  // objects: an idle second run while the first trains) keeps its picture, the costliest part.
  const drawn: ({state: unknown; network: unknown} | null)[] = [null, null];

  /** `force`: redraw both projections (a change of colour scheme or width). */
  function draw(force = false): void {
    if (!last) return;
    const {runs, names, test} = last;
    const p = palette();
    const table = weightTable(p);
    // One scale for both runs' templates, so their contrast compares.
    const scale = maxAbs(runs.map((r) => r.network.layers[0].weights));
    runs.forEach((run, k) => {
      titles[k].textContent = names[k];
      accuracy[k].textContent = Number.isFinite(run.state.testAccuracy) ? `${(100 * run.state.testAccuracy).toFixed(1)} %` : "–";
      const layer = run.network.layers[0];
      if (canvases[k].length !== layer.fanOut) {
        canvases[k] = Array.from({length: layer.fanOut}, (_, j) => digitCanvas(new Float64Array(784), {size: 44, label: `${names[k]}: weights of H1 unit ${j}`}));
        templates[k].replaceChildren(...canvases[k]);
      }
      canvases[k].forEach((canvas, j) => {
        canvas.setAttribute("aria-label", `${names[k]}: weights of H1 unit ${j}`);
        paint(canvas, layer.weights.subarray(j * layer.fanIn, (j + 1) * layer.fanIn), 28, table, {diverging: true, scale});
      });
      if (force || drawn[k]?.state !== run.state || drawn[k]?.network !== run.network) {
        projections[k].update({network: run.network, test, samples: run.state.samplesSeen});
        drawn[k] = {state: run.state, network: run.network};
      }
    });
    scaleLegend.replaceChildren(legend({weights: scale, weightLabel: "H1 weight w (both runs' tiles)", width: 240, palette: p}));
    const rows = runs.flatMap((run, k) => run.state.history.filter((h) => Number.isFinite(h.testAccuracy)).map((h) => ({epoch: h.epoch, accuracy: 100 * h.testAccuracy, run: names[k]})));
    curves.replaceChildren(
      Plot.plot({
        width: Math.max(320, Math.min(720, node.clientWidth || 640)),
        height: 220,
        style: {background: "transparent"},
        x: {label: "epoch →", domain: [0, Math.max(0.1, ...rows.map((r) => r.epoch))]},
        y: {label: "↑ test accuracy (%)", domain: [0, 100], grid: true},
        color: {legend: true, domain: names, range: p.series.slice(0, 2)},
        marks: [Plot.line(rows, {x: "epoch", y: "accuracy", stroke: "run", z: "run", strokeWidth: 2}), Plot.ruleY([10], {strokeDasharray: "3,3", strokeOpacity: 0.4})],
      }),
    );
    node.dataset.redraws = String(++redraws);
  }

  return {
    node,
    update(data: {runs: [TwinRun, TwinRun]; names: [string, string]; test: Samples}) {
      last = data;
      draw();
    },
    refresh: () => draw(true),
    dispose() {
      last = null;
      drawn.fill(null);
      projections.forEach((p) => p.dispose());
    },
  };
}
