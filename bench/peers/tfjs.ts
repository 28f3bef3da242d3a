/**
 * TensorFlow.js 4.22 (@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm), backend "cpu" or "wasm"
 * (from the job's lib id). The model is written with core ops (what tf.layers.dense computes,
 * without the Layers API's per-call overhead): variables W [in, out] and b [out],
 * relu(x·W + b) per hidden layer, tf.losses.softmaxCrossEntropy (mean over the batch) and
 * tf.train.sgd.
 *
 * wasm: SIMD build, no threads (setThreadsCount(1), multithreading flag off), .wasm files read
 * from bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/ by path.
 */
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {CLASSES, fillInputs, INPUT_SIZE, runPeer, type PeerContext, type PeerModel} from "./driver.js";

const require = createRequire(import.meta.url);
type TF = typeof import("@tensorflow/tfjs");
type Tensor2D = import("@tensorflow/tfjs").Tensor2D;

async function setUpBackend(tf: TF, backend: "cpu" | "wasm"): Promise<string[]> {
  if (backend === "wasm") {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    wasm.setThreadsCount(1);
    wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  if (backend !== "wasm") return [];
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return [`wasm: SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : "off"}`];
}

async function build({job, init, train}: PeerContext): Promise<PeerModel> {
  const backend = job.lib === "tfjs-wasm" ? "wasm" : "cpu";
  const tf = require("@tensorflow/tfjs") as TF;
  const notes = await setUpBackend(tf, backend);
  const {batchSize = 1, learningRate = 0} = job.workload;

  // Stored weights are fanOut × fanIn row-major; a dense kernel is fanIn × fanOut.
  const W = init.map(({fanIn, fanOut, weights}) => {
    const t = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < fanOut; j++) for (let i = 0; i < fanIn; i++) t[i * fanOut + j] = weights[j * fanIn + i];
    return tf.variable(tf.tensor2d(t, [fanIn, fanOut]), true, undefined, "float32");
  });
  const b = init.map(({biases}) => tf.variable(tf.tensor1d(Float32Array.from(biases)), true, undefined, "float32"));
  const variables = [...W, ...b];
  const optimizer = tf.train.sgd(learningRate);

  const logits = (x: Tensor2D): Tensor2D => {
    let h = x;
    for (let l = 0; l < W.length; l++) {
      const z = tf.add(tf.matMul(h, W[l]), b[l]) as Tensor2D;
      h = l < W.length - 1 ? tf.relu(z) : z;
    }
    return h;
  };
  const classes = (x: Tensor2D): Int32Array => {
    const k = tf.tidy(() => tf.argMax(logits(x), 1));
    const values = k.dataSync() as Int32Array;
    k.dispose();
    return values;
  };

  return {
    train(start, end) {
      const data = train!;
      for (let s = start; s < end; s += batchSize) {
        const n = Math.min(batchSize, end - s);
        const xs = new Float32Array(n * INPUT_SIZE),
          ys = new Float32Array(n * CLASSES);
        fillInputs(data, s, n, xs);
        for (let k = 0; k < n; k++) ys[k * CLASSES + data.labels[data.order[s + k]]] = 1;
        tf.tidy(() => {
          const x = tf.tensor2d(xs, [n, INPUT_SIZE]),
            y = tf.tensor2d(ys, [n, CLASSES]);
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)), false, variables);
        });
      }
    },
    predictOne(x) {
      const input = tf.tensor2d(x, [1, INPUT_SIZE]);
      const [k] = classes(input);
      input.dispose();
      return k;
    },
    predictBatch(x, n, out) {
      const input = tf.tensor2d(x, [n, INPUT_SIZE]);
      out.set(classes(input));
      input.dispose();
    },
    batchedMethod: `tf.matMul on batches of ${job.inferBatch}`,
    trainMethod: `optimizer.minimize, minibatch ${batchSize}, float32`,
    notes,
  };
}

runPeer(build);
