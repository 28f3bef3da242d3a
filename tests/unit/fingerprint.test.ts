import {createHash} from "node:crypto";
import {describe, expect, it} from "vitest";
import {fingerprint, FINGERPRINT_LENGTH, Network, type Layer} from "../../src/components/nn/index.js";

/** Independent oracle: SHA-256 (node:crypto) of every layer's weights then biases as little-endian float64, −0 written as +0. */
function oracle(layers: Layer[]): string {
  const hash = createHash("sha256");
  for (const {weights, biases} of layers) {
    for (const array of [weights, biases]) {
      const bytes = new Uint8Array(array.length * 8);
      const view = new DataView(bytes.buffer);
      array.forEach((v, i) => view.setFloat64(8 * i, Object.is(v, -0) ? 0 : v, true));
      hash.update(bytes);
    }
  }
  return hash.digest("hex").slice(0, 12);
}

const layer = (fanIn: number, fanOut: number, w: number[], b: number[]): Layer => ({fanIn, fanOut, weights: Float64Array.from(w), biases: Float64Array.from(b)});

describe("fingerprint", () => {
  it("is the first 12 hex digits of SHA-256 over the little-endian float64 weights then biases, layer by layer", () => {
    const layers = [layer(2, 2, [1, -2, 0.5, 3e-300], [0, -0]), layer(2, 1, [Math.PI, -Math.E], [42])];
    expect(FINGERPRINT_LENGTH).toBe(12);
    expect(fingerprint(layers)).toMatch(/^[0-9a-f]{12}$/);
    expect(fingerprint(layers)).toBe(oracle(layers));
    const net = new Network({layers: [784, 16, 16, 10], activation: "sigmoid", head: "softmax-cross-entropy", init: "he-normal", seed: 2015});
    expect(fingerprint(net.layers)).toBe(oracle(net.layers));
  });

  it("matches SHA-256 of the empty input for no layers", () => {
    expect(fingerprint([])).toBe("e3b0c44298fc");
  });

  it("changes when one weight moves by one ulp, but not when +0 becomes −0 (JSON cannot keep −0)", () => {
    const a = [layer(2, 1, [0.1, 0.2], [0])];
    const b = [layer(2, 1, [0.1, 0.2 + 2 ** -55], [0])];
    const c = [layer(2, 1, [0.1, 0.2], [-0])];
    expect(b[0].weights[1]).not.toBe(a[0].weights[1]);
    expect(fingerprint(b)).not.toBe(fingerprint(a));
    expect(fingerprint(c)).toBe(fingerprint(a));
  });

  it("depends on the order of weights and biases", () => {
    expect(fingerprint([layer(1, 1, [1], [2])])).not.toBe(fingerprint([layer(1, 1, [2], [1])]));
  });

  it("hashes only the arrays' own bytes when they are views into a larger buffer", () => {
    const buffer = new Float64Array([9, 9, 1, 2, 3, 9, 9]);
    const view: Layer = {fanIn: 2, fanOut: 1, weights: buffer.subarray(2, 4), biases: buffer.subarray(4, 5)};
    expect(fingerprint([view])).toBe(fingerprint([layer(2, 1, [1, 2], [3])]));
  });
});
