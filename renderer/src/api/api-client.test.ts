import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, DownloadError } from './api-client';

/** A streamed response: the chunks, then either the end or an error (the server cut the download). */
function streamed(chunks: Uint8Array[], cut?: Error, headers: Record<string, string> = {}): Response {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else if (cut) controller.error(cut);
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/zip', ...headers } });
}

const client = (response: () => Response, seen: RequestInit[] = []) =>
  new ApiClient({
    fetch: async (_input, init) => {
      seen.push(init ?? {});
      return response();
    },
  });

describe('ApiClient.exportEvidence', () => {
  it('streams the packet, reporting the bytes received, and names it as the server did', async () => {
    const seen: RequestInit[] = [];
    const api = client(
      () =>
        streamed([new Uint8Array(3), new Uint8Array(5)], undefined, {
          'content-disposition': 'attachment; filename="vigil-evidence-pkt_1.zip"',
        }),
      seen,
    );
    const progress: number[] = [];
    const download = await api.exportEvidence(['ses_1'], { onProgress: (n) => progress.push(n) });
    expect(download.filename).toBe('vigil-evidence-pkt_1.zip');
    expect(download.blob.size).toBe(8);
    expect(progress).toEqual([0, 3, 8]);
    expect(seen[0]).toMatchObject({ method: 'POST', body: JSON.stringify({ sessions: ['ses_1'] }) });
  });

  it('says how far a cut download got', async () => {
    const api = client(() => streamed([new Uint8Array(1024)], new TypeError('network error')));
    const failure = await api.exportEvidence(['ses_1']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as DownloadError).received).toBe(1024);
    expect((failure as Error).message).toBe('the download stopped after 1024 bytes: network error');
  });

  it("gives the server's reason when it refuses before streaming", async () => {
    const api = client(() => Response.json({ error: 'session ses_1 is still live' }, { status: 409 }));
    const failure = await api.exportEvidence(['ses_1']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 409, message: 'session ses_1 is still live' });
  });
});
