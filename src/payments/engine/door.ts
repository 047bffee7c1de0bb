// Where POST /payments hands an accepted payment: one shape, three doors.
// - the dispatcher itself (Redis store: the other instances dedupe through Redis);
// - the owner forwarding door (memory store, two instances): each correlationId has one owner,
//   so a repeated one posted to both instances still meets one memory of recent ids; the other
//   instance forwards it over the private socket, in batches, after its 202;
// - the durable log's door (--durable): the payment is accepted once it is in the Redis stream.
import type { AcceptOutcome, PaymentDispatcher } from './dispatcher.js';

export interface PaymentDoor {
  accept(correlationId: string, cents: number): AcceptOutcome | Promise<AcceptOutcome>;
  /** Forgets what it holds on its way to the dispatcher (POST /purge-payments). */
  purge?(): void;
}

export function dispatcherDoor(d: PaymentDispatcher): PaymentDoor {
  return { accept: (id, cents) => d.accept(id, cents) };
}

/**
 * The owner of a correlationId among `instances`: UUIDs end in random hex digits, so the last one
 * splits them evenly; lower-case ids only (the validator lower-cases them).
 */
export function ownerOf(correlationId: string, instances: number): number {
  return Number.parseInt(correlationId[correlationId.length - 1]!, 16) % instances;
}
