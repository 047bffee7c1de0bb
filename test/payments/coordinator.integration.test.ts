// The HealthCoordinator contract over Redis (any number of instances; two here).
import { after, before, describe } from 'node:test';
import { HEALTH_TICK_MS } from '../../src/payments/engine/health.js';
import { openRedis, waitForRedis } from '../../src/payments/store/redis-client.js';
import { LEADER_LOCK_TTL_MS, RedisElection } from '../../src/payments/store/redis-election.js';
import { healthCoordinatorContract } from '../contracts/health-coordinator.js';
import { startRedisServer } from '../helpers/servers.js';

describe('HealthCoordinator contract on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.stop();
  });
  healthCoordinatorContract(
    'Redis election',
    async () => {
      const conns = [
        openRedis({ socket: redis.info.socket }),
        openRedis({ socket: redis.info.socket }),
      ] as const;
      for (const c of conns) await waitForRedis(c, redis.info.socket);
      await conns[0].flushall();
      const a = new RedisElection(conns[0], 'a');
      const b = new RedisElection(conns[1], 'b');
      await a.isPoller(); // a comes first
      return {
        a,
        b,
        heardByB: async () => (await b.pull()).map(([, h]) => h),
        async killA() {
          conns[0].disconnect(); // no resignation: its lock has to expire
        },
        async close() {
          for (const c of conns) c.disconnect();
        },
      };
    },
    LEADER_LOCK_TTL_MS + 4 * HEALTH_TICK_MS,
  );
});
