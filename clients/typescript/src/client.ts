/**
 * `MemoryClient`: the product documentation's calls over the HTTP API.
 *
 * Options are camelCase (`ttlSeconds`); results are the server's JSON as it is, snake_case
 * (`briefing.recent_activity_summary`), exactly what the Python client's models serialize to.
 * Every option type is derived from the generated wire types, so a parameter renamed on the server
 * fails to compile here.
 */
import { Conflict } from "./errors.js";
import type {
  Briefing,
  CommitResult,
  ContextItem,
  Event,
  JsonValue,
  Memory,
  MemoryHistory,
  Message,
  OperationName,
  Operations,
  RecallHit,
  Session,
} from "./generated.js";
import { ROUTES } from "./generated.js";
import { Transport, type CallOptions } from "./transport.js";

/** `ttl_seconds` -> `ttlSeconds`, at the type level. */
type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;
/** An operation's wire parameters as optional camelCase options, without the positional ones. */
export type OptionsOf<N extends OperationName, Positional extends keyof Params<N> = never> = {
  [K in Exclude<keyof Params<N>, Positional> as Camel<K & string>]?: Params<N>[K];
};
type Params<N extends OperationName> = Operations[N]["params"];

export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (default: `AGENT_MEMORY_URL`, else that). */
  baseUrl?: string;
  /** An API key from `asm keys create` (default: `AGENT_MEMORY_API_KEY`; none in open mode). */
  apiKey?: string;
  /** The workspace calls use when they name none (default: the key's only workspace). */
  workspaceId?: string;
  /** Milliseconds for one attempt of a call (default 30000). */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls on network failures and 502/503/504 (default 3). */
  retries?: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export type CreateSessionOptions = OptionsOf<"create_session">;
export type TouchSessionOptions = OptionsOf<"touch_session", "session_id">;
export type CommitSessionOptions = OptionsOf<"commit_session", "session_id">;
export type EndSessionOptions = OptionsOf<"end_session", "session_id">;
export type ListSessionsOptions = OptionsOf<"list_sessions">;
export type SetWorkingMemoryOptions = OptionsOf<"set_context", "session_id" | "key" | "value">;
export type GetMessagesOptions = OptionsOf<"get_messages", "session_id">;
export type CountMessagesOptions = OptionsOf<"count_messages", "session_id">;
export type RememberOptions = OptionsOf<"remember", "content">;
export type RecallOptions = OptionsOf<"recall", "query">;
export type MemoryOptions = OptionsOf<"get_memory", "memory_id">;
export type UpdateMemoryChanges = OptionsOf<"update_memory", "memory_id">;
export type ForgetWhereOptions = OptionsOf<"forget_where">;
export type BriefingOptions = OptionsOf<"get_briefing", "lookback_hours" | "include_threads">;
export type ListEventsOptions = OptionsOf<"list_events">;
/** A message to append: `role` and `content`, optionally `name`, `tool_calls`, `tool_call_id`, `data`. */
export type NewMessage = Params<"add_messages">["messages"][number];

/** A memory for `rememberMany`: `content`, optionally `type`, `importance`, `tags`, `metadata`, `session_id`. */
export type NewMemory = Params<"remember_many">["memories"][number];

/** How many times `updateWorkingMemory` tries before it gives up (as the Python client). */
export const UPDATE_RETRIES = 64;

export class MemoryClient {
  /** The workspace calls use when they name none. */
  readonly workspaceId: string | undefined;
  readonly baseUrl: string;
  private readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new TypeError("no global fetch: use Node >= 18 or pass { fetch } to MemoryClient");
    }
    this.workspaceId = options.workspaceId;
    this.transport = new Transport({
      baseUrl: options.baseUrl ?? env("AGENT_MEMORY_URL") ?? "http://127.0.0.1:8080",
      apiKey: options.apiKey ?? env("AGENT_MEMORY_API_KEY"),
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 3,
      fetch: fetchImpl.bind(globalThis),
      headers: options.headers ?? {},
    });
    this.baseUrl = this.transport.baseUrl;
  }

  /**
   * Any operation of the API by its name, with wire (snake_case) parameters; the typed escape
   * hatch for what has no method here. Fills in the client's workspace when the call names none.
   */
  call<N extends OperationName>(
    name: N,
    params: Params<N>,
    options?: CallOptions,
  ): Promise<Operations[N]["result"]> {
    const wire = { ...params } as Record<string, unknown>;
    if (ROUTES[name].workspace && wire["workspace_id"] == null && this.workspaceId !== undefined) {
      wire["workspace_id"] = this.workspaceId;
    }
    return this.transport.call(name, wire as Params<N>, options);
  }

  #op<N extends OperationName>(
    name: N,
    positional: Partial<Params<N>>,
    options: object | undefined,
    call: CallOptions | undefined,
  ): Promise<Operations[N]["result"]> {
    return this.call(name, { ...snake(options), ...positional } as Params<N>, call);
  }

  // -- sessions ----------------------------------------------------------------------------------
  /** Start a session; `briefing: true` also returns the workspace's briefing. */
  async createSession(
    options: CreateSessionOptions = {},
    call?: CallOptions,
  ): Promise<{ session: Session; briefing: Briefing | null }> {
    const session = await this.#op("create_session", {}, options, call);
    return { session, briefing: session.briefing };
  }

  /** The live session named `name` (a thread id, a chat key), created when it has none. */
  openSession(
    name: string,
    options: OptionsOf<"open_session", "name"> = {},
    call?: CallOptions,
  ): Promise<Session> {
    return this.#op("open_session", { name }, options, call);
  }

  /** The live session named `name`, or null (none, or it ended or expired). */
  findSession(
    name: string,
    options: OptionsOf<"find_session", "name"> = {},
    call?: CallOptions,
  ): Promise<Session | null> {
    return this.#op("find_session", { name }, options, call);
  }

  /** A session's status, whatever it is (active, ended or expired). */
  getSession(sessionId: string, call?: CallOptions): Promise<Session> {
    return this.#op("get_session", { session_id: sessionId }, undefined, call);
  }

  /** A workspace's sessions, newest first. */
  listSessions(options: ListSessionsOptions = {}, call?: CallOptions): Promise<Session[]> {
    return this.#op("list_sessions", {}, options, call);
  }

  /** Keep a session alive: `expires_at = now + ttl` (its own, or `ttlSeconds`). */
  touchSession(
    sessionId: string,
    options: TouchSessionOptions = {},
    call?: CallOptions,
  ): Promise<Session> {
    return this.#op("touch_session", { session_id: sessionId }, options, call);
  }

  /** Turn the session's important working-memory items into long-term memories (idempotent). */
  commitSession(
    sessionId: string,
    options: CommitSessionOptions = {},
    call?: CallOptions,
  ): Promise<CommitResult> {
    return this.#op("commit_session", { session_id: sessionId }, options, call);
  }

  /** End a session, optionally committing it first (`commit: true`). */
  endSession(
    sessionId: string,
    options: EndSessionOptions = {},
    call?: CallOptions,
  ): Promise<Session> {
    return this.#op("end_session", { session_id: sessionId }, options, call);
  }

  /** Delete a session, its working memory and messages (its memories stay); true if it existed. */
  deleteSession(sessionId: string, call?: CallOptions): Promise<boolean> {
    return this.#op("delete_session", { session_id: sessionId }, undefined, call);
  }

  // -- working memory ----------------------------------------------------------------------------
  /** Store a JSON value under `key`; resolves to the key's new version. */
  setWorkingMemory(
    sessionId: string,
    key: string,
    value: unknown,
    options: SetWorkingMemoryOptions = {},
    call?: CallOptions,
  ): Promise<number> {
    return this.#op("set_context", { session_id: sessionId, key, value }, options, call);
  }

  /** Store several keys atomically; resolves to each key's new version. */
  setWorkingMemoryItems(
    sessionId: string,
    items: Record<string, unknown>,
    options: OptionsOf<"set_contexts", "session_id" | "items"> = {},
    call?: CallOptions,
  ): Promise<Record<string, number>> {
    return this.#op("set_contexts", { session_id: sessionId, items }, options, call);
  }

  /**
   * One key: its value (null when absent). A list of keys: `{key: value}` of those present.
   * No key: the whole working memory.
   */
  getWorkingMemory<T = JsonValue>(
    sessionId: string,
    key: string,
    call?: CallOptions,
  ): Promise<T | null>;
  getWorkingMemory(
    sessionId: string,
    keys?: readonly string[],
    call?: CallOptions,
  ): Promise<Record<string, JsonValue>>;
  async getWorkingMemory(
    sessionId: string,
    keys?: string | readonly string[],
    call?: CallOptions,
  ): Promise<unknown> {
    if (typeof keys === "string" || keys === undefined) {
      const params = keys === undefined ? {} : { keys: [keys] };
      return this.#op("get_context", { session_id: sessionId, ...params }, undefined, call);
    }
    const items = await this.getWorkingMemoryItems(sessionId, keys, call);
    return Object.fromEntries(Object.entries(items).map(([k, item]) => [k, item.value]));
  }

  /** Keys with their value, version, importance and read count (missing keys absent). */
  getWorkingMemoryItems(
    sessionId: string,
    keys?: readonly string[],
    call?: CallOptions,
  ): Promise<Record<string, ContextItem>> {
    // No keys asked, none returned (a query string cannot tell an empty list from no list).
    if (keys !== undefined && keys.length === 0) return Promise.resolve({});
    const params = keys === undefined ? {} : { keys: [...keys] };
    return this.#op("get_context_items", { session_id: sessionId, ...params }, undefined, call);
  }

  /** Sorted keys, optionally only those starting with `prefix` (not counted as reads). */
  listWorkingMemoryKeys(sessionId: string, prefix?: string, call?: CallOptions): Promise<string[]> {
    const params = prefix === undefined ? {} : { prefix };
    return this.#op("list_context_keys", { session_id: sessionId, ...params }, undefined, call);
  }

  /** Delete keys; resolves to how many existed. */
  deleteWorkingMemory(
    sessionId: string,
    keys: string | readonly string[],
    call?: CallOptions,
  ): Promise<number> {
    const wire = typeof keys === "string" ? keys : [...keys];
    return this.#op("delete_context", { session_id: sessionId, keys: wire }, undefined, call);
  }

  /**
   * Atomic read-modify-write: `update(oldValueOrNull) -> newValue`. Compare-and-set on the key's
   * version, retried on a conflict, so concurrent writers (from any language) lose nothing.
   * Resolves to the value written.
   */
  async updateWorkingMemory<T = JsonValue>(
    sessionId: string,
    key: string,
    update: (current: T | null) => T | Promise<T>,
    options: SetWorkingMemoryOptions = {},
    call?: CallOptions,
  ): Promise<T> {
    for (let attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
      const items = await this.getWorkingMemoryItems(sessionId, [key], call);
      const item = items[key];
      const value = await update(item === undefined ? null : (item.value as T));
      try {
        await this.setWorkingMemory(
          sessionId,
          key,
          value,
          { ...options, expectedVersion: item?.version ?? 0 },
          call,
        );
        return value;
      } catch (error) {
        if (!(error instanceof Conflict) || error.code !== "conflict") throw error;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.random() * Math.min(attempt + 1, 20)),
        );
      }
    }
    throw new Conflict(
      `could not update ${JSON.stringify(key)}: ${UPDATE_RETRIES} conflicting writers in a row`,
      {
        code: "conflict",
        status: 409,
        details: { key },
      },
    );
  }

  // -- chat messages -----------------------------------------------------------------------------
  /** Append messages atomically; resolves to them with their `seq` numbers. */
  appendMessages(
    sessionId: string,
    messages: readonly NewMessage[],
    call?: CallOptions,
  ): Promise<Message[]> {
    return this.#op(
      "add_messages",
      { session_id: sessionId, messages: [...messages] },
      undefined,
      call,
    );
  }

  /** Append one message; resolves to it with its `seq`. */
  async appendMessage(
    sessionId: string,
    role: string,
    content: string,
    fields: Record<string, unknown> = {},
    call?: CallOptions,
  ): Promise<Message> {
    const [added] = await this.appendMessages(sessionId, [{ ...fields, role, content }], call);
    return added as Message;
  }

  /** Replace the session's whole history with `messages`, atomically; resolves to them. */
  replaceMessages(
    sessionId: string,
    messages: readonly NewMessage[],
    call?: CallOptions,
  ): Promise<Message[]> {
    const wire = { session_id: sessionId, messages: [...messages] };
    return this.#op("replace_messages", wire, undefined, call);
  }

  /**
   * Messages, oldest first: all, the newest `lastN`, or the newest that fit `maxTokens` (never
   * splitting a tool call from its results; the system message and newest user message stay).
   */
  getMessages(
    sessionId: string,
    options: GetMessagesOptions = {},
    call?: CallOptions,
  ): Promise<Message[]> {
    return this.#op("get_messages", { session_id: sessionId }, options, call);
  }

  /** How many messages the session holds (default: active ones). */
  countMessages(
    sessionId: string,
    options: CountMessagesOptions = {},
    call?: CallOptions,
  ): Promise<number> {
    return this.#op("count_messages", { session_id: sessionId }, options, call);
  }

  /** Delete every message of the session; resolves to how many there were. */
  clearMessages(sessionId: string, call?: CallOptions): Promise<number> {
    return this.#op("clear_messages", { session_id: sessionId }, undefined, call);
  }

  // -- long-term memory --------------------------------------------------------------------------
  /** Store one long-term memory now (never retried: it is not idempotent). */
  remember(content: string, options: RememberOptions = {}, call?: CallOptions): Promise<Memory> {
    return this.#op("remember", { content }, options, call);
  }

  /** Store several memories at once, all or none (never retried: it is not idempotent). */
  rememberMany(
    memories: readonly NewMemory[],
    options: OptionsOf<"remember_many", "memories"> = {},
    call?: CallOptions,
  ): Promise<Memory[]> {
    return this.#op("remember_many", { memories: [...memories] }, options, call);
  }

  /** Hybrid (semantic + lexical) search over long-term memories, best first. */
  recall(query: string, options: RecallOptions = {}, call?: CallOptions): Promise<RecallHit[]> {
    return this.#op("recall", { query }, options, call);
  }

  /** One memory by id. */
  getMemory(memoryId: string, options: MemoryOptions = {}, call?: CallOptions): Promise<Memory> {
    return this.#op("get_memory", { memory_id: memoryId }, options, call);
  }

  /** A memory with what it supersedes, what superseded it, what merged into it, its events. */
  getMemoryHistory(
    memoryId: string,
    options: MemoryOptions = {},
    call?: CallOptions,
  ): Promise<MemoryHistory> {
    return this.#op("get_memory_history", { memory_id: memoryId }, options, call);
  }

  /** Change a memory; what is not given stays as it is. */
  updateMemory(
    memoryId: string,
    changes: UpdateMemoryChanges,
    call?: CallOptions,
  ): Promise<Memory> {
    return this.#op("update_memory", { memory_id: memoryId }, changes, call);
  }

  /** Delete one memory; true if it existed. */
  forget(memoryId: string, options: MemoryOptions = {}, call?: CallOptions): Promise<boolean> {
    return this.#op("forget", { memory_id: memoryId }, options, call);
  }

  /** Forget every memory matching the filter; resolves to how many. */
  forgetWhere(filter: ForgetWhereOptions, call?: CallOptions): Promise<number> {
    return this.#op("forget_where", {}, filter, call);
  }

  // -- briefings and activity --------------------------------------------------------------------
  /** What happened lately in the workspace and what is still open. */
  getBriefing(
    lookbackHours?: number,
    includeThreads?: boolean,
    options: BriefingOptions = {},
    call?: CallOptions,
  ): Promise<Briefing> {
    const positional = { lookback_hours: lookbackHours, include_threads: includeThreads };
    return this.#op("get_briefing", positional, options, call);
  }

  /** The workspace's activity log, oldest first. */
  listEvents(options: ListEventsOptions = {}, call?: CallOptions): Promise<Event[]> {
    return this.#op("list_events", {}, options, call);
  }
}

/** Top-level option names to wire names (`ttlSeconds` -> `ttl_seconds`); values stay as given. */
function snake(options: object | undefined): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value !== undefined) wire[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return wire;
}

function env(name: string): string | undefined {
  const processLike = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  const value = processLike?.env?.[name];
  return value ? value : undefined;
}
