// The WorkDocs emulator in its own process (so the engine's RSS and CPU exclude it), driven over its HTTP
// control API under /_emulator/.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Counters, EmulatorInfo, ManifestItem } from '../../src/emulator/types.js';

export interface EmulatorProcess {
  readonly info: EmulatorInfo;
  readonly pid: number;
  control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  counters(): Promise<Counters>;
  resetCounters(): Promise<void>;
  /** The documents below the emulator's root folder, or below `rootId` (a site user's root). */
  manifest(rootId?: string): Promise<ManifestItem[]>;
  stop(): Promise<void>;
}

export interface GenerateFlags {
  /** A whole site of this many users (`--generate-users`): `documents` spread over them, folders per user. */
  readonly users?: number;
  readonly folders: number;
  readonly documents: number;
  readonly seed: number | string;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly size?: number;
  readonly fanout?: number;
}

export async function startEmulatorProcess(flags: GenerateFlags, cwd: string): Promise<EmulatorProcess> {
  const args = [
    '--import', 'tsx', 'src/emulator/index.ts', '--port', '0',
    ...(flags.users !== undefined ? ['--generate-users', String(flags.users)] : ['--generate-folders', String(flags.folders)]),
    '--generate-documents', String(flags.documents),
    '--seed', String(flags.seed),
    ...(flags.size !== undefined ? ['--size', String(flags.size)] : []),
    ...(flags.minSize !== undefined ? ['--min-size', String(flags.minSize)] : []),
    ...(flags.maxSize !== undefined ? ['--max-size', String(flags.maxSize)] : []),
    ...(flags.fanout !== undefined ? ['--fanout', String(flags.fanout)] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<EmulatorInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as EmulatorInfo);
      } catch (error) {
        reject(new Error(`emulator printed ${line}: ${(error as Error).message}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before it was ready`)));
  });
  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${info.endpoint}/_emulator/${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    info,
    pid: child.pid!,
    control,
    counters: () => control<Counters>('GET', 'counters'),
    resetCounters: async () => { await control('POST', 'counters/reset'); },
    manifest: (rootId) => control<ManifestItem[]>('GET', rootId === undefined ? 'manifest' : `manifest?rootId=${encodeURIComponent(rootId)}`),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
