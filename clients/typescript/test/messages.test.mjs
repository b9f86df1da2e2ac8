// Chat messages: append (one, several), the last N, the last T tokens, count, clear.
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidInput, SessionNotFound } from "../dist/index.js";
import { freshClient } from "./support/client.mjs";

test("append, read all, last N, count, clear", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  const added = await client.appendMessages(session.id, [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
  ]);
  assert.deepEqual(
    added.map((m) => m.seq),
    [1, 2],
  );
  const one = await client.appendMessage(session.id, "assistant", "Hello!", { name: "bot" });
  assert.equal(one.seq, 3);
  assert.equal(one.name, "bot");
  assert.ok(one.token_count > 0);
  const all = await client.getMessages(session.id);
  assert.deepEqual(
    all.map((m) => m.content),
    ["You are terse.", "Hi", "Hello!"],
  );
  const last = await client.getMessages(session.id, { lastN: 2 });
  assert.deepEqual(
    last.map((m) => m.role),
    ["user", "assistant"],
  );
  assert.equal(await client.countMessages(session.id), 3);
  assert.equal(await client.clearMessages(session.id), 3);
  assert.equal(await client.countMessages(session.id), 0);
});

test("maxTokens keeps the system message and the newest user message, oldest first", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  const long = "word ".repeat(200);
  await client.appendMessages(session.id, [
    { role: "system", content: "Be brief." },
    { role: "user", content: long },
    { role: "assistant", content: long },
    { role: "user", content: "And now?" },
  ]);
  const window = await client.getMessages(session.id, { maxTokens: 50 });
  assert.deepEqual(
    window.map((m) => m.content),
    ["Be brief.", "And now?"],
  );
  const total = window.reduce((sum, m) => sum + m.token_count, 0);
  assert.ok(total <= 50);
});

test("tool calls and their results travel with their fields", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.appendMessages(session.id, [
    {
      role: "assistant",
      content: "",
      tool_calls: [{ id: "c1", name: "search", args: { q: "x" } }],
    },
    { role: "tool", content: "result", tool_call_id: "c1" },
  ]);
  const [call, result] = await client.getMessages(session.id);
  assert.deepEqual(call.tool_calls, [{ id: "c1", name: "search", args: { q: "x" } }]);
  assert.equal(result.tool_call_id, "c1");
});

test("typed errors: unknown session, a message without a role", async () => {
  const client = freshClient();
  await assert.rejects(client.getMessages("nope"), SessionNotFound);
  const { session } = await client.createSession();
  await assert.rejects(client.appendMessages(session.id, [{ content: "no role" }]), InvalidInput);
  await assert.rejects(client.getMessages(session.id, { lastN: -1 }), InvalidInput);
});

test("replaceMessages swaps the whole history atomically", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.appendMessages(session.id, [{ role: "user", content: "old" }]);
  const replaced = await client.replaceMessages(session.id, [
    { role: "system", content: "new system" },
    { role: "user", content: "new" },
  ]);
  assert.deepEqual(
    replaced.map((m) => m.content),
    ["new system", "new"],
  );
  const all = await client.getMessages(session.id);
  assert.deepEqual(
    all.map((m) => m.content),
    ["new system", "new"],
  );
});
