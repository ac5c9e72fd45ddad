import type { VersionsMode } from './core/history.js';
import { parseDuration, type IncrementalMode } from './core/incremental.js';
import { parsePrefix } from './core/keys.js';
import type { FolderMarkers } from './core/plan.js';
import { parseUserGlobs } from './core/user-filter.js';

/**
 * The one definition of every option: CLI flags (`--name`) and Action inputs (`name`) come from this table,
 * are parsed by the same function, and action.yml is checked against it by a test.
 */

export type OptionScope = 'both' | 'action';

export interface OptionSpec {
  /** snake_case name: the CLI flag without `--`, and the Action input. */
  readonly name: string;
  readonly kind: 'string' | 'integer' | 'boolean' | 'enum';
  /** One line for `--help`, action.yml and the README. */
  readonly description: string;
  /** Default as the user would type it; undefined for required options and options with no default. */
  readonly default?: string;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** 'action' for inputs that only mean something inside GitHub Actions (OIDC, summaries). */
  readonly scope: OptionScope;
  /** An explicitly empty value means "off" rather than "the default" (log_file). */
  readonly emptyDisables?: boolean;
}

/**
 * S3's storage classes for general purpose buckets: the SDK's StorageClass without OUTPOSTS, SNOW and FSX_* (their own
 * hardware or service) and EXPRESS_ONEZONE (directory buckets only, whose `--x-s3` names s3_bucket_name refuses).
 */
export const STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR'] as const;
export type StorageClassName = (typeof STORAGE_CLASSES)[number];
/** `none`: no encryption header, the bucket's default applies. */
export const SSE_MODES = ['none', 'AES256', 'aws:kms', 'aws:kms:dsse'] as const;
export type SseMode = (typeof SSE_MODES)[number];

export const OPTION_SPECS: readonly OptionSpec[] = [
  { name: 'workdocs_folder_id', kind: 'string', scope: 'both',
    description: 'ID of the WorkDocs folder to mirror (its whole tree); or use workdocs_organization_id.' },
  { name: 's3_bucket_name', kind: 'string', required: true, scope: 'both',
    description: 'Name of the S3 bucket to mirror into. It must exist.' },
  { name: 'region_name', kind: 'string', required: true, scope: 'both',
    description: 'AWS region of WorkDocs and the bucket, e.g. us-west-2.' },
  { name: 'max_pool_connections', kind: 'integer', default: '28', min: 1, max: 1024, scope: 'both',
    description: 'HTTP sockets per AWS client (WorkDocs, S3, content downloads).' },
  { name: 'max_workers', kind: 'integer', default: '14', min: 1, max: 512, scope: 'both',
    description: 'Concurrent transfers (and concurrent folder listings).' },
  { name: 's3_prefix', kind: 'string', default: '', scope: 'both',
    description: 'Key prefix of the mirror in the bucket; empty: the bucket root, like the original script.' },
  { name: 'dry_run', kind: 'boolean', default: 'false', scope: 'both',
    description: 'Plan and report every action without writing or deleting anything.' },
  { name: 'delete_stale', kind: 'boolean', default: 'true', scope: 'both',
    description: 'Delete objects under the prefix that no longer exist in WorkDocs.' },
  { name: 'max_delete', kind: 'string', default: '50%', scope: 'both',
    description: 'Most deletes per run that lose content (moves do not count): a count (100), a percentage (10%), or both (100,10%); above it nothing is deleted and the run fails.' },
  { name: 'archive_prefix', kind: 'string', default: '', scope: 'both',
    description: 'Move stale objects under this prefix instead of deleting them (outside a non-empty s3_prefix).' },
  { name: 'delete_foreign', kind: 'boolean', default: 'false', scope: 'both',
    description: 'Also delete or overwrite objects under the prefix this tool did not write (like rclone sync).' },
  { name: 'allow_source_change', kind: 'boolean', default: 'false', scope: 'both',
    description: 'Accept another source than the one the prefix mirrors (its manifest says which).' },
  { name: 'folder_markers', kind: 'enum', default: 'empty', values: ['empty', 'all', 'none', 'true', 'false'], scope: 'both',
    description: 'Zero-byte `folder/` objects: for `empty` folders, `all` (like the original; `true`) or `none` (`false`).' },
  { name: 'log_file', kind: 'string', default: 'script.log', scope: 'both', emptyDisables: true,
    description: 'Detailed log file, one line per action; empty to disable.' },
  { name: 'report_file', kind: 'string', default: '', scope: 'both',
    description: 'Write a JSON report of every item and its outcome to this path.' },
  { name: 'log_level', kind: 'enum', default: 'info', values: ['debug', 'info', 'warning', 'error'], scope: 'both',
    description: 'Console verbosity (the log file records every level).' },
  { name: 's3_endpoint_url', kind: 'string', default: '', scope: 'both',
    description: 'Custom S3 endpoint (S3-compatible servers); AWS_ENDPOINT_URL_S3 works too.' },
  { name: 'workdocs_endpoint_url', kind: 'string', default: '', scope: 'both',
    description: 'Custom WorkDocs endpoint (e.g. the bundled emulator); AWS_ENDPOINT_URL_WORKDOCS works too.' },
  { name: 's3_force_path_style', kind: 'enum', default: 'auto', values: ['auto', 'true', 'false'], scope: 'both',
    description: 'Path-style bucket addressing; auto means on for custom endpoints.' },
  { name: 's3_checksum_mode', kind: 'enum', default: 'auto', values: ['auto', 'when_required', 'when_supported'], scope: 'both',
    description: 'SDK flexible checksums; auto: when_required for custom endpoints.' },
  { name: 's3_delete_content_md5', kind: 'enum', default: 'auto', values: ['auto', 'true', 'false'], scope: 'both',
    description: 'Content-MD5 on DeleteObjects (older S3-compatible servers need it); auto: on for custom endpoints.' },
  { name: 'part_size_mb', kind: 'integer', default: '8', min: 5, max: 5120, scope: 'both',
    description: 'Multipart part size in MiB (large files may use multiples of it).' },
  { name: 'multipart_threshold_mb', kind: 'integer', default: '512', min: 5, max: 5120, scope: 'both',
    description: 'Files up to this size (MiB) go in one PUT that S3 checks against the WorkDocs MD5; larger ones multipart.' },
  { name: 'storage_class', kind: 'enum', default: 'STANDARD', values: STORAGE_CLASSES, scope: 'both',
    description: 'Storage class of the mirrored objects (the tool\'s own files stay STANDARD).' },
  { name: 'sse', kind: 'enum', default: 'none', values: SSE_MODES, scope: 'both',
    description: 'Server-side encryption of every write; `none`: the bucket\'s default.' },
  { name: 'sse_kms_key_id', kind: 'string', default: '', scope: 'both',
    description: 'With sse aws:kms(:dsse): the KMS key id, ARN or alias; empty: aws/s3.' },
  { name: 'expected_bucket_owner', kind: 'string', default: '', scope: 'both',
    description: 'Account id (12 digits) that must own the bucket (S3 answers 403 otherwise).' },
  { name: 'object_tags', kind: 'string', default: '', scope: 'both',
    description: 'Tags of the mirrored objects, e.g. `team=docs,retention=7y` (at most 10).' },
  { name: 'mode', kind: 'enum', default: 'sync', values: ['sync', 'plan', 'shard', 'finalize', 'verify'], scope: 'both',
    description: 'sync: one run. plan / shard / finalize: over a matrix. verify: a read-only audit, exit 0 only when exact.' },
  { name: 'verify_content', kind: 'boolean', default: 'false', scope: 'both',
    description: 'mode verify: also read every object back and check its MD5 against WorkDocs.' },
  { name: 'verify_slice', kind: 'string', default: '', scope: 'both',
    description: 'mode verify over a matrix: audit only slice `i/n` of the keys; empty: every key.' },
  { name: 'verify_merge', kind: 'string', default: '', scope: 'both',
    description: 'mode verify: merge the JSON reports of a verify_slice matrix in this directory into one verdict.' },
  { name: 'shard_count', kind: 'integer', default: '4', min: 1, max: 256, scope: 'both',
    description: 'mode plan: how many shards to split the transfers into (balanced by bytes and count).' },
  { name: 'shard_index', kind: 'integer', default: '0', min: 0, max: 255, scope: 'both',
    description: 'mode shard: which shard this job runs (0-based; from the plan step\'s matrix).' },
  { name: 'run_id', kind: 'string', default: '', scope: 'both',
    description: 'modes plan / shard / finalize: names the scaled-out run; default GITHUB_RUN_ID.' },
  { name: 'role_to_assume', kind: 'string', default: '', scope: 'action',
    description: 'IAM role to assume with the job\'s OIDC token (`id-token: write`); empty: ambient credentials.' },
  { name: 'role_session_name', kind: 'string', default: 'workdocs-s3-sync', scope: 'action',
    description: 'Session name for the assumed role.' },
  { name: 'role_duration_seconds', kind: 'integer', default: '3600', min: 900, max: 43200, scope: 'action',
    description: 'Duration of the assumed role session.' },
  { name: 'audience', kind: 'string', default: 'sts.amazonaws.com', scope: 'action',
    description: 'Audience of the OIDC token.' },
  { name: 'workdocs_role_to_assume', kind: 'string', default: '', scope: 'action',
    description: 'A second role for WorkDocs in another account (same OIDC token).' },
  { name: 'tolerate_failures', kind: 'boolean', default: 'false', scope: 'action',
    description: 'Do not fail the step when only items failed (still reported); anything else still fails it.' },
  // site source (issue 20): every user's folders instead of one folder
  { name: 'workdocs_organization_id', kind: 'string', default: '', scope: 'both',
    description: 'The site\'s directory id (d-…): mirror every user\'s folders, not one folder.' },
  { name: 'users', kind: 'string', default: '*', scope: 'both',
    description: 'Site: usernames to mirror, comma-separated globs (`*`, `?`), case-insensitive.' },
  { name: 'exclude_users', kind: 'string', default: '', scope: 'both',
    description: 'Site: usernames to leave out, comma-separated globs; wins over users.' },
  { name: 'include_recycle_bin', kind: 'boolean', default: 'false', scope: 'both',
    description: 'Site: also mirror each user\'s recycle bin, under `.recycle-bin/<user>/`.' },
  // versions (issue 20): every version
  { name: 'versions', kind: 'enum', default: 'latest', values: ['latest', 'all'], scope: 'both',
    description: '`all` also keeps every older version, under `.history/` in the prefix.' },
  // metadata index (issue 20): comments, permissions, labels, custom metadata
  { name: 'metadata', kind: 'enum', default: 'index', values: ['none', 'index', 'sidecars'], scope: 'both',
    description: 'Comments, permissions, labels: `index` (CSV + JSONL), `sidecars` (also one JSON per file), `none`.' },
  { name: 'metadata_refresh', kind: 'boolean', default: 'false', scope: 'both',
    description: 'Read every item\'s context and version list again, not only changed ones.' },
  // incremental runs (issue 21)
  { name: 'incremental', kind: 'enum', default: 'listing', values: ['listing', 'activities', 'auto'], scope: 'both',
    description: '`activities`: list only what the activity feed touched (site mode); `auto`: when it can.' },
  { name: 'full_listing_every', kind: 'string', default: '7d', scope: 'both',
    description: 'Incremental: list everything when the last full listing is older (30m, 12h, 7d; 0: always).' },
];

/** How many deletes a run may make. Both bounds apply when both are given. */
export interface MaxDelete {
  readonly count: number | undefined;
  readonly percent: number | undefined;
}

/** `true`/`false` were the option's first values (a boolean): they keep meaning every folder / none. */
function folderMarkersOf(value: string): FolderMarkers {
  return value === 'true' ? 'all' : value === 'false' ? 'none' : (value as FolderMarkers);
}

/** Options of one sync run, validated. */
export interface SyncOptions {
  /** '' in site mode (workdocsOrganizationId given instead). */
  readonly workdocsFolderId: string;
  /** Site mode: the directory id whose users are mirrored; '' in folder mode. Exactly one of the two ids is set. */
  readonly workdocsOrganizationId: string;
  /** Site mode: username globs to include (empty: every user) and to leave out. */
  readonly users: readonly string[];
  readonly excludeUsers: readonly string[];
  /** Site mode: each user's recycle bin is mirrored too, under `<prefix>.recycle-bin/<user>/`. */
  readonly includeRecycleBin: boolean;
  readonly s3BucketName: string;
  readonly regionName: string;
  readonly maxPoolConnections: number;
  readonly maxWorkers: number;
  /** Normalized: '' or ends with '/'. */
  readonly s3Prefix: string;
  readonly dryRun: boolean;
  readonly deleteStale: boolean;
  readonly maxDelete: MaxDelete;
  /** Normalized like s3Prefix; '' means delete instead of archive. */
  readonly archivePrefix: string;
  /** Objects under the prefix that this tool did not write are deleted and overwritten like its own. */
  readonly deleteForeign: boolean;
  /** A prefix whose manifest names another WorkDocs folder may be taken over by this one. */
  readonly allowSourceChange: boolean;
  /** Which folders get a `folder/` marker object (`true`/`false` were normalized to all/none). */
  readonly folderMarkers: FolderMarkers;
  /** What a run lists: everything, or what the activity feed touched since the last run (engine/incremental.ts). */
  readonly incremental: IncrementalMode;
  /** Incremental runs list everything when the last full listing is this old (ms); 0: every run does. */
  readonly fullListingEveryMs: number;
  readonly logFile: string;
  readonly reportFile: string;
  readonly logLevel: 'debug' | 'info' | 'warning' | 'error';
  readonly s3EndpointUrl: string;
  readonly workdocsEndpointUrl: string;
  readonly s3ForcePathStyle: 'auto' | 'true' | 'false';
  readonly s3ChecksumMode: 'auto' | 'when_required' | 'when_supported';
  readonly s3DeleteContentMd5: 'auto' | 'true' | 'false';
  readonly partSizeBytes: number;
  /** Largest file sent as one streaming PUT; larger ones go multipart. */
  readonly multipartThresholdBytes: number;
  readonly mode: 'sync' | 'plan' | 'shard' | 'finalize' | 'verify';
  /** mode verify: read every object back and hash it. */
  readonly verifyContent: boolean;
  /** mode verify: the slice of the keys this job audits; undefined: every key. */
  readonly verifySlice: { readonly index: number; readonly count: number } | undefined;
  /** mode verify: a directory of slice reports to merge ('' : audit the mirror). */
  readonly verifyMerge: string;
  readonly shardCount: number;
  readonly shardIndex: number;
  /** '' in sync mode; required (explicitly or from GITHUB_RUN_ID) in the scale-out modes. */
  readonly runId: string;
  /** How every object this run writes is stored: storage class, encryption, tags. */
  readonly objectSettings: ObjectSettings;
  /** 12-digit account id every request to the bucket names as its owner; '' when not checked. */
  readonly expectedBucketOwner: string;
  /** What context is saved beside the mirror (comments, permissions, custom metadata): docs/metadata.md. */
  readonly metadata: 'none' | 'index' | 'sidecars';
  /** Read every item's context again, not only that of new or changed items. */
  readonly metadataRefresh: boolean;
  /** `all`: every older ACTIVE version is mirrored too, under the history area (core/history.ts). */
  readonly versions: VersionsMode;
}

/** How every object a run writes is stored (uploads, multipart uploads, rename copies, archive moves). */
export interface ObjectSettings {
  readonly storageClass: StorageClassName;
  readonly sse: SseMode;
  /** Only with sse aws:kms or aws:kms:dsse; '' for the AWS managed key. */
  readonly sseKmsKeyId: string;
  /** Static tags, in the order given. */
  readonly tags: readonly ObjectTag[];
}

export interface ObjectTag {
  readonly key: string;
  readonly value: string;
}

/** S3's limits on object tags (the allowed characters are the AWS tagging API's pattern). */
const MAX_TAGS = 10;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * `team=docs,retention=7y` → tags, or the first rule broken. A tag's value may hold `=` (the key ends at the first
 * one); commas separate tags, and S3 allows none inside one.
 */
export function parseObjectTags(text: string): ObjectTag[] | string {
  if (text.trim() === '') return [];
  const tags: ObjectTag[] = [];
  for (const item of text.split(',').map((t) => t.trim())) {
    const equals = item.indexOf('=');
    if (equals <= 0) return `each tag must be key=value, e.g. team=docs,retention=7y; got ${JSON.stringify(item)}`;
    const key = item.slice(0, equals);
    const value = item.slice(equals + 1);
    // S3 counts Unicode characters, not UTF-16 units.
    if ([...key].length > 128) return `tag key ${JSON.stringify(key.slice(0, 20))}… is longer than 128 characters`;
    if ([...value].length > 256) return `the value of tag ${JSON.stringify(key)} is longer than 256 characters`;
    if (!TAG_TEXT.test(key) || !TAG_TEXT.test(value)) return `tag ${JSON.stringify(item)} may hold only letters, digits, spaces and + - = . _ : / @`;
    if (key.toLowerCase().startsWith('aws:')) return `tag key ${JSON.stringify(key)} uses the prefix aws:, which AWS reserves`;
    if (tags.some((t) => t.key === key)) return `tag key ${JSON.stringify(key)} is given twice`;
    tags.push({ key, value });
  }
  if (tags.length > MAX_TAGS) return `S3 allows at most ${MAX_TAGS} tags per object, got ${tags.length}`;
  return tags;
}

const KMS_KEY = new RegExp([
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', // key id
  '^mrk-[0-9a-f]{32}$', // multi-Region key id
  '^alias/[\\w/-]{1,250}$',
  '^arn:aws[\\w-]*:kms:[a-z0-9-]+:\\d{12}:(key/(mrk-)?[0-9a-f-]{32,36}|alias/[\\w/-]{1,250})$',
].join('|'));

/** Options only the Action reads. */
export interface ActionOptions {
  readonly roleToAssume: string;
  readonly roleSessionName: string;
  readonly roleDurationSeconds: number;
  readonly audience: string;
  readonly workdocsRoleToAssume: string;
  readonly tolerateFailures: boolean;
}

/** A problem with one option, as a value: the shells turn it into `--name: …` or `Input 'name': …`. */
export interface OptionError {
  readonly option: string;
  readonly problem: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly OptionError[] };

/** Raw values as typed by the user, keyed by snake_case name; undefined or '' means not given. */
export type RawOptions = Readonly<Record<string, string | undefined>>;

/** `i/n` → a slice; undefined for '' and for anything malformed (the caller says which). */
function parseSlice(text: string): { index: number; count: number } | undefined {
  const match = /^(\d{1,3})\/(\d{1,3})$/.exec(text);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && count <= 256 && index < count ? { index, count } : undefined;
}

const FOLDER_ID = /^[\w+\-.@]{1,128}$/; // the WorkDocs model's pattern for resource ids
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

export function specOf(name: string): OptionSpec {
  const spec = OPTION_SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown option ${name}`);
  return spec;
}

/** Rejects bucket names S3 would refuse, so a typo fails before any request. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return 'uses a prefix or suffix that S3 reserves';
  return undefined;
}

/** Validates a key prefix with the key mapper's own rules, so every accepted prefix can hold keys. */
export function prefixProblem(prefix: string): string | undefined {
  // Easy to type by mistake, and never what was meant: a key prefix " a" is not "a", and "\\" is not a folder separator.
  if (prefix !== prefix.trim()) return `has leading or trailing spaces: ${JSON.stringify(prefix)}`;
  if (prefix.includes('\\')) return `contains a backslash (S3 folders are separated by "/"): ${JSON.stringify(prefix)}`;
  const result = parsePrefix(prefix);
  return result.ok ? undefined : result.reason.replace(/^the prefix /, '');
}

export function withTrailingSlash(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export function parseMaxDelete(text: string): MaxDelete | string {
  let count: number | undefined;
  let percent: number | undefined;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => p === '')) return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
  for (const part of parts) {
    if (part.endsWith('%')) {
      if (percent !== undefined || !/^\d+(\.\d+)?%$/.test(part)) return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
      percent = Number(part.slice(0, -1));
      if (percent > 100) return 'percentage must be between 0% and 100%';
    } else {
      if (count !== undefined || !/^\d+$/.test(part)) return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
      count = Number(part);
      if (!Number.isSafeInteger(count)) return 'count is too large';
    }
  }
  return { count, percent };
}

function urlProblem(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
    if (url.username || url.password) return 'must not contain credentials';
    return undefined;
  } catch {
    return 'must be a URL such as https://s3.example.com';
  }
}

/** Reads and validates raw values for the given scopes; collects every problem, not just the first. */
class Reader {
  readonly errors: OptionError[] = [];
  constructor(private readonly raw: RawOptions) {}

  text(name: string): string {
    const spec = specOf(name);
    const given = this.raw[name];
    const value = given === undefined || (given === '' && !spec.emptyDisables) ? (spec.default ?? '') : given;
    if (spec.required && value.trim() === '') this.fail(name, 'is required');
    return value;
  }

  integer(name: string): number {
    const spec = specOf(name);
    const text = this.text(name).trim();
    if (!/^\d+$/.test(text) || Number(text) < (spec.min ?? 0) || Number(text) > (spec.max ?? Number.MAX_SAFE_INTEGER)) {
      this.fail(name, `must be a whole number from ${spec.min} to ${spec.max}, got ${JSON.stringify(text)}`);
      return Number(spec.default ?? spec.min ?? 0);
    }
    return Number(text);
  }

  boolean(name: string): boolean {
    const text = this.text(name).trim().toLowerCase();
    if (TRUE.has(text)) return true;
    if (FALSE.has(text)) return false;
    this.fail(name, `must be true or false, got ${JSON.stringify(text)}`);
    return specOf(name).default === 'true';
  }

  choice<T extends string>(name: string): T {
    const spec = specOf(name);
    const text = this.text(name).trim().toLowerCase();
    // Case-insensitive, answered in the table's spelling (`glacier` → GLACIER, as S3 wants it).
    const value = spec.values?.find((v) => v.toLowerCase() === text);
    if (value === undefined) {
      this.fail(name, `must be one of ${spec.values?.join(', ')}, got ${JSON.stringify(text)}`);
      return spec.default as T;
    }
    return value as T;
  }

  check(name: string, problem: string | undefined): void {
    if (problem !== undefined) this.fail(name, problem);
  }

  fail(option: string, problem: string): void {
    if (!this.errors.some((e) => e.option === option)) this.errors.push({ option, problem });
  }
}

/** Directory ids as AWS Directory Service gives them: `d-` and 10 hex digits. */
const ORGANIZATION_ID = /^d-[0-9a-f]{10}$/;

/**
 * The source options of site mode; exactly one of workdocs_folder_id and workdocs_organization_id is required
 * (the folder id's `is required` names the other too), and the user filters mean something only for a site.
 */
function readSiteSource(r: Reader, folderId: string): Pick<SyncOptions, 'workdocsOrganizationId' | 'users' | 'excludeUsers' | 'includeRecycleBin'> {
  const organizationId = r.text('workdocs_organization_id').trim();
  if (folderId === '' && organizationId === '') r.fail('workdocs_folder_id', 'is required, or workdocs_organization_id to mirror the whole site: give exactly one of the two');
  if (folderId !== '' && organizationId !== '') r.fail('workdocs_organization_id', 'goes without workdocs_folder_id: give exactly one of the two (a folder, or the whole site)');
  if (organizationId !== '' && !ORGANIZATION_ID.test(organizationId)) r.fail('workdocs_organization_id', `is not a WorkDocs directory id such as d-926726012c: ${JSON.stringify(organizationId.slice(0, 40))}`);
  const usersText = r.text('users').trim();
  const users = parseUserGlobs(usersText === '*' ? '' : usersText);
  if (typeof users === 'string') r.fail('users', users);
  const excludeUsers = parseUserGlobs(r.text('exclude_users'));
  if (typeof excludeUsers === 'string') r.fail('exclude_users', excludeUsers);
  const includeRecycleBin = r.boolean('include_recycle_bin');
  if (organizationId === '') {
    // Without a site they would filter nothing: say so rather than pass silently.
    if (usersText !== '*') r.fail('users', 'applies with workdocs_organization_id only (a whole-site export)');
    if (r.text('exclude_users').trim() !== '') r.fail('exclude_users', 'applies with workdocs_organization_id only (a whole-site export)');
    if (includeRecycleBin) r.fail('include_recycle_bin', 'applies with workdocs_organization_id only (a whole-site export)');
  }
  return {
    workdocsOrganizationId: organizationId,
    users: typeof users === 'string' ? [] : users,
    excludeUsers: typeof excludeUsers === 'string' ? [] : excludeUsers,
    includeRecycleBin,
  };
}

/** The id a mirror records as its source (manifest, object metadata): the folder's, or the organization's for a site. */
export function sourceIdOf(options: Pick<SyncOptions, 'workdocsFolderId' | 'workdocsOrganizationId'>): string {
  return options.workdocsOrganizationId !== '' ? options.workdocsOrganizationId : options.workdocsFolderId;
}

export function parseSyncOptions(raw: RawOptions): Parsed<SyncOptions> {
  const r = new Reader(raw);
  const folderId = r.text('workdocs_folder_id').trim();
  if (folderId !== '') r.check('workdocs_folder_id', FOLDER_ID.test(folderId) ? undefined : `is not a WorkDocs folder id: ${JSON.stringify(folderId.slice(0, 140))}`);
  const site = readSiteSource(r, folderId);
  const bucket = r.text('s3_bucket_name').trim();
  if (bucket !== '') r.check('s3_bucket_name', bucketNameProblem(bucket));
  const region = r.text('region_name').trim();
  if (region !== '') r.check('region_name', REGION.test(region) ? undefined : `is not an AWS region name such as us-west-2: ${JSON.stringify(region)}`);
  const prefix = r.text('s3_prefix');
  r.check('s3_prefix', prefixProblem(prefix));
  const archive = r.text('archive_prefix');
  r.check('archive_prefix', prefixProblem(archive));
  const maxDeleteText = r.text('max_delete').trim();
  const maxDelete = parseMaxDelete(maxDeleteText);
  if (typeof maxDelete === 'string') r.fail('max_delete', `${maxDelete}, got ${JSON.stringify(maxDeleteText)}`);
  const s3Endpoint = r.text('s3_endpoint_url').trim();
  r.check('s3_endpoint_url', urlProblem(s3Endpoint));
  const workdocsEndpoint = r.text('workdocs_endpoint_url').trim();
  r.check('workdocs_endpoint_url', urlProblem(workdocsEndpoint));
  const objectTags = parseObjectTags(r.text('object_tags'));
  if (typeof objectTags === 'string') r.fail('object_tags', objectTags);
  const fullListingEveryText = r.text('full_listing_every').trim();
  const fullListingEvery = parseDuration(fullListingEveryText);
  if (typeof fullListingEvery === 'string') r.fail('full_listing_every', fullListingEvery);
  const options: SyncOptions = {
    workdocsFolderId: folderId,
    ...site,
    s3BucketName: bucket,
    regionName: region,
    maxPoolConnections: r.integer('max_pool_connections'),
    maxWorkers: r.integer('max_workers'),
    s3Prefix: withTrailingSlash(prefix),
    dryRun: r.boolean('dry_run'),
    incremental: r.choice('incremental'),
    fullListingEveryMs: typeof fullListingEvery === 'number' ? fullListingEvery : 0,
    deleteStale: r.boolean('delete_stale'),
    maxDelete: typeof maxDelete === 'string' ? { count: 0, percent: undefined } : maxDelete,
    archivePrefix: withTrailingSlash(archive),
    deleteForeign: r.boolean('delete_foreign'),
    allowSourceChange: r.boolean('allow_source_change'),
    folderMarkers: folderMarkersOf(r.choice('folder_markers')),
    logFile: r.text('log_file'),
    reportFile: r.text('report_file'),
    logLevel: r.choice('log_level'),
    s3EndpointUrl: s3Endpoint,
    workdocsEndpointUrl: workdocsEndpoint,
    s3ForcePathStyle: r.choice('s3_force_path_style'),
    s3ChecksumMode: r.choice('s3_checksum_mode'),
    s3DeleteContentMd5: r.choice('s3_delete_content_md5'),
    partSizeBytes: r.integer('part_size_mb') * 1024 * 1024,
    multipartThresholdBytes: r.integer('multipart_threshold_mb') * 1024 * 1024,
    mode: r.choice('mode'),
    verifyContent: r.boolean('verify_content'),
    verifySlice: parseSlice(r.text('verify_slice').trim()),
    verifyMerge: r.text('verify_merge').trim(),
    shardCount: r.integer('shard_count'),
    shardIndex: r.integer('shard_index'),
    runId: r.text('run_id').trim(),
    objectSettings: {
      storageClass: r.choice('storage_class'),
      sse: r.choice('sse'),
      sseKmsKeyId: r.text('sse_kms_key_id').trim(),
      tags: typeof objectTags === 'string' ? [] : objectTags,
    },
    expectedBucketOwner: r.text('expected_bucket_owner').trim(),
    metadata: r.choice('metadata'),
    metadataRefresh: r.boolean('metadata_refresh'),
    versions: r.choice('versions'),
  };
  const { sse, sseKmsKeyId } = options.objectSettings;
  if (sseKmsKeyId !== '' && !sse.startsWith('aws:kms')) r.fail('sse_kms_key_id', `applies to sse aws:kms or aws:kms:dsse only (sse is ${sse})`);
  else if (sseKmsKeyId !== '' && !KMS_KEY.test(sseKmsKeyId)) r.fail('sse_kms_key_id', `must be a KMS key id, key ARN, alias/name or alias ARN, got ${JSON.stringify(sseKmsKeyId.slice(0, 140))}`);
  if (options.expectedBucketOwner !== '' && !/^\d{12}$/.test(options.expectedBucketOwner)) r.fail('expected_bucket_owner', `must be a 12-digit AWS account id, got ${JSON.stringify(options.expectedBucketOwner.slice(0, 40))}`);
  // A sync that was asked to check content would check nothing: say so rather than pass silently.
  if (options.verifyContent && options.mode !== 'verify') r.fail('verify_content', `applies to mode verify only (mode is ${options.mode})`);
  const sliceText = r.text('verify_slice').trim();
  if (sliceText !== '' && options.verifySlice === undefined) r.fail('verify_slice', `must be i/n with 0 <= i < n <= 256, got ${JSON.stringify(sliceText)}`);
  if (sliceText !== '' && options.mode !== 'verify') r.fail('verify_slice', `applies to mode verify only (mode is ${options.mode})`);
  if (options.verifyMerge !== '' && options.mode !== 'verify') r.fail('verify_merge', `applies to mode verify only (mode is ${options.mode})`);
  if (options.verifyMerge !== '' && sliceText !== '') r.fail('verify_merge', 'merges the slices\' reports: it does not go with verify_slice');
  // DescribeActivities with AWS credentials needs the site's organization id; scale-out and verify list everything.
  if (options.incremental === 'activities' && options.workdocsOrganizationId === '') r.fail('incremental', 'activities needs workdocs_organization_id (the activity feed is read per site); use listing or auto');
  else if (options.incremental === 'activities' && options.mode !== 'sync') r.fail('incremental', `activities applies to mode sync only (mode is ${options.mode})`);
  if (options.mode !== 'sync' && options.mode !== 'verify' && options.runId === '') r.fail('run_id', `is required in mode ${options.mode} (or set GITHUB_RUN_ID)`);
  if (options.runId !== '' && !/^[\w.-]{1,64}$/.test(options.runId)) r.fail('run_id', 'must be 1 to 64 letters, digits, dots, hyphens or underscores');
  if (options.archivePrefix !== '' && options.archivePrefix === options.s3Prefix) {
    r.fail('archive_prefix', 'must differ from s3_prefix');
  }
  if (options.archivePrefix !== '' && options.s3Prefix !== '' && options.s3Prefix.startsWith(options.archivePrefix)) {
    r.fail('archive_prefix', 'must not contain s3_prefix (the mirror would be archived into itself)');
  }
  // Inside the mirror, archived objects would look like mirrored ones to a run without archive_prefix.
  if (options.archivePrefix !== '' && options.s3Prefix !== '' && options.archivePrefix.startsWith(options.s3Prefix) && options.archivePrefix !== options.s3Prefix) {
    r.fail('archive_prefix', `must lie outside s3_prefix ${JSON.stringify(options.s3Prefix)}: choose a prefix beside it, e.g. ${JSON.stringify(`archive/${options.s3Prefix}`)}`);
  }
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value: options };
}

export function parseActionOptions(raw: RawOptions): Parsed<ActionOptions> {
  const r = new Reader(raw);
  const options: ActionOptions = {
    roleToAssume: r.text('role_to_assume').trim(),
    roleSessionName: r.text('role_session_name').trim(),
    roleDurationSeconds: r.integer('role_duration_seconds'),
    audience: r.text('audience').trim(),
    workdocsRoleToAssume: r.text('workdocs_role_to_assume').trim(),
    tolerateFailures: r.boolean('tolerate_failures'),
  };
  const arn = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
  if (options.roleToAssume !== '' && !arn.test(options.roleToAssume)) r.fail('role_to_assume', 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name');
  if (options.workdocsRoleToAssume !== '' && !arn.test(options.workdocsRoleToAssume)) r.fail('workdocs_role_to_assume', 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name');
  if (!/^[\w+=,.@-]{2,64}$/.test(options.roleSessionName)) r.fail('role_session_name', 'must be 2 to 64 characters of letters, digits and +=,.@_-');
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value: options };
}
