import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {activationNames, fingerprint, FORMAT, fromJSON, headNames, initNames, Network, NetworkFileError, toJSON, VERSION, type NetworkConfig, type NetworkFile} from "../../src/components/nn/index.js";
import {expectBitIdentical} from "./tolerance.js";

const config: NetworkConfig = {layers: [4, 3, 2], activation: "tanh", head: "sigmoid-mse", targets: {on: 0.9, off: 0.1}, init: "he-normal", seed: 17, biasInit: 0.05};
const roundTrip = (network: Network) => fromJSON(JSON.stringify(toJSON(network)));

function expectSameNetwork(a: Network, b: Network): void {
  expect(b.config).toEqual(a.config);
  expect(fingerprint(b.layers)).toBe(fingerprint(a.layers));
  a.layers.forEach((layer, l) => {
    expectBitIdentical(b.layers[l].weights, layer.weights, `layers[${l}].weights`);
    expectBitIdentical(b.layers[l].biases, layer.biases, `layers[${l}].biases`);
  });
}

describe("toJSON / fromJSON", () => {
  it("writes the documented file layout", () => {
    const net = new Network(config);
    const file = toJSON(net, {steps: 12});
    expect(file.format).toBe("digit-workbook/network");
    expect(FORMAT).toBe("digit-workbook/network");
    expect(file.version).toBe(1);
    expect(VERSION).toBe(1);
    expect(file.fingerprint).toBe(fingerprint(net.layers));
    expect(file.meta).toEqual({steps: 12});
    expect(file.layers.map((l) => [l.fanIn, l.fanOut, l.weights.length, l.biases.length])).toEqual([
      [4, 3, 12, 3],
      [3, 2, 6, 2],
    ]);
    expect(file.layers[0].weights).toEqual(Array.from(net.layers[0].weights));
    expect("meta" in toJSON(net)).toBe(false);
  });

  it("JSON text round trip gives bit-identical weights, the same config, fingerprint and outputs", () => {
    const net = new Network(config);
    const copy = roundTrip(net);
    expectSameNetwork(net, copy);
    const input = [0.3, -0.1, 0.7, 0.2];
    expectBitIdentical(copy.forward(input), net.forward(input).slice());
  });

  it("accepts the object as well as its JSON text", () => {
    const net = new Network(config);
    expectSameNetwork(net, fromJSON(toJSON(net)));
  });

  it("round-trips a trained-looking network whose weights need all 17 significant digits", () => {
    const net = new Network({...config, layers: [3, 2]});
    net.layers[0].weights.set([0.1 + 0.2, 1 / 3, 5e-324, -1.7976931348623157e308, 2 ** -1074 * 3, Math.PI]);
    expectSameNetwork(net, roundTrip(net));
  });

  it("property: round trip preserves fingerprint and outputs for arbitrary small networks and finite weights (±0 excluded, see below)", () => {
    const finite = fc.double({noNaN: true, noDefaultInfinity: true}).filter((v) => !Object.is(v, -0));
    fc.assert(
      fc.property(
        fc.array(fc.integer({min: 1, max: 4}), {minLength: 2, maxLength: 4}),
        fc.constantFrom(...activationNames),
        fc.constantFrom(...headNames),
        fc.constantFrom(...initNames),
        fc.integer({min: 0, max: 2 ** 32 - 1}),
        fc.array(finite, {minLength: 64, maxLength: 64}),
        fc.boolean(),
        (layers, act, headName, init, seed, values, overwrite) => {
          const net = new Network({layers, activation: act, head: headName, init, seed});
          if (overwrite) {
            let k = 0;
            for (const {weights, biases} of net.layers) {
              for (let i = 0; i < weights.length; i++) weights[i] = values[k++ % 64];
              for (let i = 0; i < biases.length; i++) biases[i] = values[k++ % 64];
            }
          }
          const copy = roundTrip(net);
          expectSameNetwork(net, copy);
          const input = Array.from({length: layers[0]}, (_, i) => i - 1.5);
          expectBitIdentical(copy.forward(input), net.forward(input).slice());
        },
      ),
      {numRuns: 200},
    );
  });

  // JSON writes −0 as 0; the fingerprint hashes −0 as +0 so a network with a −0 parameter still
  // reloads (as +0, which behaves the same in every pass).
  it("round-trips a network with a −0 bias (biasInit: −0) to +0 with the same fingerprint and outputs", () => {
    const net = new Network({...config, biasInit: -0});
    expect(Object.is(net.layers[0].biases[0], -0)).toBe(true);
    const back = roundTrip(net);
    expect(fingerprint(back.layers)).toBe(fingerprint(net.layers));
    expect(Object.is(back.layers[0].biases[0], 0)).toBe(true);
    const x = [0.1, -0.2, 0.3, 0.4];
    expectBitIdentical(back.forward(x).slice(), net.forward(x).slice(), "outputs");
  });
});

describe("fromJSON errors", () => {
  const good = () => JSON.parse(JSON.stringify(toJSON(new Network(config)))) as NetworkFile & Record<string, unknown>;
  const rejects = (input: unknown, message: RegExp) => {
    expect(() => fromJSON(input)).toThrow(NetworkFileError);
    expect(() => fromJSON(input)).toThrow(message);
  };

  it("NetworkFileError is an Error named NetworkFileError", () => {
    try {
      fromJSON("{");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("NetworkFileError");
    }
  });

  it.each(["{", "", "not json", '{"format": '])("not JSON: %j", (text) => rejects(text, /^not JSON/));

  it.each([["42"], ["null"], ['"a string"'], [42], [null]])("not an object: %j", (input) => rejects(input, /expected an object/));

  it("wrong format", () => {
    rejects({...good(), format: "something-else"}, /format: "something-else", expected "digit-workbook\/network"/);
    const {format: _, ...noFormat} = good();
    rejects(noFormat, /format: undefined/);
  });

  it.each([2, 0, "1", null])("wrong version %j", (version) => rejects({...good(), version}, new RegExp(`version: ${JSON.stringify(version)}, this workbook reads version 1`)));

  it("missing config or config.layers", () => {
    const {config: _, ...noConfig} = good();
    rejects(noConfig, /config: missing/);
    const f = good();
    rejects({...f, config: {...f.config, layers: undefined}}, /config\.layers: missing/);
  });

  it("a config the network rejects (unknown activation) is reported as a config problem", () => {
    const f = good();
    rejects({...f, config: {...f.config, activation: "softplus"}}, /config: invalid activation: "softplus"/);
    rejects({...f, config: {...f.config, seed: 0.5}}, /config: invalid seed/);
  });

  it("wrong number of layers", () => {
    const f = good();
    rejects({...f, layers: f.layers.slice(0, 1)}, /layers: expected 2 layers for sizes \[4,3,2\]/);
    rejects({...f, layers: "nope"}, /layers: expected 2 layers/);
  });

  it("wrong shape: a layer's fanIn/fanOut disagree with the config", () => {
    const f = good();
    f.layers[1].fanIn = 4;
    rejects(f, /layers\[1\]: shape 2×4, config says 2×3/);
    const g = good();
    (g.layers as unknown[])[0] = null;
    rejects(g, /layers\[0\]: shape undefined×undefined, config says 3×4/);
  });

  it("wrong shape: too few or too many weights or biases", () => {
    const f = good();
    f.layers[0].weights.pop();
    rejects(f, /layers\[0\]\.weights: 11 values, expected 12/);
    const g = good();
    g.layers[1].biases.push(0);
    rejects(g, /layers\[1\]\.biases: 3 values, expected 2/);
    const h = good();
    (h.layers[0] as Record<string, unknown>).biases = {0: 1};
    rejects(h, /layers\[0\]\.biases: expected an array of numbers/);
  });

  it.each([
    ["0.5", '"0.5"'],
    [null, "null"],
    [true, "true"],
    [{}, "{}"],
  ])("non-finite weight %j", (value, shown) => {
    const f = good();
    (f.layers[1].weights as unknown[])[4] = value;
    rejects(f, new RegExp(`layers\\[1\\]\\.weights\\[4\\]: ${shown.replace(/[{}.]/g, "\\$&")} is not a finite number`));
  });

  it("non-finite values given as an object (NaN, Infinity) are rejected too", () => {
    const f = good();
    f.layers[0].biases[2] = Infinity;
    rejects(f, /layers\[0\]\.biases\[2\]: .* is not a finite number/);
    const g = good();
    g.layers[0].weights[0] = NaN;
    rejects(g, /layers\[0\]\.weights\[0\]: .* is not a finite number/);
  });

  it("tampered weight: a value changed after saving gives a fingerprint mismatch naming both hashes", () => {
    const f = good();
    f.layers[0].weights[3] += 1e-9;
    rejects(f, new RegExp(`fingerprint: file says "${f.fingerprint}", its weights hash to "[0-9a-f]{12}"`));
    const g = good();
    [g.layers[1].biases[0], g.layers[1].biases[1]] = [g.layers[1].biases[1] + 1, g.layers[1].biases[0]];
    rejects(g, /fingerprint: file says/);
  });

  it("missing or wrong fingerprint", () => {
    const {fingerprint: _, ...noPrint} = good();
    rejects(noPrint, /fingerprint: file says undefined/);
    rejects({...good(), fingerprint: "000000000000"}, /fingerprint: file says "000000000000"/);
  });
});
