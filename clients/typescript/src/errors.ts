/**
 * One error tree, the server's: every error the API sends comes back as the class of its code,
 * so `catch (e) { if (e instanceof SessionExpired) ... }` works as in the Python client.
 *
 *     AgentMemoryError                      internal_error       500
 *     ├── InvalidInput                      invalid_input        422
 *     │   └── LimitExceeded                 limit_exceeded       413
 *     ├── NotFound                          not_found            404
 *     │   ├── SessionNotFound               session_not_found    404
 *     │   └── MemoryNotFound                memory_not_found     404
 *     ├── SessionExpired                    session_expired      410
 *     ├── Conflict                          conflict             409
 *     │   └── SessionEnded                  session_ended        409
 *     ├── AccessDenied                      access_denied        403
 *     │   └── Unauthenticated               unauthenticated      401
 *     ├── BackendUnavailable                backend_unavailable  503  (also: server unreachable, timeout)
 *     └── ConfigurationError                configuration_error  500
 */
import type { ErrorCode } from "./generated.js";

export type ErrorDetails = Record<string, unknown>;

export class AgentMemoryError extends Error {
  /** The server's stable error code, e.g. `session_expired`. */
  readonly code: string;
  /** The HTTP status the server answered (0 when it was never reached). */
  readonly status: number;
  /** What the server adds, e.g. `{ field: "ttl_seconds" }` or `{ session_id }`. */
  readonly details: ErrorDetails;

  constructor(
    message: string,
    options: { code?: string; status?: number; details?: ErrorDetails } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = options.code ?? "internal_error";
    this.status = options.status ?? 500;
    this.details = options.details ?? {};
  }
}

export class InvalidInput extends AgentMemoryError {}
export class LimitExceeded extends InvalidInput {}
export class NotFound extends AgentMemoryError {}
export class SessionNotFound extends NotFound {}
export class MemoryNotFound extends NotFound {}
export class SessionExpired extends AgentMemoryError {}
export class Conflict extends AgentMemoryError {}
export class SessionEnded extends Conflict {}
export class AccessDenied extends AgentMemoryError {}
export class Unauthenticated extends AccessDenied {}
export class BackendUnavailable extends AgentMemoryError {}
export class ConfigurationError extends AgentMemoryError {}

type ErrorClass = new (
  message: string,
  options?: { code?: string; status?: number; details?: ErrorDetails },
) => AgentMemoryError;

/** Every code of the OpenAPI document has its class: a new code fails to compile here. */
export const ERRORS_BY_CODE: Record<ErrorCode, ErrorClass> = {
  internal_error: AgentMemoryError,
  invalid_input: InvalidInput,
  limit_exceeded: LimitExceeded,
  not_found: NotFound,
  session_not_found: SessionNotFound,
  memory_not_found: MemoryNotFound,
  session_expired: SessionExpired,
  conflict: Conflict,
  session_ended: SessionEnded,
  access_denied: AccessDenied,
  unauthenticated: Unauthenticated,
  backend_unavailable: BackendUnavailable,
  configuration_error: ConfigurationError,
};

/** The error for a `{"error": {code, message, details}}` body (an unknown code: the base class). */
export function errorFromBody(status: number, body: unknown): AgentMemoryError {
  const error = (body as { error?: unknown } | null)?.error as
    { code?: unknown; message?: unknown; details?: unknown } | undefined;
  if (!error || typeof error.code !== "string") {
    return new BackendUnavailable(`the server answered ${status} without an error body`, {
      code: "backend_unavailable",
      status,
      details: { status },
    });
  }
  const cls: ErrorClass = ERRORS_BY_CODE[error.code as ErrorCode] ?? AgentMemoryError;
  const details =
    error.details && typeof error.details === "object" ? (error.details as ErrorDetails) : {};
  return new cls(String(error.message ?? ""), { code: error.code, status, details });
}
