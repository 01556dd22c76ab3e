import { type ApprovalEvent, type ApprovalState, type ApprovalVote, transition } from './approval-state';
import { isoTime, nonEmpty, pageLimit } from './input-checks';
import { parseJson, rethrowConstraint, type SqliteContext } from './sqlite-context';
import type { ApprovalFilter, ApprovalRequest, NewApproval, Store } from './store.types';
import { StoreError } from './store-error';

type ApprovalMethods = Pick<
  Store,
  'createApproval' | 'getApproval' | 'listApprovals' | 'recordApprovalVote' | 'setApprovalStatus'
>;

interface ApprovalRow {
  id: string;
  session_id: string;
  principal: string;
  connection: string;
  statement: string;
  actions_json: string;
  rule: string;
  required_count: number;
  approver_groups_json: string;
  status: ApprovalRequest['status'];
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  runs_json: string | null;
}

interface VoteRow {
  approval_id: string;
  approver: string;
  groups_json: string;
  decision: ApprovalVote['decision'];
  reason: string | null;
  at: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function sqliteApprovals(ctx: SqliteContext): ApprovalMethods {
  const { db } = ctx;
  const insert = db.prepare(`INSERT INTO approvals (id, session_id, principal, connection, statement, actions_json,
    rule, required_count, approver_groups_json, status, created_at, expires_at, runs_json)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`);
  const selectOne = db.prepare('SELECT * FROM approvals WHERE id = ?');
  const votesOf = db.prepare('SELECT * FROM approval_votes WHERE approval_id = ? ORDER BY at, approver');
  const votesOfMany = db.prepare(`SELECT * FROM approval_votes
    WHERE approval_id IN (SELECT value FROM json_each(?)) ORDER BY at, approver`);
  const insertVote = db.prepare(`INSERT INTO approval_votes (approval_id, approver, groups_json, decision, reason, at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const updateStatus = db.prepare('UPDATE approvals SET status = ?, decided_at = ? WHERE id = ?');

  const getApproval = (id: string): ApprovalRequest | undefined => {
    const row = selectOne.get(id) as ApprovalRow | undefined;
    return row === undefined ? undefined : toApproval(row, (votesOf.all(id) as VoteRow[]).map(toVote));
  };

  /**
   * Load, transition, write back, in one IMMEDIATE transaction: the write lock is taken before the read, so
   * two gateways deciding the same request at once are serialized and the second sees the first's vote.
   */
  const apply = db.transaction((id: string, event: ApprovalEvent): ApprovalRequest => {
    const before = getApproval(id);
    if (before === undefined) throw new StoreError('not_found', `approval request ${id} not found`);
    const result = transition(toState(before), event);
    if (!result.ok) throw new StoreError('invalid_transition', result.reason);
    if (event.type === 'vote') {
      const v = event.vote;
      insertVote.run(id, v.approver, JSON.stringify(v.groups), v.decision, v.reason, v.at);
    }
    if (result.state.status !== before.status) updateStatus.run(result.state.status, result.state.decidedAt, id);
    return getApproval(id) as ApprovalRequest;
  });

  return {
    createApproval(input: NewApproval): ApprovalRequest {
      if (!Number.isSafeInteger(input.requiredCount) || input.requiredCount < 1) {
        throw new StoreError('invalid_input', `requiredCount: ${input.requiredCount} is not a positive integer`);
      }
      // Fail closed: a request nobody may decide could only ever expire; refuse it up front instead.
      if (input.approverGroups.length === 0) throw new StoreError('invalid_input', 'approverGroups is empty');
      try {
        insert.run(
          nonEmpty(input.id, 'id'),
          input.sessionId,
          nonEmpty(input.principal, 'principal'),
          input.connection,
          input.statement,
          JSON.stringify(input.actions ?? null),
          input.rule,
          input.requiredCount,
          JSON.stringify(input.approverGroups),
          isoTime(input.createdAt ?? ctx.now().toISOString(), 'createdAt'),
          isoTime(input.expiresAt, 'expiresAt'),
          input.runs === undefined || input.runs.length === 0 ? null : JSON.stringify(input.runs),
        );
      } catch (err) {
        rethrowConstraint(err, `approval request ${input.id}`);
      }
      return getApproval(input.id) as ApprovalRequest;
    },

    getApproval,

    listApprovals(filter: ApprovalFilter = {}): ApprovalRequest[] {
      const conds: string[] = [];
      const params: unknown[] = [];
      if (filter.status !== undefined) {
        conds.push('status = ?');
        params.push(filter.status);
      }
      if (filter.sessionId !== undefined) {
        conds.push('session_id = ?');
        params.push(filter.sessionId);
      }
      const where = conds.length === 0 ? '' : ` WHERE ${conds.join(' AND ')}`;
      const sql = `SELECT * FROM approvals${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
      const rows = db.prepare(sql).all(...params, pageLimit(filter.limit, DEFAULT_LIMIT, MAX_LIMIT)) as ApprovalRow[];
      const votes = votesOfMany.all(JSON.stringify(rows.map((r) => r.id))) as VoteRow[];
      return rows.map((row) => toApproval(row, votes.filter((v) => v.approval_id === row.id).map(toVote)));
    },

    recordApprovalVote(id: string, vote: ApprovalVote): ApprovalRequest {
      if (vote.decision !== 'approve' && vote.decision !== 'deny') {
        throw new StoreError('invalid_input', `decision: ${JSON.stringify(vote.decision)} is not approve or deny`);
      }
      const checked: ApprovalVote = {
        approver: nonEmpty(vote.approver, 'approver'),
        groups: [...vote.groups],
        decision: vote.decision,
        reason: vote.reason ?? null,
        at: isoTime(vote.at, 'at'),
      };
      return apply.immediate(id, { type: 'vote', vote: checked });
    },

    setApprovalStatus(id: string, status: 'expired' | 'cancelled', at: string): ApprovalRequest {
      const when = isoTime(at, 'at');
      if (status === 'expired') return apply.immediate(id, { type: 'expire', at: when });
      if (status === 'cancelled') return apply.immediate(id, { type: 'cancel', at: when });
      throw new StoreError('invalid_input', `status: ${String(status)} is reached by votes, not set`);
    },
  };
}

function toState(request: ApprovalRequest): ApprovalState {
  const { status, principal, requiredCount, approverGroups, expiresAt, votes, decidedAt } = request;
  return { status, principal, requiredCount, approverGroups, expiresAt, votes, decidedAt };
}

function toVote(row: VoteRow): ApprovalVote {
  return {
    approver: row.approver,
    groups: JSON.parse(row.groups_json) as string[],
    decision: row.decision,
    reason: row.reason,
    at: row.at,
  };
}

function toApproval(row: ApprovalRow, votes: ApprovalVote[]): ApprovalRequest {
  return {
    id: row.id,
    sessionId: row.session_id,
    principal: row.principal,
    connection: row.connection,
    statement: row.statement,
    runs: row.runs_json === null ? [] : (JSON.parse(row.runs_json) as Array<Array<string | null>>),
    actions: parseJson(row.actions_json),
    rule: row.rule,
    requiredCount: row.required_count,
    approverGroups: JSON.parse(row.approver_groups_json) as string[],
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
    votes,
  };
}
