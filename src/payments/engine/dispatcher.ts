// Takes accepted payments from the queue and has them executed, exactly once:
// - a repeated correlationId is accepted but never becomes a second payment (RecentIds);
// - the pure policy picks default, fallback or hold for the oldest waiting payment, knowing the
//   backlog and what is in flight at each processor (and since when);
// - each answer is classified by the pure outcome table; stored → recorded under that processor
//   with the exact requestedAt sent; not stored → back to the front of the line; UNKNOWN → pinned
//   to that processor (own retry line, same requestedAt); each retry first asks GET /payments/{id}
//   there (never delayed) and sends again only when the processor says it does not have it;
// - a down processor is probed with the last payment it stored, sent again (an echo: refused
//   while failing, 422 once up, nothing stored either way), so no client's payment waits out a
//   failing processor's delay as a probe;
// - POST /purge-payments starts a new generation: what is waiting is dropped, and answers about
//   payments of an older generation are neither recorded nor retried;
// - starts are paced (a few per timer tick, a bounded rate) so draining a backlog never starves
//   the API of CPU: a payment can wait, a POST /payments answer cannot;
// - everything it holds is bounded by one number, the payments it owns (waiting, in flight,
//   pinned or being recorded): beyond it the door answers 503.
import assert from 'node:assert/strict';
import { classifyLookup, classifyPayment, maySendTo } from '../core/outcome.js';
import {
  ALWAYS_UP,
  DEFAULT_POLICY,
  INITIAL_OBSERVED,
  isDown,
  mayEchoProbe,
  mayProbe,
  nextAvailability,
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
import { InFlight } from './in-flight.js';
import type { IdClaims } from './claims.js';
import type { Journal } from './journal.js';
import { PaymentQueue, type Pending } from './queue.js';
import { RecentIds } from './recent-ids.js';

/** Payments started per tick; with PUMP_TICK_MS this caps starts at 2,000/s per instance. */
export const STARTS_PER_TICK = 4;
export const PUMP_TICK_MS = 2;
/** How soon a held queue looks again. */
export const HOLD_RECHECK_MS = 20;
/** Failed writes to the store are retried this often, all together. */
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

export type AcceptOutcome = 'accepted' | 'duplicate' | 'full';

export interface DispatcherStats {
  owned: number;
  queued: number;
  pinned: number;
  recording: number;
  inFlight: Record<ProcessorName, number>;
  stored: Record<ProcessorName, number>;
  /** Echo probes sent to each processor while it was down. */
  echoProbes: Record<ProcessorName, number>;
  duplicates: number;
  rejected: number;
  generation: number;
}

/** A payment a processor stored (200), in this generation: what an echo probe sends again. */
interface Echo {
  readonly correlationId: string;
  readonly cents: number;
  readonly requestedAt: string;
}

interface Unrecorded {
  readonly p: Pending;
  readonly name: ProcessorName;
  readonly requestedAt: string;
}

export class PaymentDispatcher {
  private readonly state: Record<ProcessorName, ProcessorState> = {
    default: { observed: INITIAL_OBSERVED },
    fallback: { observed: INITIAL_OBSERVED },
  };
  private readonly inFlight: Record<ProcessorName, InFlight>;
  /** Payments whose outcome on a processor is unknown: retried only there. */
  private pinned: Record<ProcessorName, Pending[]> = { default: [], fallback: [] };
  /** Stored at a processor, not yet in our records (the store failed): retried together. */
  private unrecorded: Unrecorded[] = [];
  private readonly recent: RecentIds;
  private readonly stored: Record<ProcessorName, number> = { default: 0, fallback: 0 };
  private echo: Record<ProcessorName, Echo | undefined> = {
    default: undefined,
    fallback: undefined,
  };
  private readonly echoProbes: Record<ProcessorName, number> = { default: 0, fallback: 0 };
  private duplicates = 0;
  private rejected = 0;
  private generation = 0;
  private scheduled: NodeJS.Timeout | undefined;
  private recordRetry: NodeJS.Timeout | undefined;
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
    recentCapacity?: number,
    /** Present with a shared store: the first send of an id claims it there. */
    private readonly claims?: IdClaims,
  ) {
    this.inFlight = {
      default: new InFlight(cfg.maxInFlight.default),
      fallback: new InFlight(cfg.maxInFlight.fallback),
    };
    this.recent = new RecentIds(recentCapacity);
  }

  /** Payments this instance answers for now: waiting, in flight, pinned, being recorded. */
  get owned(): number {
    return (
      this.queue.length +
      this.inFlight.default.count +
      this.inFlight.fallback.count +
      this.pinned.default.length +
      this.pinned.fallback.length +
      this.unrecorded.length
    );
  }

  /**
   * Accepts a payment: 'duplicate' when its correlationId was accepted already (answer 2xx, do
   * nothing), 'full' when the instance owns as many payments as its queue holds (answer 503).
   */
  accept(correlationId: string, cents: number): AcceptOutcome {
    if (this.owned >= this.queue.capacity) return 'full';
    if (!this.recent.firstTime(correlationId)) {
      this.duplicates++;
      return 'duplicate';
    }
    const pushed = this.queue.push({
      correlationId,
      cents,
      acceptedAtMs: this.now(),
      generation: this.generation,
    });
    assert(pushed, 'the queue had room: owned counts it');
    this.wake(true);
    return 'accepted';
  }

  /**
   * Takes a payment this instance now owns in the durable log (read or taken over): pinned to a
   * processor when an attempt was noted there, otherwise in line with the rest.
   */
  adopt(p: Omit<Pending, 'generation'>): void {
    const q: Pending = { ...p, generation: this.generation };
    if (q.unknownAt !== undefined) this.pinned[q.unknownAt].push(q);
    else
      assert(
        this.queue.push(q, ADOPT_SLACK),
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
      owned: this.owned,
      queued: this.queue.length,
      pinned: this.pinned.default.length + this.pinned.fallback.length,
      recording: this.unrecorded.length,
      inFlight: { default: this.inFlight.default.count, fallback: this.inFlight.fallback.count },
      stored: { ...this.stored },
      echoProbes: { ...this.echoProbes },
      duplicates: this.duplicates,
      rejected: this.rejected,
      generation: this.generation,
    };
  }

  /**
   * POST /purge-payments: forgets every waiting payment and every id seen, and starts a new
   * generation so that the answers of payments still in flight change nothing.
   */
  purge(): void {
    this.generation++;
    this.queue.clear();
    this.pinned = { default: [], fallback: [] };
    this.unrecorded = [];
    // A purged processor no longer holds them: an echo would be stored as a new payment.
    this.echo = { default: undefined, fallback: undefined };
    this.recent.clear();
  }

  close(): void {
    this.closed = true;
    if (this.scheduled !== undefined) clearTimeout(this.scheduled);
    if (this.recordRetry !== undefined) clearTimeout(this.recordRetry);
  }

  private wake(soon: boolean): void {
    if (this.scheduled !== undefined || this.closed) return;
    this.scheduled = setTimeout(() => this.pump(), soon ? PUMP_TICK_MS : HOLD_RECHECK_MS);
  }

  /** The policy's view of a processor: outcomes so far plus what is in flight now. */
  private view(name: ProcessorName): ProcessorState {
    const s = this.state[name];
    const f = this.inFlight[name];
    return {
      ...s,
      observed: { ...s.observed, inFlight: f.count, oldestInFlightAtMs: f.oldestAtMs },
      echoProbe: this.echo[name] !== undefined,
    };
  }

  private views(): Record<ProcessorName, ProcessorState> {
    return { default: this.view('default'), fallback: this.view('fallback') };
  }

  /** Notes when a processor went down or came back (the policy bounds waits by it). */
  private noteAvailability(name: ProcessorName, now: number): void {
    const s = this.state[name];
    const prev = s.availability ?? ALWAYS_UP;
    const next = nextAvailability(prev, isDown(this.view(name), now, this.cfg), now);
    if (next !== prev) this.state[name] = { ...s, availability: next };
  }

  /** A pinned payment may go back to its processor when it is up, or as that processor's probe. */
  private mayRetryPinned(name: ProcessorName, now: number): boolean {
    const s = this.view(name);
    if (s.observed.inFlight >= this.cfg.maxInFlight[name]) return false;
    return !isDown(s, now, this.cfg) || mayProbe(s, now, this.cfg);
  }

  private pump(): void {
    this.scheduled = undefined;
    if (this.closed) return;
    let started = 0;
    const now = this.now();
    if (now < this.journalDownUntilMs) return this.wake(false);
    for (const name of PROCESSORS) this.noteAvailability(name, now);
    for (const name of PROCESSORS) {
      if (started < STARTS_PER_TICK && mayEchoProbe(this.view(name), now, this.cfg)) {
        void this.sendEcho(name, this.echo[name]!);
        started++;
      }
    }
    for (const name of PROCESSORS) {
      const line = this.pinned[name];
      while (
        line.length > 0 &&
        started < STARTS_PER_TICK &&
        (line[0]!.notBeforeMs ?? 0) <= now &&
        this.mayRetryPinned(name, now)
      ) {
        void this.attempt(line.shift()!, name);
        started++;
      }
    }
    while (started < STARTS_PER_TICK) {
      const p = this.queue.peek();
      if (p === undefined) break;
      const target = route(
        now,
        { oldestWaitMs: now - p.acceptedAtMs, length: this.queue.length },
        this.views(),
        this.cfg,
      );
      if (target === 'hold') break;
      this.queue.shift();
      void this.attempt(p, target);
      started++;
    }
    const waiting = this.queue.length + this.pinned.default.length + this.pinned.fallback.length;
    if (waiting > 0) this.wake(started === STARTS_PER_TICK);
  }

  private current(p: Pending): boolean {
    return p.generation === this.generation;
  }

  private async attempt(p: Pending, name: ProcessorName): Promise<void> {
    // Exactly once: a payment whose outcome is unknown somewhere goes nowhere else.
    assert(
      maySendTo(p, name),
      `payment ${p.correlationId} is pinned to ${p.unknownAt}, not ${name}`,
    );
    const requestedAt = p.requestedAt ?? new Date(this.now()).toISOString();
    const ticket = this.inFlight[name].start(this.now());
    this.state[name] = {
      ...this.state[name],
      observed: { ...this.state[name].observed, lastSentAtMs: this.now() },
    };
    try {
      if (p.unknownAt === name) {
        // First ask (GET is never delayed): a slow processor may have stored an attempt whose
        // answer we gave up on. Only "absent" lets us send it again, and only there.
        const found = classifyLookup(await this.clients[name].lookup(p.correlationId));
        if (found !== 'absent') {
          if (!this.current(p)) return;
          if (found === 'stored') this.settle(p, name, requestedAt);
          else this.pinned[name].push({ ...p, notBeforeMs: this.now() + PINNED_RETRY_MS });
          return;
        }
        // Absent: it may be sent again, there, if it is still ours (--durable: a survivor may
        // have taken it over while this instance was paused).
        if (this.journal !== undefined && !(await this.stillMine(p))) return;
      }
      if (this.claims !== undefined && p.unknownAt === undefined && p.claimed !== true) {
        let first: boolean;
        try {
          first = await this.claims.claim(p.correlationId);
        } catch (err) {
          return this.pauseSending(p, 'claims', err);
        }
        if (!first) {
          this.duplicates++;
          return;
        }
        p = { ...p, claimed: true };
      }
      if (this.journal !== undefined && p.unknownAt !== name) {
        // The note must be durable before the request leaves (see store/durable-log.ts).
        let mine: boolean;
        try {
          mine = await this.journal.beforeSend(p, name, requestedAt);
        } catch (err) {
          return this.pauseSending(p, 'journal', err);
        }
        if (!mine) {
          this.log(`payment ${p.correlationId} was taken over by another instance; not sent`);
          this.journal.dropped(p);
          return;
        }
      }
      const t0 = this.now();
      const reply = await this.clients[name].pay(p.correlationId, p.cents, requestedAt);
      const outcome = classifyPayment(reply);
      const s = this.state[name];
      this.state[name] = {
        ...s,
        observed: observe(s.observed, outcome, this.now() - t0, this.now()),
      };
      // A purge came while it was out: whatever the answer, this payment is forgotten.
      if (!this.current(p)) return;
      switch (outcome) {
        case 'stored':
          this.echo[name] = { correlationId: p.correlationId, cents: p.cents, requestedAt };
          this.settle(p, name, requestedAt);
          break;
        case 'already_stored':
          // Ours only if an earlier attempt of ours went there; otherwise the same correlationId
          // reached this processor another way (another instance, before a purge) and is not
          // ours to record.
          if (p.unknownAt === name) this.settle(p, name, requestedAt);
          else this.forget(p);
          break;
        case 'not_stored':
          if (p.unknownAt !== undefined) this.pinned[p.unknownAt].push(p);
          else this.queue.unshift(p);
          break;
        case 'unknown':
          this.pinned[name].push({ ...p, unknownAt: name, requestedAt });
          break;
        case 'rejected':
          this.rejected++;
          this.log(
            `processor ${name} rejected payment ${p.correlationId} as invalid (400); not retried`,
          );
          this.forget(p);
          break;
      }
    } finally {
      this.inFlight[name].done(ticket);
      this.wake(true);
    }
  }

  /**
   * Probes a down processor with a payment it stored already: only its health is learned. A 200
   * would mean the processor lost it (purged behind our back): it holds it again, as our records
   * do, and it is not used again.
   */
  private async sendEcho(name: ProcessorName, e: Echo): Promise<void> {
    const ticket = this.inFlight[name].start(this.now());
    const s0 = this.state[name];
    this.state[name] = { ...s0, observed: { ...s0.observed, lastSentAtMs: this.now() } };
    this.echoProbes[name]++;
    try {
      const t0 = this.now();
      const outcome = classifyPayment(
        await this.clients[name].pay(e.correlationId, e.cents, e.requestedAt),
      );
      const s = this.state[name];
      this.state[name] = {
        ...s,
        observed: observe(s.observed, outcome, this.now() - t0, this.now()),
      };
      if (outcome === 'stored' || outcome === 'rejected') {
        this.log(
          `echo probe ${e.correlationId} at ${name}: ${outcome}; echoes stop until the next store`,
        );
        if (this.echo[name] === e) this.echo[name] = undefined;
      }
    } finally {
      this.inFlight[name].done(ticket);
      this.wake(true);
    }
  }

  /** Redis (claims or journal) failed before a send: nothing leaves for a while; p goes back first. */
  private pauseSending(p: Pending, what: string, err: unknown): void {
    this.log(`${what} unavailable (${(err as Error).message}); sending paused`);
    this.journalDownUntilMs = this.now() + RECORD_RETRY_MS;
    if (this.current(p)) this.queue.unshift(p);
  }

  /** Whether the journal still gives this payment to us; unknown (Redis down) counts as no, for now. */
  private async stillMine(p: Pending): Promise<boolean> {
    try {
      if (await this.journal!.stillMine(p)) return true;
      this.log(`payment ${p.correlationId} was taken over by another instance; not sent again`);
      this.journal!.dropped(p);
      return false;
    } catch {
      if (this.current(p))
        this.pinned[p.unknownAt!].push({ ...p, notBeforeMs: this.now() + PINNED_RETRY_MS });
      return false;
    }
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
        // The processor has it: the record must not be lost. Retried with the others.
        this.stored[name]--;
        this.log(`recording ${p.correlationId} failed (${err.message}); retrying`);
        this.unrecorded.push({ p, name, requestedAt });
        this.scheduleRecordRetry();
      },
    );
  }

  private scheduleRecordRetry(): void {
    if (this.recordRetry !== undefined || this.closed) return;
    this.recordRetry = setTimeout(() => {
      this.recordRetry = undefined;
      const batch = this.unrecorded;
      this.unrecorded = [];
      for (const u of batch) if (this.current(u.p)) this.settle(u.p, u.name, u.requestedAt);
    }, RECORD_RETRY_MS);
    this.recordRetry.unref();
  }
}
