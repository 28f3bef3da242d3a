/**
 * TensorFlow.js 4.22 (@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm), backend "cpu" or "wasm"
 * (from the job's lib id). The model is written with core ops (what tf.layers.dense computes,
 * without the Layers API's per-call overhead): variables W [in, out] and b [out],
 * relu(x·W + b) per hidden layer, tf.losses.softmaxCrossEntropy (mean over the batch) and
 * tf.train.sgd.
 *
 * wasm: SIMD build, no threads (setThreadsCount(1), multithreading flag off), .wasm files read
 * from bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/ by path.
 *
 * A conv workload (W5) is written with tf.conv2d (NHWC, our kernels w[o][c][i][j] copied to the
 * filter [i][j][c][o]), bias, tf.relu, tf.maxPool / tf.avgPool, and the dense layer's kernel
 * permuted from our (C, H, W) flatten order to NHWC's (H, W, C), so the same weights compute the
 * same model. The wasm backend has no Conv2DBackpropFilter kernel, so there the conv layer carries
 * a custom gradient: ∂L/∂input by tf.conv2dTranspose (Conv2DBackpropInput) and ∂L/∂filter as the
 * valid cross-correlation of the input with ∂L/∂output, batch as the channel axis, by the
 * backend's own Conv2D kernel (the textbook identity; transposes around it).
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

type Tensor4D = import("@tensorflow/tfjs").Tensor4D;

/** W5: the conv workload's model, trained with tf.train.sgd on the mean cross-entropy. */
async function buildConv({job, init, train}: PeerContext, tf: TF, backend: "cpu" | "wasm", notes: string[]): Promise<PeerModel> {
  const {batchSize = 1, learningRate = 0, conv} = job.workload;
  const [C0, H0, W0] = conv!.input;
  const hasFilterGrad = tf.getKernel("Conv2DBackpropFilter", backend) !== undefined;
  if (!hasFilterGrad) notes.push(`${backend}: no Conv2DBackpropFilter kernel; the filter gradient runs as a Conv2D of the input with ∂L/∂output`);
  // conv2d with the gradient the backend can compute (stride 1, valid: the workloads' convs).
  const conv2d = hasFilterGrad
    ? (x: Tensor4D, f: Tensor4D) => tf.conv2d(x, f, 1, "valid")
    : (tf.customGrad(((x: Tensor4D, f: Tensor4D, save: (ts: Tensor4D[]) => void) => {
        save([x, f]);
        return {
          value: tf.conv2d(x, f, 1, "valid"),
          gradFunc: (dy: Tensor4D, [xs, fs]: Tensor4D[]) => {
            const dx = tf.conv2dTranspose(dy, fs, xs.shape as [number, number, number, number], 1, "valid");
            // dF[i][j][c][o] = Σ_n,y,x x[n][y + i][x + j][c] · dy[n][y][x][o]: x as [C, H, W, N] against dy as [oH, oW, N, O].
            const df = tf.transpose(tf.conv2d(tf.transpose(xs, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, "valid"), [1, 2, 0, 3]);
            return [dx, df];
          },
        };
      }) as unknown as Parameters<TF["customGrad"]>[0]) as unknown as (x: Tensor4D, f: Tensor4D) => Tensor4D);

  type Op =
    | {kind: "conv"; f: import("@tensorflow/tfjs").Variable; b: import("@tensorflow/tfjs").Variable; relu: boolean}
    | {kind: "maxpool" | "avgpool"; size: number}
    | {kind: "dense"; W: import("@tensorflow/tfjs").Variable; b: import("@tensorflow/tfjs").Variable; relu: boolean};
  const ops: Op[] = [];
  let [c, h, w] = [C0, H0, W0];
  let p = 0;
  const last = conv!.layers.length - 1;
  conv!.layers.forEach((layer, index) => {
    if (layer.type === "conv") {
      const {weights, biases} = init[p++];
      const k = layer.kernel,
        O = layer.channels;
      const t = new Float32Array(k * k * c * O);
      for (let o = 0; o < O; o++) for (let ci = 0; ci < c; ci++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) t[((i * k + j) * c + ci) * O + o] = weights[((o * c + ci) * k + i) * k + j];
      ops.push({kind: "conv", f: tf.variable(tf.tensor4d(t, [k, k, c, O])), b: tf.variable(tf.tensor1d(Float32Array.from(biases))), relu: index < last});
      [c, h, w] = [O, h - k + 1, w - k + 1];
    } else if (layer.type === "maxpool" || layer.type === "avgpool") {
      ops.push({kind: layer.type, size: layer.size});
      [h, w] = [h / layer.size, w / layer.size];
    } else if (layer.type === "dense") {
      const {fanIn, fanOut, weights, biases} = init[p++];
      // Our input index (ci·h + y)·w + x is NHWC's (y·w + x)·c + ci.
      const t = new Float32Array(fanIn * fanOut);
      for (let ci = 0; ci < c; ci++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const ours = (ci * h + y) * w + x,
              theirs = (y * w + x) * c + ci;
            for (let j = 0; j < fanOut; j++) t[theirs * fanOut + j] = weights[j * fanIn + ours];
          }
      ops.push({kind: "dense", W: tf.variable(tf.tensor2d(t, [fanIn, fanOut])), b: tf.variable(tf.tensor1d(Float32Array.from(biases))), relu: index < last});
      [c, h, w] = [fanOut, 1, 1];
    }
  });
  const variables = ops.flatMap((op) => (op.kind === "conv" ? [op.f, op.b] : op.kind === "dense" ? [op.W, op.b] : []));
  const optimizer = tf.train.sgd(learningRate);
  const logits = (x: Tensor2D): Tensor2D => {
    let a: Tensor4D | Tensor2D = tf.reshape(x, [x.shape[0], H0, W0, C0]) as Tensor4D;
    for (const op of ops) {
      if (op.kind === "conv") {
        const z = tf.add(conv2d(a as Tensor4D, op.f as unknown as Tensor4D), op.b) as Tensor4D;
        a = op.relu ? tf.relu(z) : z;
      } else if (op.kind !== "dense") {
        a = op.kind === "maxpool" ? tf.maxPool(a as Tensor4D, op.size, op.size, "valid") : tf.avgPool(a as Tensor4D, op.size, op.size, "valid");
      } else {
        const flat = a.rank === 2 ? (a as Tensor2D) : (tf.reshape(a, [a.shape[0], -1]) as Tensor2D);
        const z = tf.add(tf.matMul(flat, op.W as unknown as Tensor2D), op.b) as Tensor2D;
        a = op.relu ? tf.relu(z) : z;
      }
    }
    return a as Tensor2D;
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
    batchedMethod: `tf.conv2d model on batches of ${job.inferBatch}`,
    trainMethod: `optimizer.minimize, minibatch ${batchSize}, float32, NHWC`,
    notes,
  };
}

async function build(ctx: PeerContext): Promise<PeerModel> {
  const {job, init, train} = ctx;
  const backend = job.lib === "tfjs-wasm" ? "wasm" : "cpu";
  const tf = require("@tensorflow/tfjs") as TF;
  const notes = await setUpBackend(tf, backend);
  if (job.workload.conv) return buildConv(ctx, tf, backend, notes);
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
