// `npm test`: start one real `asm serve --open` on loopback, run every test file against it with
// Node's test runner (ASM_URL), stop it. With ASM_URL already set, use that server instead.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./support/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((name) => name.endsWith(".test.mjs"))
  .sort()
  .map((name) => join(here, name));
const only = process.argv.slice(2);
// Test files run 4 at a time where the runner has the flag (Node >= 20.10); else as it likes.
const [major, minor] = process.versions.node.split(".").map(Number);
const parallel = major > 20 || (major === 20 && minor >= 10) ? ["--test-concurrency=4"] : [];
const server = process.env.ASM_URL ? null : await startServer();
let status = 1;
try {
  const result = spawnSync(
    process.execPath,
    ["--test", ...parallel, ...(only.length ? only : files)],
    {
      stdio: "inherit",
      env: { ...process.env, ASM_URL: process.env.ASM_URL || server.url },
    },
  );
  status = result.status ?? 1;
} finally {
  await server?.stop();
}
process.exit(status);
