import { useEffect, useRef } from 'react';
import { SQL_LANGUAGE, useMonaco } from './monaco-loader';

const LINE_HEIGHT = 19;

interface CodeViewProps {
  code: string;
  language: string;
  label: string;
  /** Lines shown before the editor scrolls. */
  maxLines?: number;
}

/** Read-only Monaco with highlighting; plain text until Monaco has loaded (the first paint never waits for it). */
export function CodeView({ code, language, label, maxLines = 12 }: CodeViewProps) {
  const monaco = useMonaco();
  const host = useRef<HTMLDivElement>(null);
  const lines = Math.min(maxLines, Math.max(1, code.split('\n').length));
  const height = lines * LINE_HEIGHT + 8;

  useEffect(() => {
    if (!monaco || !host.current) return;
    const editor = monaco.editor.create(host.current, {
      value: code,
      language,
      theme: 'vigil-dark',
      readOnly: true,
      domReadOnly: true,
      ariaLabel: label,
      minimap: { enabled: false },
      lineNumbers: lines > 1 ? 'on' : 'off',
      lineNumbersMinChars: 3,
      folding: false,
      glyphMargin: false,
      scrollBeyondLastLine: false,
      renderLineHighlight: 'none',
      contextmenu: false,
      automaticLayout: true,
      wordWrap: 'on',
      fontSize: 13,
      lineHeight: LINE_HEIGHT,
      padding: { top: 4, bottom: 4 },
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 8, horizontalScrollbarSize: 8 },
    });
    return () => editor.dispose();
  }, [monaco, code, language, label, lines]);

  if (!monaco) {
    return (
      <pre className="sql-fallback" style={{ maxHeight: height }}>
        {code}
      </pre>
    );
  }
  return <div className="sql-view" ref={host} style={{ height }} />;
}

/** A SQL statement, read-only. */
export function SqlView({
  sql,
  label = 'SQL statement',
  maxLines,
}: {
  sql: string;
  label?: string;
  maxLines?: number;
}) {
  return <CodeView code={sql} language={SQL_LANGUAGE} label={label} maxLines={maxLines} />;
}
