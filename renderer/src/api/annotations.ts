import type { Annotation, CommandAnnotation, Decision, Frame, MaskAnnotation } from './api.types';

// Annotations are the recording's open-ended part: the gateway adds types and fields over time (ssh `line`,
// `exec`, `transfer` …; `actions` on commands), old recordings lack new fields, and an evidence packet may
// come from another version. Every annotation is normalized once, where frames enter the IDE (API, live
// socket, packets), so views can trust the fields they read; unknown fields are kept for the inspector.

type Raw = Record<string, unknown>;

const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : value === null || value === undefined ? fallback : String(value);
const optionalText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const index = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fallback;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The gateway has written 'deny', 'denied' and 'expired' for a refusal; anything unknown needs a look. */
export function toDecision(value: unknown): Decision {
  if (value === 'allow' || value === 'allowed') return 'allow';
  if (value === 'deny' || value === 'denied' || value === 'expired') return 'deny';
  return 'review';
}

function statementsOf(value: unknown): CommandAnnotation['statements'] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((s): s is Raw => typeof s === 'object' && s !== null)
    .map((s) => ({ kind: text(s.kind, '?'), tables: strings(s.tables) }));
}

function command(a: Raw, frameN: number): CommandAnnotation {
  const out: CommandAnnotation = {
    ...a,
    type: 'command',
    frame: index(a.frame, frameN),
    text: text(a.text),
    decision: toDecision(a.decision),
    rule: optionalText(a.rule),
    reason: text(a.reason),
    statements: statementsOf(a.statements),
    actions: strings(a.actions),
  };
  if (typeof a.requestId === 'string' && a.requestId) out.requestId = a.requestId;
  else delete out.requestId;
  return out;
}

function mask(a: Raw, frameN: number): MaskAnnotation {
  return {
    ...a,
    type: 'mask',
    frame: index(a.frame, frameN),
    // −1 matches no message, row or column: a mask without its place marks nothing rather than a wrong cell.
    message: index(a.message, -1),
    row: index(a.row, -1),
    column: index(a.column, -1),
    rule: text(a.rule, 'unknown rule'),
    style: text(a.style),
  };
}

/**
 * An annotation value as views may read it: known types get every field they declare, with the right type;
 * other types pass through (views ignore types they do not know). `frameN` is the annotation's own frame,
 * the fallback for a command or mask that does not say which frame it is about.
 */
export function toAnnotation(value: unknown, frameN: number): Annotation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'invalid', value } as unknown as Annotation;
  }
  const a = value as Raw;
  switch (a.type) {
    case 'command':
      return command(a, frameN);
    case 'mask':
      return mask(a, frameN);
    case 'session.start':
      return {
        ...a,
        type: 'session.start',
        principal: text(a.principal, '?'),
        connection: text(a.connection, '?'),
        upstream: text(a.upstream, '?'),
      };
    case 'session.end':
      return { ...a, type: 'session.end', reason: text(a.reason) };
    case 'approval.requested':
      return { ...a, type: 'approval.requested', requestId: text(a.requestId), text: text(a.text) };
    case 'approval.decided':
      return {
        ...a,
        type: 'approval.decided',
        requestId: text(a.requestId),
        decision: text(a.decision, 'unknown'),
        approver: text(a.approver, 'unknown'),
        reason: text(a.reason),
      };
    case 'note':
      return { ...a, type: 'note', author: text(a.author, 'unknown'), text: text(a.text) };
    default:
      return { ...a, type: typeof a.type === 'string' ? a.type : 'invalid' } as unknown as Annotation;
  }
}

/** The frame with its annotation normalized (other frames are returned as they are). */
export function normalizeFrame(frame: Frame): Frame {
  if (frame.kind !== 'annotation') return frame;
  return { ...frame, value: toAnnotation(frame.value, frame.n) };
}

export const normalizeFrames = (frames: readonly Frame[]): Frame[] => frames.map(normalizeFrame);
