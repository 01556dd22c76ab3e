import type { AuditEvent } from './audit.types';

/**
 * Audit events shaped as OCSF 1.3 events, so a SIEM files them without a custom parser. Every event keeps
 * the exact chained Vigil event in `unmapped.vigil` (what `vigil audit verify` and packet verification hash).
 * Classes: Authentication (3002) for auth.*, Datastore Activity (6005) for SQL statements and PostgreSQL
 * sessions, SSH Activity (4007) for SSH sessions, API Activity (6003) for approvals and API actions.
 * @see https://schema.ocsf.io/1.3.0/classes/authentication
 * @see https://schema.ocsf.io/1.3.0/classes/datastore_activity
 * @see https://schema.ocsf.io/1.3.0/classes/ssh_activity
 * @see https://schema.ocsf.io/1.3.0/classes/api_activity
 */
export const OCSF_VERSION = '1.3.0';

export const OcsfClass = {
  authentication: { uid: 3002, name: 'Authentication', category: 3, categoryName: 'Identity & Access Management' },
  sshActivity: { uid: 4007, name: 'SSH Activity', category: 4, categoryName: 'Network Activity' },
  apiActivity: { uid: 6003, name: 'API Activity', category: 6, categoryName: 'Application Activity' },
  datastoreActivity: { uid: 6005, name: 'Datastore Activity', category: 6, categoryName: 'Application Activity' },
} as const;

type OcsfClassInfo = (typeof OcsfClass)[keyof typeof OcsfClass];

/** status_id: 1 Success, 2 Failure; severity_id: 1 Informational, 3 Medium. */
const STATUS = { success: 1, failure: 2 } as const;
const SEVERITY = { informational: 1, medium: 3 } as const;

export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  type_name: string;
  time: number;
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  status_detail?: string;
  message: string;
  metadata: Record<string, unknown>;
  actor: { user: { uid: string; name: string } };
  unmapped: { vigil: AuditEvent };
  [field: string]: unknown;
}

export interface OcsfOptions {
  productVersion?: string;
  /** The protocol of a session, for events (like session.end) whose data does not say it. */
  protocolOf?: (sessionId: string) => string | undefined;
}

/** Maps one chained audit event to OCSF. Pure. */
export function toOcsf(event: AuditEvent, opts: OcsfOptions = {}): OcsfEvent {
  const data = (
    typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data) ? event.data : {}
  ) as Record<string, unknown>;
  const protocol =
    (typeof data.protocol === 'string' ? data.protocol : undefined) ??
    (event.sessionId ? opts.protocolOf?.(event.sessionId) : undefined);
  const shape = classify(event, data, protocol);
  const failed = shape.failed ?? false;
  return {
    class_uid: shape.cls.uid,
    class_name: shape.cls.name,
    category_uid: shape.cls.category,
    category_name: shape.cls.categoryName,
    activity_id: shape.activity[0],
    activity_name: shape.activity[1],
    type_uid: shape.cls.uid * 100 + shape.activity[0],
    type_name: `${shape.cls.name}: ${shape.activity[1]}`,
    time: Date.parse(event.time),
    severity_id: failed ? SEVERITY.medium : SEVERITY.informational,
    severity: failed ? 'Medium' : 'Informational',
    status_id: failed ? STATUS.failure : STATUS.success,
    status: failed ? 'Failure' : 'Success',
    ...(shape.detail ? { status_detail: shape.detail } : {}),
    message: shape.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Vigil', vendor_name: 'Vigil', version: opts.productVersion ?? '0.1.0' },
      uid: event.id,
      sequence: event.seq,
      log_name: 'vigil.audit',
      event_code: event.type,
      original_time: event.time,
      ...(event.sessionId ? { correlation_uid: event.sessionId } : {}),
    },
    actor: { user: { uid: event.actor, name: event.actor } },
    ...shape.fields,
    unmapped: { vigil: event },
  };
}

interface Shape {
  cls: OcsfClassInfo;
  activity: readonly [number, string];
  failed?: boolean;
  detail?: string;
  message: string;
  fields: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));

function classify(e: AuditEvent, d: Record<string, unknown>, protocol: string | undefined): Shape {
  const session = e.sessionId ? { session: { uid: e.sessionId } } : {};
  const endpoint = str(d.clientAddr) ? { src_endpoint: endpointOf(str(d.clientAddr) as string) } : {};
  if (e.type.startsWith('auth.')) {
    const logoff = e.type === 'auth.logout';
    const failed = e.type === 'auth.failure';
    return {
      cls: OcsfClass.authentication,
      activity: logoff ? [2, 'Logoff'] : [1, 'Logon'],
      failed,
      ...(failed ? { detail: str(d.reason) ?? str(d.code) ?? 'authentication failed' } : {}),
      message: `${e.type} ${e.actor}${e.connection ? ` → ${e.connection}` : ''}${failed ? `: ${str(d.reason) ?? ''}` : ''}`,
      fields: {
        user: { uid: e.actor, name: e.actor },
        auth_protocol: 'OAUTH 2.0',
        auth_protocol_id: 99,
        ...(e.connection ? { service: { name: e.connection } } : {}),
        ...endpoint,
        ...session,
      },
    };
  }
  if (e.type === 'statement') {
    const decision = str(d.decision) ?? 'allow';
    const failed = decision === 'deny' || decision === 'denied' || decision === 'expired';
    return {
      cls: OcsfClass.datastoreActivity,
      activity: [4, 'Query'],
      failed,
      ...(failed || decision === 'review'
        ? { detail: `${decision}${d.rule ? ` (rule ${str(d.rule)})` : ''}: ${str(d.reason) ?? ''}` }
        : {}),
      message: `${decision} ${str(d.text) ?? ''}`.slice(0, 1000),
      fields: {
        database: { name: e.connection ?? '', type: 'PostgreSQL', type_id: 99 },
        query_info: { query_string: str(d.text) ?? '' },
        ...session,
      },
    };
  }
  if (e.type === 'session.start' || e.type === 'session.end') {
    const open = e.type === 'session.start';
    const failed = !open && str(d.status) !== undefined && str(d.status) !== 'ended';
    const common = {
      message: `${e.type} ${e.actor} ${e.connection ?? ''}`.trim(),
      failed,
      ...(failed ? { detail: str(d.reason) ?? str(d.status) } : {}),
    };
    if (protocol === 'ssh') {
      return {
        cls: OcsfClass.sshActivity,
        activity: open ? [1, 'Open'] : [2, 'Close'],
        ...common,
        fields: { ...endpoint, ...session },
      };
    }
    if (protocol === 'http') {
      return {
        cls: OcsfClass.apiActivity,
        activity: [99, open ? 'Connect' : 'Disconnect'],
        ...common,
        fields: { api: { operation: e.type, service: { name: e.connection ?? '' } }, ...endpoint, ...session },
      };
    }
    return {
      cls: OcsfClass.datastoreActivity,
      activity: open ? [3, 'Connect'] : [99, 'Disconnect'],
      ...common,
      fields: { database: { name: e.connection ?? '', type: 'PostgreSQL', type_id: 99 }, ...endpoint, ...session },
    };
  }
  // Approvals, operator actions, exports, checkpoints: actions on Vigil's own API.
  const activity: readonly [number, string] =
    e.type === 'approval.requested' || e.type === 'audit.checkpoint'
      ? [1, 'Create']
      : e.type === 'evidence.export'
        ? [2, 'Read']
        : e.type.startsWith('approval.') || e.type.startsWith('session.')
          ? [3, 'Update']
          : [99, 'Other'];
  const outcome = str(d.decision) ?? str(d.status);
  return {
    cls: OcsfClass.apiActivity,
    activity,
    ...(outcome ? { detail: outcome } : {}),
    message: `${e.type} by ${e.actor}${d.requestId ? ` (request ${str(d.requestId)})` : ''}`,
    fields: {
      api: { operation: e.type, service: { name: 'vigil' } },
      ...(e.connection ? { resources: [{ name: e.connection, type: 'connection' }] } : {}),
      ...session,
    },
  };
}

function endpointOf(addr: string): { ip?: string; port?: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(addr);
  return m ? { ip: m[1], port: Number(m[2]) } : { ip: addr };
}
