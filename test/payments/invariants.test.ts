// The relations between constants that the code relies on are asserted at load; each assertion
// fires when its relation breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADOPT_SLACK, assertAdoptSlack } from '../../src/payments/engine/dispatcher.js';
import {
  assertHealthTiming,
  FAILOVER_AFTER_MS,
  HEALTH_PERIOD_MS,
} from '../../src/payments/engine/health.js';
import { DEFAULT_POLICY } from '../../src/payments/core/policy.js';
import {
  ALIVE_TTL_MS,
  assertHeartbeat,
  HEARTBEAT_MS,
  READ_BATCH,
} from '../../src/payments/store/durable-log.js';

test('the shipped constants satisfy every relation', () => {
  assertAdoptSlack(READ_BATCH);
  assertHealthTiming(FAILOVER_AFTER_MS, HEALTH_PERIOD_MS, DEFAULT_POLICY.healthFreshMs);
  assertHeartbeat(HEARTBEAT_MS, ALIVE_TTL_MS);
});

test('each relation fires when broken', () => {
  assert.throws(() => assertAdoptSlack(ADOPT_SLACK + 1), /must fit the queue's slack/);
  assert.throws(() => assertHealthTiming(HEALTH_PERIOD_MS, HEALTH_PERIOD_MS, 7_000), /fail-over/);
  assert.throws(() => assertHealthTiming(FAILOVER_AFTER_MS, 5_100, 5_000), /outlive/);
  assert.throws(() => assertHeartbeat(2_000, 3_000), /half/);
});
