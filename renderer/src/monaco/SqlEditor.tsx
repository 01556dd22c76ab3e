import { type RefObject, useEffect, useImperativeHandle, useRef } from 'react';
import type { Monaco } from './monaco-loader';
import { SQL_LANGUAGE, useMonaco } from './monaco-loader';

export interface SqlEditorHandle {
  /** The whole text, and the selected text if any. */
  read(): { text: string; selection: string | null };
  setText(text: string): void;
  focus(): void;
}

interface SqlEditorProps {
  initial: string;
  onChange?: (text: string) => void;
  /** Ctrl/Cmd+Enter. */
  onRun: () => void;
  ref: RefObject<SqlEditorHandle | null>;
}

type Editor = ReturnType<Monaco['editor']['create']>;

/** The workbench's editable Monaco; a plain textarea until Monaco has loaded. */
export function SqlEditor({ initial, onChange, onRun, ref }: SqlEditorProps) {
  const monaco = useMonaco();
  const host = useRef<HTMLDivElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const editor = useRef<Editor | null>(null);
  const text = useRef(initial);
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useImperativeHandle(ref, () => ({
    read() {
      const e = editor.current;
      if (e) {
        const selection = e.getSelection();
        const selected = selection && !selection.isEmpty() ? (e.getModel()?.getValueInRange(selection) ?? null) : null;
        return { text: e.getValue(), selection: selected };
      }
      const t = textarea.current;
      const selected = t && t.selectionEnd > t.selectionStart ? t.value.slice(t.selectionStart, t.selectionEnd) : null;
      return { text: text.current, selection: selected };
    },
    setText(value) {
      text.current = value;
      if (editor.current) editor.current.setValue(value);
      else if (textarea.current) textarea.current.value = value;
      callbacks.current.onChange?.(value);
    },
    focus() {
      (editor.current ?? textarea.current)?.focus();
    },
  }));

  useEffect(() => {
    if (!monaco || !host.current) return;
    const e = monaco.editor.create(host.current, {
      value: text.current,
      language: SQL_LANGUAGE,
      theme: 'vigil-dark',
      ariaLabel: 'SQL editor',
      minimap: { enabled: false },
      automaticLayout: true,
      fontSize: 13,
      scrollBeyondLastLine: false,
      tabSize: 2,
      wordWrap: 'on',
      padding: { top: 8 },
    });
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => callbacks.current.onRun());
    const subscription = e.onDidChangeModelContent(() => {
      text.current = e.getValue();
      callbacks.current.onChange?.(text.current);
    });
    editor.current = e;
    e.focus();
    return () => {
      subscription.dispose();
      editor.current = null;
      e.dispose();
    };
  }, [monaco]);

  if (!monaco) {
    return (
      <textarea
        ref={textarea}
        className="sql-editor-fallback"
        aria-label="SQL editor"
        defaultValue={text.current}
        spellCheck={false}
        onChange={(event) => {
          text.current = event.target.value;
          onChange?.(text.current);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            onRun();
          }
        }}
      />
    );
  }
  return <div className="sql-editor" ref={host} />;
}
