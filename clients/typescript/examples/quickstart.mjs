// A runnable tour of the client: start a server, then
//   asm serve --open                     (or: AGENT_MEMORY_URL=... AGENT_MEMORY_API_KEY=...)
//   npm run build && node examples/quickstart.mjs
import { MemoryClient, SessionNotFound } from "agent-session-memory";

const client = new MemoryClient({
  baseUrl: process.env.AGENT_MEMORY_URL ?? "http://127.0.0.1:8080",
  apiKey: process.env.AGENT_MEMORY_API_KEY,
  workspaceId: process.env.WORKSPACE ?? "quickstart",
});

// A session with a briefing of what happened lately in the workspace.
const { session, briefing } = await client.createSession({ ttlSeconds: 3600, briefing: true });
console.log(`session ${session.id} (expires ${session.expires_at})`);
console.log(`briefing: ${briefing.recent_activity_summary}`);

// Working memory: plain JSON values, and an atomic counter.
await client.setWorkingMemory(session.id, "current_task", {
  description: "Debugging auth",
  file: "auth.py",
});
await client.setWorkingMemory(session.id, "decision", "Tokens are JWTs signed with RS256", {
  importance: 0.9,
});
const turns = await client.updateWorkingMemory(session.id, "turns", (n) => (n ?? 0) + 1);
console.log("task:", await client.getWorkingMemory(session.id, "current_task"), "turns:", turns);

// Chat messages, and the newest ones that fit a token budget.
await client.appendMessages(session.id, [
  { role: "user", content: "Why do logins fail after midnight?" },
  { role: "assistant", content: "The token expiry check uses local time." },
]);
const window = await client.getMessages(session.id, { maxTokens: 200 });
console.log(`${window.length} messages fit 200 tokens`);

// End the session, committing what mattered to long-term memory; recall it.
const ended = await client.endSession(session.id, { commit: true, minImportance: 0.5 });
console.log(`committed ${ended.commit_result?.memories_created ?? 0} memories`);
const hits = await client.recall("how are tokens signed?", { k: 3 });
for (const hit of hits) console.log(`${hit.score.toFixed(3)}  ${hit.memory.content}`);

// Errors are typed.
try {
  await client.getSession("no-such-session");
} catch (error) {
  if (error instanceof SessionNotFound) console.log(`as expected: ${error.code}`);
  else throw error;
}
