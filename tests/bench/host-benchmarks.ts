import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../extensions/agent-host/src/protocol/index.ts';
import { startServe } from '../helpers/host-process.ts';
import { ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BenchResult, median, percentile, pssMb, result } from './harness.ts';

/** Runs per figure; medians of this many are stable to a few percent on two cores. */
const COLD_START_RUNS = 7;
const ROUND_TRIPS = 2_000;
const PIPELINED = 20_000;

/** Spawns a process and resolves when `ready` matches its stdout; returns elapsed ms and the child. */
async function timeUntil(
  command: string,
  args: string[],
  ready: RegExp,
): Promise<{ ms: number; child: ChildProcess; out: string }> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (ready.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code} before ready: ${out}`)));
  });
  return { ms: performance.now() - started, child, out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const BARE_SERVER = `
const { WebSocketServer } = require(${JSON.stringify(join(ROOT, 'node_modules', 'ws'))});
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, () => {
  console.log('ready ' + server.address().port);
});
server.on('connection', (socket) => socket.on('message', (data) => {
  const { id } = JSON.parse(data.toString());
  socket.send(JSON.stringify({ id, result: { time: Date.now() } }));
}));
`;

export async function coldStart(): Promise<BenchResult> {
  const grove: number[] = [];
  const bare: number[] = [];
  await using data = await tempDir('grove-bench-');
  // Alternate the two, so both see the same machine conditions.
  for (let i = 0; i < COLD_START_RUNS; i++) {
    const host = await timeUntil(
      process.execPath,
      [join(ROOT, 'extensions/agent-host/bin/grove.mjs'), 'serve', '--no-open', '--data-dir', data.path],
      /Grove is ready at/,
    );
    grove.push(host.ms);
    await stop(host.child);
    const raw = await timeUntil(process.execPath, ['-e', BARE_SERVER], /ready \d+/);
    bare.push(raw.ms);
    await stop(raw.child);
  }
  return result('host cold start to ready (grove serve vs bare node + ws server)', median(grove), 'ms', {
    baseline: median(bare),
    detail: { runs: COLD_START_RUNS, groveMs: grove, bareMs: bare },
  });
}

/** Round trips one at a time, then a pipelined burst, against any server answering {id} with {id, result}. */
async function measureSocket(url: string, method: string): Promise<{ p50: number; p99: number; perSecond: number }> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<number, () => void>();
  socket.on('message', (data) => {
    const { id } = JSON.parse(data.toString());
    waiting.get(id)?.();
    waiting.delete(id);
  });
  let nextId = 1;
  const call = (m: string, params: unknown) =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method: m, params }));
    });
  await call('host/initialize', { protocolVersion: PROTOCOL_VERSION, client: { name: 'bench', version: '0' } });
  for (let i = 0; i < 200; i++) await call(method, {}); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const started = performance.now();
    await call(method, {});
    samples.push(performance.now() - started);
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: PIPELINED }, () => call(method, {})));
  const perSecond = PIPELINED / ((performance.now() - started) / 1000);
  socket.close();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond };
}

export async function protocolRoundTrip(): Promise<BenchResult[]> {
  await using data = await tempDir('grove-bench-');
  await using host = await startServe(data.path);
  const bare = await timeUntil(process.execPath, ['-e', BARE_SERVER], /ready \d+/);
  try {
    const raw = await measureSocket(`ws://127.0.0.1:${/ready (\d+)/.exec(bare.out)?.[1]}`, 'host/ping');
    const grove = await measureSocket(host.rpcUrl, 'host/ping');
    const detail = { roundTrips: ROUND_TRIPS, pipelined: PIPELINED, method: 'host/ping' };
    return [
      result('protocol round trip p50 (host vs bare ws echo)', grove.p50, 'ms', { baseline: raw.p50, detail }),
      result('protocol round trip p99 (host vs bare ws echo)', grove.p99, 'ms', { baseline: raw.p99, detail }),
      result('protocol messages per second, pipelined (host vs bare ws echo)', grove.perSecond, 'msg/s', {
        baseline: raw.perSecond,
        detail,
      }),
    ];
  } finally {
    await stop(bare.child);
  }
}

export async function idleMemory(): Promise<BenchResult> {
  await using data = await tempDir('grove-bench-');
  await using host = await startServe(data.path);
  const bare = await timeUntil(process.execPath, ['-e', BARE_SERVER], /ready \d+/);
  try {
    // Let both settle (lazy compilation, first GC) before reading.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const grove = pssMb(host.process.pid as number);
    const raw = pssMb(bare.child.pid as number);
    return result('host idle memory, PSS (vs bare node + ws server)', grove, 'MB', {
      baseline: raw,
      budget: '≤ 60 MB',
      ok: grove <= 60,
    });
  } finally {
    await stop(bare.child);
  }
}

export function firstBundle(): BenchResult {
  const html = readFileSync(join(ROOT, 'resources', 'index.html'), 'utf8');
  // The first bundle is what index.html loads before any lazy import: its module script,
  // the chunks it preloads, and its stylesheets.
  const referenced = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const gzipBytes = referenced.reduce(
    (sum, file) => sum + gzipSync(readFileSync(join(ROOT, 'resources', file)), { level: 9 }).length,
    0,
  );
  const allJs = readdirSync(join(ROOT, 'resources', 'assets')).filter((f) => f.endsWith('.js'));
  return result('first UI bundle, gzip', gzipBytes / 1024, 'KB', {
    budget: '≤ 60 KB',
    ok: gzipBytes / 1024 <= 60,
    detail: { files: referenced, lazyChunks: allJs.filter((f) => !referenced.includes(`assets/${f}`)) },
  });
}
