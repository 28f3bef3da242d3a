import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {fingerprint, Network, source, Trainer, transposedProduct, type ActivationName, type Samples} from "../../src/components/nn/index.js";
import {firstLayerTraining, hiddenLayerTraining, networkKernel} from "../../src/components/nn/simd.js";
import {expectBitIdentical} from "./tolerance.js";

// Issue 19's kernels (nn/simd/kernel.as.ts and network.ts) are accelerators: each must give the
// reference path's numbers bit for bit, on any layer sizes (odd widths leave a padded SIMD lane,
// widths beyond 16 take several register blocks), with −0, exact zeros and dead units in the data.

/** A vector with about `density` of its entries non-zero; zeros are +0 or −0. */
const sparseVector = (random: () => number, n: number, density: number): number[] =>
  Array.from({length: n}, () => (random() < density ? (random() * 4 - 2) * (random() < 0.1 ? 1e-3 : 1) : random() < 0.5 ? -0 : 0));

const sizesArb = fc.tuple(fc.integer({min: 1, max: 50}), fc.array(fc.integer({min: 1, max: 40}), {minLength: 1, maxLength: 3}));

describe("networkKernel (WebAssembly SIMD, every layer)", () => {
  it("gives Network.forward's logits bit for bit and predict's class, on random sizes, activations and sparse f32 inputs", () => {
    fc.assert(
      fc.property(sizesArb, fc.constantFrom<ActivationName>("relu", "leaky-relu", "identity"), fc.integer({min: 0, max: 1e6}), ([n0, rest], act, seed) => {
        const sizes = [n0, ...rest];
        const net = new Network({layers: sizes, activation: act, head: "softmax-cross-entropy", init: "he-normal", seed, biasInit: 0.01});
        const kernel = networkKernel(sizes, act);
        expect(kernel, "Node 20 runs WebAssembly SIMD").not.toBeNull();
        kernel!.load(net.layers);
        const random = source(seed);
        const count = 7;
        const inputs = Float32Array.from(Array.from({length: count}, () => sparseVector(random, n0, random())).flat());
        for (let c = 0; c < count; c++) {
          const cls = kernel!.predictF32(inputs, c, 1)[0];
          net.forward(inputs.subarray(c * n0, (c + 1) * n0));
          expectBitIdentical(kernel!.logits, net.z[net.depth - 1], `sizes ${sizes}, input ${c}`);
          expect(cls).toBe(net.predict(inputs.subarray(c * n0, (c + 1) * n0)));
        }
        // All at once: the same classes.
        expect(Array.from(kernel!.predictF32(inputs, 0, count))).toEqual(Array.from({length: count}, (_, c) => net.predict(inputs.subarray(c * n0, (c + 1) * n0))));
      }),
      {numRuns: 60},
    );
  });

  it("is not offered for sigmoid and tanh (they need math.ts), and predictBatch still answers with the TypeScript path", () => {
    expect(networkKernel([4, 3, 2], "sigmoid")).toBeNull();
    expect(networkKernel([4, 3, 2], "tanh")).toBeNull();
    const net = new Network({layers: [5, 3, 2], activation: "tanh", head: "softmax-cross-entropy", init: "xavier-normal", seed: 2});
    const x = Float32Array.from({length: 15}, (_, k) => (k % 3) * 0.5);
    expect(Array.from(net.predictBatch(x, 3, new Uint8Array(3)))).toEqual([0, 1, 2].map((c) => net.predict(x.subarray(c * 5, c * 5 + 5))));
  });

  it("predictBatch with and without SIMD: the same classes over more than one chunk", () => {
    const net = new Network({layers: [30, 17, 9, 10], activation: "leaky-relu", head: "softmax-cross-entropy", init: "he-uniform", seed: 8});
    const random = source(12);
    const count = 600;
    const x = Float32Array.from({length: count * 30}, () => (random() < 0.4 ? random() : 0));
    expect(Array.from(net.predictBatch(x, count, new Uint16Array(count)))).toEqual(Array.from(net.predictBatch(x, count, new Uint16Array(count), {simd: false})));
  });
});

describe("firstLayerTraining (WebAssembly SIMD)", () => {
  it("adds each δ_j·x_i onto the buffer in sample order, as the per-sample loop does, bit for bit", () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 60}), fc.integer({min: 1, max: 40}), fc.integer({min: 1, max: 12}), fc.integer({min: 0, max: 1e6}), (fanIn, fanOut, B, seed) => {
        const random = source(seed);
        const kernel = firstLayerTraining(fanIn, fanOut, B)!;
        expect(kernel).not.toBeNull();
        // Two minibatches: the second starts from the first's sums (the trainer clears in between; the kernel must not assume it).
        const expected = new Float64Array(fanIn * fanOut);
        for (let round = 0; round < 2; round++) {
          const mark = new Uint8Array(fanIn),
            columns = new Int32Array(fanIn);
          let touched = 0;
          for (let b = 0; b < B; b++) {
            const x = sparseVector(random, fanIn, random());
            const delta = Float64Array.from(sparseVector(random, fanOut, 0.7));
            const index = new Int32Array(fanIn),
              value = new Float64Array(fanIn);
            let nnz = 0;
            x.forEach((v, i) => {
              if (v !== 0) {
                index[nnz] = i;
                value[nnz++] = v;
                if (!mark[i]) {
                  mark[i] = 1;
                  columns[touched++] = i;
                }
              }
            });
            kernel.add({index, value, nnz}, delta);
            // The reference: Network's sparseOuterAdd, row by row, silent units skipped.
            for (let j = 0; j < fanOut; j++) {
              if (delta[j] === 0) continue;
              for (let k = 0; k < nnz; k++) expected[j * fanIn + index[k]] += delta[j] * value[k];
            }
          }
          kernel.accumulate(columns, touched);
          expectBitIdentical(kernel.weights, expected, `fanIn ${fanIn}, fanOut ${fanOut}, B ${B}, round ${round}`);
        }
      }),
      {numRuns: 80},
    );
  });
});

describe("hiddenLayerTraining (WebAssembly SIMD)", () => {
  it("forward, Wᵀδ and the minibatch's weight gradient equal the TypeScript loops bit for bit", () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 30}), fc.integer({min: 1, max: 40}), fc.integer({min: 1, max: 10}), fc.integer({min: 0, max: 1e6}), (half, fanOut, B, seed) => {
        const fanIn = 2 * half;
        expect(hiddenLayerTraining(fanIn + 1, fanOut, B), "odd fan-in: no kernel").toBeNull();
        const random = source(seed);
        const kernel = hiddenLayerTraining(fanIn, fanOut, B)!;
        const layer = {fanIn, fanOut, weights: Float64Array.from({length: fanIn * fanOut}, () => random() * 2 - 1), biases: Float64Array.from({length: fanOut}, () => random() - 0.5)};
        const expected = new Float64Array(fanIn * fanOut);
        for (let round = 0; round < 2; round++) {
          kernel.load(layer);
          for (let b = 0; b < B; b++) {
            const a = Float64Array.from(sparseVector(random, fanIn, random()));
            const d = Float64Array.from(sparseVector(random, fanOut, random()));
            const z = new Float64Array(fanOut),
              zRef = new Float64Array(fanOut),
              below = new Float64Array(fanIn),
              belowRef = new Float64Array(fanIn);
            kernel.forward(a, z);
            for (let j = 0; j < fanOut; j++) {
              let s = 0;
              for (let i = 0; i < fanIn; i++) s += layer.weights[j * fanIn + i] * a[i];
              zRef[j] = layer.biases[j] + s;
            }
            expectBitIdentical(z, zRef, `z, sample ${b}`);
            kernel.backward(d, below);
            transposedProduct(layer.weights, d, belowRef, fanIn, fanOut, new Int32Array(fanOut));
            expectBitIdentical(below, belowRef, `Wᵀδ, sample ${b}`);
            for (let j = 0; j < fanOut; j++) if (d[j] !== 0) for (let i = 0; i < fanIn; i++) expected[j * fanIn + i] += d[j] * a[i];
          }
          kernel.accumulate();
          expectBitIdentical(kernel.weights, expected, `gradient, ${fanOut}×${fanIn}, B ${B}, round ${round}`);
          layer.weights[0] += 0.5;
        }
      }),
      {numRuns: 80},
    );
  });
});

describe("transposedProduct", () => {
  it("sums Wᵀd row after row from 0, silent rows skipped, bit for bit", () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 50}), fc.integer({min: 1, max: 50}), fc.integer({min: 0, max: 1e6}), (fanIn, fanOut, seed) => {
        const random = source(seed);
        const W = Float64Array.from({length: fanIn * fanOut}, () => random() * 2 - 1);
        const d = Float64Array.from(sparseVector(random, fanOut, random()));
        const below = new Float64Array(fanIn).fill(7),
          expected = new Float64Array(fanIn);
        transposedProduct(W, d, below, fanIn, fanOut, new Int32Array(fanOut));
        for (let j = 0; j < fanOut; j++) if (d[j] !== 0) for (let i = 0; i < fanIn; i++) expected[i] += W[j * fanIn + i] * d[j];
        expectBitIdentical(below, expected, `${fanOut}×${fanIn}`);
      }),
      {numRuns: 100},
    );
  });
});

describe("Trainer with the minibatch kernels", () => {
  it("the fast path equals the reference path bit for bit on random networks, batch sizes and optimisers", () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({min: 2, max: 40}),
        fc.constantFrom("sgd", "momentum", "adam"),
        fc.constantFrom<ActivationName>("relu", "leaky-relu", "tanh"),
        fc.integer({min: 0, max: 1e6}),
        ([n0, rest], batchSize, name, act, seed) => {
          const sizes = [n0, ...rest, 3];
          const random = source(seed);
          const count = 60;
          const rows = Array.from({length: count}, () => sparseVector(random, n0, 0.3));
          const labels = Array.from({length: count}, () => Math.floor(random() * 3));
          const dense: Samples = {count, inputSize: n0, labels, input: (i, out) => out.set(rows[i])};
          const sparse: Samples = {
            ...dense,
            sparse(i, into) {
              let nnz = 0;
              rows[i].forEach((v, k) => {
                if (v !== 0) {
                  into.index[nnz] = k;
                  into.value[nnz++] = v;
                }
              });
              into.nnz = nnz;
            },
          };
          const config = {layers: sizes, activation: act, head: "softmax-cross-entropy" as const, init: "he-normal" as const, seed};
          const a = new Network(config),
            b = new Network(config);
          const options = {
            learningRate: 0.05,
            batchSize,
            optimizer: name as "sgd" | "momentum" | "adam",
            momentum: name === "momentum" ? 0.9 : undefined,
            weightDecay: seed % 3 === 0 ? 0.01 : 0,
            dropout: seed % 4 === 1 ? 0.25 : 0,
          };
          new Trainer(a, sparse, options).run(12);
          new Trainer(b, dense, {...options, reference: true}).run(12);
          expect(fingerprint(a.layers)).toBe(fingerprint(b.layers));
        },
      ),
      {numRuns: 40},
    );
  });
});
