// The PaymentRecords contract over the memory store (in-process).
import { MemoryRecords } from '../../src/payments/store/memory.js';
import { paymentRecordsContract } from '../contracts/payment-records.js';

paymentRecordsContract('memory store', async () => ({
  records: new MemoryRecords(),
  shared: false,
  close: async () => {},
}));
