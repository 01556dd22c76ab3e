import { normalizeFrames } from './annotations';
import type {
  Approval,
  AuditPage,
  Connection,
  FramesPage,
  KeyInfo,
  Me,
  Session,
  SessionPage,
  WorkbenchResult,
} from './api.types';

/** An HTTP error from the control API, carrying the server's `{ error }` message (shown to the user as is). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Where to sign in, when the server answered 401 with `{ login }`. */
    readonly login: string | null = null,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface SessionQuery {
  principal?: string;
  connection?: string;
  status?: string;
  q?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string | null;
}

export interface AuditQuery {
  since?: string;
  limit?: number;
  type?: string;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called on every 401, so the shell can show the sign-in screen. */
  onUnauthorized?: (error: ApiError) => void;
}

export interface Download {
  blob: Blob;
  filename: string;
}

export interface DownloadOptions {
  /** Bytes received so far (the packet is streamed: there is no Content-Length to compare with). */
  onProgress?: (received: number) => void;
  signal?: AbortSignal;
}

/** A download that started but did not finish (the server cut it, or the network went away). */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    readonly received: number,
    cause: unknown,
  ) {
    super(`the download stopped after ${received} bytes: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

type Params = Record<string, string | number | null | undefined>;

function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorFrom(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let login: string | null = null;
  try {
    const body = (await response.json()) as { error?: unknown; login?: unknown };
    if (typeof body.error === 'string' && body.error) message = body.error;
    if (typeof body.login === 'string') login = body.login;
  } catch {
    // Not JSON (a proxy error page, an empty body): keep the status line as the message.
  }
  return new ApiError(response.status, message, login);
}

function filenameFrom(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1] ? decodeURIComponent(match[1]) : fallback;
}

/** The body as a Blob, counting bytes as they arrive. */
async function readBody(response: Response, type: string, onProgress?: (received: number) => void): Promise<Blob> {
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress?.(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      received += value.length;
      onProgress?.(received);
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new DownloadError(received, error);
  }
  return new Blob(parts, { type });
}

/** The typed control API client: cookie session, CSRF header on every POST. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #onUnauthorized: ((error: ApiError) => void) | undefined;
  #csrf: string | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onUnauthorized = options.onUnauthorized;
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST' && this.#csrf) headers['X-CSRF-Token'] = this.#csrf;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (signal) init.signal = signal;
    const response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    if (!response.ok) {
      const error = await errorFrom(response);
      if (error.unauthorized) this.#onUnauthorized?.(error);
      throw error;
    }
    return response;
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.#request(method, path, body, signal);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Who is signed in; remembers the CSRF token for later POSTs. Throws ApiError 401 when nobody is. */
  async me(): Promise<Me> {
    const me = await this.#json<Me>('GET', '/api/me');
    this.#csrf = me.csrf;
    return me;
  }

  listSessions(query: SessionQuery, signal?: AbortSignal): Promise<SessionPage> {
    return this.#json('GET', `/api/sessions${queryString({ ...query })}`, undefined, signal);
  }

  getSession(id: string, signal?: AbortSignal): Promise<Session> {
    return this.#json('GET', `/api/sessions/${encodeURIComponent(id)}`, undefined, signal);
  }

  /** A window of frames. `kind: 'annotation'` asks for annotation frames only (for the timeline markers). */
  async getFrames(
    id: string,
    from: number,
    limit: number,
    options: { kind?: 'annotation'; signal?: AbortSignal } = {},
  ): Promise<FramesPage> {
    const path = `/api/sessions/${encodeURIComponent(id)}/frames${queryString({ from, limit, kind: options.kind })}`;
    const page = await this.#json<FramesPage>('GET', path, undefined, options.signal);
    return { ...page, frames: normalizeFrames(page.frames ?? []) };
  }

  terminate(id: string): Promise<void> {
    return this.#json('POST', `/api/sessions/${encodeURIComponent(id)}/terminate`, {});
  }

  addNote(id: string, text: string): Promise<void> {
    return this.#json('POST', `/api/sessions/${encodeURIComponent(id)}/notes`, { text });
  }

  setStepMode(id: string, enabled: boolean): Promise<void> {
    return this.#json('POST', `/api/sessions/${encodeURIComponent(id)}/step-mode`, { enabled });
  }

  async listApprovals(status: 'pending' | 'all', signal?: AbortSignal): Promise<Approval[]> {
    const body = await this.#json<{ approvals: Approval[] }>(
      'GET',
      `/api/approvals?status=${status}`,
      undefined,
      signal,
    );
    return body.approvals;
  }

  decide(id: string, decision: 'approve' | 'deny', reason: string): Promise<Approval | undefined> {
    return this.#json('POST', `/api/approvals/${encodeURIComponent(id)}/decision`, { decision, reason });
  }

  listConnections(signal?: AbortSignal): Promise<Connection[]> {
    return this.#json('GET', '/api/connections', undefined, signal);
  }

  runQuery(connection: string, sql: string, signal?: AbortSignal): Promise<WorkbenchResult> {
    return this.#json('POST', '/api/workbench/query', { connection, sql }, signal);
  }

  audit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
    return this.#json('GET', `/api/audit${queryString({ ...query })}`, undefined, signal);
  }

  keys(signal?: AbortSignal): Promise<KeyInfo> {
    return this.#json('GET', '/api/keys', undefined, signal);
  }

  /**
   * Builds a signed evidence packet (zip) for the sessions. The server checks the sessions before it starts
   * (those errors are ApiErrors with its message) and then streams the zip; a stream cut midway is a
   * DownloadError (the partial zip is dropped: it would not verify).
   */
  async exportEvidence(sessionIds: string[], options: DownloadOptions = {}): Promise<Download> {
    const response = await this.#request('POST', '/api/evidence', { sessions: sessionIds }, options.signal);
    const fallback = sessionIds.length === 1 ? `vigil-evidence-${sessionIds[0]}.zip` : 'vigil-evidence.zip';
    const type = response.headers.get('content-type') ?? 'application/zip';
    return { blob: await readBody(response, type, options.onProgress), filename: filenameFrom(response, fallback) };
  }
}
