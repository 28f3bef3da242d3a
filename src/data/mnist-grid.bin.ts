// Data loader: the MNIST "grid" subset (see src/components/datasets/subsets.ts), gzip of the DGT1 layout.
import {runLoader} from "../components/datasets/loader.js";

runLoader("grid", "src/data/mnist-grid.bin.ts");
