import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {Network, Trainer, arraySamples} from "../../src/components/nn/index.js";
import {descend, getWeight, INPUT, lossWith, mechanicsConfig, slopes, TARGET} from "../../src/components/experiments/mechanics.js";

describe("the wiggle: the slope of the loss along one weight", () => {
  it("backpropagation's slope equals the central finite difference, for any weight and seed (property)", () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 1000}), fc.integer({min: 1, max: 2}), fc.nat(), fc.nat(), (seed, layer, a, b) => {
        const network = new Network(mechanicsConfig(seed));
        const L = network.layers[layer - 1];
        const ref = {layer, to: a % L.fanOut, from: b % L.fanIn};
        const {backprop, finiteDifference} = slopes(network, ref);
        expect(Math.abs(backprop - finiteDifference)).toBeLessThan(1e-7 + 1e-5 * Math.abs(backprop));
      }),
      {numRuns: 60},
    );
  });

  it("lossWith leaves the network unchanged", () => {
    const network = new Network(mechanicsConfig(1));
    const ref = {layer: 2, to: 0, from: 1};
    const w = getWeight(network, ref);
    lossWith(network, [[ref, w + 3]]);
    expect(getWeight(network, ref)).toBe(w);
  });
});

describe("the loop and the landscape", () => {
  it("15 SGD steps raise the right word's probability", () => {
    const network = new Network(mechanicsConfig(1));
    const p = () => network.forward(INPUT)[TARGET];
    const before = p();
    new Trainer(network, arraySamples([INPUT], [TARGET]), {learningRate: 0.5, batchSize: 1, optimizer: "sgd"}).run(15);
    expect(p()).toBeGreaterThan(before + 0.2);
  });

  it("gradient descent on two weights lowers the loss, and momentum changes the path", () => {
    const network = new Network(mechanicsConfig(1));
    const refs: [{layer: number; to: number; from: number}, {layer: number; to: number; from: number}] = [
      {layer: 2, to: 0, from: 0},
      {layer: 2, to: 0, from: 1},
    ];
    const path = descend(network, refs, [-4, -4], {lr: 0.5, momentum: 0, steps: 30});
    expect(path).toHaveLength(31);
    expect(path.at(-1)!.loss).toBeLessThan(path[0].loss);
    const withMomentum = descend(network, refs, [-4, -4], {lr: 0.5, momentum: 0.9, steps: 30});
    expect(withMomentum[5].x).not.toBe(path[5].x);
  });
});

describe("the landscape with weight decay", () => {
  it("has a bottom: descent from opposite corners ends near the same point, and a large η overshoots", () => {
    const network = new Network(mechanicsConfig(1));
    const refs: [{layer: number; to: number; from: number}, {layer: number; to: number; from: number}] = [
      {layer: 2, to: 0, from: 0},
      {layer: 2, to: 0, from: 1},
    ];
    const a = descend(network, refs, [-5, -5], {lr: 2, momentum: 0, steps: 200, decay: 0.1}).at(-1)!;
    const b = descend(network, refs, [5, 5], {lr: 2, momentum: 0, steps: 200, decay: 0.1}).at(-1)!;
    expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(0.05);
    expect(Math.abs(a.x)).toBeLessThan(6);
    const big = descend(network, refs, [-5, -5], {lr: 15, momentum: 0, steps: 6, decay: 0.1});
    // Overshoot: the step sign flips (the ball crosses the valley floor).
    const dx = big.slice(1).map((p, k) => p.x - big[k].x);
    expect(dx.some((d) => d < 0) && dx.some((d) => d > 0)).toBe(true);
  });
});
