import { useEffect, useState } from 'react';

export type Monaco = typeof import('monaco-editor/editor/editor.api');

let loading: Promise<Monaco> | null = null;
let loaded: Monaco | null = null;

/** Monaco is ~3 MB: it loads after the first paint, once, on first use. */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monaco-setup').then((module) => {
    loaded = module.monaco;
    return module.monaco;
  });
  return loading;
}

/** Monaco once loaded; null until then (callers show plain text meanwhile). */
export function useMonaco(): Monaco | null {
  const [monaco, setMonaco] = useState<Monaco | null>(loaded);
  useEffect(() => {
    if (monaco) return;
    let live = true;
    loadMonaco().then((m) => {
      if (live) setMonaco(m);
    });
    return () => {
      live = false;
    };
  }, [monaco]);
  return monaco;
}

export const SQL_LANGUAGE = 'sql';
