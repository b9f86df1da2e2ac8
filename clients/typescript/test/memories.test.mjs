// Long-term memory and briefings: remember, recall, get, update, forget, forgetWhere, events,
// getBriefing, and the generic call().
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidInput, MemoryNotFound, NotFound } from "../dist/index.js";
import { freshClient } from "./support/client.mjs";

test("remember then recall finds it, with its tags and metadata", async () => {
  const client = freshClient();
  const memory = await client.remember("We chose JWT for auth", {
    importance: 0.8,
    tags: ["auth"],
    metadata: { source: "adr-7" },
    type: "decision",
  });
  assert.equal(memory.workspace_id, client.workspaceId);
  assert.equal(memory.type, "decision");
  assert.deepEqual(memory.tags, ["auth"]);
  await client.remember("The office plant needs water on Fridays");
  const hits = await client.recall("how do we authenticate?", { k: 5 });
  assert.equal(hits[0].memory.id, memory.id);
  assert.equal(hits[0].memory.metadata.source, "adr-7");
  assert.equal(typeof hits[0].score, "number");
  const tagged = await client.recall("anything", { tags: ["auth"], minImportance: 0.5 });
  assert.deepEqual(
    tagged.map((h) => h.memory.id),
    [memory.id],
  );
});

test("rememberMany stores all of them, or none when one is bad", async () => {
  const client = freshClient();
  const stored = await client.rememberMany([
    { content: "We deploy with Helm", type: "decision", tags: ["ops"] },
    { content: "Staging lives in eu-west-1", importance: 0.7 },
  ]);
  assert.deepEqual(
    stored.map((m) => [m.content, m.type]),
    [
      ["We deploy with Helm", "decision"],
      ["Staging lives in eu-west-1", "fact"],
    ],
  );
  await assert.rejects(
    client.rememberMany([{ content: "fine" }, { content: "" }]),
    (error) => error instanceof InvalidInput,
  );
  const hits = await client.recall("fine", { k: 10 });
  assert.ok(!hits.some((h) => h.memory.content === "fine"), "all or none");
});

test("getMemory, updateMemory, forget", async () => {
  const client = freshClient();
  const memory = await client.remember("Deploys happen on Tuesdays");
  assert.equal((await client.getMemory(memory.id)).content, memory.content);
  const updated = await client.updateMemory(memory.id, {
    content: "Deploys happen on Wednesdays",
    importance: 0.9,
  });
  assert.equal(updated.content, "Deploys happen on Wednesdays");
  assert.equal(updated.importance, 0.9);
  assert.equal(await client.forget(memory.id), true);
  assert.equal(await client.forget(memory.id), false);
  await assert.rejects(client.getMemory(memory.id), (error) => {
    assert.ok(error instanceof MemoryNotFound);
    assert.ok(error instanceof NotFound);
    assert.equal(error.code, "memory_not_found");
    return true;
  });
});

test("forgetWhere by tag; everything must be explicit", async () => {
  const client = freshClient();
  await client.remember("a", { tags: ["tmp"] });
  await client.remember("b", { tags: ["tmp"] });
  await client.remember("c", { tags: ["keep"] });
  assert.equal(await client.forgetWhere({ tags: ["tmp"] }), 2);
  await assert.rejects(client.forgetWhere({}), InvalidInput);
  assert.equal(await client.forgetWhere({ everything: true }), 1);
});

test("getBriefing(lookbackHours, includeThreads) reports activity and open threads", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.setWorkingMemory(session.id, "task", {
    goal: "Fix the login bug",
    status: "in_progress",
  });
  await client.remember("The login bug comes from clock skew", { importance: 0.9 });
  const briefing = await client.getBriefing(24, true);
  assert.equal(briefing.workspace_id, client.workspaceId);
  assert.equal(briefing.lookback_hours, 24);
  assert.match(briefing.recent_activity_summary, /session/);
  assert.equal(briefing.recent_activity[0].session_id, session.id);
  assert.ok(
    briefing.open_threads.some((t) => t.session_id === session.id && t.status === "in_progress"),
  );
  assert.ok(briefing.memories.some((m) => m.content.includes("clock skew")));
  const without = await client.getBriefing(1, false, { maxMemories: 0 });
  assert.deepEqual(without.open_threads, []);
  assert.deepEqual(without.memories, []);
  const defaults = await client.getBriefing();
  assert.equal(defaults.lookback_hours, 24);
});

test("listEvents shows the workspace's activity", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.remember("x");
  const events = await client.listEvents({ sessionId: session.id });
  assert.deepEqual(
    events.map((e) => e.type),
    ["session_started"],
  );
  const all = await client.listEvents({ types: ["memory_created"] });
  assert.equal(all.length, 1);
});

test("call() reaches any operation with wire names and the client's workspace", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.call("set_context", { session_id: session.id, key: "k", value: 1 });
  const item = await client.call("get_context_item", { session_id: session.id, key: "k" });
  assert.equal(item.version, 1);
  const swept = await client.call("sweep", {});
  assert.deepEqual(swept, []);
  await client.appendMessages(session.id, [
    { role: "user", content: "a" },
    { role: "user", content: "b" },
  ]);
  assert.equal(
    await client.call("set_message_status", {
      session_id: session.id,
      seqs: [1],
      status: "archived",
    }),
    1,
  );
  assert.equal(await client.countMessages(session.id), 1);
  assert.equal(await client.countMessages(session.id, { status: "archived" }), 1);
});

test("getMemoryHistory shows what a memory superseded", async () => {
  const client = freshClient();
  const first = await client.openSession("h1");
  await client.setWorkingMemory(first.id, "db", "We use MySQL", { importance: 0.9 });
  await client.endSession(first.id, { commit: true });
  const second = await client.openSession("h2");
  await client.setWorkingMemory(second.id, "db", "We moved to Postgres", { importance: 0.9 });
  const result = await client.commitSession(second.id);
  assert.equal(result.superseded_ids.length, 1);
  const history = await client.getMemoryHistory(result.memory_ids[0]);
  assert.equal(history.memory.content.includes("Postgres"), true);
  assert.deepEqual(
    history.supersedes.map((m) => m.id),
    result.superseded_ids,
  );
  assert.ok(history.events.length >= 1);
});
