// --durable: accepted payments live in a Redis stream until they are recorded, so kill -9 of an
// instance loses none and charges none twice.
//
//   POST /payments  → XADD → 202 (503 while the log holds DURABLE_CAPACITY entries)
//   each instance   → XREADGROUP every READ_EVERY_MS (consumer group, one consumer per instance)
//                     into its local queue
//   before a send   → a script notes "processor|requestedAt" for the payment, only while the
//                     payment is still pending for THIS consumer (else: not ours any more, drop it)
//   recorded        → XACK + XDEL + HDEL
//   a dead instance → (no heartbeat key for ALIVE_TTL_MS) a survivor XCLAIMs its pending entries;
//                     an entry with a noted attempt is pinned to that processor with that
//                     requestedAt (resolved by GET /payments/{id} there before any resend), one
//                     without was never sent and is routed afresh.
// The note and the claim are atomic in Redis, so either the claimer sees the note, or the owner's
// note fails and the owner never sends: even an instance wrongly believed dead cannot cause a
// payment to be sent to both processors.
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { ProcessorName } from '../core/policy.js';
import type { Journal } from '../engine/journal.js';
import type { Pending } from '../engine/queue.js';
import { RinhaError } from '../../errors.js';

export const STREAM_KEY = 'payments:accepted';
export const GROUP = 'workers';
export const ATTEMPTS_KEY = 'payments:attempts';
const aliveKey = (consumer: string) => `payments:alive:${consumer}`;
const claimKey = (consumer: string) => `payments:claiming:${consumer}`;
const seenKey = (correlationId: string) => `payments:seen:${correlationId}`;
/** A correlationId posted again within this long is the same payment. */
export const SEEN_TTL_MS = 15 * 60_000;
/** Accepted payments kept for the door's retry while Redis fails; beyond, 503. */
export const DOOR_RETRY_CAPACITY = 10_000;
const DOOR_RETRY_MS = 100;
/** Own pending entries idle this long and not in the dispatcher are delivered again. */
export const ORPHAN_IDLE_MS = 10_000;
const ORPHAN_SCAN_MS = 5_000;
/** A consumer with nothing pending is forgotten only after this long without a read. */
const CONSUMER_FORGET_IDLE_MS = 3_600_000;

/** Accepted and not yet recorded, all instances together; beyond it POST /payments answers 503. */
export const DURABLE_CAPACITY = 100_000;
/** An instance whose heartbeat is this old is dead; its payments are taken over. */
export const ALIVE_TTL_MS = 3_000;
export const HEARTBEAT_MS = 1_000;

/**
 * A live instance must refresh its heartbeat well before the key expires, or a survivor takes
 * its payments while it still works them: at least two beats fit in the time to live.
 */
export function assertHeartbeat(heartbeatMs: number, aliveTtlMs: number): void {
  assert(
    heartbeatMs > 0 && 2 * heartbeatMs < aliveTtlMs,
    `heartbeat ${heartbeatMs} ms must be under half the ${aliveTtlMs} ms time to live`,
  );
}
assertHeartbeat(HEARTBEAT_MS, ALIVE_TTL_MS);
/** Entries read or claimed at once. */
export const READ_BATCH = 256;
/**
 * Reads poll instead of blocking: a blocked reader costs Redis one wake-up and one reply per
 * accepted payment, a poll one reply per batch (Redis has 0.1 CPU). A payment waits at most this
 * long more before it is routed, which earns or costs nothing.
 */
export const READ_EVERY_MS = 10;
/** The log's length is re-read this often for the capacity check (not once per payment). */
export const LENGTH_CHECK_MS = 100;
/** When the local queue is full, or Redis failed, the reader looks again after this long. */
const READ_RETRY_MS = 50;

// 1: noted, the payment may leave; 0: pending for another consumer (taken over); -1: the entry
// is gone (Redis lost its data — a purge is told apart by the dispatcher's generation).
const NOTE_IF_MINE = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 then
  if #redis.call('XRANGE', KEYS[1], ARGV[3], ARGV[3]) == 0 then return -1 end
  return 0
end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
return 1`;
// The door: a correlationId enters the log once, however many times it is posted or the call is
// retried after its reply was lost (the first SET NX decides).
const ACCEPT_ONCE = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('XADD', KEYS[1], '*', 'p', ARGV[1])
return 1`;
// Whether an entry is still pending for this consumer (another took it over otherwise).
const IS_MINE = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
return #p`;
// A consumer is forgotten only if, at once, it holds nothing and has been idle long: checked and
// done in one script, so an instance that reads between the check and the deletion cannot lose
// what it just read.
const FORGET_IF_IDLE = `
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local name, pending, idle
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] elseif c[i] == 'idle' then idle = c[i + 1] end
  end
  if name == ARGV[2] then
    if pending == 0 and idle >= tonumber(ARGV[3]) then return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
    return -1
  end
end
return -1`;
const SETTLE = `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return redis.call('HDEL', KEYS[2], ARGV[3])`;

type Entry = [id: string, fields: string[] | null];

/** A payment as the log holds it (the dispatcher stamps its own purge generation on adoption). */
export type LoggedPayment = Omit<Pending, 'generation'>;

/** The scripts, run by hash (EVALSHA) once defined on a connection. */
interface DurableCommands {
  acceptOnce(stream: string, seen: string, field: string, seenTtlMs: number): Promise<number>;
  isMine(stream: string, group: string, consumer: string, id: string): Promise<number>;
  forgetIfIdle(stream: string, group: string, consumer: string, idleMs: number): Promise<number>;
  noteIfMine(
    stream: string,
    attempts: string,
    group: string,
    consumer: string,
    id: string,
    correlationId: string,
    attempt: string,
  ): Promise<number>;
  /** XACK + XDEL + HDEL in one call (each call costs the API more CPU than Redis). */
  settle(
    stream: string,
    attempts: string,
    group: string,
    id: string,
    correlationId: string,
  ): Promise<number>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Turns a stream entry (and its noted attempt, if any) into a payment for the local queue. */
export function toPending(
  id: string,
  field: string,
  attempt: string | null | undefined,
): LoggedPayment | undefined {
  const sep = field.lastIndexOf(':');
  const cents = Number(field.slice(sep + 1));
  if (sep <= 0 || !Number.isSafeInteger(cents) || cents <= 0) return undefined;
  const p: LoggedPayment = {
    correlationId: field.slice(0, sep),
    cents,
    acceptedAtMs: Number(id.slice(0, id.indexOf('-'))),
    journalId: id,
  };
  if (attempt) {
    const bar = attempt.indexOf('|');
    const at = attempt.slice(0, bar);
    if (at !== 'default' && at !== 'fallback') return undefined;
    p.unknownAt = at;
    p.requestedAt = attempt.slice(bar + 1);
  }
  return p;
}

export interface DurableLogOptions {
  readonly redis: Redis;
  /** This instance's consumer name: unique, and the same after a restart of the same instance. */
  readonly consumer: string;
  /** How many more payments the local queue takes now. */
  readonly room: () => number;
  readonly log: (m: string) => void;
}

export class DurableLog implements Journal {
  private readonly redis: Redis & DurableCommands;
  /** Reads get their own connection, so a large batch never delays the door's XADD. */
  private readonly reader: Redis;
  /**
   * POST /payments waits for its XADD: it gets a connection of its own, so it never queues behind
   * the notes, settles and records pipelined on the shared one.
   */
  private readonly door: Redis & DurableCommands;
  /** Payments accepted (202) whose door call failed: retried, idempotently, until it answers. */
  private doorRetry: { readonly correlationId: string; readonly cents: number }[] = [];
  private doorTimer: NodeJS.Timeout | undefined;
  /** Entries this instance holds in its dispatcher: the others pending for it are orphans. */
  private readonly held = new Set<string>();
  private orphanTimer: NodeJS.Timeout | undefined;
  /** The log's length as last read, and when (see LENGTH_CHECK_MS). */
  private length = 0;
  private lengthReadAt = 0;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Set by start(): reads and takeovers have a sink. */
  private started = false;
  private reaping = false;
  /** Where read or claimed payments go (the dispatcher). */
  private sink: (p: LoggedPayment) => void = () => {
    assert.fail('durable log not started');
  };
  /** Payments taken over from dead instances (tests, logs). */
  claimed = 0;

  constructor(private readonly o: DurableLogOptions) {
    o.redis.defineCommand('noteIfMine', { numberOfKeys: 2, lua: NOTE_IF_MINE });
    o.redis.defineCommand('settle', { numberOfKeys: 2, lua: SETTLE });
    o.redis.defineCommand('isMine', { numberOfKeys: 1, lua: IS_MINE });
    o.redis.defineCommand('forgetIfIdle', { numberOfKeys: 1, lua: FORGET_IF_IDLE });

    this.redis = o.redis as Redis & DurableCommands;
    this.reader = o.redis.duplicate();
    this.reader.on('error', () => {});
    this.door = o.redis.duplicate() as Redis & DurableCommands;
    this.door.on('error', () => {});
    this.door.defineCommand('acceptOnce', { numberOfKeys: 2, lua: ACCEPT_ONCE });
  }

  /**
   * Says this instance is alive before it is ready: a restart under the same name keeps its own
   * pending entries through a warm-up longer than ALIVE_TTL_MS, instead of a survivor taking
   * them over. Reaping others waits for start(), which has somewhere to put what it takes.
   */
  async announce(): Promise<void> {
    if (this.heartbeat !== undefined) return;
    await this.ensureGroup();
    await this.beat();
    this.heartbeat = setInterval(
      () =>
        void this.beat()
          .then(() => (this.started ? this.reap() : undefined))
          .catch(() => {}),
      HEARTBEAT_MS,
    );
    this.heartbeat.unref();
  }

  async start(sink: (p: LoggedPayment) => void): Promise<void> {
    this.sink = sink;
    await this.announce();
    this.started = true;
    this.orphanTimer = setInterval(() => void this.adoptOrphans(), ORPHAN_SCAN_MS);
    this.orphanTimer.unref();
    void this.readLoop();
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', STREAM_KEY, GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  private async beat(): Promise<void> {
    await this.redis.set(aliveKey(this.o.consumer), '1', 'PX', ALIVE_TTL_MS);
  }

  /**
   * Appends an accepted payment once: 'added', 'duplicate' (that correlationId is in the log
   * already: still one payment), 'full' (the caller answers 503). When Redis fails, whether the
   * append happened is unknown: the payment is kept and the idempotent call retried until Redis
   * answers ('pending', answered 202 — a 503 there could be a payment processed anyway, which
   * the audit counts as more processed than accepted). Throws only when nothing was sent.
   */
  async add(
    correlationId: string,
    cents: number,
  ): Promise<'added' | 'duplicate' | 'full' | 'pending'> {
    const now = Date.now();
    if (now - this.lengthReadAt >= LENGTH_CHECK_MS) {
      this.lengthReadAt = now;
      void this.redis.xlen(STREAM_KEY).then(
        (n) => (this.length = n),
        () => {},
      );
    }
    // Between two reads the log can pass its capacity by what arrives in LENGTH_CHECK_MS.
    if (this.length >= DURABLE_CAPACITY) return 'full';
    if (this.doorRetry.length > 0) return this.keepForRetry(correlationId, cents);
    try {
      return (await this.acceptOnce(correlationId, cents)) ? 'added' : 'duplicate';
    } catch {
      return this.keepForRetry(correlationId, cents);
    }
  }

  private acceptOnce(correlationId: string, cents: number): Promise<number> {
    return this.door.acceptOnce(
      STREAM_KEY,
      seenKey(correlationId),
      `${correlationId}:${cents}`,
      SEEN_TTL_MS,
    );
  }

  private keepForRetry(correlationId: string, cents: number): 'pending' {
    if (this.doorRetry.length >= DOOR_RETRY_CAPACITY)
      throw new RinhaError(
        'STORE_UNAVAILABLE',
        'the durable log is unavailable and its retry list is full',
      );
    this.doorRetry.push({ correlationId, cents });
    this.scheduleDoorRetry();
    return 'pending';
  }

  private scheduleDoorRetry(): void {
    if (this.doorTimer !== undefined || this.closed) return;
    this.doorTimer = setTimeout(() => {
      this.doorTimer = undefined;
      void this.retryDoor();
    }, DOOR_RETRY_MS);
    this.doorTimer.unref();
  }

  /** Retries the kept payments in order; stops at the first failure and tries again later. */
  private async retryDoor(): Promise<void> {
    while (this.doorRetry.length > 0 && !this.closed) {
      const x = this.doorRetry[0]!;
      try {
        await this.acceptOnce(x.correlationId, x.cents);
      } catch {
        return this.scheduleDoorRetry();
      }
      this.doorRetry.shift();
    }
  }

  /** Payments kept for the door's retry (accepted, not yet known to be in the log). */
  get pendingAtDoor(): number {
    return this.doorRetry.length;
  }

  async beforeSend(p: Pending, processor: ProcessorName, requestedAt: string): Promise<boolean> {
    if (p.journalId === undefined) return true;
    const noted = await this.redis.noteIfMine(
      STREAM_KEY,
      ATTEMPTS_KEY,
      GROUP,
      this.o.consumer,
      p.journalId,
      p.correlationId,
      `${processor}|${requestedAt}`,
    );
    if (noted === 1) return true;
    if (noted === -1) {
      // Redis lost the log (it runs without persistence): this instance's copy is the only one
      // left. It enters the log again — once: if another instance processed it, its id is there.
      this.held.delete(p.journalId);
      if ((await this.acceptOnce(p.correlationId, p.cents)) === 1)
        this.o.log(
          `durable log: payment ${p.correlationId} was lost with Redis's data; logged again`,
        );
    }
    return false;
  }

  async stillMine(p: Pending): Promise<boolean> {
    if (p.journalId === undefined) return true;
    return (await this.redis.isMine(STREAM_KEY, GROUP, this.o.consumer, p.journalId)) === 1;
  }

  dropped(p: Pending): void {
    if (p.journalId !== undefined) this.held.delete(p.journalId);
  }

  async settled(p: Pending): Promise<void> {
    if (p.journalId === undefined) return;
    this.held.delete(p.journalId);
    await this.redis.settle(STREAM_KEY, ATTEMPTS_KEY, GROUP, p.journalId, p.correlationId);
  }

  /** Forgets every accepted payment of every instance (POST /purge-payments). */
  async purge(): Promise<void> {
    this.held.clear();
    this.doorRetry = [];
    await this.redis.del(STREAM_KEY, ATTEMPTS_KEY);
    await this.ensureGroup();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.orphanTimer);
    clearTimeout(this.doorTimer);
    clearInterval(this.heartbeat);
    this.reader.disconnect();
    this.door.disconnect();
    // Graceful stop: the heartbeat key goes, so a survivor takes over what is left at once.
    await this.redis.del(aliveKey(this.o.consumer)).catch(() => {});
  }

  /** Delivers entries with their noted attempts (entries of ours or claimed ones may have some). */
  private async deliver(entries: readonly Entry[], withAttempts: boolean): Promise<number> {
    const live = entries.filter((e): e is [string, string[]] => e[1] !== null && e[1].length >= 2);
    const gone = entries.filter((e) => e[1] === null).map((e) => e[0]);
    if (gone.length > 0) await this.redis.xack(STREAM_KEY, GROUP, ...gone); // deleted by a purge
    if (live.length === 0) return 0;
    const attempts = withAttempts
      ? await this.redis.hmget(
          ATTEMPTS_KEY,
          ...live.map(([, f]) => f[1]!.slice(0, f[1]!.lastIndexOf(':'))),
        )
      : [];
    for (const [i, [id, f]] of live.entries()) {
      const p = toPending(id, f[1]!, attempts[i]);
      if (p === undefined) {
        this.o.log(`durable log: malformed entry ${id}; dropped`);
        await this.redis.xack(STREAM_KEY, GROUP, id);
        continue;
      }
      if (p.journalId !== undefined) this.held.add(p.journalId);
      this.sink(p);
    }
    return live.length;
  }

  /** Reads our own pending entries first (a restart under the same name), then new ones. */
  private async readLoop(): Promise<void> {
    let cursor = '0';
    let replayed = 0;
    while (!this.closed) {
      const room = Math.min(this.o.room(), READ_BATCH);
      if (room <= 0) {
        await sleep(READ_RETRY_MS);
        continue;
      }
      let reply: [string, Entry[]][] | null;
      try {
        reply = (await this.reader.call(
          'XREADGROUP',
          'GROUP',
          GROUP,
          this.o.consumer,
          'COUNT',
          room,
          'STREAMS',
          STREAM_KEY,
          cursor,
        )) as [string, Entry[]][] | null;
      } catch (err) {
        if (this.closed) return;
        if (String((err as Error).message).includes('NOGROUP'))
          await this.ensureGroup().catch(() => {});
        else this.o.log(`durable log: read failed (${(err as Error).message}); retrying`);
        await sleep(READ_RETRY_MS);
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (cursor !== '>') {
        replayed += entries.length;
        if (entries.length === 0) {
          if (replayed > 0)
            this.o.log(`durable log: replayed ${replayed} pending payments of this instance`);
          cursor = '>';
          continue;
        }
        cursor = entries[entries.length - 1]![0];
      }
      try {
        await this.deliver(entries, cursor !== '>');
      } catch (err) {
        // Delivered entries stay pending for us; a restart or a survivor picks them up.
        this.o.log(`durable log: delivery failed (${(err as Error).message})`);
      }
      // A full batch means more are waiting: read again at once.
      if (cursor === '>' && entries.length < room) await sleep(READ_EVERY_MS);
    }
  }

  /** Takes over the pending entries of instances whose heartbeat expired. */
  private async reap(): Promise<void> {
    if (this.reaping || this.closed) return;
    this.reaping = true;
    try {
      const consumers = (await this.redis.call('XINFO', 'CONSUMERS', STREAM_KEY, GROUP)) as (
        string | number
      )[][];
      for (const c of consumers) {
        const info = new Map<string, string | number>();
        for (let i = 0; i + 1 < c.length; i += 2) info.set(String(c[i]), c[i + 1]!);
        const name = String(info.get('name'));
        if (name === this.o.consumer || (await this.redis.exists(aliveKey(name))) === 1) continue;
        if (Number(info.get('pending')) === 0) {
          await this.redis.forgetIfIdle(STREAM_KEY, GROUP, name, CONSUMER_FORGET_IDLE_MS);
          continue;
        }
        if (
          (await this.redis.set(claimKey(name), this.o.consumer, 'PX', ALIVE_TTL_MS, 'NX')) !== 'OK'
        )
          continue;
        await this.claimFrom(name);
      }
    } catch (err) {
      if (!this.closed)
        this.o.log(`durable log: take-over check failed (${(err as Error).message})`);
    } finally {
      this.reaping = false;
    }
  }

  /**
   * Entries pending for this consumer that its dispatcher does not hold (a delivery failed after
   * the read or the claim): claimed again by ourselves (which resets their idle time) and
   * delivered, so none waits for a restart.
   */
  private async adoptOrphans(): Promise<void> {
    if (this.closed) return;
    try {
      const room = Math.min(this.o.room(), READ_BATCH);
      if (room <= 0) return;
      const pending = (await this.redis.call(
        'XPENDING',
        STREAM_KEY,
        GROUP,
        'IDLE',
        ORPHAN_IDLE_MS,
        '-',
        '+',
        room,
        this.o.consumer,
      )) as [string, string, number, number][];
      const orphans = pending.map((e) => e[0]).filter((id) => !this.held.has(id));
      if (orphans.length === 0) return;
      const entries = (await this.redis.call(
        'XCLAIM',
        STREAM_KEY,
        GROUP,
        this.o.consumer,
        0,
        ...orphans,
      )) as Entry[];
      const n = await this.deliver(entries, true);
      if (n > 0) this.o.log(`durable log: delivered ${n} orphaned entries again`);
    } catch (err) {
      if (!this.closed) this.o.log(`durable log: orphan scan failed (${(err as Error).message})`);
    }
  }

  private async claimFrom(dead: string): Promise<void> {
    let total = 0;
    for (;;) {
      const room = Math.min(this.o.room(), READ_BATCH);
      if (room <= 0) break;
      const pending = (await this.redis.call(
        'XPENDING',
        STREAM_KEY,
        GROUP,
        '-',
        '+',
        room,
        dead,
      )) as [string, string, number, number][];
      if (pending.length === 0) break;
      const entries = (await this.redis.call(
        'XCLAIM',
        STREAM_KEY,
        GROUP,
        this.o.consumer,
        0,
        ...pending.map((e) => e[0]),
      )) as Entry[];
      total += await this.deliver(entries, true);
      // Ids whose entries were deleted are dropped from the PEL by XCLAIM itself.
      if (pending.length < room) break;
    }
    if (total > 0) {
      this.claimed += total;
      this.o.log(`durable log: took over ${total} payments of ${dead}, which stopped answering`);
    }
  }
}
