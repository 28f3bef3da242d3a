// @vitest-environment jsdom
// Parallel coordinates (views/parallel-coordinates.ts): the axes a sweep's varied hyperparameters
// give (AXES order, the kind of scale, the rung and the accuracy last), the filter a set of brush
// extents makes (ranges on numbers, kept options on choices, diverged configurations never pass an
// accuracy brush), and the figure: one line per configuration, and the keyboard's brush reported.
import {describe, expect, it, vi} from "vitest";
import {parallelCoordinates, passes, pcAxes} from "../../src/components/views/parallel-coordinates.js";
import {meanCI, type SeedGroup} from "../../src/components/runs/seed-groups.js";
import type {RunConfig} from "../../src/components/runs/space.js";
import type {SweepResult} from "../../src/components/runs/sweep.js";

// jsdom has no canvas; Plot's colour legend draws on one.
HTMLCanvasElement.prototype.getContext = (() => ({fillRect() {}})) as unknown as typeof HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.toDataURL = () => "data:,";

const base: RunConfig = {init: "he-normal", activation: "relu", lr: 0.1, optimizer: "sgd", weightDecay: 0, dropout: 0, schedule: "constant", warmup: 0};
const group = (over: Partial<RunConfig>, accuracies: number[], rung = 0): SeedGroup => ({
  id: JSON.stringify(over),
  key: JSON.stringify(over),
  trial: 0,
  rung,
  budget: 100,
  config: {...base, ...over},
  runs: accuracies.map(() => ({}) as SweepResult),
  accuracy: meanCI(accuracies),
  diverged: accuracies.filter((a) => !Number.isFinite(a)).length,
  deadUnits: 0,
});

describe("pcAxes", () => {
  it("keeps AXES order, each axis's kind, and puts the rung (successive halving) and the accuracy last", () => {
    expect(pcAxes(["lr", "optimizer", "dropout"]).map((a) => [a.name, a.kind])).toEqual([
      ["lr", "log"],
      ["optimizer", "choice"],
      ["dropout", "linear"],
      ["accuracy", "linear"],
    ]);
    expect(pcAxes(["lr"], 3).map((a) => a.name)).toEqual(["lr", "rung", "accuracy"]);
    expect(pcAxes(["weightDecay"])[0].label).toBe("weight decay λ");
  });
});

describe("passes", () => {
  const g = group({lr: 0.03, optimizer: "adamw"}, [0.8, 0.9]);
  it("keeps a configuration inside every brushed range and among every brushed choice", () => {
    expect(passes(g, {})).toBe(true);
    expect(passes(g, {lr: [0.01, 0.1]})).toBe(true);
    expect(passes(g, {lr: [0.05, 0.1]})).toBe(false);
    expect(passes(g, {optimizer: ["adamw", "sgd"], accuracy: [80, 90]})).toBe(true);
    expect(passes(g, {optimizer: ["sgd"]})).toBe(false);
    expect(passes(g, {accuracy: [86, 100]})).toBe(false);
  });
  it("never keeps a configuration whose every seed diverged on an accuracy brush", () => {
    expect(passes(group({}, [NaN, NaN]), {accuracy: [0, 100]})).toBe(false);
    expect(passes(group({}, [NaN, NaN]), {lr: [0, 1]})).toBe(true);
  });
});

describe("the figure", () => {
  const groups = [group({lr: 0.01}, [0.9, 0.91]), group({lr: 0.1}, [0.5, 0.6]), group({lr: 1}, [NaN])];
  it("draws one line per configuration, each with a title in words, and focusable labelled axes", () => {
    const figure = parallelCoordinates(groups, {axes: pcAxes(["lr"]), width: 600});
    expect(figure.querySelectorAll("g[aria-label='configurations'] path")).toHaveLength(3);
    const title = (g: SeedGroup) => figure.querySelector(`path[data-key='${g.key}'] title`)?.textContent;
    expect(title(groups[0])).toBe("learning rate η 0.01: 90.5 % (2 seeds)");
    expect(title(groups[2])).toBe("learning rate η 1: every seed diverged (1 seed)");
    const axes = [...figure.querySelectorAll("g.pc-axis")];
    expect(axes.map((a) => [a.getAttribute("data-axis"), a.getAttribute("tabindex")])).toEqual([
      ["lr", "0"],
      ["accuracy", "0"],
    ]);
    expect(figure.querySelector("[data-metric='pc-count']")?.textContent).toBe("3 configurations; brush an axis to keep only some.");
  });

  it("reports a keyboard brush (↑ keeps the top quarter of the accuracy axis) and clears it (Escape, clear())", () => {
    const onBrush = vi.fn();
    const figure = parallelCoordinates(groups, {axes: pcAxes(["lr"]), width: 600, onBrush});
    const accuracy = figure.querySelector("g.pc-axis[data-axis='accuracy']")!;
    accuracy.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowUp", bubbles: true}));
    const [extents] = onBrush.mock.calls.at(-1)!;
    expect(extents.accuracy[0]).toBeCloseTo(75, 0);
    expect(extents.accuracy[1]).toBeCloseTo(100, 0);
    expect(figure.querySelector("[data-metric='pc-count']")?.textContent).toBe("1 of 3 configurations pass the brushes.");
    accuracy.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
    expect(onBrush).toHaveBeenLastCalledWith({});
    figure.clear();
    expect(onBrush).toHaveBeenLastCalledWith({});
  });

  it("draws the brushes it is given back, keeping their extents exactly", () => {
    const onBrush = vi.fn();
    const figure = parallelCoordinates(groups, {axes: pcAxes(["lr"]), width: 600, extents: {lr: [0.05, 2]}, onBrush});
    expect(figure.querySelector("[data-metric='pc-count']")?.textContent).toBe("2 of 3 configurations pass the brushes.");
    expect(onBrush).not.toHaveBeenCalled();
  });
});
