// Data loader: the MNIST "test" subset (see src/components/datasets/subsets.ts), gzip of the DGT1 layout.
import {runLoader} from "../components/datasets/loader.js";

runLoader("test", "src/data/mnist-test.bin.ts");
