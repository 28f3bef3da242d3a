import {describe, expect, it} from "vitest";
import {fineTune, imageDigit, mixedSamples, myDigitsText, personalAccuracy, readMyDigits, toBytes, MyDigitsError, type MyDigit} from "../../src/components/experiments/my-digits.js";
import {arraySamples, Network} from "../../src/components/nn/index.js";

/** RGBA bytes of a w × h image: `ink` pixels (x, y) → dark on white, or light on black when `dark`. */
function image(w: number, h: number, ink: (x: number, y: number) => boolean, dark = false): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const on = ink(x, y);
      const v = dark ? (on ? 255 : 0) : on ? 0 : 255;
      out.set([v, v, v, 255], 4 * (y * w + x));
    }
  return out;
}
const bar = (w: number, h: number) => (x: number, y: number) => x >= w * 0.45 && x < w * 0.55 && y >= h * 0.2 && y < h * 0.8;

describe("image files prepared the MNIST way", () => {
  it("inverts dark ink on a light ground and gives the same digit as light ink on a dark ground", () => {
    const a = imageDigit(image(60, 60, bar(60, 60)), 60, 60);
    const b = imageDigit(image(60, 60, bar(60, 60), true), 60, 60);
    expect(a.inverted).toBe(true);
    expect(b.inverted).toBe(false);
    expect(a.empty).toBe(false);
    expect(Math.max(...a.pixels.map((v, i) => Math.abs(v - b.pixels[i])))).toBeLessThan(1e-12);
    // The stroke is scaled into the 20-pixel box: 20 rows of ink, centred.
    const rows = Array.from({length: 28}, (_, y) => a.pixels.slice(y * 28, y * 28 + 28).some((v) => v > 0.5));
    expect(rows.filter(Boolean).length).toBe(20);
  });

  it("reads any size and aspect (padded to a square first); a blank image has no ink; a size that does not match its bytes is refused", () => {
    const tall = imageDigit(image(40, 200, bar(40, 200)), 40, 200);
    expect(tall.empty).toBe(false);
    expect(
      imageDigit(
        image(50, 50, () => false),
        50,
        50,
      ).empty,
    ).toBe(true);
    expect(() => imageDigit(new Uint8ClampedArray(10), 3, 3)).toThrow(/invalid image: 10 bytes for 3 × 3 pixels \(expected 36\)/);
  });
});

describe("the personal set", () => {
  const digit = (label: number, fill: number, id = `d${label}`): MyDigit => ({
    id,
    label,
    pixels: toBytes(Float64Array.from({length: 784}, (_, i) => (i % 10 === label ? fill : 0))),
    source: "drawing",
    added: "2026-11-30T00:00:00.000Z",
  });

  it("round-trips through its file", () => {
    const set = [digit(3, 1), digit(7, 0.5)];
    expect(readMyDigits(myDigitsText(set), "mine.json")).toEqual(set);
  });

  it.each([
    ["{", /^x.json: not JSON/],
    [JSON.stringify({format: "digit-workbook/network", version: 1}), /^x.json: not a personal digit set \(format "digit-workbook\/network", expected "digit-workbook\/my-digits"\)$/],
    [JSON.stringify({format: "digit-workbook/my-digits", version: 2, digits: []}), /^x.json: version 2 of the personal digit set; this page reads version 1$/],
    [JSON.stringify({format: "digit-workbook/my-digits", version: 1, digits: [{label: 12, pixels: []}]}), /^x.json: digits\[0\]: label 12 is not a digit 0–9$/],
    [JSON.stringify({format: "digit-workbook/my-digits", version: 1, digits: [{label: 1, pixels: [1, 2]}]}), /^x.json: digits\[0\]: pixels must be 784 whole numbers from 0 to 255$/],
  ])("refuses %s by name", (text, message) => {
    expect(() => readMyDigits(text, "x.json")).toThrow(MyDigitsError);
    expect(() => readMyDigits(text, "x.json")).toThrow(message);
  });

  it("scores per class, and a fine-tuned copy learns the set while the original stays as it was", () => {
    const net = new Network({layers: [784, 8, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 3});
    const before = net.layers[0].weights.slice();
    const set = [digit(2, 1, "a"), digit(5, 1, "b"), digit(8, 1, "c")];
    const scores = personalAccuracy(net, set);
    expect(scores.count.reduce((a, b) => a + b)).toBe(3);
    expect(scores.count[2]).toBe(1);
    const mnist = arraySamples(
      Array.from({length: 50}, (_, i) => Float64Array.from({length: 784}, (_, j) => (j % 10 === i % 10 ? 1 : 0))),
      Array.from({length: 50}, (_, i) => i % 10),
    );
    expect(mixedSamples(mnist, set, {mnistCount: 20, repeats: 4}).count).toBe(32);
    const tuned = fineTune(net, mnist, mnist, set, {learningRate: 0.1, batchSize: 8}, {updates: 200});
    expect(tuned.after.personal).toBe(1);
    expect(tuned.updates).toBe(200);
    expect(Array.from(net.layers[0].weights)).toEqual(Array.from(before));
    expect(() => fineTune(net, mnist, mnist, [], {learningRate: 0.1, batchSize: 8})).toThrow(/no digits/);
  });
});
