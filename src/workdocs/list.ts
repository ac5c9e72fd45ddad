/**
 * Lists a WorkDocs folder tree: breadth-first, many folders at once (bounded), every page of every folder.
 * Only ACTIVE folders and documents whose latest version is ACTIVE are kept, as the service shows them (in a
 * recycle bin, its RECYCLED items and what is below them).
 */
import {
  GetFolderCommand,
  paginateDescribeFolderContents,
  type DocumentMetadata,
  type FolderMetadata,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import pLimit from 'p-limit';
import type { SourceDocument, SourceFolder, SourceTree } from '../core/types.js';
import { describeError, errorName, InputError } from '../errors.js';

export interface ListingResult {
  readonly tree: SourceTree;
  readonly rootName: string;
  /** One entry per folder whose listing failed; any entry forbids deletes. */
  readonly errors: readonly { folderId: string; message: string }[];
  /** DescribeFolderContents pages read. */
  readonly pages: number;
}

export interface ListOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onFolder?: (foldersListed: number, documentsFound: number) => void;
  /** Called once per folder read to the end, with all of its children (not when its listing failed). */
  readonly onFolderListed?: (folderId: string, folders: readonly SourceFolder[], documents: readonly SourceDocument[]) => void;
}

/** Reads the root folder; a missing or inaccessible id is bad input (exit 2), checked before anything else. */
export async function getRootFolder(client: WorkDocsClient, folderId: string, signal?: AbortSignal): Promise<FolderMetadata> {
  try {
    const out = await client.send(new GetFolderCommand({ FolderId: folderId }), { abortSignal: signal });
    if (!out.Metadata?.Id) throw new InputError('workdocs_folder_id', `WorkDocs returned no folder for ${folderId}`);
    if (out.Metadata.ResourceState !== undefined && out.Metadata.ResourceState !== 'ACTIVE') {
      throw new InputError('workdocs_folder_id', `folder ${folderId} is ${out.Metadata.ResourceState}, not ACTIVE`);
    }
    return out.Metadata;
  } catch (error) {
    const name = errorName(error);
    if (name === 'EntityNotExistsException' || name === 'UnauthorizedResourceAccessException' || name === 'InvalidArgumentException') {
      throw new InputError('workdocs_folder_id', `folder ${folderId} does not exist or is not accessible (${describeError(error)})`, { cause: error });
    }
    throw error;
  }
}

export async function listTree(client: WorkDocsClient, root: FolderMetadata, options: ListOptions): Promise<ListingResult> {
  const rootId = root.Id!;
  const { folders, documents, errors, pages } = await listFolders(client, [{ id: rootId }], options);
  return { tree: { rootId, folders, documents }, rootName: root.Name ?? '', errors, pages };
}

/** A folder whose tree is listed; several are listed under one concurrency limit (a site's users). */
export interface FolderToList {
  readonly id: string;
  /** How its own children are shown: RECYCLED in a recycle bin (their children are ACTIVE again); default ACTIVE. */
  readonly childrenState?: 'ACTIVE' | 'RECYCLED';
}

/** What listFolders found below the folders it was given (those folders themselves excluded). */
export interface FoldersListed {
  readonly folders: SourceFolder[];
  readonly documents: SourceDocument[];
  readonly errors: { folderId: string; message: string }[];
  readonly pages: number;
}

/** Lists the trees below `starts` breadth-first, with at most `options.concurrency` requests in flight in all. */
export async function listFolders(client: WorkDocsClient, starts: readonly FolderToList[], options: ListOptions): Promise<FoldersListed> {
  const folders: SourceFolder[] = [];
  const documents: SourceDocument[] = [];
  const errors: { folderId: string; message: string }[] = [];
  const limit = pLimit(Math.max(1, options.concurrency));
  let pages = 0;
  let listed = 0;

  /** Reads every page of one folder; returns its sub-folders (none when the folder failed). */
  const readFolder = async (folderId: string, shown: 'ACTIVE' | 'RECYCLED'): Promise<string[]> => {
    const childFolders: SourceFolder[] = [];
    const childDocuments: SourceDocument[] = [];
    try {
      // Each page request is retried by the client's strategy (throttling, 5xx, 424).
      const pager = paginateDescribeFolderContents({ client, pageSize: 999 }, { FolderId: folderId, Limit: 999 });
      for await (const page of pager) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        pages++;
        for (const folder of page.Folders ?? []) {
          const item = toFolder(folder, folderId, shown);
          if (item) {
            folders.push(item);
            childFolders.push(item);
          }
        }
        for (const document of page.Documents ?? []) {
          const item = toDocument(document, folderId, shown);
          if (item) {
            documents.push(item);
            childDocuments.push(item);
          }
        }
      }
    } catch (error) {
      errors.push({ folderId, message: describeError(error) });
      return [];
    }
    listed++;
    options.onFolder?.(listed, documents.length);
    options.onFolderListed?.(folderId, childFolders, childDocuments);
    return childFolders.map((f) => f.id);
  };

  // A folder holds a slot only while its own pages are read, never while its children wait for slots: a parent
  // that waited inside the limiter for children queued behind it would deadlock any tree with more branch
  // folders than slots. Children are queued as soon as their parent is read, so the tree is listed
  // breadth-first with at most `concurrency` requests in flight.
  const listFolder = async (folderId: string, shown: 'ACTIVE' | 'RECYCLED' = 'ACTIVE'): Promise<void> => {
    const children = await limit(() => readFolder(folderId, shown));
    await Promise.all(children.map((id) => listFolder(id)));
  };

  await Promise.all(starts.map((start) => listFolder(start.id, start.childrenState)));
  return { folders, documents, errors, pages };
}

/** `shown`: the state an item of this listing has (RECYCLED directly in a recycle bin, else ACTIVE). */
export function toFolder(folder: FolderMetadata, parentId: string, shown: 'ACTIVE' | 'RECYCLED' = 'ACTIVE'): SourceFolder | undefined {
  if (!folder.Id || (folder.ResourceState !== undefined && folder.ResourceState !== shown)) return undefined;
  return { id: folder.Id, name: folder.Name ?? '', parentId, createdAt: folder.CreatedTimestamp?.getTime() ?? 0, ...listedContext(folder, folder.ModifiedTimestamp?.getTime()) };
}

export function toDocument(document: DocumentMetadata, parentId: string, shown: 'ACTIVE' | 'RECYCLED' = 'ACTIVE'): SourceDocument | undefined {
  const version = document.LatestVersionMetadata;
  if (!document.Id || !version?.Id) return undefined;
  if (document.ResourceState !== undefined && document.ResourceState !== shown) return undefined;
  if (version.Status !== undefined && version.Status !== 'ACTIVE') return undefined;
  const md5 = version.Signature && /^[0-9a-fA-F]{32}$/.test(version.Signature) ? version.Signature.toLowerCase() : undefined;
  const contentModifiedAt = (version.ContentModifiedTimestamp ?? version.CreatedTimestamp)?.getTime();
  return {
    id: document.Id,
    parentId,
    name: version.Name ?? '',
    createdAt: document.CreatedTimestamp?.getTime() ?? 0,
    modifiedAt: document.ModifiedTimestamp?.getTime() ?? version.ModifiedTimestamp?.getTime() ?? 0,
    versionId: version.Id,
    size: version.Size ?? 0,
    md5,
    contentType: version.ContentType ? sharedContentType(version.ContentType) : undefined,
    ...(contentModifiedAt !== undefined && Number.isSafeInteger(contentModifiedAt) ? { contentModifiedAt } : {}),
    ...listedContext(document),
  };
}

/** The metadata index's fields the listing already gives (creator, labels): no request of their own. */
function listedContext(item: FolderMetadata | DocumentMetadata, modifiedAt?: number): { creatorId?: string; labels?: readonly string[]; modifiedAt?: number } {
  return {
    ...(item.CreatorId ? { creatorId: sharedCreatorId(item.CreatorId) } : {}),
    ...(item.Labels && item.Labels.length > 0 ? { labels: item.Labels } : {}),
    ...(modifiedAt !== undefined ? { modifiedAt } : {}),
  };
}

/** A site has few creators: one string per creator id, not one per document (as for content types below). */
const creatorIds = new Map<string, string>();
function sharedCreatorId(value: string): string {
  const known = creatorIds.get(value);
  if (known !== undefined) return known;
  if (creatorIds.size < 10_000) creatorIds.set(value, value);
  return value;
}

/** One string per distinct content type, not one per document (100,000 copies of a few values otherwise). */
const contentTypes = new Map<string, string>();
function sharedContentType(value: string): string {
  const known = contentTypes.get(value);
  if (known !== undefined) return known;
  if (contentTypes.size < 1000) contentTypes.set(value, value);
  return value;
}
