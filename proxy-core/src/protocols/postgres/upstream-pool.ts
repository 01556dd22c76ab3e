import type { Logger } from '../../logger';
import { BackendCode, parseCommandComplete, parseParameterStatus, serializeQuery } from './codec';
import { connectUpstream, startupParams, type UpstreamConnection, type UpstreamTarget } from './upstream-connector';

/**
 * Upstream connections kept open between sessions, as pgbouncer's session mode does: an agent that
 * opens a connection per query then skips the server's process start and the stored credential's
 * authentication. A session that ends with its upstream idle (nothing in flight, no transaction)
 * hands it back; `DISCARD ALL` then resets everything a session can leave behind — settings, role
 * and session authorization, prepared statements, cursors, temporary tables, LISTEN, advisory locks —
 * before the next session, of whatever principal, gets it. Anything unexpected closes the connection.
 * Only connections dialled with the same target and the same startup parameters are shared.
 * @see https://www.postgresql.org/docs/current/sql-discard.html
 */
export interface UpstreamPool {
  acquire(target: UpstreamTarget, clientParams: Record<string, string>): Promise<UpstreamConnection>;
  /** The session is done with `conn` and it is idle: keep it (after a reset) or close it. */
  release(conn: UpstreamConnection, target: UpstreamTarget): void;
  /** Ends a connection that is not reusable (Terminate, then close). */
  discard(conn: UpstreamConnection): void;
  readonly idleCount: number;
  close(): void;
}

interface Idle {
  conn: UpstreamConnection;
  timer: NodeJS.Timeout;
  detach(): void;
}

const TERMINATE = new Uint8Array([0x58, 0, 0, 0, 4]);
const TX_IDLE = 0x49; // 'I'

export function createUpstreamPool(opts: {
  logger: Logger;
  connect?: typeof connectUpstream;
  resetTimeoutMs?: number;
}): UpstreamPool {
  const connect = opts.connect ?? connectUpstream;
  const resetTimeoutMs = opts.resetTimeoutMs ?? 5000;
  const idle = new Map<string, Idle[]>();
  const keys = new WeakMap<UpstreamConnection, string>();
  /** Per key: connections idle or being reset, so maxIdle bounds both. */
  const held = new Map<string, number>();
  let closed = false;

  const discard = (conn: UpstreamConnection) => {
    if (!conn.socket.destroyed) {
      conn.socket.end(TERMINATE);
      conn.socket.destroySoon();
    }
  };
  const adjust = (key: string, by: number) => {
    const n = (held.get(key) ?? 0) + by;
    if (n > 0) held.set(key, n);
    else held.delete(key);
  };
  const removeIdle = (key: string, entry: Idle) => {
    const list = idle.get(key);
    const at = list?.indexOf(entry) ?? -1;
    if (!list || at < 0) return false;
    list.splice(at, 1);
    if (list.length === 0) idle.delete(key);
    clearTimeout(entry.timer);
    entry.detach();
    adjust(key, -1);
    return true;
  };

  const keep = (key: string, conn: UpstreamConnection, idleTimeoutMs: number) => {
    const entry: Idle = {
      conn,
      timer: setTimeout(() => {
        if (removeIdle(key, entry)) discard(conn);
      }, idleTimeoutMs),
      detach: () => {},
    };
    entry.timer.unref();
    // While idle the server may report a changed setting (a reload) or a notice; anything else, or the
    // connection closing, takes it out of the pool.
    const gone = () => {
      if (removeIdle(key, entry)) conn.socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      try {
        conn.framer.push(chunk);
        for (let frame = conn.framer.next(); frame; frame = conn.framer.next()) {
          if (frame.code === BackendCode.ParameterStatus) setParameter(conn, frame.payload);
          else if (frame.code !== BackendCode.NoticeResponse) return gone();
        }
      } catch {
        gone();
      }
    };
    conn.socket.on('data', onData);
    conn.socket.on('close', gone);
    conn.socket.on('error', gone);
    entry.detach = () => {
      conn.socket.off('data', onData);
      conn.socket.off('close', gone);
      conn.socket.off('error', gone);
    };
    const list = idle.get(key);
    if (list) list.push(entry);
    else idle.set(key, [entry]);
  };

  return {
    async acquire(target, clientParams) {
      const key = poolKey(target, clientParams);
      if (target.pool && target.pool.maxIdle > 0) {
        const list = idle.get(key);
        while (list && list.length > 0) {
          const entry = list[list.length - 1] as Idle;
          removeIdle(key, entry);
          if (entry.conn.socket.destroyed) continue;
          keys.set(entry.conn, key);
          return entry.conn;
        }
      }
      const conn = await connect(target, clientParams);
      keys.set(conn, key);
      return conn;
    },

    release(conn, target) {
      const key = keys.get(conn);
      const maxIdle = target.pool?.maxIdle ?? 0;
      if (closed || key === undefined || conn.socket.destroyed || (held.get(key) ?? 0) >= maxIdle) {
        discard(conn);
        return;
      }
      adjust(key, 1);
      void reset(conn, resetTimeoutMs).then((ok) => {
        if (ok && !closed && !conn.socket.destroyed) {
          conn.sessionsServed++;
          keep(key, conn, target.pool?.idleTimeoutMs ?? 60_000);
          return;
        }
        adjust(key, -1);
        if (!ok) opts.logger.info('upstream connection not reusable after reset; closed');
        discard(conn);
      });
    },

    discard,

    get idleCount() {
      let n = 0;
      for (const list of idle.values()) n += list.length;
      return n;
    },

    close() {
      closed = true;
      for (const [key, list] of [...idle]) {
        for (const entry of [...list]) {
          removeIdle(key, entry);
          discard(entry.conn);
        }
      }
    },
  };
}

/** Connections are shared only between sessions that would have dialled the very same one. */
function poolKey(target: UpstreamTarget, clientParams: Record<string, string>): string {
  const params = Object.entries(startupParams(target, clientParams)).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([target.host, target.port, target.tls, target.ca ?? null, target.password ?? null, params]);
}

function setParameter(conn: UpstreamConnection, payload: Uint8Array): void {
  const { name, value } = parseParameterStatus(payload);
  const at = conn.parameters.findIndex(([n]) => n === name);
  if (at >= 0) conn.parameters[at] = [name, value];
  else conn.parameters.push([name, value]);
}

/**
 * `DISCARD ALL`, then true only if the server answered exactly that and is idle with nothing more to
 * say. ParameterStatus messages it sends (settings back to their defaults) update what the next
 * session is told.
 */
function reset(conn: UpstreamConnection, timeoutMs: number): Promise<boolean> {
  const { socket, framer } = conn;
  return new Promise((resolve) => {
    let discarded = false;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      resolve(ok);
    };
    const onEnd = () => done(false);
    const onData = (chunk: Buffer) => {
      try {
        framer.push(chunk);
        for (let frame = framer.next(); frame; frame = framer.next()) {
          switch (frame.code) {
            case BackendCode.ParameterStatus:
              setParameter(conn, frame.payload);
              break;
            case BackendCode.NoticeResponse:
            case BackendCode.NotificationResponse: // sent before UNLISTEN took effect
              break;
            case BackendCode.CommandComplete:
              discarded = parseCommandComplete(frame.payload) === 'DISCARD ALL';
              break;
            case BackendCode.ReadyForQuery:
              conn.status = frame.payload[0] ?? 0;
              return done(discarded && conn.status === TX_IDLE && framer.buffered === 0);
            default:
              return done(false);
          }
        }
      } catch {
        done(false);
      }
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
    socket.resume();
    socket.write(serializeQuery('DISCARD ALL'));
  });
}
