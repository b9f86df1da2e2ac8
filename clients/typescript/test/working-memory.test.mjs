// Working memory: set, get one / several / all, items, keys, delete, and updateWorkingMemory's
// compare-and-set retries under concurrent writers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Conflict, LimitExceeded, InvalidInput } from "../dist/index.js";
import { freshClient } from "./support/client.mjs";

async function session() {
  const client = freshClient();
  const { session } = await client.createSession();
  return { client, id: session.id };
}

test("setWorkingMemory returns versions; getWorkingMemory reads one key, several, all", async () => {
  const { client, id } = await session();
  assert.equal(await client.setWorkingMemory(id, "task", { goal: "fix auth", files: [] }), 1);
  assert.equal(await client.setWorkingMemory(id, "task", { goal: "fix auth", files: ["a.py"] }), 2);
  await client.setWorkingMemory(id, "user", "Alice", { importance: 0.7 });
  assert.deepEqual(await client.getWorkingMemory(id, "task"), {
    goal: "fix auth",
    files: ["a.py"],
  });
  assert.equal(await client.getWorkingMemory(id, "missing"), null);
  assert.deepEqual(await client.getWorkingMemory(id, ["user", "missing"]), { user: "Alice" });
  assert.deepEqual(await client.getWorkingMemory(id, ["user"]), { user: "Alice" });
  assert.deepEqual(await client.getWorkingMemory(id, []), {}, "no keys asked, none returned");
  assert.deepEqual(await client.getWorkingMemoryItems(id, []), {});
  assert.deepEqual(await client.getWorkingMemory(id), {
    task: { goal: "fix auth", files: ["a.py"] },
    user: "Alice",
  });
});

test("JSON values of every kind round-trip", async () => {
  const { client, id } = await session();
  const values = {
    s: "é ✓",
    n: 1.5,
    i: -3,
    t: true,
    f: false,
    z: null,
    a: [1, "x", null],
    o: { deep: { er: [] } },
  };
  await client.setWorkingMemoryItems(id, values);
  assert.deepEqual(await client.getWorkingMemory(id), values);
});

test("items carry version, importance and reads; keys list sorted by prefix", async () => {
  const { client, id } = await session();
  const versions = await client.setWorkingMemoryItems(
    id,
    { "a.1": 1, "a.2": 2, b: 3 },
    { importance: 0.4 },
  );
  assert.deepEqual(versions, { "a.1": 1, "a.2": 1, b: 1 });
  const items = await client.getWorkingMemoryItems(id, ["a.1", "nope"]);
  assert.deepEqual(Object.keys(items), ["a.1"]);
  assert.equal(items["a.1"].version, 1);
  assert.equal(items["a.1"].importance, 0.4);
  assert.deepEqual(await client.listWorkingMemoryKeys(id), ["a.1", "a.2", "b"]);
  assert.deepEqual(await client.listWorkingMemoryKeys(id, "a."), ["a.1", "a.2"]);
  assert.equal(await client.deleteWorkingMemory(id, ["a.1", "nope"]), 1);
  assert.equal(await client.deleteWorkingMemory(id, "b"), 1);
  assert.deepEqual(await client.listWorkingMemoryKeys(id), ["a.2"]);
});

test("expectedVersion is compare-and-set: a stale version is a Conflict", async () => {
  const { client, id } = await session();
  await client.setWorkingMemory(id, "k", "v1");
  await client.setWorkingMemory(id, "k", "v2", { expectedVersion: 1 });
  await assert.rejects(client.setWorkingMemory(id, "k", "v3", { expectedVersion: 1 }), (error) => {
    assert.ok(error instanceof Conflict);
    assert.equal(error.code, "conflict");
    assert.equal(error.status, 409);
    return true;
  });
  await assert.rejects(client.setWorkingMemory(id, "new", 1, { expectedVersion: 3 }), Conflict);
});

test("updateWorkingMemory: 25 concurrent increments lose nothing", async () => {
  const { client, id } = await session();
  const writes = Array.from({ length: 25 }, () =>
    client.updateWorkingMemory(id, "count", (v) => (v ?? 0) + 1),
  );
  const written = await Promise.all(writes);
  assert.equal(await client.getWorkingMemory(id, "count"), 25);
  assert.deepEqual(
    [...written].sort((a, b) => a - b),
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
});

test("updateWorkingMemory accepts an async update and passes importance on", async () => {
  const { client, id } = await session();
  const value = await client.updateWorkingMemory(id, "list", async (v) => [...(v ?? []), "x"], {
    importance: 0.9,
  });
  assert.deepEqual(value, ["x"]);
  const items = await client.getWorkingMemoryItems(id, ["list"]);
  assert.equal(items.list.importance, 0.9);
});

test("a value over 1 MiB is LimitExceeded (an InvalidInput), a bad key InvalidInput", async () => {
  const { client, id } = await session();
  await assert.rejects(client.setWorkingMemory(id, "big", "x".repeat(1_100_000)), (error) => {
    assert.ok(error instanceof LimitExceeded);
    assert.ok(error instanceof InvalidInput);
    assert.equal(error.status, 413);
    return true;
  });
  await assert.rejects(client.setWorkingMemory(id, "", 1), InvalidInput);
});
