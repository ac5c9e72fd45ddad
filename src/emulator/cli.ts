/**
 * `workdocs-emulator` CLI: starts the emulator, prints one JSON line (endpoint, rootFolderId, ...) first on stdout,
 * then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './server.js';

export const HELP = `Usage: workdocs-emulator [options]

Starts an Amazon WorkDocs emulator (REST+JSON, SigV4) for the AWS SDKs.
Prints one JSON line {"endpoint","rootFolderId","organizationId","userId","folders","documents",...} first on stdout.

Options:
  --port N                 port to listen on (default 0 = any free port)
  --host HOST              address to bind (default 127.0.0.1)
  --fixture sample|site|PATH
                           bundled sample tree (default), bundled site (users, shares, comments, versions)
                           or a fixture JSON file
  --generate-users N       procedural whole site: N users sharing --generate-documents M documents
  --generate-folders N     procedural tree: N folders ...
  --generate-documents M   ... and M documents
  --seed S                 seed of the procedural tree (default 1)
  --size BYTES             fixed document size (default: deterministic mix 0..64 KiB)
  --min-size BYTES         lower bound of the size mix
  --max-size BYTES         upper bound of the size mix
  --fanout N               sub-folders per folder in the procedural tree (default 10)
  --url-ttl SECONDS        lifetime of presigned content URLs (default 900)
  --access-key-id ID       with --secret-access-key: verify SigV4 signatures fully
  --secret-access-key KEY
  -h, --help               show this help

Control API (JSON, no signing): GET/POST http://HOST:PORT/_emulator/... (info, counters, reset, folders,
documents, documents/{id}/versions, rename, move, delete, restore, faults, url-ttl, clock, manifest, lookup,
users, share, unshare, comments, labels, custom-metadata, owner).
`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
}

/** Parses argv into emulator options; undefined means help was requested. */
export function parseCli(argv: string[]): EmulatorOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fixture: { type: 'string' },
      'generate-folders': { type: 'string' },
      'generate-users': { type: 'string' },
      'generate-documents': { type: 'string' },
      seed: { type: 'string' },
      size: { type: 'string' },
      'min-size': { type: 'string' },
      'max-size': { type: 'string' },
      fanout: { type: 'string' },
      'url-ttl': { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const opts: EmulatorOptions = { port: num(values.port, 'port') ?? 0, host: values.host ?? '127.0.0.1' };
  const gf = num(values['generate-folders'], 'generate-folders');
  const gd = num(values['generate-documents'], 'generate-documents');
  const gu = num(values['generate-users'], 'generate-users');
  const size = num(values.size, 'size');
  const minSize = num(values['min-size'], 'min-size');
  const maxSize = num(values['max-size'], 'max-size');
  if (gu !== undefined) {
    if (gf !== undefined) throw new Error('--generate-users and --generate-folders do not go together: a site has its folders per user');
    opts.generateSite = {
      users: gu,
      documents: gd ?? 0,
      seed: values.seed ?? 1,
      ...(size !== undefined ? { size } : {}),
      ...(minSize !== undefined ? { minSize } : {}),
      ...(maxSize !== undefined ? { maxSize } : {}),
    };
  } else if (gf !== undefined || gd !== undefined) {
    const fanout = num(values.fanout, 'fanout');
    opts.generate = {
      folders: gf ?? 0,
      documents: gd ?? 0,
      seed: values.seed ?? 1,
      ...(size !== undefined ? { size } : {}),
      ...(minSize !== undefined ? { minSize } : {}),
      ...(maxSize !== undefined ? { maxSize } : {}),
      ...(fanout !== undefined ? { fanout } : {}),
    };
  } else {
    opts.fixture = values.fixture ?? 'sample';
  }
  const ttl = num(values['url-ttl'], 'url-ttl');
  if (ttl !== undefined) opts.urlTtlSeconds = ttl;
  if (values['access-key-id'] || values['secret-access-key']) {
    if (!values['access-key-id'] || !values['secret-access-key']) throw new Error('--access-key-id and --secret-access-key go together');
    opts.credentials = { accessKeyId: values['access-key-id'], secretAccessKey: values['secret-access-key'] };
  }
  return opts;
}

export async function main(argv: string[]): Promise<number> {
  let opts: EmulatorOptions | undefined;
  try {
    opts = parseCli(argv);
  } catch (e) {
    process.stderr.write(`workdocs-emulator: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(HELP);
    return 0;
  }
  const emu = await startEmulator(opts);
  process.stdout.write(JSON.stringify(emu.control.info()) + '\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emu.close();
  return 0;
}
