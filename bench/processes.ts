/**
 * Server processes for the benchmark: the baseline, and Spoke from its build (`dist/`),
 * started the way users start them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /_spoke/health (Spoke) or the listening line. */
  readonly startMs: number;
  stop(): Promise<void>;
}

function waitForUrl(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

export async function startBaseline(): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [`${ROOT}bench/baseline-server.mjs`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child, 'the baseline');
  return { url, child, startMs: performance.now() - started, stop: stopper(child) };
}

/** Starts `spoke serve` from the build; `startMs` runs until /_spoke/health first answers 200. */
export async function startSpoke(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [`${ROOT}dist/spoke.cjs`, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
  });
  const url = await waitForUrl(child, 'Spoke');
  for (;;) {
    const response = await fetch(`${url}/_spoke/health`).catch(() => undefined);
    if (response?.status === 200) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  return { url, child, startMs: performance.now() - started, stop: stopper(child) };
}

/** Resident memory of a process and its children (a cluster's workers), in MB. */
export function residentMb(pid: number): number {
  const children = (() => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  })();
  let kb = 0;
  for (const id of [pid, ...children]) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'));
      kb += match ? Number(match[1]) : 0;
    } catch {
      // The process is gone.
    }
  }
  return kb / 1024;
}
