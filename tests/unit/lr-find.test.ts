import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {fingerprint, lrFind, lrFindRate, Network, pixelSamples, suggest, type LrFindPoint, type NetworkConfig} from "../../src/components/nn/index.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {balancedIndices, take} from "../../src/components/datasets/subsets.js";
import {expectClose} from "./tolerance.js";

const mnist = readMnist("train");
const subset = take(mnist, balancedIndices(mnist.labels, 100));
const samples = pixelSamples(subset.pixels, subset.labels, 784);
const config: NetworkConfig = {layers: [784, 16, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 3};

describe("lrFind on a small MNIST network", () => {
  const network = new Network(config);
  const before = fingerprint(network.layers);
  const result = lrFind(network, samples, {minLr: 1e-4, maxLr: 10, steps: 120, batchSize: 16, training: {optimizer: "momentum", momentum: 0.9}});

  it("raises η log-linearly from minLr to maxLr and leaves the network alone", () => {
    const {points} = result;
    expect(points[0].lr).toBe(1e-4);
    for (let i = 1; i < points.length; i++) expectClose(points[i].lr / points[i - 1].lr, 1e5 ** (1 / 119), {rel: 1e-12}, `ratio ${i}`);
    if (points.length === 120) expect(points[119].lr).toBe(10);
    expect(fingerprint(network.layers)).toBe(before);
  });

  it("finds a loss minimum well below the starting loss, then stops when the smoothed loss passes 4× its minimum or runs out", () => {
    const {points, stopped} = result;
    const smallest = Math.min(...points.map((p) => p.smoothed));
    expect(smallest).toBeLessThan(points[0].smoothed * 0.8);
    const end = points[points.length - 1];
    if (stopped) expect(stopped).toMatch(/smoothed loss exceeded 4× its minimum|non-finite/);
    else expect(points.length).toBe(120);
    if (stopped?.includes("exceeded")) expect(end.smoothed).toBeGreaterThan(4 * smallest);
  });

  it("suggests lo ≤ lr ≤ hi inside [minLr, maxLr], hi = (η at the smallest smoothed loss)/10, lo = lr/10", () => {
    const {lr, lo, hi} = result.suggestion;
    expect(lo).toBeGreaterThanOrEqual(1e-4);
    expect(hi).toBeLessThanOrEqual(10);
    expect(lo).toBeLessThanOrEqual(lr);
    expect(lr).toBeLessThanOrEqual(hi);
    const kept = result.points.slice(Math.floor(result.points.length / 10));
    const best = kept.reduce((a, b) => (b.smoothed < a.smoothed ? b : a));
    expect(hi).toBe(best.lr / 10);
    expect(lo).toBe(lr / 10);
  });

  it("smooths with a debiased EMA (β = 0.98): the first smoothed loss is the first loss", () => {
    const [p0, p1] = result.points;
    expect(p0.smoothed).toBeCloseTo(p0.loss, 12);
    expectClose(p1.smoothed, (0.98 * 0.02 * p0.loss + 0.02 * p1.loss) / (1 - 0.98 ** 2), {rel: 1e-12});
  });

  it("is deterministic: the same seed gives the same points bit for bit, another seed others", () => {
    const again = lrFind(network, samples, {minLr: 1e-4, maxLr: 10, steps: 120, batchSize: 16, training: {optimizer: "momentum", momentum: 0.9}});
    expect(again).toEqual(result);
    const other = lrFind(network, samples, {minLr: 1e-4, maxLr: 10, steps: 120, batchSize: 16, seed: 99, training: {optimizer: "momentum", momentum: 0.9}});
    expect(other.points.map((p) => p.loss)).not.toEqual(result.points.map((p) => p.loss));
  });

  it("stops early once the loss blows up (plain SGD up to η = 1000)", () => {
    const blown = lrFind(network, samples, {minLr: 1e-3, maxLr: 1000, steps: 150, batchSize: 16});
    expect(blown.stopped).not.toBeNull();
    expect(blown.points.length).toBeLessThan(150);
    expect(blown.suggestion.hi).toBeLessThanOrEqual(1000);
  });
});

describe("suggest", () => {
  const curve = (losses: number[]): LrFindPoint[] => losses.map((loss, i) => ({lr: lrFindRate(i, losses.length, 1e-3, 1), loss, smoothed: loss}));

  it("on a hand-made valley: steepest descent at the biggest drop, hi at the minimum's η/10", () => {
    // 20 points; the biggest drop is between points 8 and 10; the minimum at 14.
    const losses = [3, 3, 3, 3, 3, 2.95, 2.9, 2.8, 2.5, 1.5, 1.3, 1.2, 1.1, 1.05, 1.0, 1.2, 1.6, 2.2, 3, 4];
    const points = curve(losses);
    const s = suggest(points, 1e-3, 1);
    expect(s.hi).toBe(points[14].lr / 10);
    // Steepest at index 9 (central difference (1.3 − 2.5)), capped at hi.
    expect(s.lr).toBe(Math.min(points[9].lr, s.hi));
    expect(s.lo).toBe(s.lr / 10);
  });

  it("always lies inside [minLr, maxLr] with lo ≤ lr ≤ hi (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: 0, max: 10, noNaN: true}), {minLength: 0, maxLength: 60}), (losses) => {
        const {lr, lo, hi} = suggest(curve(losses), 1e-3, 1);
        return lo >= 1e-3 && hi <= 1 && lo <= lr && lr <= hi;
      }),
    );
  });
});

describe("lrFind refuses bad options naming them", () => {
  const network = new Network(config);
  it.each([
    [{minLr: 0}, "invalid minLr: 0"],
    [{minLr: NaN}, "invalid minLr: NaN"],
    [{maxLr: 1e-5}, "invalid maxLr: 0.00001"],
    [{steps: 1}, "invalid steps: 1"],
    [{steps: 2.5}, "invalid steps: 2.5"],
    [{smoothing: 1}, "invalid smoothing: 1"],
    [{divergence: 1}, "invalid divergence: 1"],
    [{batchSize: 0}, "invalid batch size: 0"],
  ])("%j", (options, message) => {
    expect(() => lrFind(network, samples, {batchSize: 8, ...options})).toThrow(RangeError);
    expect(() => lrFind(network, samples, {batchSize: 8, ...options})).toThrow(message);
  });
});

describe("the training worker's range test (liveRunHost)", () => {
  it("answers an lr-find message with the same points and suggestion as lrFind in this thread, and names a bad option", async () => {
    const {liveRunHost} = await import("../../src/components/runs/worker-run.js");
    const posted: unknown[] = [];
    const host = liveRunHost(
      {train: {pixels: subset.pixels, labels: subset.labels, inputSize: 784}, test: {pixels: subset.pixels.subarray(0, 784 * 10), labels: subset.labels.subarray(0, 10), inputSize: 784}},
      (m) => posted.push(m),
    );
    const options = {minLr: 1e-4, maxLr: 10, steps: 50, batchSize: 16, seed: 3, training: {optimizer: "momentum" as const, momentum: 0.9, weightDecay: 1e-3, dropout: 0.1}};
    host({type: "lr-find", ticket: 7, network: config, options});
    expect(posted).toEqual([{type: "lr-found", ticket: 7, result: lrFind(new Network(config), samples, options), error: null}]);
    host({type: "lr-find", ticket: 8, network: config, options: {...options, steps: 1}});
    expect(posted[1]).toMatchObject({type: "lr-found", ticket: 8, result: null, error: "invalid steps: 1 (expected an integer ≥ 2)"});
  });
});
