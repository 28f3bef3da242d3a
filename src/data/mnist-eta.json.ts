// Data loader: the learning-rate picture of the MNIST page, from real runs, not a cartoon. Three
// runs of the page's default network (ReLU, He (Kaiming) normal, SGD with μ = 0.9, B = 32, seed 1)
// that differ only in η: too low, the page's default, and too high. Each trains one epoch on the
// page's 30,000-digit subset with the same module the page and the CLI use; the test loss and
// accuracy on the 1,000 test digits are taken every 1,000 samples. A run that diverges or whose
// whole hidden layer dies is recorded with where and why.
import {deadUnits, evaluate, Network, Trainer} from "../components/nn/index.js";
import {pageSamples} from "../components/runs/sweep-node.js";
import {defaults} from "../components/experiments/params.js";
import {mnistRun, mnistSchema} from "../components/experiments/mnist.js";
import {deadLayerMessage} from "../components/runs/diagnoses.js";

try {
  const {train, test} = pageSamples();
  const values = defaults(mnistSchema);
  const every = 1000;
  const runs = [
    {role: "too low", lr: 0.0003},
    {role: "the default", lr: values.lr},
    {role: "too high", lr: 1},
  ].map(({role, lr}) => {
    const {network: config, training} = mnistRun({...values, lr});
    const network = new Network(config);
    const trainer = new Trainer(network, train, training);
    const point = () => {
      const {loss, accuracy} = evaluate(network, test);
      return {samples: trainer.samplesSeen, testLoss: loss, testAccuracy: accuracy};
    };
    const points = [point()];
    let outcome = "";
    while (trainer.samplesSeen < train.count) {
      trainer.step();
      if (trainer.diverged) {
        outcome = `diverged: ${trainer.diverged.reason}`;
        break;
      }
      if (trainer.samplesSeen >= points[points.length - 1].samples + every || trainer.samplesSeen >= train.count) {
        points.push(point());
        const dead = deadLayerMessage(network, test);
        if (dead) {
          outcome = `stopped after ${trainer.steps} updates: ${dead}`;
          break;
        }
      }
    }
    const {total, units} = deadUnits(network, test);
    return {role, lr, steps: trainer.steps, outcome, deadUnits: total, hiddenUnits: units, points};
  });
  process.stdout.write(JSON.stringify({values, trainCount: train.count, testCount: test.count, every, runs}));
} catch (error) {
  process.stderr.write(`src/data/mnist-eta.json.ts: ${(error as Error).message}\n`);
  process.exit(1);
}
