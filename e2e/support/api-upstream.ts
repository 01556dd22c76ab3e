import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A small REST API as the upstream of an `http` connection: it answers only with the credential Vigil injects. */
export interface ApiUpstream {
  url: string;
  /** Requests that reached it, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

export const UPSTREAM_TOKEN = 'upstream-secret-e2e';

const INVOICES = {
  invoices: [
    { id: 1, total: 129.5, customer: { name: 'Ada Lovelace', email: 'ada@analytical.example' } },
    { id: 2, total: 42, customer: { name: 'Alan Turing', email: 'alan@bletchley.example' } },
  ],
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}

export async function startApiUpstream(): Promise<ApiUpstream> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      seen.push(`${req.method} ${req.url}`);
      if (req.headers.authorization !== `Bearer ${UPSTREAM_TOKEN}`) return send(res, 401, { error: 'no credential' });
      const path = new URL(req.url ?? '/', 'http://upstream').pathname;
      if (req.method === 'GET' && path === '/v2/invoices') return send(res, 200, INVOICES);
      if (req.method === 'POST' && path === '/v2/invoices')
        return send(res, 201, { id: 3, ...JSON.parse(body || '{}') });
      send(res, 404, { error: `no ${req.method} ${path}` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
