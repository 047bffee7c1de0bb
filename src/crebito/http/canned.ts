// The latency floor: answers every request with a fixed, valid response without touching a
// store. Run by `rinha up 2024 --canned` to measure what the topology itself costs (nginx, Node's
// HTTP stack, the cgroup limits) so real runs can be compared with it.
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendJson } from '../../http/respond.js';
import { MAX_JSON_BODY_BYTES } from '../../shared/json.js';

const TRANSACTION = '{"limite":100000,"saldo":0}';
const STATEMENT =
  '{"saldo":{"total":0,"data_extrato":"2024-01-17T02:34:41.217753Z","limite":100000},"ultimas_transacoes":[]}';

export function createCannedHandler(): Route {
  return async (req, res) => {
    if (req.method !== 'POST') return sendJson(res, 200, STATEMENT);
    if ((await bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES)) !== undefined)
      sendJson(res, 200, TRANSACTION);
  };
}
