/**
 * Parallel coordinates of a sweep (d3; Plot has no such mark): one vertical axis per
 * hyperparameter the sweep varies (space.ts AXES order; log axes for η and λ, point axes for
 * choices), successive halving's rung when it varies, and the final test accuracy last. Each
 * configuration is one polyline through its values, at its seeds' mean accuracy, coloured by that
 * accuracy on viridis (sequential and colour-blind safe, as the heatmap).
 *
 * Brushing an axis (d3-brush, vertical) keeps the lines that pass every brushed axis; the others
 * turn faint. The figure reports its brushes as `Extents` (in data terms: [lo, hi] for a number
 * axis, the options inside the brush for a choice axis) through `onBrush` when a brush ends, and
 * takes them back as `extents` when it is drawn again (a resize keeps the filter). From the
 * keyboard, each axis is focusable: ↑/↓ moves (or starts) its brush, Shift+↑/↓ grows and shrinks
 * it, Escape or Delete clears it.
 *
 *   const figure = parallelCoordinates(seedGroups(runs), {axes: pcAxes(file), width, extents, onBrush});
 *   figure.clear();   // clears every brush (and calls onBrush({}))
 */
import * as d3 from "d3";
import * as Plot from "@observablehq/plot";
import {axis as axisOf, type AxisName} from "../runs/space.js";
import type {SeedGroup} from "../runs/seed-groups.js";
import {choiceLabel} from "./compare-charts.js";

/** One axis of the figure: a hyperparameter, the rung, or the accuracy. */
export interface PCAxis {
  name: AxisName | "rung" | "accuracy";
  label: string;
  kind: "choice" | "log" | "linear" | "integer";
}

/** Brushed extents by axis name: [lo, hi] for a number axis, the options kept for a choice axis. */
export type Extents = Record<string, [number, number] | string[]>;

/** The axes for a sweep that varies `names` (AXES order), with a rung axis when `rungs` > 1, then the accuracy. */
export function pcAxes(names: readonly AxisName[], rungs = 1): PCAxis[] {
  return [
    ...names.map((name) => {
      const a = axisOf(name);
      return {name, label: a.label, kind: a.kind};
    }),
    ...(rungs > 1 ? [{name: "rung" as const, label: "rung reached", kind: "integer" as const}] : []),
    {name: "accuracy", label: "final test accuracy (%)", kind: "linear"},
  ];
}

/** A configuration's value on an axis: its hyperparameter, its rung, or its mean accuracy in % (NaN when every seed diverged). */
export function valueOf(group: SeedGroup, name: PCAxis["name"]): number | string {
  if (name === "accuracy") return 100 * group.accuracy.mean;
  if (name === "rung") return group.rung;
  return group.config[name];
}

/** Whether a configuration passes every brushed axis (a diverged configuration passes no accuracy brush). */
export function passes(group: SeedGroup, extents: Extents): boolean {
  return Object.entries(extents).every(([name, extent]) => {
    const v = valueOf(group, name as PCAxis["name"]);
    if (typeof extent[0] === "string") return (extent as string[]).includes(String(v));
    const [lo, hi] = extent as [number, number];
    return typeof v === "number" && v >= lo && v <= hi;
  });
}

type Scale = {(v: number | string): number | undefined; domain(): unknown[]; range(): number[]};

/** A y scale for one axis over the values present. */
function scaleFor(a: PCAxis, groups: readonly SeedGroup[], range: [number, number]): Scale {
  const values = groups.map((g) => valueOf(g, a.name));
  if (a.kind === "choice") {
    const options = a.name === "rung" || a.name === "accuracy" ? [] : ((axisOf(a.name) as {options?: readonly string[]}).options ?? []);
    const present = options.filter((o) => values.includes(o));
    return d3.scalePoint<string>().domain(present).range(range).padding(0.5) as unknown as Scale;
  }
  const numbers = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (a.name === "accuracy") return d3.scaleLinear().domain([0, 100]).range(range) as unknown as Scale;
  const [lo, hi] = d3.extent(numbers) as [number, number];
  if (a.kind === "log") {
    if (lo > 0)
      return d3
        .scaleLog()
        .domain(lo === hi ? [lo / 2, hi * 2] : [lo, hi])
        .range(range)
        .nice() as unknown as Scale;
    // λ = 0 beside positive values: a symmetric log scale keeps 0 on the axis.
    const positive = numbers.filter((x) => x > 0);
    return d3
      .scaleSymlog()
      .constant(d3.min(positive) ?? 1)
      .domain([0, hi || 1])
      .range(range) as unknown as Scale;
  }
  return d3
    .scaleLinear()
    .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
    .range(range)
    .nice() as unknown as Scale;
}

/** A label split in two lines near its middle space when it is long. */
function labelLines(label: string, max = 16): string[] {
  if (label.length <= max) return [label];
  const spaces = [...label.matchAll(/ /g)].map((m) => m.index!);
  if (!spaces.length) return [label];
  const cut = spaces.reduce((best, i) => (Math.abs(i - label.length / 2) < Math.abs(best - label.length / 2) ? i : best));
  return [label.slice(0, cut), label.slice(cut + 1)];
}

const format = (a: PCAxis) => (v: unknown) => (a.kind === "choice" ? choiceLabel(a.name, v) : d3.format("~g")(v as number));

export interface ParallelOptions {
  axes: PCAxis[];
  width?: number;
  height?: number;
  extents?: Extents;
  /** Called when a brush ends (set, moved or cleared) with every axis's extent. */
  onBrush?: (extents: Extents) => void;
}

/** The figure (an HTML element with a legend, the SVG and a count of the lines kept); `clear()` clears every brush. */
export function parallelCoordinates(groups: readonly SeedGroup[], {axes, width = 800, height = 380, extents = {}, onBrush}: ParallelOptions): HTMLElement & {clear(): void} {
  // Room on the left for the first axis's tick labels (about 6 px a character at 11 px).
  const first = axes[0];
  const firstWidth = first?.kind === "choice" ? (d3.max(groups, (g) => format(first)(valueOf(g, first.name)).length) ?? 4) * 6.2 : 36;
  const margin = {top: 52, right: 48, bottom: 16, left: Math.max(48, firstWidth + 16)};
  const x = d3
    .scalePoint<string>()
    .domain(axes.map((a) => a.name))
    .range([margin.left, width - margin.right]);
  const yRange: [number, number] = [height - margin.bottom, margin.top];
  const y = new Map(axes.map((a) => [a.name, scaleFor(a, groups, yRange)]));
  const accuracies = groups.map((g) => 100 * g.accuracy.mean).filter(Number.isFinite);
  const colourDomain: [number, number] = accuracies.length ? (d3.extent(accuracies) as [number, number]) : [0, 100];
  if (colourDomain[0] === colourDomain[1]) colourDomain[0] -= 1;
  // Viridis from 0.1: its darkest purple disappears on the dark theme's background.
  const interpolator = (t: number) => d3.interpolateViridis(0.1 + 0.9 * t);
  const colour = d3.scaleSequential(interpolator).domain(colourDomain);
  const current: Extents = {...extents};

  const svg = d3
    .create("svg")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("aria-label", `Parallel coordinates: ${groups.length} configurations over ${axes.map((a) => a.label).join(", ")}`)
    .style("max-width", "100%")
    .style("height", "auto")
    .style("font", "11px var(--sans-serif, sans-serif)")
    .style("overflow", "visible");

  const point = (g: SeedGroup, a: PCAxis): number => {
    const v = valueOf(g, a.name);
    const scale = y.get(a.name)!;
    const py = typeof v === "number" && !Number.isFinite(v) ? yRange[0] : scale(v);
    return py ?? yRange[0];
  };
  const pathOf = (g: SeedGroup) => {
    const points = axes.map((a) => [x(a.name)!, point(g, a)] as [number, number]);
    return d3.line()(points) ?? "";
  };

  const describe = (g: SeedGroup) =>
    `${axes
      .filter((a) => a.name !== "accuracy")
      .map((a) => `${a.label} ${format(a)(valueOf(g, a.name))}`)
      .join(", ")}: ${Number.isFinite(g.accuracy.mean) ? `${(100 * g.accuracy.mean).toFixed(1)} %` : "every seed diverged"} (${g.runs.length} seed${g.runs.length === 1 ? "" : "s"})`;

  const lines = svg
    .append("g")
    .attr("aria-label", "configurations")
    .attr("fill", "none")
    .selectAll("path")
    .data(groups)
    .join("path")
    .attr("d", pathOf)
    .attr("data-key", (g) => g.key)
    .attr("stroke-width", 1.5)
    .attr("stroke-linejoin", "round");
  lines.append("title").text(describe);

  const count = document.createElement("p");
  count.className = "pc-count";
  count.setAttribute("data-metric", "pc-count");

  const paint = () => {
    const active = Object.keys(current).length > 0;
    let kept = 0;
    lines.each(function (g) {
      const ok = passes(g, current);
      if (ok) kept++;
      const finite = Number.isFinite(g.accuracy.mean);
      d3.select(this)
        .attr("stroke", ok && finite ? colour(100 * g.accuracy.mean) : "currentColor")
        .attr("stroke-opacity", ok ? (finite ? 0.9 : 0.5) : 0.1)
        .attr("stroke-dasharray", finite ? null : "3 3")
        .attr("class", ok ? "kept" : "dropped");
    });
    // Kept lines on top of the faint ones, the most accurate last (on top).
    lines
      .filter((g) => passes(g, current))
      .sort((a, b) => (Number.isFinite(a.accuracy.mean) ? a.accuracy.mean : -1) - (Number.isFinite(b.accuracy.mean) ? b.accuracy.mean : -1))
      .raise();
    count.textContent = active ? `${kept} of ${groups.length} configurations pass the brushes.` : `${groups.length} configurations; brush an axis to keep only some.`;
  };

  /** The extent a brush selection (pixels, top to bottom) covers on axis a; null when it keeps nothing of a choice axis. */
  const extentOf = (a: PCAxis, [top, bottom]: [number, number]): [number, number] | string[] | null => {
    const scale = y.get(a.name)!;
    if (a.kind === "choice") {
      const kept = (scale.domain() as string[]).filter((o) => {
        const p = scale(o)!;
        return p >= top && p <= bottom;
      });
      return kept;
    }
    const s = scale as unknown as {invert(p: number): number};
    return [s.invert(bottom), s.invert(top)];
  };
  /** Pixels (top, bottom) of an extent on axis a. */
  const pixelsOf = (a: PCAxis, extent: [number, number] | string[]): [number, number] | null => {
    const scale = y.get(a.name)!;
    if (typeof extent[0] === "string") {
      const ps = (extent as string[]).map((o) => scale(o)).filter((p): p is number => p !== undefined);
      if (!ps.length) return null;
      const step = (scale as unknown as {step(): number}).step();
      return [Math.max(yRange[1], d3.min(ps)! - step / 3), Math.min(yRange[0], d3.max(ps)! + step / 3)];
    }
    const [lo, hi] = extent as [number, number];
    const a1 = scale(hi)!,
      a2 = scale(lo)!;
    return [Math.max(yRange[1], Math.min(a1, a2)), Math.min(yRange[0], Math.max(a1, a2))];
  };

  const axisGroups = svg
    .append("g")
    .selectAll<SVGGElement, PCAxis>("g")
    .data(axes)
    .join("g")
    .attr("class", "pc-axis")
    .attr("data-axis", (a) => a.name)
    .attr("transform", (a) => `translate(${x(a.name)},0)`)
    .attr("tabindex", 0)
    .attr("role", "group")
    .attr("aria-label", (a) => `${a.label} axis: drag along it to keep a range; with the keyboard, ↑ and ↓ move the kept range, Shift with ↑ and ↓ resizes it, Escape clears it`);

  axisGroups.each(function (a) {
    const g = d3.select(this);
    const scale = y.get(a.name)!;
    const axisGen = d3.axisLeft(scale as unknown as d3.AxisScale<d3.AxisDomain>).tickSizeOuter(0);
    if (a.kind === "log") axisGen.ticks(4, "~g");
    else if (a.kind !== "choice") axisGen.ticks(5).tickFormat(d3.format("~g") as (d: d3.AxisDomain) => string);
    else axisGen.tickFormat((v) => choiceLabel(a.name, v));
    g.append("g")
      .call(axisGen)
      .call((sel) => sel.selectAll("text").attr("fill", "currentColor").style("paint-order", "stroke").attr("stroke", "var(--theme-background, white)").attr("stroke-width", 3));
    const text = g
      .append("text")
      .attr("text-anchor", "middle")
      .attr("fill", "currentColor")
      .attr("font-weight", 600)
      .attr("y", margin.top - 34);
    labelLines(a.label).forEach((l, i) =>
      text
        .append("tspan")
        .attr("x", 0)
        .attr("dy", i ? "1.15em" : 0)
        .text(l),
    );
  });

  const brush = d3
    .brushY<PCAxis>()
    .extent([
      [-14, yRange[1] - 4],
      [14, yRange[0] + 4],
    ])
    .on("start brush end", function (event: d3.D3BrushEvent<PCAxis>, a: PCAxis) {
      const selection = event.selection as [number, number] | null;
      if (selection) {
        const extent = extentOf(a, selection);
        if (extent) current[a.name] = extent;
      } else delete current[a.name];
      paint();
      if (event.type === "end" && event.sourceEvent !== undefined) onBrush?.({...current});
    });
  const brushes = axisGroups.append("g").attr("class", "pc-brush").call(brush);

  // Brushes given back (a redraw keeps the filter).
  brushes.each(function (a) {
    const extent = current[a.name];
    const pixels = extent ? pixelsOf(a, extent) : null;
    if (pixels) d3.select(this).call(brush.move as never, pixels);
  });
  // brush.move from code leaves `current` as the pixels map back; keep the given extents exactly.
  Object.assign(current, extents);
  paint();

  /** Keyboard: ↑/↓ move the brush (or start one on the upper quarter), Shift resizes, Escape/Delete clears. */
  axisGroups.on("keydown", function (event: KeyboardEvent, a: PCAxis) {
    const g = d3.select(this).select<SVGGElement>(".pc-brush");
    const node = g.node()!;
    const selection = d3.brushSelection(node) as [number, number] | null;
    const span = yRange[0] - yRange[1];
    const step = span / 10;
    let next: [number, number] | null = selection;
    if (event.key === "Escape" || event.key === "Delete" || event.key === "Backspace") next = null;
    else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const dir = event.key === "ArrowUp" ? -1 : 1;
      if (!selection) next = [yRange[1], yRange[1] + span / 4];
      else if (event.shiftKey) next = [selection[0], Math.max(selection[0] + 4, Math.min(yRange[0], selection[1] - dir * step))];
      else {
        const shift = Math.max(yRange[1] - selection[0], Math.min(yRange[0] - selection[1], dir * step));
        next = [selection[0] + shift, selection[1] + shift];
      }
    } else return;
    event.preventDefault();
    g.call(brush.move as never, next);
    if (next) {
      const extent = extentOf(a, next);
      if (extent) current[a.name] = extent;
    } else delete current[a.name];
    paint();
    onBrush?.({...current});
  });

  const legend = Plot.legend({color: {type: "sequential", interpolate: interpolator, domain: colourDomain, label: "final test accuracy (%), mean over seeds"}, marginLeft: 12, width: 280});
  const figure = document.createElement("figure") as HTMLElement & {clear(): void};
  figure.className = "parallel-coordinates";
  figure.append(legend as Node, svg.node()!, count);
  figure.clear = () => {
    for (const key of Object.keys(current)) delete current[key];
    brushes.call(brush.move as never, null);
    paint();
    onBrush?.({});
  };
  return figure;
}
