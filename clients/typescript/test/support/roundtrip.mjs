// One half of the Python <-> TypeScript round trip (tests/typescript/test_node_client.py):
//   node roundtrip.mjs write URL             create a session and write to it; print its ids
//   node roundtrip.mjs read URL SID MEMORY   print what TypeScript reads of Python's writes
import { MemoryClient } from "../../dist/index.js";

const [mode, baseUrl, sessionId, memoryId] = process.argv.slice(2);
const client = new MemoryClient({ baseUrl, workspaceId: "roundtrip" });

if (mode === "write") {
  const { session } = await client.createSession({
    ttlSeconds: 600,
    metadata: { from: "typescript" },
  });
  await client.setWorkingMemory(session.id, "from_ts", {
    lang: "ts",
    n: [1, 2.5],
    ok: true,
    none: null,
    text: "é ✓",
  });
  await client.setWorkingMemory(session.id, "count", 1, { importance: 0.2 });
  await client.appendMessages(session.id, [{ role: "user", content: "hello from TypeScript" }]);
  const memory = await client.remember("TypeScript remembers this", {
    tags: ["ts"],
    sessionId: session.id,
  });
  console.log(JSON.stringify({ session_id: session.id, memory_id: memory.id }));
} else if (mode === "read") {
  const session = await client.getSession(sessionId);
  const memory = await client.getMemory(memoryId);
  const messages = await client.getMessages(sessionId);
  const everything = await client.getWorkingMemory(sessionId);
  const hits = await client.recall("what did Python say?", { k: 1 });
  console.log(
    JSON.stringify({ session, memory, messages, everything, top: hits[0]?.memory.content }),
  );
} else {
  console.error("usage: roundtrip.mjs write URL | read URL SESSION_ID MEMORY_ID");
  process.exit(2);
}
