// The package's runnable example runs against the real server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { URL, workspace } from "./support/client.mjs";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");

test("examples/quickstart.mjs runs and recalls what it committed", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["examples/quickstart.mjs"], {
    cwd: PACKAGE,
    env: { ...process.env, AGENT_MEMORY_URL: URL, WORKSPACE: workspace("example") },
  });
  assert.match(stdout, /committed [1-9]\d* memories/);
  assert.match(stdout, /RS256/);
  assert.match(stdout, /as expected: session_not_found/);
});
