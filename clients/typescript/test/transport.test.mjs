// The transport's promises, against real HTTP servers on loopback: a scripted node:http server
// for failures a healthy `asm serve` never shows (503s, silence), and the run's server for the
// rest. Timeouts and AbortSignal on every call; retries only for idempotent operations.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import {
  AgentMemoryError,
  BackendUnavailable,
  ERRORS_BY_CODE,
  MemoryClient,
  ROUTES,
} from "../dist/index.js";
import { URL, freshClient } from "./support/client.mjs";
import { freePort } from "./support/server.mjs";

// Each request takes the next scripted answer: [status, body] or "hang" (never answers).
let script = [];
const seen = [];
let scripted;
let scriptedUrl;
before(async () => {
  scripted = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const next = script.shift() ?? [
        500,
        { error: { code: "internal_error", message: "unscripted", details: {} } },
      ];
      if (next === "hang") return;
      res.writeHead(next[0], { "content-type": "application/json" });
      res.end(typeof next[1] === "string" ? next[1] : JSON.stringify(next[1]));
    });
  });
  await new Promise((resolve) => scripted.listen(0, "127.0.0.1", resolve));
  scriptedUrl = `http://127.0.0.1:${scripted.address().port}`;
});
after(() => {
  scripted.closeAllConnections();
  scripted.close();
});

function reset(...answers) {
  script = answers;
  seen.length = 0;
}

const SESSION = {
  id: "s1",
  workspace_id: "w",
  status: "active",
  created_at: "x",
  expires_at: "y",
  ttl_seconds: 1,
};
const UNAVAILABLE = [
  503,
  { error: { code: "backend_unavailable", message: "redis down", details: {} } },
];

test("an idempotent call is retried on 502/503/504 and succeeds", async () => {
  reset([502, "bad gateway"], UNAVAILABLE, [504, ""], [200, SESSION]);
  const client = new MemoryClient({ baseUrl: scriptedUrl, retries: 3 });
  const session = await client.getSession("s1");
  assert.equal(session.id, "s1");
  assert.equal(seen.length, 4);
});

test("retries run out: the last answer's typed error", async () => {
  reset(UNAVAILABLE, UNAVAILABLE);
  const client = new MemoryClient({ baseUrl: scriptedUrl, retries: 1 });
  await assert.rejects(client.touchSession("s1"), (error) => {
    assert.ok(error instanceof BackendUnavailable);
    assert.equal(error.message, "redis down");
    assert.equal(error.status, 503);
    return true;
  });
  assert.equal(seen.length, 2);
});

test("a call that is not idempotent (remember, appendMessages, createSession) is sent once", async () => {
  assert.equal(ROUTES.remember.idempotent, false);
  const client = new MemoryClient({ baseUrl: scriptedUrl, retries: 5 });
  for (const call of [
    () => client.remember("x"),
    () => client.appendMessage("s1", "user", "hi"),
    () => client.createSession(),
  ]) {
    reset(UNAVAILABLE, [200, {}]);
    await assert.rejects(call(), BackendUnavailable);
    assert.equal(seen.length, 1);
  }
});

test("timeoutMs bounds each attempt: BackendUnavailable naming the timeout", async () => {
  reset("hang", "hang");
  const client = new MemoryClient({ baseUrl: scriptedUrl, timeoutMs: 150, retries: 1 });
  const started = Date.now();
  await assert.rejects(client.getSession("s1"), (error) => {
    assert.ok(error instanceof BackendUnavailable);
    assert.equal(error.details.timeout_ms, 150);
    assert.match(error.message, /within 150 ms/);
    return true;
  });
  assert.equal(seen.length, 2);
  assert.ok(Date.now() - started < 3000);
});

test("a per-call timeoutMs overrides the client's", async () => {
  reset("hang");
  const client = new MemoryClient({ baseUrl: scriptedUrl, timeoutMs: 60_000 });
  await assert.rejects(client.remember("x", {}, { timeoutMs: 100 }), BackendUnavailable);
});

test("an AbortSignal cancels the call (and its retries) with the signal's reason", async () => {
  reset("hang", "hang", "hang");
  const client = new MemoryClient({ baseUrl: scriptedUrl, retries: 2 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(client.getSession("s1", { signal: controller.signal }), (error) => {
    assert.equal(error.name, "AbortError");
    return true;
  });
  assert.equal(seen.length, 1);
  const early = new AbortController();
  early.abort(new Error("stop"));
  reset([200, SESSION]);
  await assert.rejects(client.getSession("s1", { signal: early.signal }), /stop/);
  assert.equal(seen.length, 0, "an aborted signal sends nothing");
});

test("AbortSignal.timeout works as a signal too, on a real server", async () => {
  const client = freshClient();
  const { session } = await client.createSession({}, { signal: AbortSignal.timeout(10_000) });
  assert.equal(session.status, "active");
});

test("an unreachable server is BackendUnavailable after the retries", async () => {
  const port = await freePort();
  const client = new MemoryClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 });
  await assert.rejects(client.getBriefing(), (error) => {
    assert.ok(error instanceof BackendUnavailable);
    assert.equal(error.status, 0);
    assert.match(error.message, /cannot reach/);
    return true;
  });
});

test("requests: bearer key, query strings (lists repeated, null empty), JSON bodies", async () => {
  reset([200, []], [200, 1], [200, {}]);
  const client = new MemoryClient({
    baseUrl: `${scriptedUrl}/`,
    apiKey: "asm_k_s",
    workspaceId: "w1",
  });
  await client.listEvents({ types: ["a", "b"], limit: 3 });
  await client.setWorkingMemory("s_1", "k", { v: [1] }, { importance: null });
  await client.getWorkingMemory("s 1");
  assert.equal(seen[0].method, "GET");
  assert.equal(seen[0].url, "/v1/events?types=a&types=b&limit=3&workspace_id=w1");
  assert.equal(seen[0].headers.authorization, "Bearer asm_k_s");
  assert.equal(seen[1].url, "/v1/sessions/s_1/memory");
  assert.equal(seen[1].headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(seen[1].body), { importance: null, key: "k", value: { v: [1] } });
  assert.equal(seen[2].url, "/v1/sessions/s%201/memory");
});

test("an error body with an unknown code is an AgentMemoryError; no body at all BackendUnavailable", async () => {
  reset([500, { error: { code: "brand_new", message: "m", details: { a: 1 } } }], [500, "<html>"]);
  const client = new MemoryClient({ baseUrl: scriptedUrl, retries: 0 });
  await assert.rejects(client.getSession("s1"), (error) => {
    assert.equal(error.constructor, AgentMemoryError);
    assert.equal(error.code, "brand_new");
    assert.deepEqual(error.details, { a: 1 });
    return true;
  });
  await assert.rejects(client.getSession("s1"), BackendUnavailable);
});

test("every error code the live server documents has its class", async () => {
  const document = await (await fetch(`${URL}/openapi.json`)).json();
  const codes = document.components.schemas.Error.properties.error.properties.code.enum;
  assert.deepEqual(Object.keys(ERRORS_BY_CODE).sort(), [...codes].sort());
  for (const [code, cls] of Object.entries(ERRORS_BY_CODE)) {
    assert.equal(new cls("m", { code }).code, code);
  }
});

test("every JSON operation of the live server is in the route table, with its method and path", async () => {
  const document = await (await fetch(`${URL}/openapi.json`)).json();
  const served = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(item)) {
      if (!("x-idempotent" in spec) || JSON.stringify(spec).includes("x-ndjson")) continue;
      served.push(spec.operationId);
      const route = ROUTES[spec.operationId];
      assert.ok(route, `${spec.operationId} is missing from ROUTES`);
      assert.equal(route.method, method.toUpperCase());
      assert.equal(route.path, path);
      assert.equal(route.idempotent, spec["x-idempotent"]);
    }
  }
  assert.deepEqual(Object.keys(ROUTES).sort(), served.sort());
});

test("a call refused for an already-aborted signal leaves no timer behind (the process exits)", async () => {
  const entry = new globalThis.URL("../dist/index.js", import.meta.url).href;
  const script = `
    import { MemoryClient } from ${JSON.stringify(entry)};
    const client = new MemoryClient({ baseUrl: "http://127.0.0.1:9", timeoutMs: 60000 });
    await client.getBriefing(24, true, {}, { signal: AbortSignal.abort() }).catch(() => {});
  `;
  const started = Date.now();
  const { status } = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    timeout: 20_000,
  });
  assert.equal(status, 0);
  assert.ok(Date.now() - started < 10_000, "a pending 60 s timer kept the process alive");
});
