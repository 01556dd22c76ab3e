import type { Monaco } from './monaco-loader';

// Read-only JSON (decoded wire messages, annotations) only needs colours, not a language service. Monaco's JSON
// contribution loads its language service lazily, and that module registers editor contributions after the
// editor services exist, which breaks every editor created afterwards ("depends on UNKNOWN service"). A Monarch
// grammar has no such side effects.
export const JSON_LANGUAGE = 'vigil-json';

export function registerJsonLanguage(monaco: Monaco): void {
  monaco.languages.register({ id: JSON_LANGUAGE, aliases: ['JSON'] });
  monaco.languages.setMonarchTokensProvider(JSON_LANGUAGE, {
    tokenizer: {
      root: [
        [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'type'],
        [/"(?:[^"\\]|\\.)*"/, 'string'],
        [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, 'number'],
        [/\b(?:true|false)\b/, 'keyword'],
        [/\bnull\b/, 'keyword'],
        [/[{}[\],:]/, 'delimiter'],
      ],
    },
  });
}
