// The latency floor of the Payments topology: instances that accept every payment with 202 and
// answer an empty summary, doing no work. `rinha up 2025 --canned` runs it so `rinha bench
// 2025-* --baseline` can show how far a real run is from what the topology itself costs.
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendEmpty, sendJson } from '../../http/respond.js';
import { MAX_JSON_BODY_BYTES } from '../../shared/json.js';

const EMPTY_SUMMARY =
  '{"default":{"totalRequests":0,"totalAmount":0.00},"fallback":{"totalRequests":0,"totalAmount":0.00}}';

export function createCannedPublicRoute(): Route {
  return async (req, res, { path }) => {
    if (req.method === 'POST' && path === '/payments') {
      if ((await bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES)) !== undefined) sendEmpty(res, 202);
      return;
    }
    req.resume();
    if (path === '/payments-summary') return sendJson(res, 200, EMPTY_SUMMARY);
    sendJson(res, 200, '{"message":"canned"}');
  };
}

/** The canned private socket answers the runner's liveness probe. */
export function createCannedPrivateRoute(): Route {
  return (req, res) => {
    req.resume();
    sendJson(res, 200, '{"ok":true}');
  };
}
