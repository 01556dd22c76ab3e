/**
 * AWS Signature Version 4 (header form), pure over its inputs: no clock, no I/O.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (S3: no path normalization,
 *   single encoding, `x-amz-content-sha256`, `UNSIGNED-PAYLOAD`)
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** Payload hash of a body that is streamed and so not hashed before sending (S3 and services that allow it). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigV4Request {
  method: string;
  /** The path as sent on the wire (percent-encoded), without the query. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The headers to sign (must include `host`; names in any case, one value each). */
  headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the exact body bytes sent, or UNSIGNED_PAYLOAD. */
  payloadHash: string;
}

export interface SigV4Key {
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Signature {
  authorization: string;
  signature: string;
  signedHeaders: string;
  credentialScope: string;
  canonicalRequest: string;
  stringToSign: string;
}

/** `amzDate` is the `x-amz-date` value (YYYYMMDD'T'HHMMSS'Z'), which must also be among the signed headers. */
export function signV4(req: SigV4Request, key: SigV4Key, amzDate: string): SigV4Signature {
  const { canonical, signedHeaders } = canonicalHeaders(req.headers);
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(req.path, key.service),
    canonicalQuery(req.query),
    canonical,
    signedHeaders,
    req.payloadHash,
  ].join('\n');
  const day = amzDate.slice(0, 8);
  const credentialScope = `${day}/${key.region}/${key.service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = hmac(signingKey(key.secretAccessKey, day, key.region, key.service), stringToSign).toString('hex');
  const authorization = `${SIGV4_ALGORITHM} Credential=${key.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, signedHeaders, credentialScope, canonicalRequest, stringToSign };
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, day);
  return hmac(hmac(hmac(kDate, region), service), 'aws4_request');
}

export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** UriEncode: every byte but the unreserved `A-Z a-z 0-9 - _ . ~` as `%XX` (upper-case hex). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * S3 signs the decoded path encoded once, as is. Every other service normalizes the path (no empty, `.` or `..`
 * segments) and encodes the already-encoded path again ("double encoding").
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (service === 's3')
    return (
      rawPath
        .split('/')
        .map((s) => uriEncode(safeDecode(s)))
        .join('/') || '/'
    );
  const segments: string[] = [];
  for (const s of rawPath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(uriEncode(s));
  }
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${rawPath.endsWith('/') ? '/' : ''}`;
}

/** Each name and value decoded then UriEncoded, sorted by name then value; a name without `=` has an empty value. */
export function canonicalQuery(raw: string): string {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(name)), uriEncode(safeDecode(value))]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(headers: Readonly<Record<string, string>>): { canonical: string; signedHeaders: string } {
  const entries = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/ {2,}/g, ' ')] as const);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    canonical: entries.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders: entries.map(([k]) => k).join(';'),
  };
}
