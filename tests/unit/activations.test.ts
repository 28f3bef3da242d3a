import {describe, expect, it} from "vitest";
import {activation, activationNames, activations, LEAKY_SLOPE} from "../../src/components/nn/index.js";
import {expectClose} from "./tolerance.js";

describe("activations.f", () => {
  it("gives the textbook values at points whose value is known in closed form", () => {
    // σ(ln 3) = 1/(1 + 1/3) = 3/4; tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 3/5.
    expectClose(activations.sigmoid.f(0), 0.5);
    expectClose(activations.sigmoid.f(Math.log(3)), 0.75);
    expectClose(activations.sigmoid.f(-Math.log(3)), 0.25);
    expectClose(activations.tanh.f(Math.log(2)), 0.6);
    expectClose(activations.tanh.f(-Math.log(2)), -0.6);
    expect(activations.relu.f(3)).toBe(3);
    expect(activations.relu.f(-2)).toBe(0);
    expect(activations["leaky-relu"].f(3)).toBe(3);
    expectClose(activations["leaky-relu"].f(-2), -0.02);
    expect(activations.identity.f(-7.25)).toBe(-7.25);
  });

  it("keeps sigmoid in [0, 1] and tanh in [−1, 1] at extreme inputs, without NaN", () => {
    for (const z of [-1e4, -745, -50, 50, 745, 1e4]) {
      const s = activations.sigmoid.f(z),
        t = activations.tanh.f(z);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(Math.abs(t)).toBeLessThanOrEqual(1);
    }
  });

  it("uses Maas et al.'s leaky slope 0.01", () => {
    expect(LEAKY_SLOPE).toBe(0.01);
  });
});

describe("activations.df", () => {
  const grid = [-3, -1.2, -0.4, -0.05, 0.05, 0.3, 0.9, 2.5];
  for (const name of activationNames) {
    it(`${name}: df(z, f(z)) equals the central difference (f(z+h) − f(z−h))/2h away from kinks`, () => {
      const {f, df} = activation(name);
      const h = 1e-6;
      for (const z of grid) {
        const numeric = (f(z + h) - f(z - h)) / (2 * h);
        expectClose(df(z, f(z)), numeric, {abs: 1e-8, rel: 1e-7}, `${name}'(${z})`);
      }
    });
  }

  it("gives the closed-form slopes: σ'(0) = 1/4, tanh'(0) = 1, ReLU 0/1, leaky 0.01/1, identity 1", () => {
    expectClose(activations.sigmoid.df(0, 0.5), 0.25);
    expectClose(activations.tanh.df(0, 0), 1);
    expect(activation("relu").df(-1, 0)).toBe(0);
    expect(activation("relu").df(2, 2)).toBe(1);
    expect(activation("leaky-relu").df(-1, -0.01)).toBe(0.01);
    expect(activation("leaky-relu").df(2, 2)).toBe(1);
    expect(activation("identity").df(123, 123)).toBe(1);
  });
});

describe("activation", () => {
  it("lists exactly the five documented activations", () => {
    expect([...activationNames].sort()).toEqual(["identity", "leaky-relu", "relu", "sigmoid", "tanh"]);
  });

  it("returns the named activation", () => {
    for (const name of activationNames) expect(activation(name)).toBe(activations[name]);
  });

  it.each(["softplus", "Sigmoid", "", "toString", "__proto__", "constructor"])("throws RangeError naming the bad value %j", (name) => {
    expect(() => activation(name)).toThrow(RangeError);
    expect(() => activation(name)).toThrow(/activation/);
    expect(() => activation(name)).toThrow(JSON.stringify(name));
  });
});
