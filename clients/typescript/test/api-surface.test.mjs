// The public surface: every method typed-errors on an unknown id, and every method and export is
// documented in docs/integrations/typescript.md and the package README.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as api from "../dist/index.js";
import { MemoryClient, MemoryNotFound, SessionNotFound } from "../dist/index.js";
import { freshClient } from "./support/client.mjs";

const METHODS = Object.getOwnPropertyNames(MemoryClient.prototype).filter(
  (n) => n !== "constructor",
);
const DOC = readFileSync(
  new URL("../../../docs/integrations/typescript.md", import.meta.url),
  "utf8",
);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

// Each session method with arguments valid but for the unknown session id.
const SESSION_CALLS = {
  getSession: (c, id) => c.getSession(id),
  touchSession: (c, id) => c.touchSession(id),
  commitSession: (c, id) => c.commitSession(id),
  endSession: (c, id) => c.endSession(id),
  setWorkingMemory: (c, id) => c.setWorkingMemory(id, "k", 1),
  setWorkingMemoryItems: (c, id) => c.setWorkingMemoryItems(id, { k: 1 }),
  getWorkingMemory: (c, id) => c.getWorkingMemory(id, "k"),
  getWorkingMemoryItems: (c, id) => c.getWorkingMemoryItems(id),
  listWorkingMemoryKeys: (c, id) => c.listWorkingMemoryKeys(id),
  deleteWorkingMemory: (c, id) => c.deleteWorkingMemory(id, "k"),
  updateWorkingMemory: (c, id) => c.updateWorkingMemory(id, "k", () => 1),
  appendMessages: (c, id) => c.appendMessages(id, [{ role: "user", content: "x" }]),
  appendMessage: (c, id) => c.appendMessage(id, "user", "x"),
  getMessages: (c, id) => c.getMessages(id, { lastN: 1 }),
  replaceMessages: (c, id) => c.replaceMessages(id, [{ role: "user", content: "x" }]),
  countMessages: (c, id) => c.countMessages(id),
  clearMessages: (c, id) => c.clearMessages(id),
};
const MEMORY_CALLS = {
  getMemory: (c, id) => c.getMemory(id),
  getMemoryHistory: (c, id) => c.getMemoryHistory(id),
  updateMemory: (c, id) => c.updateMemory(id, { importance: 0.5 }),
};

test("every method that takes a session id rejects an unknown one with SessionNotFound", async () => {
  const client = freshClient();
  for (const [name, call] of Object.entries(SESSION_CALLS)) {
    await assert.rejects(call(client, "no-such-session"), SessionNotFound, name);
  }
});

test("every method that takes a memory id rejects an unknown one with MemoryNotFound", async () => {
  const client = freshClient();
  for (const [name, call] of Object.entries(MEMORY_CALLS)) {
    await assert.rejects(call(client, "no-such-memory"), MemoryNotFound, name);
  }
  assert.equal(await client.forget("no-such-memory"), false);
  assert.equal(await client.deleteSession("no-such-session"), false);
});

test("every public method is documented in docs/integrations/typescript.md", () => {
  assert.deepEqual(
    METHODS.filter((name) => !DOC.includes(`\`${name}(`)),
    [],
  );
});

test("every exported class and function is named in the docs", () => {
  const exported = Object.keys(api).filter((name) => name !== "UPDATE_RETRIES");
  assert.deepEqual(
    exported.filter((name) => !DOC.includes(name)),
    [],
  );
});

test("the README shows the product doc's calls", () => {
  for (const call of [
    "new MemoryClient({",
    "createSession(",
    "setWorkingMemory(",
    "getWorkingMemory(",
    "getBriefing(",
  ]) {
    assert.ok(README.includes(call), call);
  }
});

// Every method with its CallOptions last: a new method must be added here.
const WITH_CALL_OPTIONS = {
  call: (c, o) => c.call("get_session", { session_id: "s" }, o),
  createSession: (c, o) => c.createSession({}, o),
  openSession: (c, o) => c.openSession("n", {}, o),
  findSession: (c, o) => c.findSession("n", {}, o),
  getSession: (c, o) => c.getSession("s", o),
  listSessions: (c, o) => c.listSessions({}, o),
  touchSession: (c, o) => c.touchSession("s", {}, o),
  commitSession: (c, o) => c.commitSession("s", {}, o),
  endSession: (c, o) => c.endSession("s", {}, o),
  deleteSession: (c, o) => c.deleteSession("s", o),
  setWorkingMemory: (c, o) => c.setWorkingMemory("s", "k", 1, {}, o),
  setWorkingMemoryItems: (c, o) => c.setWorkingMemoryItems("s", { k: 1 }, {}, o),
  getWorkingMemory: (c, o) => c.getWorkingMemory("s", "k", o),
  getWorkingMemoryItems: (c, o) => c.getWorkingMemoryItems("s", ["k"], o),
  listWorkingMemoryKeys: (c, o) => c.listWorkingMemoryKeys("s", undefined, o),
  deleteWorkingMemory: (c, o) => c.deleteWorkingMemory("s", "k", o),
  updateWorkingMemory: (c, o) => c.updateWorkingMemory("s", "k", () => 1, {}, o),
  appendMessages: (c, o) => c.appendMessages("s", [{ role: "user", content: "x" }], o),
  appendMessage: (c, o) => c.appendMessage("s", "user", "x", {}, o),
  getMessages: (c, o) => c.getMessages("s", {}, o),
  replaceMessages: (c, o) => c.replaceMessages("s", [], o),
  countMessages: (c, o) => c.countMessages("s", {}, o),
  clearMessages: (c, o) => c.clearMessages("s", o),
  remember: (c, o) => c.remember("x", {}, o),
  rememberMany: (c, o) => c.rememberMany([{ content: "x" }], {}, o),
  recall: (c, o) => c.recall("x", {}, o),
  getMemory: (c, o) => c.getMemory("m", {}, o),
  getMemoryHistory: (c, o) => c.getMemoryHistory("m", {}, o),
  updateMemory: (c, o) => c.updateMemory("m", {}, o),
  forget: (c, o) => c.forget("m", {}, o),
  forgetWhere: (c, o) => c.forgetWhere({ everything: true }, o),
  getBriefing: (c, o) => c.getBriefing(24, true, {}, o),
  listEvents: (c, o) => c.listEvents({}, o),
};

test("every method takes an AbortSignal last: an aborted one sends nothing and rejects", async () => {
  assert.deepEqual(Object.keys(WITH_CALL_OPTIONS).sort(), [...METHODS].sort());
  let requests = 0;
  const counting = (...args) => {
    requests += 1;
    return fetch(...args);
  };
  const client = freshClient({ fetch: counting });
  const reason = new Error("cancelled by the caller");
  for (const [name, call] of Object.entries(WITH_CALL_OPTIONS)) {
    await assert.rejects(
      call(client, { signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
      name,
    );
  }
  assert.equal(requests, 0);
});
