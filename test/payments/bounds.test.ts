// Every list and map the Payments engine holds is bounded, and what happens at the bound is the
// contract's answer: a 503 at the door (never a silent drop), the oldest ids forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PaymentDispatcher } from '../../src/payments/engine/dispatcher.js';
import {
  FORWARD_BUFFER_MAX,
  ForwardingDoor,
  type ForwardTarget,
} from '../../src/payments/engine/forwarder.js';
import { ownerOf } from '../../src/payments/engine/door.js';
import { InFlight } from '../../src/payments/engine/in-flight.js';
import { PaymentQueue } from '../../src/payments/engine/queue.js';
import { RecentIds } from '../../src/payments/engine/recent-ids.js';
import { ProcessorClient } from '../../src/payments/processors/client.js';
import { MemoryRecords } from '../../src/payments/store/memory.js';

const nowhere = (name: 'default' | 'fallback') =>
  new ProcessorClient({ name, url: 'http://127.0.0.1:9', connections: 1, paymentTimeoutMs: 100 });
const dispatcher = (capacity: number) => {
  const d = new PaymentDispatcher(
    new PaymentQueue(capacity),
    { default: nowhere('default'), fallback: nowhere('fallback') },
    new MemoryRecords(),
  );
  d.close(); // nothing leaves: the bound is the backlog's
  return d;
};

test('recent ids: a repeat is seen, and past the capacity the oldest are forgotten', () => {
  const r = new RecentIds(3);
  for (const id of ['a', 'b', 'c']) assert.equal(r.firstTime(id), true);
  assert.equal(r.firstTime('a'), false);
  assert.equal(r.firstTime('d'), true);
  assert.equal(r.size, 3);
  assert.equal(r.firstTime('a'), true, 'a was the oldest: forgotten');
});

test('the dispatcher: a repeated id is a duplicate, and past what it may own the door says full', () => {
  const d = dispatcher(5);
  const ids = Array.from({ length: 5 }, () => randomUUID());
  for (const id of ids) assert.equal(d.accept(id, 100), 'accepted');
  assert.equal(d.accept(ids[0]!, 100), 'full', 'full comes first: nothing more is owned');
  assert.equal(d.accept(randomUUID(), 100), 'full');
  assert.equal(d.stats().owned, 5);
  d.purge();
  assert.equal(d.stats().owned, 0);
  assert.equal(d.accept(ids[0]!, 100), 'accepted', 'a purge forgets the ids too');
  assert.equal(d.accept(ids[0]!, 100), 'duplicate');
  assert.equal(d.stats().duplicates, 1);
});

test('in flight: a send past the allowance is a bug, asserted', () => {
  const f = new InFlight(2);
  const a = f.start(10);
  f.start(20);
  assert.throws(() => f.start(30), /more than 2 in flight/);
  assert.equal(f.oldestAtMs, 10);
  f.done(a);
  assert.equal(f.oldestAtMs, 20);
  assert.throws(() => f.done(a), /not in flight/);
});

test('the forwarding door: the owner takes its ids; past the buffer the instance keeps them itself', () => {
  const d = dispatcher(FORWARD_BUFFER_MAX * 2);
  const never: ForwardTarget = { adopt: () => new Promise(() => {}) }; // a peer that never answers
  const door = new ForwardingDoor(d, never, 0, 2);
  let mine = 0;
  let theirs = 0;
  for (let i = 0; theirs < FORWARD_BUFFER_MAX + 10; i++) {
    const id = randomUUID();
    assert.equal(door.accept(id, 100), 'accepted');
    if (ownerOf(id, 2) === 0) mine++;
    else theirs++;
  }
  assert.equal(d.stats().owned, mine + 10, 'its own, plus what did not fit the forwarding buffer');
  assert.equal(door.counts.keptLocally, 10);
  door.purge();
});

test('ownership splits ids evenly and never by case', () => {
  let zero = 0;
  for (let i = 0; i < 10_000; i++) if (ownerOf(randomUUID(), 2) === 0) zero++;
  assert.ok(zero > 4_700 && zero < 5_300, `${zero} of 10,000`);
});
