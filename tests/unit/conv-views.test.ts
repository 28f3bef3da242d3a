// @vitest-environment jsdom
// Pure helpers of the Convolutions page's views: receptive fields through conv and pool layers,
// keyboard moves, names, the kernels' round scale, the sum's running total and engine time.
import {describe, expect, it} from "vitest";
import {ConvNetwork, LENET_LAYERS} from "../../src/components/nn/index.js";
import {fieldBelow, fieldOnInput, moveSelection, stageNames} from "../../src/components/views/conv-maps.js";
import {niceCeil} from "../../src/components/views/conv-kernels.js";
import {cellText, productTotal} from "../../src/components/views/conv-pixel-sum.js";
import {engineSeconds} from "../../src/components/views/conv-compare.js";

const lenet = new ConvNetwork({input: [1, 28, 28], layers: LENET_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
const layers = lenet.config.layers;

describe("fieldBelow / fieldOnInput", () => {
  it("a conv 1 pixel reads the 5 × 5 input square at its own position", () => {
    expect(fieldBelow(layers, 0, {y0: 3, x0: 7, y1: 3, x1: 7})).toEqual({y0: 3, x0: 7, y1: 7, x1: 11});
    expect(fieldOnInput(layers, lenet.config.input, 0, 23, 23)).toEqual({y0: 23, x0: 23, y1: 27, x1: 27});
  });

  it("a pool pixel reads its 2 × 2 window; a conv 2 pixel a 14 × 14 square of the input", () => {
    expect(fieldBelow(layers, 1, {y0: 2, x0: 5, y1: 2, x1: 5})).toEqual({y0: 4, x0: 10, y1: 5, x1: 11});
    expect(fieldBelow(layers, 2, {y0: 1, x0: 3, y1: 1, x1: 3})).toEqual({y0: 1, x0: 3, y1: 5, x1: 7});
    expect(fieldOnInput(layers, lenet.config.input, 2, 1, 3)).toEqual({y0: 2, x0: 6, y1: 15, x1: 19});
    // The last pool's pixel: 2 × 2 of conv 2 → 6 × 6 of pool 1 → 12 × 12 of conv 1 → 16 × 16 of the input.
    expect(fieldOnInput(layers, lenet.config.input, 3, 0, 0)).toEqual({y0: 0, x0: 0, y1: 15, x1: 15});
  });

  it("a padded, strided conv reads past the map's edge, and fieldOnInput clips it", () => {
    const net = new ConvNetwork({
      input: [1, 9, 9],
      layers: [
        {type: "conv", channels: 2, kernel: 3, stride: 2, padding: 1},
        {type: "dense", units: 2},
      ],
      activation: "relu",
      head: "softmax-cross-entropy",
      init: "he-normal",
      seed: 1,
    });
    expect(fieldBelow(net.config.layers, 0, {y0: 0, x0: 3, y1: 0, x1: 3})).toEqual({y0: -1, x0: 5, y1: 1, x1: 7});
    expect(fieldOnInput(net.config.layers, net.config.input, 0, 0, 3)).toEqual({y0: 0, x0: 5, y1: 1, x1: 7});
    expect(() => fieldBelow(net.config.layers, 1, {y0: 0, x0: 0, y1: 0, x1: 0})).toThrow(/conv or pooling/);
  });
});

describe("moveSelection", () => {
  const sel = {stage: 2, channel: 3, y: 0, x: 7};
  it("moves within the map and across maps, clamped at the edges; other keys are not the view's", () => {
    expect(moveSelection(sel, "ArrowRight", [16, 8, 8])).toEqual({...sel, x: 7});
    expect(moveSelection(sel, "ArrowLeft", [16, 8, 8])).toEqual({...sel, x: 6});
    expect(moveSelection(sel, "ArrowUp", [16, 8, 8])).toEqual(sel);
    expect(moveSelection(sel, "ArrowDown", [16, 8, 8])).toEqual({...sel, y: 1});
    expect(moveSelection(sel, "PageDown", [16, 8, 8])).toEqual({...sel, channel: 4});
    expect(moveSelection({...sel, channel: 0}, "PageUp", [16, 8, 8])).toEqual({...sel, channel: 0});
    expect(moveSelection(sel, "Enter", [16, 8, 8])).toBeNull();
  });
});

describe("stageNames", () => {
  it("numbers each kind of layer", () => {
    expect(stageNames(layers)).toEqual(["conv 1", "max-pool 1", "conv 2", "max-pool 2", "dense 1"]);
  });
});

describe("niceCeil", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0.31, 0.5, 0.51, 0.21, 0.2, 1.7, 7, 0.0042].map(niceCeil)).toEqual([0.5, 0.5, 1, 0.25, 0.2, 2, 10, 0.005]);
    expect(() => niceCeil(0)).toThrow(RangeError);
  });
});

describe("cellText / productTotal / engineSeconds", () => {
  it("round a cell, add the products from 0 in order, and time a run's samples", () => {
    expect([0, -0.1234, 1.005, 2].map(cellText)).toEqual(["0", "−0.12", "1.00", "2.00"]);
    const sum = lenet.pixelSum(new Float64Array(784).fill(0.5), 2, 4, 3, 3);
    expect(sum.bias + productTotal(sum)).toBe(sum.z);
    expect(engineSeconds({samplesSeen: 3000, samplesPerSecond: 1500})).toBe(2);
    expect(engineSeconds({samplesSeen: 0, samplesPerSecond: NaN})).toBeNaN();
  });
});
