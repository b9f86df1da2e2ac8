// Sessions against a real `asm serve`: create (with and without a briefing), get, list, touch,
// commit, end, delete, and the typed errors of each.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AgentMemoryError,
  Conflict,
  InvalidInput,
  MemoryClient,
  NotFound,
  SessionEnded,
  SessionExpired,
  SessionNotFound,
} from "../dist/index.js";
import { URL, freshClient, workspace } from "./support/client.mjs";

test("createSession returns the session and no briefing unless asked", async () => {
  const client = freshClient();
  const { session, briefing } = await client.createSession({ ttlSeconds: 120 });
  assert.equal(session.workspace_id, client.workspaceId);
  assert.equal(session.status, "active");
  assert.equal(session.ttl_seconds, 120);
  assert.equal(briefing, null);
  assert.ok(Date.parse(session.expires_at) > Date.parse(session.created_at));
});

test("createSession with briefing: true returns the workspace's briefing", async () => {
  const client = freshClient();
  await client.createSession();
  const { session, briefing } = await client.createSession({
    briefing: true,
    metadata: { agent: "ts" },
  });
  assert.equal(session.metadata.agent, "ts");
  assert.equal(briefing.workspace_id, client.workspaceId);
  assert.equal(typeof briefing.recent_activity_summary, "string");
  assert.ok(Array.isArray(briefing.open_threads));
});

test("an explicit workspaceId wins over the client's", async () => {
  const client = freshClient();
  const other = workspace();
  const { session } = await client.createSession({ workspaceId: other });
  assert.equal(session.workspace_id, other);
});

test("getSession and listSessions", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  assert.equal((await client.getSession(session.id)).id, session.id);
  const listed = await client.listSessions({ status: "active", limit: 10 });
  assert.deepEqual(
    listed.map((s) => s.id),
    [session.id],
  );
});

test("touchSession extends the expiry, by ttlSeconds when given", async () => {
  const client = freshClient();
  const { session } = await client.createSession({ ttlSeconds: 60 });
  const touched = await client.touchSession(session.id, { ttlSeconds: 3600 });
  assert.ok(Date.parse(touched.expires_at) - Date.parse(session.expires_at) > 3000 * 1000);
  const again = await client.touchSession(session.id);
  assert.equal(again.status, "active");
});

test("commitSession turns important working memory into memories", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.setWorkingMemory(session.id, "decision_db", "We decided to use Postgres", {
    importance: 0.9,
  });
  await client.setWorkingMemory(session.id, "scratch", "tmp", { importance: 0.1 });
  const result = await client.commitSession(session.id, { minImportance: 0.5, deduplicate: true });
  assert.equal(result.session_id, session.id);
  assert.equal(result.memories_created, 1);
  assert.equal(result.below_threshold, 1);
  assert.equal(result.memory_ids.length, 1);
  const twice = await client.commitSession(session.id, { minImportance: 0.5 });
  assert.equal(twice.memories_created, 0, "commit is idempotent");
});

test("endSession ends (and commits when asked); writing afterwards is SessionEnded", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  await client.setWorkingMemory(session.id, "decision", "Use JWT for auth", { importance: 0.9 });
  const ended = await client.endSession(session.id, { commit: true });
  assert.equal(ended.status, "ended");
  assert.equal(ended.commit_result.memories_created, 1);
  await assert.rejects(client.setWorkingMemory(session.id, "k", 1), (error) => {
    assert.ok(error instanceof SessionEnded);
    assert.ok(error instanceof Conflict);
    assert.equal(error.code, "session_ended");
    assert.equal(error.status, 409);
    return true;
  });
});

test("deleteSession: true, then the session is gone", async () => {
  const client = freshClient();
  const { session } = await client.createSession();
  assert.equal(await client.deleteSession(session.id), true);
  await assert.rejects(client.getSession(session.id), SessionNotFound);
});

test("an unknown session is SessionNotFound with its id in details", async () => {
  const client = freshClient();
  await assert.rejects(client.getSession("no-such-session"), (error) => {
    assert.ok(error instanceof SessionNotFound);
    assert.ok(error instanceof NotFound);
    assert.ok(error instanceof AgentMemoryError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "SessionNotFound");
    assert.equal(error.code, "session_not_found");
    assert.equal(error.status, 404);
    assert.equal(error.details.session_id, "no-such-session");
    return true;
  });
  for (const call of [
    () => client.touchSession("no-such-session"),
    () => client.commitSession("no-such-session"),
    () => client.endSession("no-such-session"),
  ]) {
    await assert.rejects(call(), SessionNotFound);
  }
});

test("an expired session's working memory is SessionExpired", async () => {
  const client = freshClient();
  const { session } = await client.createSession({ ttlSeconds: 1 });
  await client.setWorkingMemory(session.id, "k", "v");
  await new Promise((resolve) => setTimeout(resolve, 1300));
  await assert.rejects(client.getWorkingMemory(session.id, "k"), (error) => {
    assert.ok(error instanceof SessionExpired);
    assert.equal(error.status, 410);
    return true;
  });
  await assert.rejects(client.touchSession(session.id), SessionExpired);
});

test("bad input is InvalidInput naming the field", async () => {
  const client = freshClient();
  await assert.rejects(client.createSession({ ttlSeconds: -5 }), (error) => {
    assert.ok(error instanceof InvalidInput);
    assert.equal(error.status, 422);
    assert.equal(error.details.field, "ttl_seconds");
    return true;
  });
  await assert.rejects(client.createSession({ workspaceId: "not a valid id!" }), InvalidInput);
  await assert.rejects(client.getSession("../x"), InvalidInput);
});

test("the workspace comes from the client when a call names none", async () => {
  const client = new MemoryClient({ baseUrl: URL });
  const { session } = await client.createSession({ workspaceId: workspace() });
  assert.equal((await client.getSession(session.id)).id, session.id);
});

test("openSession opens a named session once; findSession finds it until it ends", async () => {
  const client = freshClient();
  assert.equal(await client.findSession("thread-1"), null);
  const opened = await client.openSession("thread-1", { ttlSeconds: 600, metadata: { a: 1 } });
  const again = await client.openSession("thread-1");
  assert.equal(again.id, opened.id);
  assert.equal((await client.findSession("thread-1")).id, opened.id);
  await client.endSession(opened.id);
  assert.equal(await client.findSession("thread-1"), null);
  assert.notEqual((await client.openSession("thread-1")).id, opened.id);
  await assert.rejects(client.openSession(""), InvalidInput);
});
