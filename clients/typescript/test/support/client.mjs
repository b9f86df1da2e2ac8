// Shared by the test files: a client on the run's server, in a workspace of its own.
import { randomUUID } from "node:crypto";
import { MemoryClient } from "../../dist/index.js";

export const URL = process.env.ASM_URL;
if (!URL) throw new Error("ASM_URL is not set: run the tests with `npm test` (test/run.mjs)");

/** A fresh workspace id, so that tests never see each other's data. */
export function workspace(prefix = "ts") {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

/** A client whose default workspace is fresh. */
export function freshClient(options = {}) {
  const workspaceId = workspace();
  return new MemoryClient({ baseUrl: URL, workspaceId, ...options });
}
