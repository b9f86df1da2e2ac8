// With API keys (a server without --open): no key is Unauthenticated, another workspace is
// AccessDenied, the key's own workspace works; the key also comes from AGENT_MEMORY_API_KEY.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AccessDenied, MemoryClient, SessionNotFound, Unauthenticated } from "../dist/index.js";
import { createKey, startServer } from "./support/server.mjs";

let server;
let key;
before(async () => {
  server = await startServer({ open: false, prepare: (home) => createKey(home, ["team-a"]) });
  key = server.prepared;
});
after(async () => {
  await server?.stop();
});

test("no key is Unauthenticated (an AccessDenied), 401", async () => {
  const client = new MemoryClient({ baseUrl: server.url, workspaceId: "team-a" });
  await assert.rejects(client.createSession(), (error) => {
    assert.ok(error instanceof Unauthenticated);
    assert.ok(error instanceof AccessDenied);
    assert.equal(error.status, 401);
    return true;
  });
  const wrong = new MemoryClient({ baseUrl: server.url, apiKey: "asm_nope_nope" });
  await assert.rejects(wrong.getBriefing(), Unauthenticated);
});

test("the key's workspace works; another is AccessDenied; the key never appears in errors", async () => {
  const client = new MemoryClient({ baseUrl: server.url, apiKey: key });
  const { session } = await client.createSession();
  assert.equal(session.workspace_id, "team-a");
  await assert.rejects(client.createSession({ workspaceId: "team-b" }), (error) => {
    assert.ok(error instanceof AccessDenied);
    assert.equal(error.status, 403);
    assert.ok(!JSON.stringify({ m: error.message, d: error.details }).includes(key));
    return true;
  });
  await assert.rejects(client.getMemory("someone-elses"), (error) => error.status === 404);
  await assert.rejects(client.getSession("someone-elses"), SessionNotFound);
});

test("AGENT_MEMORY_URL and AGENT_MEMORY_API_KEY configure a client built with no options", async () => {
  process.env.AGENT_MEMORY_URL = server.url;
  process.env.AGENT_MEMORY_API_KEY = key;
  try {
    const client = new MemoryClient();
    assert.equal(client.baseUrl, server.url);
    const { session } = await client.createSession();
    assert.equal(session.workspace_id, "team-a");
  } finally {
    delete process.env.AGENT_MEMORY_URL;
    delete process.env.AGENT_MEMORY_API_KEY;
  }
});
