// The public surface: every method typed-errors on an unknown id, and every method and export is
// documented in docs/integrations/typescript.md and the package README.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as api from "../dist/index.js";
import { MemoryClient, MemoryNotFound, SessionNotFound } from "../dist/index.js";
import { freshClient } from "./support/client.mjs";

const METHODS = Object.getOwnPropertyNames(MemoryClient.prototype).filter((n) => n !== "constructor");
const DOC = readFileSync(new URL("../../../docs/integrations/typescript.md", import.meta.url), "utf8");
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
  countMessages: (c, id) => c.countMessages(id),
  clearMessages: (c, id) => c.clearMessages(id),
};
const MEMORY_CALLS = {
  getMemory: (c, id) => c.getMemory(id),
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
  assert.deepEqual(METHODS.filter((name) => !DOC.includes(`\`${name}(`)), []);
});

test("every exported class and function is named in the docs", () => {
  const exported = Object.keys(api).filter((name) => name !== "UPDATE_RETRIES");
  assert.deepEqual(exported.filter((name) => !DOC.includes(name)), []);
});

test("the README shows the product doc's calls", () => {
  for (const call of ["new MemoryClient({", "createSession(", "setWorkingMemory(", "getWorkingMemory(", "getBriefing("]) {
    assert.ok(README.includes(call), call);
  }
});
