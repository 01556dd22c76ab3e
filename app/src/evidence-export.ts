import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { SaveEvidenceResult } from './ipc-contract';

export interface EvidenceExportDeps {
  /** The hosted gateway, e.g. `http://127.0.0.1:41234`. */
  gatewayUrl: string;
  /** The `Cookie` header the IDE window would send to the gateway (its sign-in), if any. */
  cookieHeader(): Promise<string | undefined>;
  /** The native save dialog: the chosen path, or undefined when the user cancels. */
  chooseSavePath(suggestedName: string): Promise<string | undefined>;
  fetch?: typeof fetch;
}

/**
 * Saves an evidence packet where the user chooses. Main does the download itself, as the signed-in user of
 * the IDE window (its session cookie and CSRF token), so the packet never passes through the page and a
 * large one is streamed to disk. The file appears complete or not at all (written aside, then renamed).
 */
export async function saveEvidencePacket(deps: EvidenceExportDeps, sessionIds: string[]): Promise<SaveEvidenceResult> {
  const path = await deps.chooseSavePath(suggestedName(sessionIds));
  if (!path) return { saved: false };
  const doFetch = deps.fetch ?? fetch;
  const cookie = await deps.cookieHeader();
  if (!cookie) return { saved: false, error: 'Sign in to Vigil first.' };
  try {
    const me = await doFetch(new URL('/api/me', deps.gatewayUrl), { headers: { cookie } });
    if (!me.ok) return { saved: false, error: await problem(me) };
    const { csrf } = (await me.json()) as { csrf?: unknown };
    const res = await doFetch(new URL('/api/evidence', deps.gatewayUrl), {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': typeof csrf === 'string' ? csrf : '', 'content-type': 'application/json' },
      body: JSON.stringify({ sessions: sessionIds }),
    });
    if (!res.ok || !res.body) return { saved: false, error: await problem(res) };
    await writeAtomically(path, res.body);
    return { saved: true, path };
  } catch (err) {
    return { saved: false, error: `Could not save the evidence packet: ${(err as Error).message}` };
  }
}

export function suggestedName(sessionIds: readonly string[]): string {
  return sessionIds.length === 1 ? `vigil-evidence-${sessionIds[0]}.zip` : 'vigil-evidence.zip';
}

async function writeAtomically(path: string, body: ReadableStream<Uint8Array>): Promise<void> {
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), createWriteStream(partial));
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** The gateway's JSON error (`{ "error": "…" }`) or the HTTP status. */
async function problem(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    if (typeof error === 'string' && error) return `The gateway refused: ${error} (HTTP ${res.status})`;
  } catch {
    // Not JSON: fall back to the status line.
  }
  return `The gateway refused: HTTP ${res.status}`;
}
