/**
 * The learning-rate range test as a page control (nn/lr-find.ts): a "Find η" button that runs the
 * test on the page's current settings (the page decides where: its training worker), a chart of
 * the loss and the smoothed loss against η on a log axis with the suggested range as a band, and a
 * "Use η = …" button that hands the suggestion to the page's η control.
 *
 *   const finder = lrFindView({find: () => worker.lrFind(config.network, {...}), use: (lr) => settings.set({lr})});
 *   finder.update({width, key: settingsKey});   // key: the settings a result depends on
 *   invalidation.then(() => finder.dispose());
 *
 * Buttons that do not apply are aria-disabled (still focusable), as in the run panel.
 */
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import type {LrFindResult} from "../nn/index.js";
import type {View} from "./view.js";

export interface LrFindViewOptions {
  /** Runs the range test with the page's settings now. */
  find: () => Promise<LrFindResult>;
  /** Sets the page's η (already rounded, inside the page's range). */
  use: (lr: number) => void;
  /** The η the Use button offers for a suggestion (default: 2 significant digits). */
  round?: (lr: number) => number;
  /** Updates in one test, for the status line. */
  steps?: number;
}

export interface LrFindViewData {
  width?: number;
  /** Identifies the settings a result depends on; a result found under another key is said to be stale. */
  key?: string;
}

const p3 = (v: number) => String(Number(v.toPrecision(3)));

/** The chart: loss and smoothed loss against η (log x), the suggested range as a band, the suggestion as a rule. */
export function lrFindChart({points, suggestion}: LrFindResult, {width = 640, height = 240}: {width?: number; height?: number} = {}): SVGSVGElement | HTMLElement {
  const rows = points.flatMap((d) => [
    {lr: d.lr, loss: d.loss, series: "loss (minibatch)"},
    {lr: d.lr, loss: d.smoothed, series: "smoothed loss"},
  ]);
  const smoothed = points.map((d) => d.smoothed);
  const low = Math.min(...smoothed, Infinity),
    start = smoothed.length ? smoothed[0] : 1;
  // Zoom on the interesting part: from just below the minimum to a little above the start (the blow-up is clipped).
  // One labelled tick per decade (0.0001, 0.001, …), as the η box shows numbers.
  const ticks: number[] = [];
  if (points.length) for (let e = Math.ceil(Math.log10(points[0].lr) - 1e-9); 10 ** e <= points[points.length - 1].lr * (1 + 1e-9); e++) ticks.push(Number((10 ** e).toPrecision(1)));
  const yDomain = Number.isFinite(low) ? [Math.max(0, low - 0.15 * (start - low + 0.1)), start * 1.25 + 0.05] : undefined;
  return Plot.plot({
    width,
    height,
    marginLeft: 48,
    x: {type: "log", label: "learning rate η →", domain: points.length ? [points[0].lr, points[points.length - 1].lr] : undefined, ticks, tickFormat: (d: number) => String(d)},
    y: {label: "↑ loss (cross-entropy, nats)", grid: true, domain: yDomain, clamp: false},
    color: {legend: true, domain: ["loss (minibatch)", "smoothed loss"], range: ["var(--theme-foreground-faint)", "var(--series-1)"]},
    marks: [
      Plot.rectX([suggestion], {x1: "lo", x2: "hi", fill: "var(--series-3)", fillOpacity: 0.18, title: () => `suggested range ${p3(suggestion.lo)} to ${p3(suggestion.hi)}`}),
      Plot.ruleX([suggestion.lr], {stroke: "var(--series-3)", strokeDasharray: "4 3"}),
      Plot.text([suggestion], {x: "lr", frameAnchor: "top", text: (d: LrFindResult["suggestion"]) => `η = ${p3(d.lr)}`, textAnchor: "start", dx: 4, dy: 6, fill: "currentColor"}),
      Plot.line(rows, {x: "lr", y: "loss", stroke: "series", z: "series", strokeWidth: (d: {series: string}) => (d.series === "smoothed loss" ? 2 : 1), clip: true}),
      Plot.tip(points, Plot.pointerX({x: "lr", y: "smoothed", format: {lr: ".3~g", smoothed: ".3f"}})),
    ],
  });
}

/** The control (see the module comment). */
export function lrFindView({find, use, round = (lr) => Number(lr.toPrecision(2)), steps}: LrFindViewOptions): View<LrFindViewData> & {readonly result: LrFindResult | null} {
  const findButton = html`<button type="button" data-action="lr-find">Find η</button>` as HTMLButtonElement;
  const useButton = html`<button type="button" data-action="lr-use" aria-disabled="true">Use η = …</button>` as HTMLButtonElement;
  const status = html`<p class="lr-find-status" role="status" aria-live="polite" data-metric="lr-find-status">
    Press Find η to run the range test on the settings above${steps ? ` (${steps} updates from fresh weights)` : ""}.
  </p>` as HTMLElement;
  const chart = html`<div class="lr-find-chart"></div>` as HTMLElement;
  const node = html`<figure class="lr-find" data-figure="lr-find">
    <div class="lr-find-controls">${findButton} ${useButton}</div>
    ${status}${chart}
    <figcaption>
      The learning-rate range test (Smith 2017; fastai's <code>lr_find</code>): one short run from fresh weights whose η grows log-linearly each update. The band is the suggested range, the dashed
      line the suggested η: where the smoothed loss falls fastest, at most a tenth of the η with the smallest loss.
    </figcaption>
  </figure>` as HTMLElement;

  let result: LrFindResult | null = null;
  let busy = false,
    disposed = false,
    width = 640,
    key: string | undefined,
    foundKey: string | undefined,
    run = 0;

  const setDisabled = (button: HTMLButtonElement, disabled: boolean) => (disabled ? button.setAttribute("aria-disabled", "true") : button.removeAttribute("aria-disabled"));
  const suggested = () => (result ? round(result.suggestion.lr) : NaN);
  const draw = () => {
    // The width the chart's box has on the page, when it is laid out; else the last one given.
    const w = Math.floor(chart.getBoundingClientRect().width) || width;
    chart.replaceChildren(...(result && result.points.length ? [lrFindChart(result, {width: w})] : []));
  };
  const describe = () => {
    if (!result) return;
    const {suggestion, points, stopped} = result;
    const best = points.reduce((a, b) => (b.smoothed < a.smoothed ? b : a), points[0]);
    const stale = key !== undefined && foundKey !== key ? " The settings have changed since: press Find η again for them." : "";
    status.textContent =
      `Suggested η = ${p3(suggestion.lr)} (range ${p3(suggestion.lo)} to ${p3(suggestion.hi)})` +
      (best ? `; the smoothed loss was smallest, ${best.smoothed.toFixed(2)}, at η = ${p3(best.lr)}` : "") +
      `. ${points.length} updates${stopped ? `, stopped early: ${stopped}` : ""}.${stale}`;
  };

  findButton.addEventListener("click", async () => {
    if (busy || disposed) return;
    busy = true;
    const mine = ++run;
    setDisabled(findButton, true);
    status.textContent = `Running the range test${steps ? `: ${steps} updates` : ""}…`;
    foundKey = key;
    try {
      const found = await find();
      if (disposed || mine !== run) return;
      result = found;
      useButton.textContent = `Use η = ${suggested()}`;
      setDisabled(useButton, false);
      node.dataset.suggestion = String(found.suggestion.lr);
      draw();
      describe();
    } catch (error) {
      if (!disposed) status.textContent = `The range test failed: ${(error as Error).message}`;
    } finally {
      busy = false;
      if (!disposed) setDisabled(findButton, false);
    }
  });
  useButton.addEventListener("click", () => {
    if (!result || useButton.getAttribute("aria-disabled") === "true") return;
    use(suggested());
  });

  return {
    node,
    get result() {
      return result;
    },
    update(data) {
      if (data.key !== undefined) key = data.key;
      if (data.width !== undefined && data.width !== width) {
        width = data.width;
        draw();
      }
      describe();
    },
    dispose() {
      disposed = true;
      run++;
    },
  };
}
