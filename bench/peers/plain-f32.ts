/**
 * Baseline: the textbook scalar implementation on Float32Array storage, one sample at a time,
 * no tricks (no unrolling, no skipping of zero deltas). Not a library; it shows what a
 * straightforward loop costs.
 */
import {argmax, CLASSES, fillInputs, INPUT_SIZE, runPeer, type PeerContext, type PeerModel} from "./driver.js";

class PlainMlp {
  readonly sizes: number[];
  readonly depth: number;
  /** W[l]: sizes[l+1] × sizes[l], row-major. */
  readonly W: Float32Array[];
  readonly b: Float32Array[];
  readonly gW: Float32Array[];
  readonly gb: Float32Array[];
  /** a[0] is the input, a[l] the activations of layer l (softmax probabilities at the top). */
  readonly a: Float32Array[];
  readonly delta: Float32Array[];

  constructor(init: PeerContext["init"]) {
    this.sizes = [init[0].fanIn, ...init.map((l) => l.fanOut)];
    this.depth = init.length;
    this.W = init.map((l) => Float32Array.from(l.weights));
    this.b = init.map((l) => Float32Array.from(l.biases));
    this.gW = this.W.map((w) => new Float32Array(w.length));
    this.gb = this.b.map((b) => new Float32Array(b.length));
    this.a = this.sizes.map((n) => new Float32Array(n));
    this.delta = this.sizes.map((n) => new Float32Array(n));
  }

  /** Forward pass from a[0]; returns the output probabilities. */
  forward(): Float32Array {
    const {W, b, a, sizes, depth} = this;
    for (let l = 0; l < depth; l++) {
      const nIn = sizes[l],
        nOut = sizes[l + 1],
        x = a[l],
        y = a[l + 1],
        w = W[l],
        bias = b[l];
      for (let j = 0; j < nOut; j++) {
        let s = bias[j];
        for (let i = 0; i < nIn; i++) s += w[j * nIn + i] * x[i];
        y[j] = l < depth - 1 ? Math.max(0, s) : s;
      }
    }
    const out = a[depth];
    let max = -Infinity,
      sum = 0;
    for (let k = 0; k < out.length; k++) max = Math.max(max, out[k]);
    for (let k = 0; k < out.length; k++) sum += out[k] = Math.exp(out[k] - max);
    for (let k = 0; k < out.length; k++) out[k] /= sum;
    return out;
  }

  /** Adds this sample's gradient (after forward) into gW, gb. */
  backward(label: number): void {
    const {W, gW, gb, a, delta, sizes, depth} = this;
    const top = delta[depth],
      out = a[depth];
    for (let k = 0; k < out.length; k++) top[k] = out[k] - (k === label ? 1 : 0);
    for (let l = depth - 1; l >= 0; l--) {
      const nIn = sizes[l],
        nOut = sizes[l + 1],
        x = a[l],
        d = delta[l + 1],
        w = W[l],
        g = gW[l];
      for (let j = 0; j < nOut; j++) {
        gb[l][j] += d[j];
        for (let i = 0; i < nIn; i++) g[j * nIn + i] += d[j] * x[i];
      }
      if (l > 0) {
        const below = delta[l];
        for (let i = 0; i < nIn; i++) {
          let s = 0;
          for (let j = 0; j < nOut; j++) s += w[j * nIn + i] * d[j];
          below[i] = x[i] > 0 ? s : 0;
        }
      }
    }
  }

  /** θ ← θ − η · (summed gradient) / B, then clears the gradient. */
  update(learningRate: number, batch: number): void {
    const k = learningRate / batch;
    for (let l = 0; l < this.depth; l++) {
      const w = this.W[l],
        g = this.gW[l],
        b = this.b[l],
        gb = this.gb[l];
      for (let i = 0; i < w.length; i++) {
        w[i] -= k * g[i];
        g[i] = 0;
      }
      for (let i = 0; i < b.length; i++) {
        b[i] -= k * gb[i];
        gb[i] = 0;
      }
    }
  }
}

function build({job, init, train}: PeerContext): PeerModel {
  const net = new PlainMlp(init);
  const batch = job.workload.batchSize ?? 1,
    learningRate = job.workload.learningRate ?? 0;
  const x = net.a[0];
  if (net.sizes[net.depth] !== CLASSES) throw new Error("plain-f32 expects 10 outputs");
  return {
    train(start, end) {
      const data = train!;
      for (let s = start; s < end; s += batch) {
        const b = Math.min(batch, end - s);
        for (let k = 0; k < b; k++) {
          fillInputs(data, s + k, 1, x);
          net.forward();
          net.backward(data.labels[data.order[s + k]]);
        }
        net.update(learningRate, b);
      }
    },
    predictOne(input) {
      x.set(input);
      return argmax(net.forward());
    },
    predictBatch(input, n, out) {
      for (let k = 0; k < n; k++) {
        x.set(input.subarray(k * INPUT_SIZE, (k + 1) * INPUT_SIZE));
        out[k] = argmax(net.forward());
      }
    },
    batchedMethod: "per-sample forward loop",
    trainMethod: `scalar loops, minibatch ${batch}, Float32Array`,
  };
}

runPeer(build);
