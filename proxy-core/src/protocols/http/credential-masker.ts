/**
 * The agent must never see the injected credential, even when the upstream reflects it (debug endpoints, error
 * pages quoting the request, `/headers` echoes): its values are masked in response headers and text bodies like a
 * detector hit, before any other detector.
 */
import { REDACTED } from '../../masking/mask-style';
import type { TextMask, TextMasker, UpstreamAuth } from './http-listener.types';
import { applyMasks } from './text-stream-masker';

/** Shorter values would mask ordinary text; a real credential is far longer. */
const MIN_SECRET_LENGTH = 8;
export const CREDENTIAL_RULE = 'credential';

export function credentialSecrets(auth: UpstreamAuth | undefined): string[] {
  if (!auth) return [];
  const values = [
    auth.bearer,
    auth.basic?.password,
    auth.basic ? Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64') : undefined,
    auth.header?.value,
    auth.sigv4?.secretAccessKey,
    auth.sigv4?.sessionToken,
  ];
  return [...new Set(values.filter((v): v is string => v !== undefined && v.length >= MIN_SECRET_LENGTH))];
}

/** Every occurrence of a secret, sorted and merged. */
function secretMasks(text: string, secrets: readonly string[]): TextMask[] {
  const found: TextMask[] = [];
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length)) {
      found.push({ rule: CREDENTIAL_RULE, start: at, end: at + secret.length, replacement: REDACTED });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const merged: TextMask[] = [];
  for (const m of found) {
    const last = merged[merged.length - 1];
    if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
    else merged.push(m);
  }
  return merged;
}

/** `maskText` with the connection's credential values masked first; undefined when there is nothing to mask with. */
export function withCredentialMasking(
  maskText: TextMasker | undefined,
  secrets: readonly string[],
): TextMasker | undefined {
  if (secrets.length === 0) return maskText;
  return (text) => {
    const own = secretMasks(text, secrets);
    const detected = maskText ? maskText(text) : { text, masks: [] };
    if (own.length === 0) return detected;
    const others = detected.masks.filter((d) => !own.some((o) => d.start < o.end && o.start < d.end));
    const masks = [...own, ...others].sort((a, b) => a.start - b.start);
    return { text: applyMasks(text, masks, text.length, 0).out, masks };
  };
}

/** Header values with any credential value masked (an upstream may echo a request header back). */
export function maskSecretsInHeaders<T extends Record<string, string | string[] | number | undefined>>(
  headers: T,
  secrets: readonly string[],
): T {
  if (secrets.length === 0) return headers;
  const out: Record<string, string | string[] | number | undefined> = {};
  const clean = (v: string) =>
    secrets.some((s) => v.includes(s)) ? applyMasks(v, secretMasks(v, secrets), v.length, 0).out : v;
  for (const [name, value] of Object.entries(headers)) {
    out[name] = typeof value === 'string' ? clean(value) : Array.isArray(value) ? value.map(clean) : value;
  }
  return out as T;
}
