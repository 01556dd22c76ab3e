/**
 * One line of text for an annotation frame (policy decision, approval, masking, note…), shared by the
 * transcript, the capture's packet comments and the terminal cast's markers. Known types get a sentence;
 * anything else is its type and compact JSON.
 */
export function annotationText(value: unknown, maxChars = 2000): string {
  const a = (typeof value === 'object' && value !== null ? value : { value }) as Record<string, unknown>;
  const s = (k: string) => (a[k] === undefined || a[k] === null ? '' : String(a[k]));
  let text: string;
  switch (a.type) {
    case 'command':
      text = `${s('decision').toUpperCase()} statement (frame ${s('frame')}${a.rule ? `, rule ${s('rule')}` : ''}): ${s('text')}`;
      break;
    case 'approval.requested':
      text = `APPROVAL REQUESTED ${s('requestId')}${a.rule ? ` (rule ${s('rule')})` : ''}${a.expiresAt ? `, expires ${s('expiresAt')}` : ''}: ${s('text')}`;
      break;
    case 'approval.decided':
      text = `APPROVAL ${s('decision') === 'approve' ? 'GRANTED' : 'REFUSED'} ${s('requestId')}${a.approver ? ` by ${s('approver')}` : ''}${a.reason ? `: ${s('reason')}` : ''}`;
      break;
    case 'note':
      text = `NOTE by ${s('author')}: ${s('text')}`;
      break;
    case 'terminate':
      text = `TERMINATED by ${s('by')}`;
      break;
    case 'session.start':
      text = `session start: ${s('principal')} → ${s('connection')}${a.upstream ? ` (${s('upstream')})` : ''}`;
      break;
    case 'session.end':
      text = `session end: ${s('reason')}`;
      break;
    default: {
      const { type, ...rest } = a;
      const kind = typeof type === 'string' ? type : 'annotation';
      const masked = /mask/i.test(kind) ? 'MASKED ' : '';
      text = `${masked}${kind}${Object.keys(rest).length > 0 ? ` ${safeJson(rest)}` : ''}`;
    }
  }
  const oneLine = text.replace(/\r?\n/g, ' ⏎ ');
  return oneLine.length > maxChars
    ? `${oneLine.slice(0, maxChars)}… (${oneLine.length - maxChars} more chars)`
    : oneLine;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
