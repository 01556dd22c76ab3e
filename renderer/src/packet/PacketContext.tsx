import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { OpenedPacket, VerifyProgress } from './opened-packet';

/** The evidence packet the user opened in this window (one at a time), and where its verification is. */
export type PacketState =
  | { status: 'empty' }
  | { status: 'verifying'; name: string; progress: VerifyProgress | null }
  | { status: 'open'; packet: OpenedPacket }
  | { status: 'failed'; name: string; message: string };

export interface PacketServices {
  state: PacketState;
  /** Verifies the file (against the pinned key, if given) and keeps it open for replay. */
  open: (file: File, trustedKeyPem?: string | null) => void;
  /** Verifies the open packet again, against another pinned key (null: its own key). */
  reverify: (trustedKeyPem: string | null) => void;
  close: () => void;
}

const PacketContext = createContext<PacketServices | null>(null);

export function usePacket(): PacketServices {
  const services = useContext(PacketContext);
  if (!services) throw new Error('usePacket() outside <PacketProvider>');
  return services;
}

/**
 * Holds the opened packet above the sign-in gate, so it survives signing in and moving between the packet and
 * its sessions. Nothing is sent anywhere: the file is read in place (File.slice) in this window.
 */
export function PacketProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<PacketState>({ status: 'empty' });
  const file = useRef<File | null>(null);
  const generation = useRef(0);

  const open = useCallback((picked: File, trustedKeyPem: string | null = null) => {
    const mine = ++generation.current;
    file.current = picked;
    setState({ status: 'verifying', name: picked.name, progress: null });
    const current = () => generation.current === mine;
    // The verifier (zip, SHA-256, Ed25519, zstd) loads with the first packet, not with the IDE.
    import('./opened-packet')
      .then(({ openPacket }) =>
        openPacket(picked, picked.name, {
          trustedKeyPem,
          onProgress: (progress) => {
            if (current()) setState({ status: 'verifying', name: picked.name, progress });
          },
        }),
      )
      .then((packet) => {
        if (current()) setState({ status: 'open', packet });
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (current()) setState({ status: 'failed', name: picked.name, message });
      });
  }, []);

  const reverify = useCallback(
    (trustedKeyPem: string | null) => {
      if (file.current) open(file.current, trustedKeyPem);
    },
    [open],
  );

  const close = useCallback(() => {
    generation.current += 1;
    file.current = null;
    setState({ status: 'empty' });
  }, []);

  const services = useMemo(() => ({ state, open, reverify, close }), [state, open, reverify, close]);
  return <PacketContext.Provider value={services}>{children}</PacketContext.Provider>;
}
