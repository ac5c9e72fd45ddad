/**
 * Public types of the WorkDocs emulator: fixture format, generator options, fault rules, control API.
 */

/** Timestamps in fixtures: ISO-8601 string or epoch milliseconds. */
export type FixtureTime = string | number;

/** Where a version's bytes come from. Exactly one of the fields should be given; none means 0 bytes. */
export interface ContentSpec {
  /** UTF-8 text. */
  content?: string;
  /** Raw bytes, base64. */
  contentBase64?: string;
  /** A file path; relative paths resolve against the fixture file's directory (or `baseDir`). */
  contentFile?: string;
  /** Deterministic pseudo-random bytes produced on demand (never held in memory). */
  generate?: { seed: string | number; size: number };
  /** The version's metadata leaves out `Signature` (optional in WorkDocs' API): clients must hash the bytes themselves. */
  noSignature?: boolean;
}

export type ResourceState = 'ACTIVE' | 'RESTORING' | 'RECYCLING' | 'RECYCLED';
export type VersionStatus = 'ACTIVE' | 'INITIALIZED';

export interface CommentSpec {
  text: string;
  /** Username of the contributor (defaults to the first user). */
  contributor?: string;
  created?: FixtureTime;
}

export interface VersionSpec extends ContentSpec {
  /** Name of the document as of this version (defaults to the document's name). */
  name?: string;
  contentType?: string;
  status?: VersionStatus;
  created?: FixtureTime;
  modified?: FixtureTime;
  id?: string;
  comments?: CommentSpec[];
}

export interface DocumentSpec extends ContentSpec {
  type?: 'document';
  /** Name of the latest version. */
  name: string;
  id?: string;
  contentType?: string;
  state?: ResourceState;
  /** Status of the (single, implicit) version when `versions` is not given. */
  status?: VersionStatus;
  created?: FixtureTime;
  modified?: FixtureTime;
  labels?: string[];
  /** Every operation on it answers UnauthorizedResourceAccessException. */
  denied?: boolean;
  /** Explicit versions, oldest first. When given, the document's own content fields are ignored. */
  versions?: VersionSpec[];
  comments?: CommentSpec[];
}

export interface FolderSpec {
  type?: 'folder';
  name: string;
  id?: string;
  state?: ResourceState;
  created?: FixtureTime;
  modified?: FixtureTime;
  labels?: string[];
  denied?: boolean;
  children?: Array<FolderSpec | DocumentSpec>;
}

export interface UserSpec {
  username: string;
  id?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  type?: 'USER' | 'ADMIN' | 'POWERUSER' | 'MINIMALUSER' | 'WORKSPACESUSER';
  /** Root folder of this user (not for the first user: that one owns `Fixture.root`). */
  root?: FolderSpec;
}

/** A fixture: a JSON-compatible description of an organisation's tree. */
export interface Fixture {
  organizationId?: string;
  /** Seed for derived ids (default: "fixture"). */
  seed?: string;
  /** Default timestamp base (default 2024-01-02T09:00:00Z); items without times get increasing times from it. */
  baseTime?: FixtureTime;
  /** Users; the first one owns `root`. Default: one admin user. */
  users?: UserSpec[];
  root: FolderSpec;
}

/** Procedural tree for big-scale tests. */
export interface GenerateOptions {
  folders: number;
  documents: number;
  seed?: string | number;
  /** Fixed size of every document in bytes. */
  size?: number;
  /** Deterministic log-uniform mix between these (used when `size` is not given). Default 0..65536. */
  minSize?: number;
  maxSize?: number;
  /** Sub-folders per folder (default 10). */
  fanout?: number;
  /** Versions per document (default 1). */
  versions?: number;
  organizationId?: string;
}

export type OperationName =
  | 'GetFolder'
  | 'DescribeFolderContents'
  | 'GetDocument'
  | 'GetDocumentVersion'
  | 'DescribeDocumentVersions'
  | 'DescribeUsers'
  | 'DescribeActivities'
  | 'DescribeResourcePermissions'
  | 'DescribeComments';

/** Operation names plus `Content` (downloads of presigned URLs). */
export type CountedOperation = OperationName | 'Content';

export type FaultKind =
  | 'throttle' // 429 ThrottlingException
  | 'error' // any status/error type (default 500 InternalFailure)
  | 'latency' // delay before answering (combines with others)
  | 'reset' // connection reset after `afterBytes` body bytes
  | 'truncate' // clean close after `afterBytes` body bytes (Content-Length promised more)
  | 'corrupt' // same length, `corruptBytes` bytes altered
  | 'shortTtl' // presigned URLs minted by the matching request expire after `ttlSeconds`
  | 'slow' // body paced at `bytesPerSecond`
  | 'ignoreRange'; // a content download answers 200 with the whole body, whatever Range asked for

export interface FaultRule {
  /** Assigned when added, if not given. */
  id?: string;
  /** Operation to match, `Content` for downloads, or `*` / omitted for any. */
  op?: CountedOperation | '*';
  /** Match only requests about this document (or folder/resource) id. */
  documentId?: string;
  kind: FaultKind;
  /** Apply to the first N matching requests only. */
  count?: number;
  /** Apply with this probability (seeded PRNG). Default 1. */
  probability?: number;
  /** `error`: HTTP status (default 500). */
  status?: number;
  /** `error`: x-amzn-ErrorType (default by status: 500 InternalFailure, 503 ServiceUnavailableException, 424 FailedDependencyException, 429 ThrottlingException ...). */
  errorType?: string;
  message?: string;
  /** `latency`: milliseconds. */
  latencyMs?: number;
  /** `reset` / `truncate`: body bytes sent before the cut (default: half of the body). */
  afterBytes?: number;
  /** `corrupt`: how many bytes to alter (default 1). */
  corruptBytes?: number;
  /** `shortTtl`: URL lifetime in seconds. */
  ttlSeconds?: number;
  /** `slow`: pacing. */
  bytesPerSecond?: number;
}

export interface FaultRuleState extends FaultRule {
  id: string;
  /** Requests that matched op/document. */
  matched: number;
  /** Times the fault was applied. */
  applied: number;
}

export interface Counters {
  /** Requests per operation (every request that reached a known route), `Content` for downloads. */
  operations: Record<string, number>;
  /** Body bytes of content downloads actually written. */
  contentBytes: number;
  /** Total requests counted in `operations`. */
  total: number;
  /** Requests rejected for authentication. */
  authFailures: number;
  /** Faults applied. */
  faultsApplied: number;
}

export interface AddFolderInput {
  parentId: string;
  name: string;
  id?: string;
}

export interface AddDocumentInput extends ContentSpec {
  parentId: string;
  name: string;
  id?: string;
  contentType?: string;
  status?: VersionStatus;
}

export interface AddVersionInput extends ContentSpec {
  /** New name (defaults to the current one). */
  name?: string;
  contentType?: string;
  status?: VersionStatus;
}

/** One document as the emulator holds it: what a correct sync must produce. */
export interface ManifestItem {
  documentId: string;
  versionId: string;
  parentId: string;
  /** Names from below the root to the document (the root's own name excluded). */
  path: string[];
  size: number;
  /** Hex MD5 (= Signature). */
  md5: string;
  contentType: string;
  createdAt: number;
  modifiedAt: number;
}

export interface EmulatorInfo {
  endpoint: string;
  rootFolderId: string;
  organizationId: string;
  userId: string;
  folders: number;
  documents: number;
  urlTtlSeconds: number;
}

/** In-process control API (also under HTTP `/_emulator/`). */
export interface EmulatorControl {
  info(): EmulatorInfo;
  addFolder(input: AddFolderInput): { id: string };
  addDocument(input: AddDocumentInput): { id: string; versionId: string };
  addVersion(documentId: string, input: AddVersionInput): { versionId: string };
  rename(id: string, name: string): void;
  move(id: string, parentId: string): void;
  /** `recycle` (default) marks RECYCLED (hidden from listings); `remove` deletes it (404 afterwards). */
  delete(id: string, mode?: 'recycle' | 'remove'): void;
  /** Restores a RECYCLED folder or document to ACTIVE. */
  restore(id: string): void;
  /** Id of the item at a name path below the root (first match for duplicates), or undefined. */
  lookup(path: string[]): string | undefined;
  /** Every ACTIVE document with an ACTIVE version below the root (recursive, hidden items skipped). */
  manifest(): ManifestItem[];
  /** The content of a version (latest ACTIVE by default). Holds it in memory: for tests. */
  readContent(documentId: string, versionId?: string): Promise<Buffer>;
  counters(): Counters;
  resetCounters(): void;
  /** Back to the fixture/generated state; also clears counters and faults and the clock offset. */
  resetState(): void;
  setFaults(rules: FaultRule[], seed?: number | string): FaultRuleState[];
  addFault(rule: FaultRule): FaultRuleState;
  faults(): FaultRuleState[];
  clearFaults(): void;
  setUrlTtl(seconds: number): void;
  /** Moves the emulator clock forward (affects URL expiry and new timestamps). */
  advanceClock(seconds: number): void;
}
