import { describe, expect, it } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';

// The boundary's state rules (React calls these statics; rendering is covered by the e2e views).
describe('ErrorBoundary', () => {
  it('keeps what was thrown, as an Error', () => {
    expect(ErrorBoundary.getDerivedStateFromError(new TypeError('bad annotation'))).toMatchObject({
      error: { name: 'TypeError', message: 'bad annotation' },
    });
    expect(ErrorBoundary.getDerivedStateFromError('a string').error?.message).toBe('a string');
  });

  it('starts afresh when its reset key changes (another view or session), not otherwise', () => {
    const failed = { error: new Error('x'), resetKey: 'session:a' };
    const props = { what: 'This view', children: null };
    expect(ErrorBoundary.getDerivedStateFromProps({ ...props, resetKey: 'session:a' }, failed)).toEqual({});
    expect(ErrorBoundary.getDerivedStateFromProps({ ...props, resetKey: 'session:b' }, failed)).toEqual({
      error: null,
      resetKey: 'session:b',
    });
  });
});
