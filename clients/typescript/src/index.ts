/**
 * agent-session-memory: the TypeScript client of the agent-session-memory HTTP API.
 *
 *     import { MemoryClient } from "agent-session-memory";
 *     const client = new MemoryClient({ baseUrl: "http://127.0.0.1:8080", apiKey, workspaceId: "my-project" });
 *     const { session } = await client.createSession({ ttlSeconds: 3600 });
 */
export { MemoryClient, UPDATE_RETRIES } from "./client.js";
export type {
  BriefingOptions,
  ClientOptions,
  CommitSessionOptions,
  CountMessagesOptions,
  CreateSessionOptions,
  EndSessionOptions,
  ForgetWhereOptions,
  GetMessagesOptions,
  ListEventsOptions,
  ListSessionsOptions,
  MemoryOptions,
  NewMemory,
  NewMessage,
  OptionsOf,
  RecallOptions,
  RememberOptions,
  SetWorkingMemoryOptions,
  TouchSessionOptions,
  UpdateMemoryChanges,
} from "./client.js";
export type { CallOptions } from "./transport.js";
export {
  AccessDenied,
  AgentMemoryError,
  BackendUnavailable,
  ConfigurationError,
  Conflict,
  ERRORS_BY_CODE,
  InvalidInput,
  LimitExceeded,
  MemoryNotFound,
  NotFound,
  SessionEnded,
  SessionExpired,
  SessionNotFound,
  Unauthenticated,
} from "./errors.js";
export type { ErrorDetails } from "./errors.js";
export { ROUTES } from "./generated.js";
export type * from "./generated.js";
