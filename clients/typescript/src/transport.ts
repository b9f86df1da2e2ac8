/**
 * An operation of the API as one HTTP request: path, query string or JSON body, per the route
 * table generated from the OpenAPI document. A timeout bounds every attempt, a caller's
 * AbortSignal cancels the call, and only operations the server marks idempotent are retried
 * (on network failures, timeouts and 502/503/504), so `remember` is never sent twice.
 */
import { BackendUnavailable, InvalidInput, errorFromBody } from "./errors.js";
import { ROUTES, type OperationName, type Operations } from "./generated.js";

/** Per-call options: every method takes them last. */
export interface CallOptions {
  /** Cancels the call (and its retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds for one attempt, answer included (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /** Extra attempts for an idempotent operation (default: the client's `retries`). */
  retries?: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  retries: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: boolean;
  readonly idempotent: boolean;
}

interface Request {
  method: string;
  url: string;
  body?: string;
}

interface Answer {
  status: number;
  text: string;
}

const RETRY_STATUSES = new Set([502, 503, 504]);

export class Transport {
  readonly baseUrl: string;
  private readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** Run `name` with its wire parameters; resolves to its decoded result or rejects typed. */
  async call<N extends OperationName>(
    name: N,
    params: Operations[N]["params"],
    options: CallOptions = {},
  ): Promise<Operations[N]["result"]> {
    const route: Route = ROUTES[name];
    const request = buildRequest(this.baseUrl, route, params as Record<string, unknown>);
    const retries = route.idempotent ? (options.retries ?? this.options.retries) : 0;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let answer: Answer;
      try {
        answer = await this.send(request, options);
      } catch (error) {
        if (last || !(error instanceof BackendUnavailable)) throw error;
        await pause(attempt, options.signal);
        continue;
      }
      if (!last && RETRY_STATUSES.has(answer.status)) {
        await pause(attempt, options.signal);
        continue;
      }
      return decode(answer) as Operations[N]["result"];
    }
  }

  private async send(request: Request, options: CallOptions): Promise<Answer> {
    const user = options.signal;
    user?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const forward = () => controller.abort();
    user?.addEventListener("abort", forward, { once: true });
    try {
      const response = await this.options.fetch(request.url, {
        method: request.method,
        headers: this.headers(request.body !== undefined),
        body: request.body ?? null,
        signal: controller.signal,
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (user?.aborted) throw user.reason;
      if (controller.signal.aborted) {
        throw new BackendUnavailable(`no answer from ${this.baseUrl} within ${timeoutMs} ms`, {
          code: "backend_unavailable",
          status: 0,
          details: { url: this.baseUrl, timeout_ms: timeoutMs },
        });
      }
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new BackendUnavailable(`cannot reach ${this.baseUrl}: ${reason}`, {
        code: "backend_unavailable",
        status: 0,
        details: { url: this.baseUrl },
      });
    } finally {
      clearTimeout(timer);
      user?.removeEventListener("abort", forward);
    }
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json", ...this.options.headers };
    if (json) headers["content-type"] = "application/json";
    if (this.options.apiKey) headers["authorization"] = `Bearer ${this.options.apiKey}`;
    return headers;
  }
}

/** The request for wire parameters: path segments, then a query string or a JSON body. */
export function buildRequest(
  baseUrl: string,
  route: Route,
  params: Record<string, unknown>,
): Request {
  let path = route.path;
  const rest: Record<string, unknown> = { ...params };
  for (const name of route.pathParams) {
    path = path.replace(`{${name}}`, encodeURIComponent(segment(name, rest[name])));
    delete rest[name];
  }
  if (!route.query) {
    return { method: route.method, url: baseUrl + path, body: JSON.stringify(rest) };
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, scalar(item));
  }
  const search = query.toString();
  return { method: route.method, url: baseUrl + path + (search ? `?${search}` : "") };
}

/** A path parameter that routes to exactly its operation (as the Python client checks). */
function segment(name: string, value: unknown): string {
  if (
    typeof value !== "string" ||
    value === "" ||
    value === "." ||
    value === ".." ||
    value.includes("/")
  ) {
    throw new InvalidInput(`${name}: ${JSON.stringify(value)} is not a valid id`, {
      code: "invalid_input",
      status: 0,
      details: { field: name },
    });
  }
  return value;
}

/** In a query string null is an empty value and booleans are true/false. */
function scalar(value: unknown): string {
  if (value === null) return "";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function decode(answer: Answer): unknown {
  let body: unknown;
  try {
    body = answer.text === "" ? null : JSON.parse(answer.text);
  } catch {
    if (answer.status < 400) {
      throw new BackendUnavailable(
        `the server answered ${answer.status} with a body that is not JSON`,
        {
          code: "backend_unavailable",
          status: answer.status,
        },
      );
    }
  }
  if (answer.status >= 400) throw errorFromBody(answer.status, body);
  return body;
}

/** A short random pause before a retry, cut short (rejecting) when the caller aborts. */
function pause(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.random() * 50 * 2 ** attempt;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
