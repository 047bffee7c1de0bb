// The latency floor: answers every request with a fixed, valid response without touching a
// store. Run by `rinha up 2024 --canned` to measure what the topology itself costs (nginx, Node's
// HTTP stack, the cgroup limits) so real runs can be compared with it.
import { MAX_BODY_BYTES } from '../core/transaction.js';
import { readBody, sendJson } from '../../http/respond.js';
import type { Handler } from './handler.js';

const TRANSACTION = '{"limite":100000,"saldo":0}';
const STATEMENT =
  '{"saldo":{"total":0,"data_extrato":"2024-01-17T02:34:41.217753Z","limite":100000},"ultimas_transacoes":[]}';

export function createCannedHandler(): Handler {
  return (req, res) => {
    if (req.method === 'POST') {
      readBody(req, MAX_BODY_BYTES).then(
        () => sendJson(res, 200, TRANSACTION),
        () => res.destroy(),
      );
    } else sendJson(res, 200, STATEMENT);
  };
}
