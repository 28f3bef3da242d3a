// Data loader: the MNIST "train" subset (see src/components/datasets/subsets.ts), gzip of the DGT1 layout.
import {runLoader} from "../components/datasets/loader.js";

runLoader("train", "src/data/mnist-train.bin.ts");
