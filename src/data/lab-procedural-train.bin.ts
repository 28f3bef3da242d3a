// Data loader: the neuron lab's procedural train set (src/components/datasets/lab-sets.ts), gzip of the DGT1 layout.
import {writeLabSet} from "../components/datasets/lab-node.js";

writeLabSet("procedural", "train");
