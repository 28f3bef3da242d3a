import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {Network, Trainer, arraySamples} from "../../src/components/nn/index.js";
import {DECAY, descend, getWeight, INPUT, leavesMap, lossWith, mechanicsConfig, slopes, TARGET, WIGGLE_RANGE, wiggleLoss} from "../../src/components/experiments/mechanics.js";
import {MechanicsLoop} from "../../src/components/runs/mechanics-loop.js";

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

describe("what the mechanics page's prose promises", () => {
  const refs: [{layer: number; to: number; from: number}, {layer: number; to: number; from: number}] = [
    {layer: 2, to: 0, from: 0},
    {layer: 2, to: 0, from: 1},
  ];
  /** Steps whose direction reverses the one before (a zigzag). */
  const reversals = (path: {x: number; y: number}[]) => {
    let n = 0;
    for (let k = 2; k < path.length; k++) {
      const a = [path[k - 1].x - path[k - 2].x, path[k - 1].y - path[k - 2].y],
        b = [path[k].x - path[k - 1].x, path[k].y - path[k - 1].y];
      if (a[0] * b[0] + a[1] * b[1] < 0) n++;
    }
    return n;
  };
  const network = new Network(mechanicsConfig(1));
  const bottom = descend(network, refs, [-4, -4], {lr: 0.5, momentum: 0, steps: 400, decay: DECAY}).at(-1)!;

  it("η = 6, no momentum: the ball zigzags across the valley, stays on the map and settles at the bottom", () => {
    const path = descend(network, refs, [-4, -4], {lr: 6, momentum: 0, steps: 40, decay: DECAY});
    expect(reversals(path)).toBeGreaterThan(10);
    expect(leavesMap(path)).toBe(-1);
    expect(path.at(-1)!.loss).toBeLessThan(bottom.loss + 0.01);
  });

  it("η = 15: every step overshoots more, and the ball leaves the map", () => {
    const path = descend(network, refs, [-4, -4], {lr: 15, momentum: 0, steps: 40, decay: DECAY});
    expect(leavesMap(path)).toBeGreaterThan(0);
  });

  it("η = 0.2, μ = 0.9: the ball passes the lowest point and comes back, on the map, and settles near it", () => {
    const path = descend(network, refs, [-4, -4], {lr: 0.2, momentum: 0.9, steps: 40, decay: DECAY});
    const d = path.map((p) => Math.hypot(p.x - bottom.x, p.y - bottom.y));
    let turns = 0;
    for (let k = 1; k < d.length - 1; k++) if (d[k] < d[k - 1] && d[k] < d[k + 1]) turns++;
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(leavesMap(path)).toBe(-1);
    expect(d.at(-1)!).toBeLessThan(0.5);
  });

  it("the wiggle has a valley inside its range for every seed the page offers (1 … 50), where both slopes agree", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const net = new Network(mechanicsConfig(seed));
      const ref = {layer: 2, to: TARGET, from: 0};
      const xs = Array.from({length: 201}, (_, k) => WIGGLE_RANGE[0] + k * 0.1);
      const losses = xs.map((x) => wiggleLoss(net, ref, x));
      const k = losses.indexOf(Math.min(...losses));
      expect(k, `seed ${seed}`).toBeGreaterThan(0);
      expect(k, `seed ${seed}`).toBeLessThan(200);
      // Left of the bottom the slope is negative, right of it positive.
      const probe = net.clone();
      const set = (x: number) => (probe.layers[1].weights[ref.to * probe.layers[1].fanIn + ref.from] = x);
      set(xs[Math.max(0, k - 10)]);
      expect(slopes(probe, ref, {decay: DECAY}).backprop).toBeLessThan(0);
      set(xs[Math.min(200, k + 10)]);
      const right = slopes(probe, ref, {decay: DECAY});
      expect(right.backprop).toBeGreaterThan(0);
      expect(Math.abs(right.backprop - right.finiteDifference)).toBeLessThan(1e-6);
    }
  });

  it("the loop: 15 steps raise p(rain) by more than 0.2; state carries the next moves and the weights before the step", () => {
    const loop = new MechanicsLoop(1);
    const first = loop.state;
    expect(first.previous).toEqual(first.weights);
    for (let k = 0; k < 15; k++) loop.step();
    const s = loop.state;
    expect(s.steps).toBe(15);
    expect(s.target).toBeGreaterThan(first.target + 0.2);
    expect(s.previous[1]).not.toEqual(s.weights[1]);
    // The move shown before a step is the step the weights then take.
    const moves = loop.state.moves;
    loop.step();
    const after = loop.state;
    after.weights.forEach((w, l) => w.forEach((v, k) => expect(v - after.previous[l][k]).toBeCloseTo(moves[l][k], 12)));
    loop.reset();
    expect(loop.state).toMatchObject({steps: 0, status: "idle", fingerprint: first.fingerprint});
    loop.dispose();
  });
});
