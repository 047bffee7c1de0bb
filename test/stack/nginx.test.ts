import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderNginxConf } from '../../src/stack/nginx.js';

const base = {
  port: 9999,
  upstreams: ['unix:/run/rinha/api1.sock', 'unix:/run/rinha/api2.sock'],
  workerConnections: 1024,
  upstreamKeepalive: 32,
};

test('one nginx worker listens plainly', () => {
  const conf = renderNginxConf({ ...base, workerProcesses: 1 });
  assert.match(conf, /^worker_processes 1;$/m);
  assert.match(conf, /^ {4}listen 9999 backlog=4096;$/m);
});

test('several nginx workers share the port with reuseport (the kernel spreads the clients)', () => {
  const conf = renderNginxConf({ ...base, workerProcesses: 2, listenHost: '127.0.0.1' });
  assert.match(conf, /^worker_processes 2;$/m);
  assert.match(conf, /^ {4}listen 127\.0\.0\.1:9999 backlog=4096 reuseport;$/m);
});

test('a worker count that nginx cannot take is refused with its name', () => {
  for (const n of [0, -1, 1.5, Number.NaN, 65])
    assert.throws(() => renderNginxConf({ ...base, workerProcesses: n }), /workerProcesses/);
});
