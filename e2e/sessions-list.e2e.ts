import type { WebSocketRoute } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { connectAgent } from './support/agent';
import { openView } from './support/browser';
import { eventually, useE2E } from './support/fixture';

const LIST = '#/sessions?connection=demo';

// The sessions list stays true when the live socket cannot tell it everything: an end that overtakes the list's
// own answer, and an end sent while the socket was down.
describe('sessions list and the live socket', () => {
  const e2e = useE2E();
  /** Live socket messages the page received, as text. */
  const received: string[] = [];

  const row = (id: string) => e2e.page.locator(`table[aria-label="Sessions"] tr[data-session-id="${id}"]`);
  /** The status badge of the session's row ('live', 'ended', …), null while it is not listed. */
  const badge = (id: string) =>
    row(id)
      .locator('.badge')
      .evaluateAll((badges) => badges[0]?.textContent?.trim().toLowerCase() ?? null);
  /** The agent's session as the API has it (the only one of this connection that is live). */
  const liveSessionId = async (): Promise<string> => {
    const answer = await e2e.page.request.get(`${e2e.vigil.apiUrl}/api/sessions?status=live&connection=demo`);
    const { sessions } = (await answer.json()) as { sessions: { id: string }[] };
    expect(sessions).toHaveLength(1);
    return sessions[0]?.id ?? '';
  };
  const statusOf = async (id: string): Promise<string> => {
    const answer = await e2e.page.request.get(`${e2e.vigil.apiUrl}/api/sessions/${id}`);
    return ((await answer.json()) as { status: string }).status;
  };

  beforeAll(async () => {
    // A new document, so its live socket is one the test sees.
    e2e.page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => received.push(String(payload))));
    await e2e.page.reload();
    await e2e.page.getByText('Live updates').waitFor();
  });

  test('a session that ends while the list’s answer is on its way is listed as ended', async () => {
    const { page, vigil } = e2e;
    const agent = await connectAgent(vigil);
    await agent.query('SELECT count(*) FROM products');
    const id = await liveSessionId();
    const endSeen = () => received.some((m) => m.includes('"session.ended"') && m.includes(id));

    // The list's answer leaves the server with the session live, and reaches the page only after its end did.
    let answered = false;
    await page.route(
      (url) => url.pathname === '/api/sessions',
      async (route) => {
        const answer = await route.fetch();
        const body = await answer.text();
        await agent.end();
        await eventually(endSeen).toBe(true);
        answered = body.includes(id) && body.includes('"live"');
        await route.fulfill({ response: answer, body });
      },
      { times: 1 },
    );
    await openView(page, vigil.apiUrl, LIST);
    await eventually(() => answered).toBe(true);
    await eventually(() => badge(id)).toBe('ended');
  });

  test('a session that ends while the live socket is down is listed as ended once it is back', async () => {
    const { page, vigil } = e2e;
    const agent = await connectAgent(vigil);
    await agent.query('SELECT count(*) FROM products');
    const id = await liveSessionId();

    // The page's next socket opens but hears nothing (a dead connection); the one after that reaches the gateway.
    let down = true;
    const silent: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/live$/, (socket) => {
      if (down) silent.push(socket);
      else socket.connectToServer();
    });
    await page.reload();
    await eventually(() => badge(id)).toBe('live');
    expect(silent).toHaveLength(1);

    await agent.end();
    await eventually(() => statusOf(id)).toBe('ended');
    // Nothing told the page: it still lists the session as live.
    await expect(badge(id)).resolves.toBe('live');

    down = false;
    for (const socket of silent) await socket.close();
    await eventually(() => badge(id)).toBe('ended');
    await page.getByText('Live updates').waitFor();
  });
});
