import {describe, expect, expectTypeOf, it} from "vitest";
import {cellIndices} from "../../src/components/views/confusion-digits.js";
import type {WorkerRun} from "../../src/components/runs/worker-run.js";
import type {SteppableRun} from "../../src/components/views/step-view.js";
import type {ExplorerRun} from "../../src/components/views/explorer-redraw.js";

describe("cellIndices", () => {
  it("lists the digits of one confusion cell, in order", () => {
    const labels = [3, 5, 3, 3, 5, 1];
    const predictions = [3, 3, 5, 5, 3, 1];
    expect(cellIndices(labels, predictions, 3, 5)).toEqual([2, 3]);
    expect(cellIndices(labels, predictions, 5, 3)).toEqual([1, 4]);
    expect(cellIndices(labels, predictions, 3, 3)).toEqual([0]);
    expect(cellIndices(labels, predictions, 7, 7)).toEqual([]);
  });
});

describe("the explorer components accept the page's run", () => {
  it("a WorkerRun is a SteppableRun and an ExplorerRun", () => {
    expectTypeOf<WorkerRun>().toMatchTypeOf<SteppableRun>();
    expectTypeOf<WorkerRun>().toMatchTypeOf<ExplorerRun>();
  });
});
