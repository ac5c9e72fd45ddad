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

export type CommentVisibility = 'PUBLIC' | 'PRIVATE';

export interface CommentSpec {
  text: string;
  /** Username of the contributor (defaults to the first user). */
  contributor?: string;
  created?: FixtureTime;
  /** PRIVATE: seen by the contributor and the recipient (the author of the comment replied to) only. */
  visibility?: CommentVisibility;
  /** Replies in this comment's thread. */
  replies?: CommentSpec[];
}

export type UserStatus = 'ACTIVE' | 'INACTIVE' | 'PENDING';
/** WorkDocs' RoleType. */
export type Role = 'OWNER' | 'COOWNER' | 'CONTRIBUTOR' | 'VIEWER';
/** Principals a resource is shared with: a user, a group, or anyone with the link. */
export type SharePrincipalType = 'USER' | 'GROUP' | 'ANONYMOUS';

/** A share of a folder or document; it is inherited by everything below a folder. */
export interface ShareSpec {
  /** Username or user id (USER), group name or id (GROUP); not needed for ANONYMOUS. */
  principal?: string;
  type?: SharePrincipalType;
  role: Role;
}

/** Custom metadata: key → value, as CreateCustomMetadata stores it. */
export type CustomMetadata = Record<string, string>;

export interface VersionSpec extends ContentSpec {
  /** Name of the document as of this version (defaults to the document's name). */
  name?: string;
  contentType?: string;
  status?: VersionStatus;
  created?: FixtureTime;
  modified?: FixtureTime;
  id?: string;
  comments?: CommentSpec[];
  customMetadata?: CustomMetadata;
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
  shares?: ShareSpec[];
  customMetadata?: CustomMetadata;
  /** Username of an owner other than the folder owner's (an ownership transfer). */
  owner?: string;
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
  shares?: ShareSpec[];
  customMetadata?: CustomMetadata;
  /** Username of an owner other than the parent's (an ownership transfer). */
  owner?: string;
}

export interface UserSpec {
  username: string;
  id?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  type?: 'USER' | 'ADMIN' | 'POWERUSER' | 'MINIMALUSER' | 'WORKSPACESUSER';
  /** Default ACTIVE. An INACTIVE user's content still exists. */
  status?: UserStatus;
  /** Root folder of this user (not for the first user: that one owns `Fixture.root`). */
  root?: FolderSpec;
}

export interface GroupSpec {
  name: string;
  id?: string;
  /** Usernames. */
  members?: string[];
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
  groups?: GroupSpec[];
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

/** A procedural whole site: many users, each with a tree, shares, comments and versions. */
export interface SiteGenerateOptions {
  users: number;
  /** Documents over the whole site, spread evenly over the users. */
  documents: number;
  /** Folders per user (default: one per 10 of the user's documents). */
  foldersPerUser?: number;
  seed?: string | number;
  size?: number;
  minSize?: number;
  maxSize?: number;
  /** Every Nth document has this many versions (default: every 5th has 3). */
  versionsEvery?: number;
  versions?: number;
  /** Every Nth user is INACTIVE and every (N+1)th PENDING (default 10). */
  inactiveEvery?: number;
  /** Every Nth top-level folder of a user is shared with the next user (default 10). */
  shareEvery?: number;
  /** Every Nth document has a comment thread (default 20). */
  commentEvery?: number;
  organizationId?: string;
}

export type OperationName =
  | 'GetFolder'
  | 'DescribeFolderContents'
  | 'GetDocument'
  | 'GetDocumentVersion'
  | 'DescribeDocumentVersions'
  | 'DescribeUsers'
  | 'DescribeGroups'
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
  /** Upload as the check-in of a checked-out document: logged as DOCUMENT_CHECKED_IN instead of DOCUMENT_VERSION_UPLOADED. */
  checkIn?: boolean;
}

export interface AddUserInput {
  username: string;
  givenName?: string;
  surname?: string;
  email?: string;
  type?: UserSpec['type'];
  status?: UserStatus;
  id?: string;
}

export interface UserInfo {
  id: string;
  username: string;
  status: UserStatus;
  rootFolderId: string;
  recycleBinFolderId: string;
}

export interface ShareInput {
  /** Folder or document. */
  resourceId: string;
  /** User id or username (USER), group id or name (GROUP); omitted for ANONYMOUS. */
  principal?: string;
  type?: SharePrincipalType;
  role: Role;
}

export interface AddCommentInput {
  documentId: string;
  /** Default: the latest ACTIVE version. */
  versionId?: string;
  text: string;
  /** Username or user id (default: the document's owner). */
  contributor?: string;
  /** The comment replied to: the reply joins its thread. */
  parentId?: string;
  visibility?: CommentVisibility;
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
  /** Users of every status. */
  users: number;
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
  /** Id of the item at a name path below the root, or below `rootId` (first match for duplicates), or undefined. */
  lookup(path: string[], rootId?: string): string | undefined;
  /** Every ACTIVE document with an ACTIVE version below the root, or below `rootId` (recursive, hidden items skipped). */
  manifest(rootId?: string): ManifestItem[];
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

  // The whole site: users, sharing, comments, labels and custom metadata, owners.
  users(): UserInfo[];
  /** A new user with an empty root folder and recycle bin. */
  addUser(input: AddUserInput): UserInfo;
  setUserStatus(userId: string, status: UserStatus): void;
  /** Deletes the user, their root folder and recycle bin and everything in them. */
  removeUser(userId: string): void;
  /** Shares a resource (a new role for a principal that has one is a permission change). */
  share(input: ShareInput): void;
  /** Removes a principal's share of a resource (`anonymous` for the link). */
  unshare(resourceId: string, principal: string): void;
  addComment(input: AddCommentInput): { commentId: string; versionId: string };
  deleteComment(documentId: string, versionId: string, commentId: string): void;
  /** Replaces the labels of a folder or document. */
  setLabels(id: string, labels: string[]): void;
  /** Sets keys (a null value deletes one) on a folder, a document, or a version of it. */
  setCustomMetadata(id: string, values: Record<string, string | null>, versionId?: string): void;
  /** Transfers ownership of a folder or document (and what inherits it) to a user. */
  setOwner(id: string, userId: string): void;
  /** Deletes one version of a document (not its only ACTIVE one). */
  deleteVersion(documentId: string, versionId: string): void;
  /** A new version with an older version's bytes (DOCUMENT_REVERTED). */
  revert(documentId: string, versionId: string): { versionId: string };
  /** Locks a document for editing by a user (DOCUMENT_CHECKED_OUT); `addVersion` with `checkIn` ends it. */
  checkOut(documentId: string, user?: string): void;
}
