// Convolutional networks (nn/conv.ts): hand-computed convolution and pooling, the order of
// summation against an independent implementation, the max-pool tie rule, gradients against
// central differences, shapes refused by name, files and fingerprints, and training.
import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {
  arraySamples,
  ConvNetwork,
  convFromJSON,
  evaluate,
  fingerprint,
  fromJSON,
  gradientCheck,
  kernelOf,
  convInputGradient,
  convWeightGradient,
  maxPool,
  maxPoolBackward,
  Network,
  NetworkFileError,
  source,
  toJSON,
  Trainer,
  type ActivationName,
  type ConvLayer,
  type ConvLayerSpec,
  type ConvNetworkConfig,
  type HeadName,
  type Layer,
  type TrainingOptions,
} from "../../src/components/nn/index.js";

const base = {activation: "identity", head: "softmax-cross-entropy", init: "he-normal", seed: 1} as const;

/** Parameters given by hand: weights and biases as plain arrays. */
const given = (...layers: [fanIn: number, fanOut: number, weights: number[], biases: number[]][]): Layer[] =>
  layers.map(([fanIn, fanOut, w, b]) => ({fanIn, fanOut, weights: Float64Array.from(w), biases: Float64Array.from(b)}));

/** The z of config.layers[index] for one input. */
const zOf = (network: ConvNetwork, input: number[], index: number) => Array.from(network.featureMaps(input).find((m) => m.index === index)!.z!);
const aOf = (network: ConvNetwork, input: number[], index: number) => Array.from(network.featureMaps(input).find((m) => m.index === index)!.a);

describe("convolution and pooling, hand-computed", () => {
  it("computes cross-correlation (the kernel is not flipped)", () => {
    // in = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]], b = 0: z[0][0] = 1·1 + 2·2 + 3·4 + 4·5 = 37 (flipped it would be 23).
    const network = new ConvNetwork(
      {
        ...base,
        input: [1, 3, 3],
        layers: [
          {type: "conv", channels: 1, kernel: 2},
          {type: "dense", units: 1},
        ],
      },
      given([4, 1, [1, 2, 3, 4], [0]], [4, 1, [0, 0, 0, 0], [0]]),
    );
    expect(zOf(network, [1, 2, 3, 4, 5, 6, 7, 8, 9], 0)).toEqual([37, 47, 67, 77]);
  });

  it("pads with zeros and moves by the stride", () => {
    // 5×5 input in[y][x] = 5y + x + 1, 3×3 kernel of ones, padding 1, stride 2: windows centred on rows and columns 0, 2, 4.
    const input = Array.from({length: 25}, (_, k) => k + 1);
    const network = new ConvNetwork(
      {
        ...base,
        input: [1, 5, 5],
        layers: [
          {type: "conv", channels: 1, kernel: 3, stride: 2, padding: 1},
          {type: "dense", units: 1},
        ],
      },
      given([9, 1, Array(9).fill(1), [0]], [9, 1, Array(9).fill(0), [0]]),
    );
    expect(network.shapes[0]).toEqual([1, 3, 3]);
    expect(zOf(network, input, 0)).toEqual([16, 33, 28, 69, 117, 87, 76, 123, 88]);
  });

  it("sums every input channel into every output channel, plus the bias", () => {
    // Channel 0 = [[1,0],[0,1]], channel 1 = [[2,2],[2,2]]; 2×2 kernels → one pixel per output channel.
    // o = 0: (1 + 1) + (0.5·2 + 0.5·2) + b 1 = 5;  o = 1: −1·1 + 1·2 + b −1 = 0.
    const kernels = [1, 1, 1, 1, 0.5, 0, 0, 0.5, -1, 0, 0, 0, 0, 0, 0, 1];
    const network = new ConvNetwork(
      {
        ...base,
        input: [2, 2, 2],
        layers: [
          {type: "conv", channels: 2, kernel: 2},
          {type: "dense", units: 1},
        ],
      },
      given([8, 2, kernels, [1, -1]], [2, 1, [0, 0], [0]]),
    );
    expect(zOf(network, [1, 0, 0, 1, 2, 2, 2, 2], 0)).toEqual([5, 0]);
    expect(Array.from(kernelOf(network.layers[0] as ConvLayer, 1, 1))).toEqual([0, 0, 0, 1]);
  });

  it("max- and average-pools, with and without overlap, and flattens in (C, H, W) order", () => {
    const input = [1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16];
    const pooled = (type: "maxpool" | "avgpool", size: number, stride?: number) => {
      const network = new ConvNetwork({...base, input: [1, 4, 4], layers: [{type, size, stride}, {type: "flatten"}, {type: "dense", units: 1}]});
      return aOf(network, input, 0);
    };
    expect(pooled("maxpool", 2)).toEqual([4, 8, 12, 16]);
    expect(pooled("avgpool", 2)).toEqual([2.5, 6.5, 10.5, 14.5]);
    expect(pooled("maxpool", 3, 1)).toEqual([13, 14, 15, 16]);
    expect(pooled("avgpool", 3, 1)).toEqual([54 / 9, 69 / 9, 84 / 9, 99 / 9]);
    // Two channels: the dense layer reads channel 0's map, then channel 1's, each row-major.
    const network = new ConvNetwork({...base, input: [2, 2, 2], layers: [{type: "flatten"}, {type: "dense", units: 1}]}, given([8, 1, [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7], [0]]));
    expect(zOf(network, [1, 2, 3, 4, 5, 6, 7, 8], 1)).toEqual([87654321]);
  });

  it("max pooling: on a tie the first input in row-major order wins and takes the whole gradient", () => {
    const winners = new Int32Array(2),
      out = new Float64Array(2);
    // Two 2×2 windows side by side in a 2×4 map: [3 3 | 1 3] over [3 1 | 3 3].
    maxPool(Float64Array.from([3, 3, 1, 3, 3, 1, 3, 3]), out, winners, [1, 2, 4], [1, 1, 2], 2, 2);
    expect(Array.from(out)).toEqual([3, 3]);
    expect(Array.from(winners)).toEqual([0, 3]);
    const gIn = new Float64Array(8);
    maxPoolBackward(Float64Array.from([0.5, -2]), gIn, winners);
    expect(Array.from(gIn)).toEqual([0.5, 0, 0, -2, 0, 0, 0, 0]);
    // Through a network: an identity 1×1 conv, then the pool; the kernel's gradient is Σ δ·input over the winners only.
    const network = new ConvNetwork(
      {
        ...base,
        input: [1, 2, 2],
        layers: [
          {type: "conv", channels: 1, kernel: 1},
          {type: "maxpool", size: 2},
          {type: "dense", units: 2},
        ],
      },
      given([1, 1, [1], [0]], [1, 2, [1, -1], [0, 0]]),
    );
    network.forward([7, 7, 7, 7]);
    const gradients = network.layers.map((l) => ({weights: new Float64Array(l.weights.length), biases: new Float64Array(l.biases.length)}));
    network.backward(0, gradients);
    // δ at the pool's output = Wᵀ(p − e₀) = 1·(p₀ − 1) + (−1)·p₁; it reaches conv position 0 only.
    const [p0, p1] = network.a[network.a.length - 1];
    const d = 1 * (p0 - 1) + -1 * p1;
    expect(Array.from(network.delta[0])).toEqual([d, 0, 0, 0]);
    expect(gradients[0].weights[0]).toBe(d * 7);
  });
});

/** The documented formula and order, written independently: s from 0, c then i then j (padding terms added as 0·w), z = b + s. */
function referenceConv(input: Float64Array, [C, H, W]: readonly number[], w: Float64Array, b: Float64Array, O: number, k: number, s: number, p: number): Float64Array {
  const oH = (H + 2 * p - k) / s + 1,
    oW = (W + 2 * p - k) / s + 1;
  const z = new Float64Array(O * oH * oW);
  for (let o = 0; o < O; o++)
    for (let y = 0; y < oH; y++)
      for (let x = 0; x < oW; x++) {
        let sum = 0;
        for (let c = 0; c < C; c++)
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const yy = y * s + i - p,
                xx = x * s + j - p;
              const v = yy < 0 || yy >= H || xx < 0 || xx >= W ? 0 : input[c * H * W + yy * W + xx];
              sum += w[((o * C + c) * k + i) * k + j] * v;
            }
        z[(o * oH + y) * oW + x] = b[o] + sum;
      }
  return z;
}

describe("order of summation", () => {
  it("a conv layer's z equals an independent float64 implementation of the documented order bit for bit (random shapes, strides, paddings, zeros)", () => {
    fc.assert(
      fc.property(
        fc.record({
          C: fc.integer({min: 1, max: 3}),
          O: fc.integer({min: 1, max: 12}),
          k: fc.integer({min: 1, max: 4}),
          s: fc.integer({min: 1, max: 3}),
          oH: fc.integer({min: 1, max: 5}),
          oW: fc.integer({min: 1, max: 5}),
          pad: fc.nat(3),
          seed: fc.nat(1000),
        }),
        ({C, O, k, s, oH, oW, pad, seed}) => {
          const p = pad % k;
          const H = (oH - 1) * s + k - 2 * p,
            W = (oW - 1) * s + k - 2 * p;
          fc.pre(H >= 1 && W >= 1);
          const network = new ConvNetwork({
            ...base,
            init: "xavier-normal",
            biasInit: 0.3,
            seed,
            input: [C, H, W],
            layers: [
              {type: "conv", channels: O, kernel: k, stride: s, padding: p},
              {type: "dense", units: 2},
            ],
          });
          const random = source(seed, 9);
          // A third of the inputs exactly 0 (blank pixels, silent ReLUs): the kernels may skip them, the bits must not change.
          const input = Float64Array.from({length: C * H * W}, () => (random() < 1 / 3 ? 0 : 4 * random() - 2));
          const {weights, biases} = network.layers[0];
          const expected = referenceConv(input, [C, H, W], weights, biases, O, k, s, p);
          expect(network.featureMaps(input)[1].z).toEqual(expected);
          expect(Object.is(network.featureMaps(input)[1].z![0], expected[0])).toBe(true);
        },
      ),
      {numRuns: 150},
    );
  });

  it("backpropagation's sums in the documented order, bit for bit: ∂L/∂w over positions row-major, ∂L/∂input over outputs (o, y, x) row-major", () => {
    fc.assert(
      fc.property(
        fc.record({
          C: fc.integer({min: 1, max: 3}),
          O: fc.integer({min: 1, max: 5}),
          k: fc.integer({min: 1, max: 4}),
          s: fc.integer({min: 1, max: 2}),
          oH: fc.integer({min: 1, max: 5}),
          oW: fc.integer({min: 1, max: 5}),
          seed: fc.nat(1000),
        }),
        ({C, O, k, s, oH, oW, seed}) => {
          const H = (oH - 1) * s + k,
            W = (oW - 1) * s + k;
          const random = source(seed, 8);
          const draw = (n: number, zeros: number) => Float64Array.from({length: n}, () => (random() < zeros ? 0 : 4 * random() - 2));
          const x = draw(C * H * W, 0.3),
            w = draw(O * C * k * k, 0),
            d = draw(O * oH * oW, 0.5);
          const offsets = new Int32Array(C * k * k);
          for (let c = 0, n = 0; c < C; c++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++, n++) offsets[n] = c * H * W + i * W + j;
          // Sums that already hold something (a minibatch's earlier samples).
          const gW = draw(w.length, 0),
            gb = draw(O, 0);
          const expectedW = gW.slice(),
            expectedB = gb.slice(),
            expectedX = new Float64Array(x.length);
          for (let o = 0; o < O; o++)
            for (let y = 0; y < oH; y++)
              for (let xx = 0; xx < oW; xx++) {
                const dq = d[(o * oH + y) * oW + xx];
                expectedB[o] += dq;
                for (let c = 0; c < C; c++)
                  for (let i = 0; i < k; i++)
                    for (let j = 0; j < k; j++) {
                      const at = c * H * W + (y * s + i) * W + xx * s + j,
                        kw = ((o * C + c) * k + i) * k + j;
                      expectedW[kw] += dq * x[at];
                      expectedX[at] += w[kw] * dq;
                    }
              }
          convWeightGradient(gW, gb, d, x, offsets, C * k * k, O, oH, oW, s, W);
          const gx = new Float64Array(x.length).fill(7);
          convInputGradient(w, d, gx, offsets, C * k * k, O, oH, oW, s, W);
          expect(gW).toEqual(expectedW);
          expect(gb).toEqual(expectedB);
          expect(gx).toEqual(expectedX);
        },
      ),
      {numRuns: 100},
    );
  });

  it("pixelSum lists the receptive field's products in summation order and recomputes z bit for bit", () => {
    const network = new ConvNetwork({
      ...base,
      activation: "relu",
      input: [2, 5, 5],
      layers: [
        {type: "conv", channels: 3, kernel: 3, stride: 2, padding: 1},
        {type: "dense", units: 2},
      ],
      biasInit: 0.1,
    });
    const random = source(3, 1);
    const input = Array.from({length: 50}, () => random());
    const maps = network.featureMaps(input);
    for (let o = 0; o < 3; o++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++) {
          const sum = network.pixelSum(input, 0, o, y, x);
          expect(sum.z).toBe(maps[1].z![(o * 3 + y) * 3 + x]);
          expect(sum.a).toBe(maps[1].a[(o * 3 + y) * 3 + x]);
          expect(sum.terms).toHaveLength(18);
          expect(sum.field).toEqual({y0: 2 * y - 1, x0: 2 * x - 1, y1: 2 * y + 1, x1: 2 * x + 1});
        }
    const corner = network.pixelSum(input, 0, 1, 0, 0);
    expect(corner.terms.filter((t) => t.padding).length).toBe(2 * 5); // the top row and left column of each channel's window
    expect(corner.terms[4]).toMatchObject({c: 0, i: 1, j: 1, y: 0, x: 0, padding: false, input: input[0], weight: network.layers[0].weights[18 + 4]});
    expect(() => network.pixelSum(input, 1, 0, 0, 0)).toThrow("invalid layer: 1 (expected the index of a conv layer in config.layers)");
    expect(() => network.pixelSum(input, 0, 3, 0, 0)).toThrow("invalid pixel: channel 3, y 0, x 0 (layers[0] (conv) has a 3×3×3 output)");
  });

  it("feature maps: the input, then every layer's shape, z and output", () => {
    const network = new ConvNetwork({...base, activation: "relu", input: [1, 28, 28], layers: lenet});
    const maps = network.featureMaps(new Float64Array(784).fill(0.5));
    expect(maps.map((m) => [m.index, m.type, m.shape, m.a.length, m.z?.length ?? null])).toEqual([
      [-1, "input", [1, 28, 28], 784, null],
      [0, "conv", [8, 24, 24], 4608, 4608],
      [1, "maxpool", [8, 12, 12], 1152, null],
      [2, "conv", [16, 8, 8], 1024, 1024],
      [3, "maxpool", [16, 4, 4], 256, null],
      [4, "dense", [10, 1, 1], 10, 10],
    ]);
  });
});

const lenet: ConvLayerSpec[] = [
  {type: "conv", channels: 8, kernel: 5},
  {type: "maxpool", size: 2},
  {type: "conv", channels: 16, kernel: 5},
  {type: "maxpool", size: 2},
  {type: "dense", units: 10},
];

/** Samples of a config's input size, uniform in [−1, 1), labels 0 … classes − 1 in turn. */
function randomSamples(network: ConvNetwork, count: number, seed: number) {
  const random = source(seed, 5);
  const inputs = Array.from({length: count}, () => Array.from({length: network.inputSize}, () => 2 * random() - 1));
  return arraySamples(
    inputs,
    inputs.map((_, i) => i % network.outputSize),
  );
}

const worst = (checks: {maxRelativeError: number}[]) => Math.max(...checks.map((c) => c.maxRelativeError));

/** Smallest |z| of any hidden conv or dense unit, and smallest gap between a max-pool window's winner and runner-up (where the winner is > 0). */
function margins(network: ConvNetwork, inputs: ArrayLike<number>[]): number {
  let margin = Infinity;
  for (const input of inputs) {
    const maps = network.featureMaps(input);
    maps.forEach((m, s) => {
      if (m.z && m.index < network.config.layers.length - 1) for (const z of m.z) margin = Math.min(margin, Math.abs(z));
      const spec = network.config.layers[m.index];
      if (spec?.type !== "maxpool") return;
      const [C, H, W] = maps[s - 1].shape,
        below = maps[s - 1].a;
      const [, oH, oW] = m.shape;
      for (let c = 0; c < C; c++)
        for (let y = 0; y < oH; y++)
          for (let x = 0; x < oW; x++) {
            const window: number[] = [];
            for (let i = 0; i < spec.size; i++) for (let j = 0; j < spec.size; j++) window.push(below[c * H * W + (y * spec.stride + i) * W + x * spec.stride + j]);
            window.sort((a, b) => b - a);
            if (window[0] > 0) margin = Math.min(margin, window[0] - window[1]);
          }
    });
  }
  return margin;
}

describe("gradients against central differences (gradientCheck)", () => {
  const cases: [string, ConvNetworkConfig, ActivationName[], HeadName][] = [
    [
      "conv 3×3 pad 1 → max-pool 2 → conv 2×2 → avg-pool 2 → flatten → dense 5 → dense 3",
      {
        ...base,
        input: [2, 6, 6],
        layers: [
          {type: "conv", channels: 3, kernel: 3, padding: 1},
          {type: "maxpool", size: 2},
          {type: "conv", channels: 4, kernel: 2},
          {type: "avgpool", size: 2},
          {type: "flatten"},
          {type: "dense", units: 5},
          {type: "dense", units: 3},
        ],
      },
      ["tanh", "sigmoid", "identity"],
      "softmax-cross-entropy",
    ],
    [
      "conv 3×3 stride 2 pad 1 → overlapping avg-pool 2/1 → overlapping max-pool 3/1 → dense 3 (sigmoid-mse)",
      {
        ...base,
        input: [1, 7, 7],
        layers: [
          {type: "conv", channels: 2, kernel: [3, 3], stride: 2, padding: 1},
          {type: "avgpool", size: 2, stride: 1},
          {type: "maxpool", size: 3, stride: 1},
          {type: "dense", units: 3},
        ],
      },
      ["tanh", "leaky-relu"],
      "sigmoid-mse",
    ],
  ];
  for (const [name, config, activations, headName] of cases) {
    for (const act of activations) {
      // Sigmoid's slopes (≤ ¼ per layer) leave some second-conv gradients near 5e-8, where ε = 1e-5's
      // rounding noise (~2e-11 absolute) is a 3e-4 relative error: ε = 1e-4 for it, as in gradcheck.test.ts.
      const epsilon = act === "sigmoid" ? 1e-4 : 1e-5;
      it(`${name}, ${act}: max relative error < 1e-5 (floor 1e-6, ε ${epsilon}) for every kernel weight and bias`, () => {
        for (const seed of [1, 2]) {
          const network = new ConvNetwork({...config, activation: act, head: headName, init: "xavier-normal", biasInit: 0.05, seed});
          const samples = randomSamples(network, 3, seed);
          const checks = gradientCheck(network, samples, {epsilon, floor: 1e-6});
          expect(checks.map((c) => c.checked)).toEqual(network.layers.map((l) => l.weights.length + l.biases.length));
          expect(worst(checks), `seed ${seed}`).toBeLessThan(1e-5);
        }
      });
    }
  }

  it("ReLU conv nets away from kinks (property, fast-check): every gradient within 1e-5 relative error (floor 1e-6)", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.constantFrom(0, 1), fc.integer({min: 1, max: 2}), (seed, padding, stride) => {
        const config: ConvNetworkConfig = {
          ...base,
          activation: "relu",
          init: "he-normal",
          biasInit: 0.01,
          seed,
          input: [1, 7, 7],
          layers: [
            {type: "conv", channels: 3, kernel: 3, padding, stride},
            {type: "maxpool", size: stride === 1 ? (padding ? 7 : 5) : padding ? 2 : 3, stride: 1},
            {type: "dense", units: 4},
            {type: "dense", units: 3},
          ],
        };
        let network: ConvNetwork;
        try {
          network = new ConvNetwork(config);
        } catch {
          return fc.pre(false);
        }
        const samples = randomSamples(network, 2, seed);
        const inputs = [0, 1].map((i) => {
          const x = new Float64Array(network.inputSize);
          samples.input(i, x);
          return x;
        });
        // Kinks: a ReLU with |z| near 0 or a max-pool near a tie would make the central difference straddle a corner.
        fc.pre(margins(network, inputs) > 1e-3);
        expect(worst(gradientCheck(network, samples, {epsilon: 1e-5, floor: 1e-6}))).toBeLessThan(1e-5);
      }),
      {numRuns: 40},
    );
  });
});

describe("shapes that do not fit are refused when the network is built, naming the layer", () => {
  const build =
    (layers: ConvLayerSpec[], input: [number, number, number] = [1, 28, 28]) =>
    () =>
      new ConvNetwork({...base, input, layers});
  it("kernel larger than its input, stride or pool that does not tile the map, bad fields", () => {
    expect(
      build([
        {type: "conv", channels: 4, kernel: 5},
        {type: "maxpool", size: 2},
        {type: "conv", channels: 8, kernel: 13},
        {type: "dense", units: 10},
      ]),
    ).toThrow(new RangeError("invalid layers[2] (conv): kernel 13×13 is larger than its input 4×12×12"));
    expect(
      build([
        {type: "conv", channels: 4, kernel: 5},
        {type: "maxpool", size: 5},
        {type: "dense", units: 10},
      ]),
    ).toThrow(new RangeError("invalid layers[1] (maxpool): window 5 with stride 5 does not tile its input 4×24×24 ((24 − 5) and (24 − 5) must be multiples of 5)"));
    expect(
      build([
        {type: "conv", channels: 4, kernel: 4, stride: 5},
        {type: "dense", units: 10},
      ]),
    ).toThrow(new RangeError("invalid layers[0] (conv): stride 5 does not tile its input 1×28×28 with a 4×4 kernel ((28 − 4) and (28 − 4) must be multiples of 5)"));
    expect(
      build([
        {type: "maxpool", size: 30},
        {type: "dense", units: 10},
      ]),
    ).toThrow("invalid layers[0] (maxpool): window 30×30 is larger than its input 1×28×28");
    expect(
      build([
        {type: "conv", channels: 4, kernel: 3, padding: 3},
        {type: "dense", units: 10},
      ]),
    ).toThrow("invalid layers[0] (conv): padding 3 with a 3×3 kernel");
    expect(
      build([
        {type: "conv", channels: 0, kernel: 3},
        {type: "dense", units: 10},
      ]),
    ).toThrow("invalid layers[0] (conv): channels 0 (expected an integer ≥ 1)");
    expect(
      build([
        {type: "dense", units: 10},
        {type: "conv", channels: 2, kernel: 1},
        {type: "dense", units: 10},
      ]),
    ).toThrow("invalid layers[1] (conv): its input is the flat vector of 10 units");
    expect(build([{type: "conv", channels: 2, kernel: 3}])).toThrow("invalid layers[0] (conv): the last layer must be dense");
    expect(build([{type: "pool", size: 2} as unknown as ConvLayerSpec, {type: "dense", units: 10}])).toThrow("invalid layers[0] (pool): unknown layer type");
    expect(build([{type: "dense", units: 10}], [1, 28, 0] as unknown as [number, number, number])).toThrow("invalid input: [1,28,0]");
  });

  it("given kernels whose channels do not match the map below", () => {
    const config: ConvNetworkConfig = {...base, input: [1, 28, 28], layers: lenet};
    const layers = new ConvNetwork(config).layers.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights, biases}));
    expect(() => new ConvNetwork(config, layers.slice(0, 2))).toThrow("invalid layers: layers[4] (dense) has no parameters (got 2 parameter layers)");
    expect(() => new ConvNetwork(config, [...layers, layers[2]])).toThrow("invalid layers: expected 3 parameter layers (conv and dense), got 4");
    layers[1] = {fanIn: 6 * 25, fanOut: 16, weights: new Float64Array(16 * 150), biases: new Float64Array(16)};
    expect(() => new ConvNetwork(config, layers)).toThrow(new RangeError("invalid layers[2] (conv): kernels 16×6×5×5, expected 16×8×5×5 (8 input channels)"));
  });
});

describe("files and fingerprints", () => {
  it("a conv net round-trips through JSON with its fingerprint; dense files are untouched", () => {
    const network = new ConvNetwork({...base, activation: "relu", input: [1, 28, 28], layers: lenet, seed: 4});
    const file = toJSON(network, {note: "test"});
    expect(file.format).toBe("digit-workbook/conv-network");
    expect(file.layers.map((l) => [l.type, l.shape])).toEqual([
      ["conv", [8, 1, 5, 5]],
      ["conv", [16, 8, 5, 5]],
      ["dense", [10, 256]],
    ]);
    expect(file.fingerprint).toBe(fingerprint(network.layers));
    const back = convFromJSON(JSON.stringify(file));
    expect(fingerprint(back.layers)).toBe(file.fingerprint);
    expect(back.config).toEqual(network.config);
    const input = Array.from({length: 784}, (_, i) => (i % 7) / 7);
    expect(back.forward(input)).toEqual(network.forward(input));
    // Damage and misuse are named.
    const edited = structuredClone(file);
    edited.layers[0].weights[3] += 1e-9;
    expect(() => convFromJSON(edited)).toThrow(/^fingerprint: file says/);
    expect(() => fromJSON(file)).toThrow(new NetworkFileError('format: "digit-workbook/conv-network" is a convolutional network: read it with convFromJSON'));
    const reshaped = structuredClone(file);
    reshaped.config.layers[2] = {type: "conv", channels: 12, kernel: [5, 5], stride: 1, padding: 0};
    expect(() => convFromJSON(reshaped)).toThrow("config: invalid layers[2] (conv): kernels 16×8×5×5, expected 12×8×5×5 (8 input channels)");
    expect(() => convFromJSON(toJSON(new Network({layers: [4, 3], ...base})))).toThrow('format: "digit-workbook/network", expected "digit-workbook/conv-network"');
  });

  it("a network of dense layers only is the fully-connected Network bit for bit: same initial weights, outputs, training", () => {
    const dense = new Network({...base, activation: "tanh", layers: [12, 6, 5, 3], seed: 9});
    const conv = new ConvNetwork({
      ...base,
      activation: "tanh",
      input: [3, 2, 2],
      layers: [
        {type: "dense", units: 6},
        {type: "dense", units: 5},
        {type: "dense", units: 3},
      ],
      seed: 9,
    });
    expect(fingerprint(conv.layers)).toBe(fingerprint(dense.layers));
    const random = source(2, 3);
    const inputs = Array.from({length: 20}, () => Array.from({length: 12}, () => random() * 2 - 1));
    const samples = arraySamples(
      inputs,
      inputs.map((_, i) => i % 3),
    );
    expect(conv.forward(inputs[0])).toEqual(dense.forward(inputs[0]));
    const options: TrainingOptions = {learningRate: 0.1, batchSize: 4, optimizer: "momentum", momentum: 0.9, nesterov: true, weightDecay: 0.01};
    new Trainer(dense, samples, options).run(25);
    new Trainer(conv, samples, options).run(25);
    expect(fingerprint(conv.layers)).toBe(fingerprint(dense.layers));
  });

  it("He / Xavier / LeCun see the convolution's fan-in C·kH·kW and fan-out outChannels·kH·kW", () => {
    const variance = (init: ConvNetworkConfig["init"]) => {
      const network = new ConvNetwork({
        ...base,
        init,
        input: [6, 12, 12],
        layers: [
          {type: "conv", channels: 32, kernel: 5},
          {type: "dense", units: 2},
        ],
        seed: 5,
      });
      const w = network.layers[0].weights;
      return w.reduce((s, v) => s + v * v, 0) / w.length;
    };
    // fan-in 6·25 = 150, fan-out 32·25 = 800; 4,800 draws: within 6 %.
    expect(variance("he-normal") / (2 / 150)).toBeCloseTo(1, 1);
    expect(variance("lecun-normal") / (1 / 150)).toBeCloseTo(1, 1);
    expect(variance("xavier-normal") / (2 / 950)).toBeCloseTo(1, 1);
  });
});

/** A little task on 1 × 8 × 8 maps: the class is the quadrant (of 4) holding a bright 3×3 blob. */
function blobs(count: number, seed: number) {
  const random = source(seed, 4);
  const inputs: Float64Array[] = [],
    labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 4;
    const x = Float64Array.from({length: 64}, () => 0.2 * random());
    const y0 = (label >> 1) * 4 + Math.floor(random() * 2),
      x0 = (label & 1) * 4 + Math.floor(random() * 2);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) x[(y0 + i) * 8 + x0 + j] += 0.8;
    inputs.push(x);
    labels.push(label);
  }
  return arraySamples(inputs, labels);
}

describe("training a conv net with every optimiser", () => {
  const config: ConvNetworkConfig = {
    ...base,
    activation: "relu",
    input: [1, 8, 8],
    layers: [
      {type: "conv", channels: 4, kernel: 3, padding: 1},
      {type: "maxpool", size: 2},
      {type: "conv", channels: 4, kernel: 3},
      {type: "avgpool", size: 2},
      {type: "dense", units: 4},
    ],
    seed: 3,
  };
  const train = blobs(200, 1),
    test = blobs(100, 2);
  const runs: [string, TrainingOptions][] = [
    ["sgd", {learningRate: 0.1, batchSize: 8}],
    ["momentum", {learningRate: 0.05, batchSize: 8, optimizer: "momentum", momentum: 0.9}],
    ["Nesterov + weight decay", {learningRate: 0.05, batchSize: 8, optimizer: "momentum", momentum: 0.9, nesterov: true, weightDecay: 1e-3}],
    ["adam", {learningRate: 0.01, batchSize: 8, optimizer: "adam"}],
    ["adamw + cosine schedule + warm-up", {learningRate: 0.01, batchSize: 8, optimizer: "adamw", weightDecay: 0.01, schedule: "cosine", warmup: 10, totalSteps: 250}],
    ["sgd, batch 1 (fused update) + step schedule", {learningRate: 0.02, batchSize: 1, schedule: "step", totalSteps: 2000}],
  ];
  for (const [name, options] of runs) {
    it(`${name}: learns the quadrant task (test accuracy ≥ 90 %), and the reference path gives the same bits`, () => {
      const network = new ConvNetwork(config);
      const before = evaluate(network, test);
      const trainer = new Trainer(network, train, options);
      trainer.run(options.batchSize === 1 ? 2000 : 250);
      expect(trainer.diverged).toBeNull();
      const after = evaluate(network, test);
      expect(after.loss).toBeLessThan(before.loss);
      expect(after.accuracy).toBeGreaterThanOrEqual(0.9);
      const reference = new ConvNetwork(config);
      new Trainer(reference, train, {...options, reference: true}).run(options.batchSize === 1 ? 2000 : 250);
      expect(fingerprint(reference.layers)).toBe(fingerprint(network.layers));
    });
  }

  it("one SGD update is θ − η·(mean gradient) on the kernels and biases", () => {
    const network = new ConvNetwork(config);
    const before = network.layers.map((l) => ({weights: l.weights.slice(), biases: l.biases.slice()}));
    const g = network.layers.map((l) => ({weights: new Float64Array(l.weights.length), biases: new Float64Array(l.biases.length)}));
    const x = new Float64Array(64);
    for (let i = 0; i < 4; i++) {
      train.input(i, x);
      network.forward(x);
      network.backward(train.labels[i], g);
    }
    new Trainer(network, train, {learningRate: 0.5, batchSize: 4, shuffle: false}).step();
    network.layers.forEach((l, k) => {
      expect(l.weights).toEqual(before[k].weights.map((w, i) => w + -0.5 * (1 / 4) * g[k].weights[i]));
      expect(l.biases).toEqual(before[k].biases.map((b, i) => b + -0.5 * (1 / 4) * g[k].biases[i]));
    });
  });

  it("dropout is refused by name (fully-connected networks only)", () => {
    expect(() => new Trainer(new ConvNetwork(config), train, {learningRate: 0.1, batchSize: 8, dropout: 0.2})).toThrow(
      new RangeError("invalid dropout: 0.2 (dropout is for fully-connected networks; a convolutional network trains with dropout 0)"),
    );
  });
});
