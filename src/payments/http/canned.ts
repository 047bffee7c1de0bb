// The latency floor of the Payments topology: instances that accept every payment with 202 and
// answer an empty summary, doing no work. `rinha up 2025 --canned` runs it so `rinha bench
// 2025-* --baseline` can show how far a real run is from what the topology itself costs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '../core/payment.js';
import { readBody, sendJson } from '../../http/respond.js';

const EMPTY_SUMMARY =
  '{"default":{"totalRequests":0,"totalAmount":0.00},"fallback":{"totalRequests":0,"totalAmount":0.00}}';

export function createCannedPaymentsHandler() {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/payments') {
      readBody(req, MAX_BODY_BYTES).then(
        () => {
          res.writeHead(202, { 'content-length': 0 });
          res.end();
        },
        () => res.destroy(),
      );
      return;
    }
    req.resume();
    if (path === '/payments-summary' || path === '/internal/summary')
      return sendJson(res, 200, EMPTY_SUMMARY);
    if (path === '/internal/ping') return sendJson(res, 200, '{"ok":true}');
    sendJson(res, 200, '{"message":"canned"}');
  };
}
