// The product documentation's TypeScript snippets (docs/product/sessions.md), verbatim: they
// type-check against the package's declarations and run against the real server.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { MemoryClient } from "../dist/index.js";
import { URL, workspace } from "./support/client.mjs";

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = resolve(PACKAGE, "../../docs/product/sessions.md");
const snippets = [...readFileSync(DOC, "utf8").matchAll(/```typescript\n([\s\S]*?)```/g)].map(
  (m) => m[1],
);
const [create, workingMemory, briefing] = snippets;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

function newClient() {
  const baseUrl = URL;
  const apiKey = undefined; // open mode; a key from `asm keys create` otherwise
  const workspaceId = workspace("doc");
  return new MemoryClient({ baseUrl, apiKey, workspaceId });
}

test("the doc has its three TypeScript snippets", () => {
  assert.equal(snippets.length, 3);
  assert.match(create, /createSession/);
  assert.match(workingMemory, /setWorkingMemory/);
  assert.match(briefing, /getBriefing/);
});

test("create + working memory snippets run verbatim", async () => {
  const client = newClient();
  const run = new AsyncFunction(
    "client",
    `${create}\n${workingMemory}\nreturn { session, briefing, memory };`,
  );
  const { session, briefing: brief, memory } = await run(client);
  assert.equal(session.workspace_id, "my-workspace");
  assert.equal(session.ttl_seconds, 3600);
  assert.equal(typeof brief.recent_activity_summary, "string");
  assert.deepEqual(memory, { description: "Debugging auth", file: "auth.py" });
});

test("briefing snippet runs verbatim and logs the summary and open threads", async () => {
  const client = newClient();
  const { session } = await client.createSession();
  await client.setWorkingMemory(session.id, "task", {
    goal: "Ship the TS client",
    status: "blocked",
  });
  const logged = [];
  const console = { log: (...args) => logged.push(args) };
  await new AsyncFunction("client", "console", briefing)(client, console);
  assert.equal(logged.length, 2);
  assert.match(logged[0][0], /session/);
  assert.ok(logged[1][0].some((thread) => thread.status === "blocked"));
});

test("the snippets type-check (strict) against the published declarations", () => {
  const dir = mkdtempSync(join(tmpdir(), "asm-doc-ts-"));
  try {
    const entry = join(PACKAGE, "dist", "index.js");
    const source = [
      `import { MemoryClient } from ${JSON.stringify(entry)};`,
      "declare const baseUrl: string, apiKey: string, workspaceId: string;",
      "const client = new MemoryClient({ baseUrl, apiKey, workspaceId });",
      `export async function createAndWork() {\n${create}\n${workingMemory}\nreturn memory;\n}`,
      `export async function brief() {\n${briefing}\n}`,
    ].join("\n");
    writeFileSync(join(dir, "snippets.ts"), source);
    const tsc = join(PACKAGE, "node_modules", "typescript", "bin", "tsc");
    const args = ["--noEmit", "--strict", "--target", "es2020", "--module", "es2020"];
    args.push("--moduleResolution", "bundler", "--lib", "es2022,dom", join(dir, "snippets.ts"));
    try {
      execFileSync(process.execPath, [tsc, ...args], { encoding: "utf8" });
    } catch (error) {
      assert.fail(`the doc's snippets do not type-check:\n${error.stdout}${error.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
