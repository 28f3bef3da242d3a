// The Kubernetes recipe (examples/k8s/sweep-job.yaml) validated against the batch/v1 Job schema
// with kubernetes-models (its JSON schemas, checked by ajv), and its command against the CLI.
import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseAllDocuments} from "yaml";
import {Job} from "kubernetes-models/batch/v1/Job";
import {program} from "../../bin/sweep.js";
import {validateGrid} from "../../src/components/runs/sweep.js";

const root = new URL("../../", import.meta.url).pathname;
const text = readFileSync(`${root}examples/k8s/sweep-job.yaml`, "utf8");
const docs = parseAllDocuments(text).map((d) => d.toJS());

describe("examples/k8s/sweep-job.yaml", () => {
  it("is one valid batch/v1 Job (schema check)", () => {
    expect(docs).toHaveLength(1);
    const job = new Job(docs[0]);
    expect(() => job.validate()).not.toThrow();
  });

  it("the schema check catches a broken Job (so the test above could fail)", () => {
    const broken = structuredClone(docs[0]);
    broken.spec.completions = "eight";
    expect(() => new Job(broken).validate()).toThrow(/completions/);
    const noContainers = structuredClone(docs[0]);
    delete noContainers.spec.template.spec.containers;
    expect(() => new Job(noContainers).validate()).toThrow(/containers/);
  });

  it("runs one shard per completion index of a valid grid, with flags the CLI accepts", () => {
    const {spec} = docs[0];
    expect(spec.completionMode).toBe("Indexed");
    const args: string = spec.template.spec.containers[0].args.join(" ");
    expect(args).toContain(`--shard "$((JOB_COMPLETION_INDEX + 1))/${spec.completions}"`);
    expect(() => validateGrid(JSON.parse(readFileSync(`${root}examples/grid.json`, "utf8")))).not.toThrow();
    // The same flags, with the shell arithmetic filled in, parse.
    const flags = args
      .replace(/^npm run -s sweep -- /, "")
      .replace(/"\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/(\d+)"/, "1/$1")
      .replace(/"\/results\/part-\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\.json"/, "/results/part-1.json")
      .split(/\s+/);
    const cli = program().exitOverride();
    expect(() => cli.parse(flags, {from: "user"})).not.toThrow();
    expect(cli.opts()).toMatchObject({grid: "examples/grid.json", shard: `1/${spec.completions}`, resume: true});
  });
});
