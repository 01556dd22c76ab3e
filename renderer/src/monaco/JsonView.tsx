import { CodeView } from './CodeView';
import { JSON_LANGUAGE } from './json-language';

/** Read-only JSON (decoded message fields, annotations). */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return <CodeView code={JSON.stringify(value, null, 2)} language={JSON_LANGUAGE} maxLines={18} label={label} />;
}
