import { useMemo } from 'react';
import { formatBytes, formatCount } from '../lib/format';
import { type BodyView, bodyView, type MaskSpan, REDACTED } from './body-text';
import { type HttpExchange, type HttpPart, partBytes } from './http-exchanges';
import { headerValue, parseHttpMessage } from './http-message';

/** The selected exchange: request and response side by side, each with its start line, headers and body. */
export function HttpExchangeDetail({
  exchange: x,
  onInspect,
}: {
  exchange: HttpExchange;
  onInspect: (frame: number) => void;
}) {
  return (
    <section className="http-detail" aria-label={`Exchange ${x.method} ${x.url}`}>
      <header className="http-detail-header">
        <span className="mono http-method">{x.method}</span> <span className="mono http-full-url">{x.url}</span>
        {x.requestId && <span className="muted small"> · approval request {x.requestId}</span>}
        {x.error && <span className="http-status error"> · {x.error}</span>}
      </header>
      <div className="http-parts">
        <HttpPartView title="Request" part={x.request} masks={[]} onInspect={onInspect} />
        {x.response ? (
          <HttpPartView title="Response" part={x.response} masks={x.masks} onInspect={onInspect} />
        ) : (
          <div className="http-part">
            <h2>Response</h2>
            <p className="muted">{x.done ? 'No response was recorded.' : 'Waiting for the response…'}</p>
          </div>
        )}
      </div>
    </section>
  );
}

function HttpPartView({
  title,
  part,
  masks,
  onInspect,
}: {
  title: string;
  part: HttpPart;
  masks: readonly MaskSpan[];
  onInspect: (frame: number) => void;
}) {
  const message = useMemo(() => parseHttpMessage(partBytes(part)), [part]);
  const type = headerValue(message.headers, 'content-type');
  const body = useMemo(() => bodyView(message.body, type, masks), [message, type, masks]);
  const cut = part.shown < part.size;
  return (
    <section className="http-part" aria-label={title}>
      <h2>
        {title}
        <button type="button" className="button small ghost" onClick={() => onInspect(part.frame)}>
          Frame #{formatCount(part.frame)}
        </button>
      </h2>
      <div className="mono http-start-line">{message.startLine}</div>
      <table className="http-headers" aria-label={`${title} headers`}>
        <tbody>
          {message.headers.map(([name, value], i) => (
            // Header lists may repeat names (Set-Cookie): the position is the identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: headers are never reordered
            <tr key={i}>
              <th className="mono">{name}</th>
              <td className="mono">
                {value === REDACTED ? (
                  <mark className="http-masked" title="redacted by Vigil: secrets are never recorded">
                    {value}
                  </mark>
                ) : (
                  value
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BodyBlock body={body} />
      {cut && (
        <p className="muted small">
          Showing {formatBytes(part.shown)} of {formatBytes(part.size)}: the whole body is in the session's recording.
        </p>
      )}
    </section>
  );
}

function BodyBlock({ body }: { body: BodyView }) {
  switch (body.kind) {
    case 'empty':
      return <p className="muted small">No body.</p>;
    case 'binary':
      return <p className="muted small">Binary body, {formatBytes(body.size)} (open the frame to see its bytes).</p>;
    case 'text':
      return (
        <pre className={body.json ? 'http-body json' : 'http-body'}>
          {body.segments.map((s, i) =>
            s.mask ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
              <mark key={i} className="http-masked" title={`masked by ${s.mask}`} data-rule={s.mask}>
                {s.text}
              </mark>
            ) : (
              s.text
            ),
          )}
        </pre>
      );
  }
}
