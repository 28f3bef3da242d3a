// Node ≡ worker thread: a conv net trained in a worker_threads Worker (the module bundled by esbuild,
// as the sweep CLI bundles its worker) ends with the same fingerprint as the same run in this thread.
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {Worker} from "node:worker_threads";
import {build} from "esbuild";
import {describe, expect, it} from "vitest";
import {arraySamples, ConvNetwork, fingerprint, source, Trainer, type ConvNetworkConfig, type TrainingOptions} from "../../src/components/nn/index.js";

const config: ConvNetworkConfig = {
  input: [1, 12, 12],
  layers: [
    {type: "conv", channels: 4, kernel: 3, padding: 1},
    {type: "maxpool", size: 2},
    {type: "conv", channels: 6, kernel: 4, stride: 2, padding: 1},
    {type: "avgpool", size: 3},
    {type: "dense", units: 5},
  ],
  activation: "relu",
  head: "softmax-cross-entropy",
  init: "he-normal",
  seed: 11,
};
const options: TrainingOptions = {learningRate: 0.003, batchSize: 8, optimizer: "adam", schedule: "cosine", totalSteps: 60};

/** The same run wherever it executes: 80 seeded inputs, 60 Adam updates; returns the fingerprint. */
function run(nn: typeof import("../../src/components/nn/index.js"), c: ConvNetworkConfig, o: TrainingOptions): string {
  const random = nn.source(5, 6);
  const inputs = Array.from({length: 80}, () => Array.from({length: 144}, () => random()));
  const network = new nn.ConvNetwork(c);
  new nn.Trainer(
    network,
    nn.arraySamples(
      inputs,
      inputs.map((_, i) => i % 5),
    ),
    o,
  ).run(60);
  return nn.fingerprint(network.layers);
}

describe("a conv run in a worker thread", () => {
  it("gives the same fingerprint as in this thread", async () => {
    const here = run({arraySamples, ConvNetwork, fingerprint, source, Trainer} as typeof import("../../src/components/nn/index.js"), config, options);
    const dir = mkdtempSync(join(tmpdir(), "conv-worker-"));
    try {
      const outfile = join(dir, "worker.mjs");
      const nnIndex = fileURLToPath(new URL("../../src/components/nn/index.ts", import.meta.url));
      await build({
        stdin: {
          contents: `import * as nn from ${JSON.stringify(nnIndex)};
import {parentPort, workerData} from "node:worker_threads";
const run = ${run.toString()};
parentPort.postMessage(run(nn, workerData.config, workerData.options));`,
          loader: "ts",
          resolveDir: dir,
        },
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        outfile,
        logLevel: "silent",
      });
      const there = await new Promise<string>((resolve, reject) => {
        const worker = new Worker(outfile, {workerData: {config, options}});
        worker.once("message", (m: string) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once("error", reject);
      });
      expect(there).toMatch(/^[0-9a-f]{12}$/);
      expect(there).toBe(here);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
