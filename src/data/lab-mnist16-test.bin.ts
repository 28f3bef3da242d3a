// Data loader: the neuron lab's mnist16 test set (src/components/datasets/lab-sets.ts), gzip of the DGT1 layout.
import {writeLabSet} from "../components/datasets/lab-node.js";

writeLabSet("mnist16", "test");
