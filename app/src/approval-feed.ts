import type { ApprovalBroker } from '../../proxy-core/src/approvals/approval-broker';
import type { Logger } from '../../proxy-core/src/logger';
import type { Store } from '../../proxy-core/src/store/store.types';
import { PendingApprovals, type PendingUpdate } from './pending-approvals';

export interface ApprovalSource {
  broker: Pick<ApprovalBroker, 'subscribe'>;
  store: Pick<Store, 'listApprovals'>;
}

export interface ApprovalFeed {
  readonly count: number;
  stop(): void;
}

/** The store answers at most this many per listing (Store.listApprovals). */
const LISTING_LIMIT = 1000;

/**
 * Feeds the hosted gateway's approvals into a PendingApprovals: the pending listing at start (silently),
 * every broker event, and a periodic re-listing that picks up requests made through other gateways on
 * the same store. `onUpdate` runs when the count changes or a notification is due, and once at start.
 */
export function followApprovals(
  source: ApprovalSource,
  onUpdate: (update: PendingUpdate) => void,
  opts: { logger: Logger; resyncMs?: number },
): ApprovalFeed {
  const state = new PendingApprovals();
  const emit = (update: PendingUpdate, always = false) => {
    if (always || update.countChanged || update.notify.length > 0) onUpdate(update);
  };
  const list = (notify: boolean) => {
    try {
      emit(state.sync(source.store.listApprovals({ status: 'pending', limit: LISTING_LIMIT }), { notify }), !notify);
    } catch (err) {
      opts.logger.warn('could not list pending approvals', { err });
    }
  };
  list(false);
  const unsubscribe = source.broker.subscribe((event) => emit(state.apply(event)));
  const timer = setInterval(() => list(true), opts.resyncMs ?? 30_000);
  timer.unref();
  return {
    get count() {
      return state.count;
    },
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
