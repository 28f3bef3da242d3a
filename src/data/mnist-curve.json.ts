// Data loader: the learning curve of the MNIST page's default run, trained in Node at build time
// with the same module, subsets and seed as the page (one epoch, test accuracy every 1,000
// samples). The front page draws it, so a reader sees what the page will show before pressing Train.
import {evaluate, fingerprint, Network, Trainer} from "../components/nn/index.js";
import {pageSamples} from "../components/runs/sweep-node.js";
import {defaults} from "../components/experiments/params.js";
import {mnistRun, mnistSchema} from "../components/experiments/mnist.js";

try {
  const {train, test} = pageSamples();
  const values = defaults(mnistSchema);
  const {network: config, training} = mnistRun(values);
  const network = new Network(config);
  const trainer = new Trainer(network, train, training);
  const points = [{samples: 0, testAccuracy: evaluate(network, test).accuracy}];
  const every = 1000;
  while (trainer.samplesSeen < train.count) {
    trainer.step();
    if (trainer.diverged) throw new Error(`the default run diverged: ${trainer.diverged.reason}`);
    if (trainer.samplesSeen >= points[points.length - 1].samples + every || trainer.samplesSeen >= train.count) {
      points.push({samples: trainer.samplesSeen, testAccuracy: evaluate(network, test).accuracy});
    }
  }
  process.stdout.write(JSON.stringify({values, steps: trainer.steps, trainCount: train.count, testCount: test.count, fingerprint: fingerprint(network.layers), points}));
} catch (error) {
  process.stderr.write(`src/data/mnist-curve.json.ts: ${(error as Error).message}\n`);
  process.exit(1);
}
