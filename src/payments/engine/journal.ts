// What the dispatcher tells a durable journal (store/durable-log.ts) so that accepted payments
// survive the death of the instance holding them. Without a journal (the default) a payment lives
// only in this instance's memory until it is recorded.
import type { ProcessorName } from '../core/policy.js';
import type { Pending } from './queue.js';

export interface Journal {
  /**
   * Durably notes, BEFORE the request leaves, that the payment is being sent to `processor` with
   * `requestedAt` — so whoever takes it over after a crash retries it only there. False when the
   * payment is no longer this instance's (taken over after it was believed dead): then it must not
   * be sent at all.
   */
  beforeSend(p: Pending, processor: ProcessorName, requestedAt: string): Promise<boolean>;
  /**
   * Whether a payment noted before (pinned, about to be sent again) is still this instance's:
   * one taken over while this instance was paused must not be sent by it any more.
   */
  stillMine(p: Pending): Promise<boolean>;
  /** The payment is recorded (or dropped for good, e.g. a duplicate): forget it. */
  settled(p: Pending): Promise<void>;
  /** The payment is no longer this instance's (taken over): forget it here, not in the log. */
  dropped(p: Pending): void;
}
