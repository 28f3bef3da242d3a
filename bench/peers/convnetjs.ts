/**
 * ConvNetJS 0.3.0: Net of input → fc+relu … → fc → softmax, Trainer with method "sgd",
 * momentum 0, no weight decay, batch_size B (it divides the summed gradient by B). Float64.
 * The library has no batched forward pass: batched inference loops net.forward.
 */
import {createRequire} from "node:module";
import {argmax, INPUT_SIZE, runPeer, type PeerContext, type PeerModel} from "./driver.js";

/** The parts of convnetjs's (untyped) API used here. */
interface Vol {
  w: Float64Array;
}
interface FcLayer {
  layer_type: string;
  filters: Vol[];
  biases: Vol;
}
interface Net {
  layers: FcLayer[];
  makeLayers(defs: object[]): void;
  forward(v: Vol, isTraining?: boolean): Vol;
}
interface ConvNetJS {
  Net: new () => Net;
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  Trainer: new (net: Net, options: object) => {train(x: Vol, y: number): unknown};
}

const convnetjs = createRequire(import.meta.url)("convnetjs") as ConvNetJS;

function build({job, init, train}: PeerContext): PeerModel {
  const {batchSize = 1, learningRate = 0} = job.workload;
  const net = new convnetjs.Net();
  net.makeLayers([
    {type: "input", out_sx: 1, out_sy: 1, out_depth: init[0].fanIn},
    ...init.slice(0, -1).map(({fanOut}) => ({type: "fc", num_neurons: fanOut, activation: "relu"})),
    {type: "softmax", num_classes: init[init.length - 1].fanOut},
  ]);
  const fc = net.layers.filter((l) => l.layer_type === "fc");
  if (fc.length !== init.length) throw new Error(`convnetjs built ${fc.length} fc layers, expected ${init.length}`);
  fc.forEach((layer, l) => {
    const {fanIn, fanOut, weights, biases} = init[l];
    for (let j = 0; j < fanOut; j++) layer.filters[j].w.set(weights.subarray(j * fanIn, (j + 1) * fanIn));
    layer.biases.w.set(biases);
  });
  const trainer = new convnetjs.Trainer(net, {method: "sgd", learning_rate: learningRate, batch_size: batchSize, momentum: 0, l1_decay: 0, l2_decay: 0});
  const input = new convnetjs.Vol(1, 1, INPUT_SIZE, 0);
  const x = input.w;

  const classify = (): number => argmax(net.forward(input, false).w);
  return {
    train(start, end) {
      const data = train!;
      for (let k = start; k < end; k++) {
        const p = data.order[k] * INPUT_SIZE;
        for (let j = 0; j < INPUT_SIZE; j++) x[j] = data.pixels[p + j] / 255;
        trainer.train(input, data.labels[data.order[k]]);
      }
    },
    predictOne(v) {
      x.set(v);
      return classify();
    },
    predictBatch(v, n, out) {
      for (let k = 0; k < n; k++) {
        x.set(v.subarray(k * INPUT_SIZE, (k + 1) * INPUT_SIZE));
        out[k] = classify();
      }
    },
    batchedMethod: "per-sample net.forward loop (no batched API)",
    trainMethod: `Trainer sgd, batch_size ${batchSize}, Float64`,
  };
}

runPeer(build);
