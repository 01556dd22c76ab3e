import { useEffect, useState } from 'react';
import type { Connection } from '../api/api.types';
import { useApp } from './AppContext';

/** The gateway's connections (for pickers); empty until loaded or when the role may not list them. */
export function useConnections(): Connection[] {
  const { api } = useApp();
  const [connections, setConnections] = useState<Connection[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    api
      .listConnections(controller.signal)
      .then(setConnections)
      .catch(() => {
        // Pickers then offer only what the user types or the URL names; the views still work.
      });
    return () => controller.abort();
  }, [api]);
  return connections;
}
