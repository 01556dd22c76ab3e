// Test fixture, run as its own process by sqlite-audit-log.test.ts: appends audit events to a shared store
// file starting at an agreed moment, so several processes contend for the chain head at once.
// Usage: node --import tsx concurrent-append.fixture.ts DB_PATH WRITER COUNT START_AT_MS
import { silentLogger } from '../logger';
import { openSqliteStore } from '../store/sqlite-store';

const [path = '', writer = '', countText = '0', startAtText = '0'] = process.argv.slice(2);
const store = openSqliteStore({ path, logger: silentLogger, busyTimeoutMs: 30_000 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));
for (let i = 0; i < Number(countText); i++) {
  store.appendAudit({ type: 'test.append', actor: writer, data: { i } });
}
store.close();
