// Takes accepted payments from the queue and has them executed, exactly once:
// - the pure policy picks default, fallback or hold for the oldest waiting payment;
// - each answer is classified by the pure outcome table; stored → recorded under that processor
//   with the exact requestedAt sent; not stored → back to the front of the line; UNKNOWN → pinned
//   to that processor (own retry line, same requestedAt); each retry first asks GET /payments/{id}
//   there (never delayed) and sends again only when the processor says it does not have it;
// - starts are paced (a few per timer tick, a bounded rate) so draining a backlog never starves
//   the API of CPU: a payment can wait, a POST /payments answer cannot.
import assert from 'node:assert/strict';
import { classifyLookup, classifyPayment } from '../core/outcome.js';
import {
  DEFAULT_POLICY,
  INITIAL_OBSERVED,
  isDown,
  mayProbe,
  observe,
  PROCESSORS,
  route,
  type Health,
  type PolicyConfig,
  type ProcessorName,
  type ProcessorState,
} from '../core/policy.js';
import type { ProcessorClient } from '../processors/client.js';
import type { PaymentRecords } from '../store/store.js';
import type { Journal } from './journal.js';
import { PaymentQueue, type Pending } from './queue.js';

/** Payments started per tick; with PUMP_TICK_MS this caps starts at 2,000/s per instance. */
export const STARTS_PER_TICK = 4;
export const PUMP_TICK_MS = 2;
/** How soon a held queue looks again. */
export const HOLD_RECHECK_MS = 20;
/** A failed write to the store is retried this often. */
export const RECORD_RETRY_MS = 100;
/** A pinned payment whose state could not be learned waits this long before asking again. */
export const PINNED_RETRY_MS = 250;
/** How far past its capacity the queue takes payments it already owns (durable log batches). */
export const ADOPT_SLACK = 1_024;

/** The durable log reads at most `readBatch` past the queue's room: the slack must hold it. */
export function assertAdoptSlack(readBatch: number, slack = ADOPT_SLACK): void {
  assert(
    readBatch > 0 && readBatch <= slack,
    `a read batch of ${readBatch} must fit the queue's slack of ${slack}`,
  );
}

export interface DispatcherStats {
  queued: number;
  pinned: number;
  inFlight: Record<ProcessorName, number>;
  stored: Record<ProcessorName, number>;
  rejected: number;
}

export class Dispatcher {
  private readonly state: Record<ProcessorName, ProcessorState> = {
    default: { observed: INITIAL_OBSERVED },
    fallback: { observed: INITIAL_OBSERVED },
  };
  /** Payments whose outcome on a processor is unknown: retried only there. */
  private readonly pinned: Record<ProcessorName, Pending[]> = { default: [], fallback: [] };
  private readonly stored: Record<ProcessorName, number> = { default: 0, fallback: 0 };
  private rejected = 0;
  private scheduled: NodeJS.Timeout | undefined;
  private closed = false;
  /** While the journal cannot be written, nothing is sent before this time. */
  private journalDownUntilMs = 0;

  constructor(
    readonly queue: PaymentQueue,
    private readonly clients: Readonly<Record<ProcessorName, ProcessorClient>>,
    private readonly records: PaymentRecords,
    private readonly cfg: PolicyConfig = DEFAULT_POLICY,
    private readonly log: (m: string) => void = () => {},
    private readonly now: () => number = Date.now,
    /** Present with --durable: notes sends and settlements (store/durable-log.ts). */
    private readonly journal?: Journal,
  ) {}

  /** Accepts a payment (false when the queue is full: the caller answers 503). */
  accept(correlationId: string, cents: number): boolean {
    if (!this.queue.push({ correlationId, cents, acceptedAtMs: this.now() })) return false;
    this.wake(true);
    return true;
  }

  /**
   * Takes a payment this instance now owns in the durable log (read or taken over): pinned to a
   * processor when an attempt was noted there, otherwise in line with the rest.
   */
  adopt(p: Pending): void {
    if (p.unknownAt !== undefined) this.pinned[p.unknownAt].push(p);
    else
      assert(
        this.queue.push(p, ADOPT_SLACK),
        `queue over its capacity by ${ADOPT_SLACK}: the durable log read too much`,
      );
    this.wake(true);
  }

  setHealth(name: ProcessorName, h: Health): void {
    this.state[name] = { ...this.state[name], health: h };
    this.wake(false);
  }

  health(name: ProcessorName): Health | undefined {
    return this.state[name].health;
  }

  stats(): DispatcherStats {
    return {
      queued: this.queue.length,
      pinned: this.pinned.default.length + this.pinned.fallback.length,
      inFlight: {
        default: this.state.default.observed.inFlight,
        fallback: this.state.fallback.observed.inFlight,
      },
      stored: { ...this.stored },
      rejected: this.rejected,
    };
  }

  /** Forgets every waiting payment (POST /purge-payments); in-flight ones finish. */
  purge(): void {
    this.queue.clear();
    this.pinned.default = [];
    this.pinned.fallback = [];
  }

  close(): void {
    this.closed = true;
    if (this.scheduled !== undefined) clearTimeout(this.scheduled);
  }

  private wake(soon: boolean): void {
    if (this.scheduled !== undefined || this.closed) return;
    this.scheduled = setTimeout(() => this.pump(), soon ? PUMP_TICK_MS : HOLD_RECHECK_MS);
  }

  private setInFlight(name: ProcessorName, delta: number): void {
    const s = this.state[name];
    const sent = delta > 0 ? { lastSentAtMs: this.now() } : {};
    this.state[name] = {
      ...s,
      observed: { ...s.observed, inFlight: s.observed.inFlight + delta, ...sent },
    };
  }

  /** A pinned payment may go back to its processor when it is up, or as that processor's probe. */
  private mayRetryPinned(name: ProcessorName, now: number): boolean {
    const s = this.state[name];
    if (s.observed.inFlight >= this.cfg.maxInFlight[name]) return false;
    return !isDown(s, now, this.cfg) || mayProbe(s, now, this.cfg);
  }

  private pump(): void {
    this.scheduled = undefined;
    if (this.closed) return;
    let started = 0;
    const now = this.now();
    if (now < this.journalDownUntilMs) return this.wake(false);
    for (const name of PROCESSORS) {
      while (
        this.pinned[name].length > 0 &&
        started < STARTS_PER_TICK &&
        (this.pinned[name][0]!.notBeforeMs ?? 0) <= now &&
        this.mayRetryPinned(name, now)
      ) {
        void this.attempt(this.pinned[name].shift()!, name);
        started++;
      }
    }
    while (started < STARTS_PER_TICK) {
      const p = this.queue.peek();
      if (p === undefined) break;
      const target = route(now, now - p.acceptedAtMs, this.state, this.cfg);
      if (target === 'hold') break;
      this.queue.shift();
      void this.attempt(p, target);
      started++;
    }
    const waiting = this.queue.length + this.pinned.default.length + this.pinned.fallback.length;
    if (waiting > 0) this.wake(started === STARTS_PER_TICK);
  }

  private async attempt(p: Pending, name: ProcessorName): Promise<void> {
    const requestedAt = p.requestedAt ?? new Date(this.now()).toISOString();
    this.setInFlight(name, +1);
    if (p.unknownAt === name) {
      // First ask (GET is never delayed): a slow processor may have stored an attempt whose
      // answer we gave up on. Only "absent" lets us send it again, and only there.
      const found = classifyLookup(await this.clients[name].lookup(p.correlationId));
      if (found !== 'absent') {
        this.setInFlight(name, -1);
        if (found === 'stored') this.settle(p, name, requestedAt);
        else {
          p.notBeforeMs = this.now() + PINNED_RETRY_MS;
          this.pinned[name].push(p);
        }
        this.wake(true);
        return;
      }
    }
    if (this.journal !== undefined && p.unknownAt !== name) {
      // The note must be durable before the request leaves (see store/durable-log.ts).
      let mine: boolean;
      try {
        mine = await this.journal.beforeSend(p, name, requestedAt);
      } catch (err) {
        this.setInFlight(name, -1);
        this.log(`journal unavailable (${(err as Error).message}); sending paused`);
        this.journalDownUntilMs = this.now() + RECORD_RETRY_MS;
        this.queue.unshift(p);
        this.wake(false);
        return;
      }
      if (!mine) {
        this.setInFlight(name, -1);
        this.log(`payment ${p.correlationId} was taken over by another instance; not sent`);
        this.wake(true);
        return;
      }
    }
    const t0 = this.now();
    const reply = await this.clients[name].pay(p.correlationId, p.cents, requestedAt);
    this.setInFlight(name, -1);
    const outcome = classifyPayment(reply);
    const s = this.state[name];
    this.state[name] = {
      ...s,
      observed: observe(s.observed, outcome, this.now() - t0, this.now()),
    };
    switch (outcome) {
      case 'stored':
        this.settle(p, name, requestedAt);
        break;
      case 'already_stored':
        // Ours only if an earlier attempt of ours went there; otherwise the same correlationId
        // was sent twice by the client and the first copy was recorded where it was stored.
        if (p.unknownAt === name) this.settle(p, name, requestedAt);
        else this.forget(p);
        break;
      case 'not_stored':
        if (p.unknownAt !== undefined) this.pinned[p.unknownAt].push(p);
        else this.queue.unshift(p);
        break;
      case 'unknown':
        p.unknownAt = name;
        p.requestedAt = requestedAt;
        this.pinned[name].push(p);
        break;
      case 'rejected':
        this.rejected++;
        this.log(
          `processor ${name} rejected payment ${p.correlationId} as invalid (400); not retried`,
        );
        this.forget(p);
        break;
    }
    this.wake(true);
  }

  /** Done with a payment for good: the journal may drop it. */
  private forget(p: Pending): void {
    this.journal?.settled(p).catch((err: Error) => {
      // Left pending in the log: whoever replays it finds it stored and records nothing twice.
      this.log(`journal: could not settle ${p.correlationId} (${err.message})`);
    });
  }

  private settle(p: Pending, name: ProcessorName, requestedAt: string): void {
    this.stored[name]++;
    this.records.record(name, p.correlationId, p.cents, Date.parse(requestedAt)).then(
      () => this.forget(p),
      (err: Error) => {
        // The processor has it: the record must not be lost. Retry until the store answers.
        this.log(`recording ${p.correlationId} failed (${err.message}); retrying`);
        setTimeout(() => this.settle({ ...p }, name, requestedAt), RECORD_RETRY_MS).unref();
        this.stored[name]--;
      },
    );
  }
}
