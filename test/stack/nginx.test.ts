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

const affinity = {
  prefix: '/clientes/',
  keysByUpstream: [
    ['1', '3', '5'],
    ['2', '4'],
  ],
};

test('key affinity maps each key to one upstream group and leaves other paths round robin', () => {
  const conf = renderNginxConf({ ...base, workerProcesses: 1, affinity });
  assert.match(conf, /^ {4}~\^\/clientes\/\(1\|3\|5\)\/ api_1;$/m);
  assert.match(conf, /^ {4}~\^\/clientes\/\(2\|4\)\/ api_2;$/m);
  assert.match(conf, /^ {4}default api;$/m);
  // Each group: its own instance, the other one as backup (used only while the first is down).
  assert.match(
    conf,
    /upstream api_1 \{\n {4}server unix:\/run\/rinha\/api1\.sock;\n {4}server unix:\/run\/rinha\/api2\.sock backup;\n/,
  );
  assert.match(
    conf,
    /upstream api_2 \{\n {4}server unix:\/run\/rinha\/api2\.sock;\n {4}server unix:\/run\/rinha\/api1\.sock backup;\n/,
  );
  assert.match(
    conf,
    /upstream api \{\n {4}server unix:\/run\/rinha\/api1\.sock;\n {4}server unix:\/run\/rinha\/api2\.sock;\n/,
  );
  assert.match(conf, /^ {6}proxy_pass http:\/\/\$api_upstream;$/m);
});

test('without affinity every request goes to the round-robin group', () => {
  const conf = renderNginxConf({ ...base, workerProcesses: 1 });
  assert.doesNotMatch(conf, /map \$uri/);
  assert.match(conf, /^ {6}proxy_pass http:\/\/api;$/m);
});

test('an affinity nginx cannot take safely is refused with the reason', () => {
  const bad: [typeof affinity, RegExp][] = [
    [{ ...affinity, keysByUpstream: [['1', '2', '3', '4', '5']] }, /one key list per upstream/],
    [
      {
        ...affinity,
        keysByUpstream: [
          ['1', '3'],
          ['3', '4'],
        ],
      },
      /key 3 is given to two upstreams/,
    ],
    [{ ...affinity, keysByUpstream: [['1'], []] }, /at least one key/],
    [{ ...affinity, keysByUpstream: [['1|.*'], ['2']] }, /alphanumeric/],
    [{ ...affinity, prefix: '/clientes/(.*)' }, /plain path/],
    [{ ...affinity, prefix: 'clientes/' }, /plain path/],
  ];
  for (const [a, reason] of bad)
    assert.throws(() => renderNginxConf({ ...base, workerProcesses: 1, affinity: a }), reason);
});
