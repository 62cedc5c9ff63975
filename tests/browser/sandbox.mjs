// Starts `marketsim sandbox` on free ports and reads the URLs it prints; stops it again.
// Every journey gets a sandbox of its own: the world is in memory, so journeys never share state.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const running = new Set();

// A sandbox left running when the script dies (an exception, Ctrl-C) is killed on the way out.
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

/**
 * Starts the sandbox and resolves once it has printed its marketplace and console URLs.
 * @param {string} binary path of the `marketsim` binary
 * @param {{ provisioningDelay?: string, timeoutMs?: number }} [options]
 */
export async function startSandbox(binary, { provisioningDelay = '1s', timeoutMs = 30_000 } = {}) {
  const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY].filter(Boolean).join(',');
  const child = spawn(
    binary,
    [
      'sandbox',
      '--marketplace-port', '0',
      '--console-port', '0',
      '--provisioning-delay', provisioningDelay,
    ],
    {
      env: { ...process.env, NO_PROXY: noProxy, no_proxy: noProxy, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  const output = [];
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk);
    if (stderr.length > 200) stderr.shift();
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => running.delete(child));

  const urls = await new Promise((resolve, reject) => {
    let productUrl;
    let consoleUrl;
    const timer = setTimeout(() => {
      reject(new Error(`marketsim sandbox printed no URLs within ${timeoutMs} ms; it said:\n${output.join('\n')}\n${stderr.join('')}`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      output.push(line);
      const market = line.match(/^\s*marketplace\s+(https?:\/\/\S+\/products\/\S+)/);
      if (market && !productUrl) productUrl = market[1];
      const vendor = line.match(/^\s*vendor console\s+(https?:\/\/\S+)/);
      if (vendor) consoleUrl = vendor[1];
      if (productUrl && consoleUrl) {
        clearTimeout(timer);
        resolve({ productUrl, consoleUrl });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${e.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`marketsim sandbox exited (${signal ?? `code ${code}`}) before printing its URLs:\n${output.join('\n')}\n${stderr.join('')}`));
    });
  });

  return {
    ...urls,
    marketplaceOrigin: new URL(urls.productUrl).origin,
    consoleOrigin: new URL(urls.consoleUrl).origin,
    /** The last lines the sandbox wrote to stderr (for failure reports). */
    stderrTail: () => stderr.join('').split('\n').slice(-15).join('\n').trim(),
    /** Ctrl-C, as a person would stop it; SIGKILL if it does not stop within 5 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
