#!/usr/bin/env node
// Entry point of the `rinha` command: the compiled CLI lives in dist/ (built by `npm ci` via "prepare").
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('rinha: dist/ is missing; run `npm ci` (or `npm run build`) first.');
    process.exit(1);
  }
  throw err;
});
