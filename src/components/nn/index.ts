/**
 * The network module: pure TypeScript, no DOM. Imported unchanged by pages, workers, data
 * loaders, the CLI and the tests.
 */
export * from "./activations.js";
export * from "./heads.js";
export * from "./init.js";
export * from "./random.js";
export * from "./network.js";
export * from "./conv.js";
export * from "./trainable.js";
export * from "./optimizers.js";
export * from "./schedules.js";
export * from "./lr-find.js";
export * from "./samples.js";
export * from "./trainer.js";
export * from "./metrics.js";
export * from "./gradcheck.js";
export * from "./attribution.js";
export * from "./fingerprint.js";
export * from "./serialise.js";
