import { StoreError } from './store-error';

/** Normalizes any date string Date.parse accepts to `YYYY-MM-DDTHH:mm:ss.sssZ`, so stored times sort as text. */
export function isoTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new StoreError('invalid_input', `${field}: ${JSON.stringify(value)} is not a date`);
  return new Date(ms).toISOString();
}

export function pageLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new StoreError('invalid_input', `limit: ${limit} is not a positive integer`);
  }
  return Math.min(limit, max);
}

export function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('invalid_input', `${field}: ${value} is not a non-negative integer`);
  }
  return value;
}

export function optionalCount(value: number | undefined, field: string): number | null {
  return value === undefined ? null : count(value, field);
}

export function nonEmpty(value: string, field: string): string {
  if (typeof value !== 'string' || value === '') throw new StoreError('invalid_input', `${field} is required`);
  return value;
}
