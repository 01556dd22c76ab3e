/**
 * The smallest valid vigil.yaml (one PostgreSQL connection `orders`, one policy), with `top` added at the top level
 * and `upstream` inside the connection's upstream mapping: what a config test varies.
 */
export function minimalConfig({ top = '', upstream = '' }: { top?: string; upstream?: string } = {}): string {
  return `
auth: { issuer: dev, audience: vigil }
${top}
connections:
  - name: orders
    type: postgres
    upstream: { host: 127.0.0.1, database: orders, user: app${upstream} }
    policy: p
policies:
  - name: p
    rules: [{ match: { statements: [select] }, action: allow }]
`;
}
