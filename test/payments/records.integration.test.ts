// The PaymentRecords contract over a real Redis.
import { after, before, describe } from 'node:test';
import { openRedis, waitForRedis } from '../../src/payments/store/redis-client.js';
import { RedisRecords } from '../../src/payments/store/redis.js';
import { paymentRecordsContract } from '../contracts/payment-records.js';
import { startRedisServer } from '../helpers/servers.js';

describe('PaymentRecords contract on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.stop();
  });
  paymentRecordsContract('Redis store', async () => {
    const conn = openRedis({ socket: redis.info.socket });
    await waitForRedis(conn, redis.info.socket);
    return { records: new RedisRecords(conn), shared: true, close: async () => conn.disconnect() };
  });
});
