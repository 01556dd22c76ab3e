import { useId, useState } from 'react';
import type { OpenedPacket } from './opened-packet';
import { parseTrustedKey } from './opened-packet';
import { usePacket } from './PacketContext';

/** Pins the gateway's public key: the packet is verified again, its signature checked against that key. */
export function TrustedKeyForm({ packet }: { packet: OpenedPacket }) {
  const { reverify } = usePacket();
  const [pem, setPem] = useState(packet.trustedKeyPem ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  return (
    <form
      className="trusted-key"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseTrustedKey(pem);
        if ('error' in parsed) {
          setError(parsed.error);
          return;
        }
        setError(null);
        reverify(pem);
      }}
    >
      <label htmlFor={id}>Trusted public key (PEM)</label>
      <textarea
        id={id}
        className="mono"
        rows={4}
        spellCheck={false}
        placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
        value={pem}
        onChange={(event) => setPem(event.target.value)}
      />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="button" disabled={pem.trim() === ''}>
          Verify with this key
        </button>
        {packet.trustedKeyPem && (
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setPem('');
              reverify(null);
            }}
          >
            Unpin
          </button>
        )}
      </div>
    </form>
  );
}
