// Loaded lazily (see monaco-loader.ts): the editor core, SQL, and the few editing features the workbench uses —
// not editor.main, which bundles every language and feature. Everything is imported here, before the first
// editor exists: features registered later miss the editor services (see json-language.ts).
import * as monaco from 'monaco-editor/editor/editor.api';
// The generic SQL grammar: pgsql's highlights only PostgreSQL's reserved words (not UPDATE, SET, INSERT).
import 'monaco-editor/languages/definitions/sql/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/wordHighlighter/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerJsonLanguage } from './json-language';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

registerJsonLanguage(monaco);

monaco.editor.defineTheme('vigil-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#1b1d23',
    'editor.lineHighlightBackground': '#24272f',
    'editorLineNumber.foreground': '#4b5263',
    'editorGutter.background': '#1b1d23',
  },
});

export { monaco };
