/**
 * The MNIST explorer's views and their redraw: the views are created once (`explorerViews`) and
 * redrawn in place from the run (`explorerRedraw`) on every change of the run (throttled to one
 * redraw every 150 ms while it trains) and whenever the current input changes. Each view draws in
 * its own job of a redrawScheduler, so frames and training slices interleave with the drawing.
 *
 * Per redraw, the milliseconds of the shared computation and of each job (by position) are added
 * to `window.explorerTiming` = {refresh, jobs, count}, read by bench/mnist-explorer.ts; the
 * sparklines slot counts complete redraws (data-refreshes) and names the samples seen by the
 * network on show (data-samples, which the end-to-end tests wait for).
 */
import {html} from "htl";
import {argmax, evaluate, deadUnits, type Network, type Samples} from "../nn/index.js";
import {perClassAccuracy, restrictInputs} from "../experiments/explorer.js";
import type {RunDetails} from "../runs/worker-run.js";
import {unitTiles, relianceView, heldOutGrid, probabilityBars, weightHistograms, confusionMatrix, classSparklines, digitCanvas} from "./explorer-views.js";
import {networkDiagram, type DiagramElement} from "./network-diagram.js";
import {legend} from "./legend.js";
import {maxAbs} from "./palette.js";
import {redrawScheduler} from "./redraw-scheduler.js";
import type {Selection, Store} from "./selection.js";

/** A held-out digit: 784 values in [0, 1] and its class. */
export interface Digit {
  pixels: Float64Array;
  label: number;
}

/** The explorer's views, created once; the page places their nodes. */
export function explorerViews(heldOut: Digit[], {h1 = 16, h2 = 16}: {h1?: number; h2?: number} = {}) {
  return {
    tiles: unitTiles({units: h1}),
    reliance: relianceView({units: h2}),
    heldOut: heldOutGrid(heldOut),
    diagram: html`<div class="explorer-diagram"></div>` as HTMLElement,
    output: html`<div class="output-bars"></div>` as HTMLElement,
    input: html`<div class="current-input"></div>` as HTMLElement,
    histograms: html`<div class="histograms-slot"></div>` as HTMLElement,
    confusion: html`<div class="confusion-slot"></div>` as HTMLElement & {predictions?: ArrayLike<number>},
    sparklines: html`<div class="sparklines-slot"></div>` as HTMLElement,
    dead: html`<span data-metric="dead-units">–</span>` as HTMLElement,
    wrong: html`<span data-metric="held-out-wrong">–</span>` as HTMLElement,
    legend: html`<div></div>` as HTMLElement,
    tilesLegend: html`<div></div>` as HTMLElement,
    /** Redraws every view now (set by explorerRedraw while a run is shown). */
    refresh: undefined as (() => void) | undefined,
  };
}
export type ExplorerViews = ReturnType<typeof explorerViews>;

/** What the redraw reads of a run (a WorkerRun). */
export interface ExplorerRun {
  network: Network;
  details: RunDetails | null;
  state: {samplesSeen: number};
  readonly training: boolean;
  /** A time-travel checkpoint (views/timeline.ts) rather than the run's newest state: not added to the per-class history. */
  readonly isCheckpoint?: boolean;
  subscribe(listener: () => void): () => void;
}

export interface ExplorerRedrawOptions {
  /** The run whose notifications trigger redraws. */
  run: ExplorerRun;
  /** The run and initial weights on show now (read at every redraw). */
  current: {run: ExplorerRun | null; initial: {weights: Float64Array}[] | null};
  views: ExplorerViews;
  selection: Store<Selection>;
  heldOut: Digit[];
  /** The test set, for the confusion matrix and dead units before the worker's first answer. */
  test: Samples;
  /** The 49 input pixels the diagram draws. */
  lattice: number[];
  /** The confusion cell the reader picked (framed in the matrix). */
  confusionPick: {cell: {actual: number; guess: number} | null};
}

/** Milliseconds per redraw, for bench/mnist-explorer.ts. */
export interface ExplorerTiming {
  refresh: number;
  jobs: number[];
  count: number;
}
declare global {
  interface Window {
    explorerTiming?: ExplorerTiming;
  }
}

/** Starts redrawing `views` from the run; returns the scheduler (dispose it when the run goes). */
export function explorerRedraw({run, current, views, selection, heldOut, test, lattice, confusionPick}: ExplorerRedrawOptions) {
  // Per-class accuracy over training, kept per run.
  const classHistory: {samples: number; accuracy: number[]}[] = [];
  let lastSamples = -1,
    diagram: DiagramElement | null = null,
    legendKey = "";
  const timing: ExplorerTiming = (window.explorerTiming = {refresh: 0, jobs: [], count: 0});
  const scheduler = redrawScheduler({redraw: refresh, again: () => !!current.run?.training, timing});

  // Widths are read by a ResizeObserver, not during drawing (reading layout there forces it).
  const widths = {main: 680, output: 300};
  const main = () => document.querySelector("#observablehq-main");
  const observer = new ResizeObserver(() => {
    widths.main = main()?.clientWidth ?? widths.main;
    widths.output = views.output.clientWidth || widths.output;
  });
  observer.observe(main() ?? document.body);
  observer.observe(views.output);
  scheduler.own(() => observer.disconnect());
  const contentWidth = () => Math.max(320, widths.main - 40);

  function refresh(): void {
    const r = current.run;
    if (!r) return;
    const t0 = performance.now();
    timing.count++;
    const network = r.network;
    // The worker sends the test set's confusion matrix and dead units with each state; before its
    // first answer they are computed here.
    const details =
      r.details ??
      (() => {
        const ev = evaluate(network, test),
          d = deadUnits(network, test);
        return {confusion: ev.confusion, predictions: ev.predictions, dead: d.dead, deadTotal: d.total, hiddenUnits: d.units};
      })();
    const perLayer = details.dead.map((d) => d.reduce((s, v) => s + v, 0));
    const samples = r.state.samplesSeen;
    if (samples !== lastSamples && !r.isCheckpoint) {
      if (samples < lastSamples) classHistory.length = 0;
      classHistory.push({samples, accuracy: perClassAccuracy(details.confusion)});
      if (classHistory.length > 400) classHistory.splice(1, classHistory.length - 400);
      lastSamples = samples;
    }
    const input = selection.pixels;
    const trace = network.trace(input);
    const [z1, z2] = trace.z,
      [, a1, a2, out] = trace.a;
    views.dead.textContent = `${details.deadTotal} of ${details.hiddenUnits}`;
    views.dead.title = `H1: ${perLayer[0]} dead, H2: ${perLayer[1]} dead (0 on all ${test.count} test digits)`;
    const guesses = heldOut.map((d) => network.predict(d.pixels));
    timing.refresh += performance.now() - t0;
    scheduler.enqueue(
      () => {
        views.wrong.textContent = `${views.heldOut.update(guesses)} of ${heldOut.length}`;
        views.tiles.update({layer: network.layers[0], dead: details.dead[0], input, z: z1, a: a1}, {focus: argmax(a1)});
      },
      () => {
        const first = restrictInputs(network.layers[0], lattice);
        const aMax = Math.max(1, maxAbs([a1, a2]));
        const next = {
          layers: [first, network.layers[1], network.layers[2]],
          activations: [lattice.map((k) => input[k]), a1, a2, out],
          z: trace.z,
          highlight: {layer: 3, unit: argmax(out)},
          activationDomain: [0, aMax] as [number, number],
        };
        const width = Math.min(contentWidth(), 760);
        // Built once per width, then redrawn in place.
        if (!diagram || diagram.dataset.width !== String(width)) {
          diagram = networkDiagram({
            ...next,
            labels: {
              0: lattice.map((k) => `pixel (${Math.floor(k / 28)}, ${k % 28})`),
              1: Array.from(a1, (_, j) => `H1 unit ${j}`),
              2: Array.from(a2, (_, j) => `H2 unit ${j}`),
              3: Array.from({length: 10}, (_, k) => String(k)),
            },
            inputGrid: 7,
            inputDomain: [0, 1],
            layerNames: ["49 of 784 pixels", "H1 (16)", "H2 (16)", "output"],
            width,
            height: 380,
            focusableWires: false,
            wireHint: "",
          });
          diagram.dataset.width = String(width);
          views.diagram.replaceChildren(diagram);
        } else diagram.update(next);
        // The legend's ramps, redrawn when their rounded ends change.
        const weights = maxAbs(network.layers.map((l) => l.weights));
        const key = `${weights.toPrecision(2)} ${aMax.toPrecision(2)}`;
        if (key !== legendKey) {
          legendKey = key;
          views.legend.replaceChildren(legend({weights, activations: [0, aMax], width: 220}));
          views.tilesLegend.replaceChildren(legend({weights: maxAbs([network.layers[0].weights]), weightLabel: "H1 weight w (all tiles)", width: 220}));
        }
      },
      () => {
        views.output.replaceChildren(probabilityBars(out, {width: Math.max(240, widths.output), label: selection.label}));
        views.input.replaceChildren(
          digitCanvas(input, {size: 112, label: `current input: ${selection.source}`}),
          html`<div class="small">${selection.source}${selection.label == null ? "" : `, a ${selection.label}`}</div>`,
        );
        views.reliance.update({layer: network.layers[1], a1, z2, a2}, {focus: argmax(a2)});
      },
      () => views.histograms.replaceChildren(weightHistograms(network.layers, current.initial ?? network.layers, {width: contentWidth()})),
      () => {
        const chart = confusionMatrix(details.confusion, {width: Math.min(420, contentWidth()), selected: confusionPick.cell});
        views.confusion.replaceChildren(chart);
        views.confusion.predictions = details.predictions;
      },
      () => {
        views.sparklines.replaceChildren(classSparklines(classHistory, {width: contentWidth()}));
        // A complete redraw of every view, counted for bench/mnist-explorer.ts.
        views.sparklines.dataset.refreshes = String(Number(views.sparklines.dataset.refreshes ?? 0) + 1);
        // The training samples seen by the network every view now shows (tests wait for it).
        views.sparklines.dataset.samples = String(samples);
      },
    );
  }

  scheduler.own(run.subscribe(scheduler.schedule));
  scheduler.own(
    selection.on(() => {
      views.heldOut.select(selection.position);
      scheduler.redraw();
    }),
  );
  views.heldOut.select(selection.position);
  views.refresh = scheduler.redraw;
  scheduler.own(() => {
    if (views.refresh === scheduler.redraw) views.refresh = undefined;
  });
  return scheduler;
}
