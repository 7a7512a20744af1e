// Fails when src/api/schema.gen.ts is not what `npm run api-types` makes of openapi.json: the
// dashboard's API types would then describe an API other than the one committed. openapi.json
// itself is kept equal to the API's document by the Rust test `openapi_document_is_committed`
// (api/src/routes/openapi.rs).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committedPath = "src/api/schema.gen.ts";

// The generator's options are read from the `api-types` script, so the check cannot drift from
// the command that refreshes the file.
const command = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts["api-types"].split(/\s+/);
const output = command.findIndex((arg) => arg === "-o" || arg === "--output");
if (command[0] !== "openapi-typescript" || command[output + 1] !== committedPath) {
  throw new Error(`the api-types script should be \`openapi-typescript ... -o ${committedPath}\`: ${command.join(" ")}`);
}

const dir = mkdtempSync(join(tmpdir(), "api-types-"));
try {
  const generatedPath = join(dir, "schema.gen.ts");
  const args = command.slice(1);
  args[output] = generatedPath;
  execFileSync(process.execPath, [join(root, "node_modules/openapi-typescript/bin/cli.js"), ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const generated = readFileSync(generatedPath, "utf8");
  let committed = "";
  try {
    committed = readFileSync(join(root, committedPath), "utf8");
  } catch {
    // Missing: reported as stale below.
  }
  if (generated !== committed) {
    const a = committed.split("\n");
    const b = generated.split("\n");
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    console.error(
      `${committedPath} is stale: it differs from what openapi.json generates ` +
        `(first at line ${line + 1}: committed ${JSON.stringify(a[line] ?? "<end of file>")}, ` +
        `generated ${JSON.stringify(b[line] ?? "<end of file>")}).\n` +
        `Run \`npm run api-types\` in dashboard/ and commit ${committedPath}. If the API changed, ` +
        `refresh openapi.json first: \`UPDATE_OPENAPI=1 cargo test -p callwright-api --lib ` +
        `openapi_document_is_committed\`.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`${committedPath} matches openapi.json`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
