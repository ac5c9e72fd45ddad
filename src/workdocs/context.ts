/**
 * Reads the context of one document or folder from WorkDocs (metadata index, issue 20): its comments
 * (DescribeComments of the stored version, every page), its permissions (DescribeResourcePermissions, every page)
 * and its custom metadata (GetDocument / GetFolder, and GetDocumentVersion for the version's own, with
 * IncludeCustomMetadata). Each request is retried by the client's strategy; a part that still fails is named in
 * `errors` and the parts that were read are returned all the same.
 */
import {
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  paginateDescribeComments,
  paginateDescribeResourcePermissions,
  type Comment,
  type Principal,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { isoTime, ownerOf, type ContextComment, type ContextPermission, type FetchedContext } from '../core/context-index.js';
import { describeError } from '../errors.js';

export interface ContextRead {
  readonly fetched: FetchedContext;
  /** The parts that failed ('comments: …', 'permissions: …', 'custom metadata: …'); empty when everything was read. */
  readonly errors: readonly string[];
  /** WorkDocs requests made (pages included). */
  readonly requests: number;
}

/** Comments, permissions and custom metadata of a document's stored version. */
export async function readDocumentContext(client: WorkDocsClient, documentId: string, versionId: string, signal?: AbortSignal): Promise<ContextRead> {
  let requests = 0;
  const errors: string[] = [];
  const part = async <T>(name: string, read: () => Promise<T>, none: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (signal?.aborted) throw error;
      errors.push(`${name}: ${describeError(error)}`);
      return none;
    }
  };
  const [comments, permissions, customMetadata, versionCustomMetadata] = await Promise.all([
    part('comments', async () => {
      const read = await readComments(client, documentId, versionId);
      requests += read.pages;
      return read.comments;
    }, [] as ContextComment[]),
    part('permissions', async () => {
      const read = await readPermissions(client, documentId, signal);
      requests += read.pages;
      return read.permissions;
    }, [] as ContextPermission[]),
    part('custom metadata', async () => {
      requests++;
      const out = await client.send(new GetDocumentCommand({ DocumentId: documentId, IncludeCustomMetadata: true }), { abortSignal: signal });
      return out.CustomMetadata ?? {};
    }, {} as Record<string, string>),
    part('version custom metadata', async () => {
      requests++;
      const out = await client.send(new GetDocumentVersionCommand({ DocumentId: documentId, VersionId: versionId, IncludeCustomMetadata: true }), { abortSignal: signal });
      return out.CustomMetadata ?? {};
    }, {} as Record<string, string>),
  ]);
  return {
    fetched: { contextVersionId: versionId, ownerId: ownerOf(permissions), customMetadata, versionCustomMetadata, comments, permissions },
    errors,
    requests,
  };
}

/**
 * Comments and custom metadata of an older version (`versions: all`): the document's permissions and custom
 * metadata are its latest version's record's.
 */
export async function readVersionContext(client: WorkDocsClient, documentId: string, versionId: string, signal?: AbortSignal): Promise<ContextRead> {
  let requests = 0;
  const errors: string[] = [];
  const [comments, versionCustomMetadata] = await Promise.all([
    readComments(client, documentId, versionId).then((read) => {
      requests += read.pages;
      return read.comments;
    }, (error: unknown) => {
      if (signal?.aborted) throw error;
      errors.push(`comments: ${describeError(error)}`);
      return [] as ContextComment[];
    }),
    (async () => {
      requests++;
      const out = await client.send(new GetDocumentVersionCommand({ DocumentId: documentId, VersionId: versionId, IncludeCustomMetadata: true }), { abortSignal: signal });
      return out.CustomMetadata ?? {};
    })().catch((error: unknown) => {
      if (signal?.aborted) throw error;
      errors.push(`version custom metadata: ${describeError(error)}`);
      return {} as Record<string, string>;
    }),
  ]);
  return { fetched: { contextVersionId: versionId, ownerId: '', customMetadata: {}, versionCustomMetadata, comments, permissions: [] }, errors, requests };
}

async function readComments(client: WorkDocsClient, documentId: string, versionId: string): Promise<{ comments: ContextComment[]; pages: number }> {
  const comments: ContextComment[] = [];
  let pages = 0;
  for await (const page of paginateDescribeComments({ client, pageSize: 999 }, { DocumentId: documentId, VersionId: versionId, Limit: 999 })) {
    pages++;
    for (const c of page.Comments ?? []) comments.push(commentOf(c));
  }
  return { comments, pages };
}

/** Permissions and custom metadata of a folder. */
export async function readFolderContext(client: WorkDocsClient, folderId: string, signal?: AbortSignal): Promise<ContextRead> {
  let requests = 0;
  const errors: string[] = [];
  const [permissions, customMetadata] = await Promise.all([
    readPermissions(client, folderId, signal).then((read) => {
      requests += read.pages;
      return read.permissions;
    }, (error: unknown) => {
      if (signal?.aborted) throw error;
      errors.push(`permissions: ${describeError(error)}`);
      return [] as ContextPermission[];
    }),
    (async () => {
      requests++;
      const out = await client.send(new GetFolderCommand({ FolderId: folderId, IncludeCustomMetadata: true }), { abortSignal: signal });
      return out.CustomMetadata ?? {};
    })().catch((error: unknown) => {
      if (signal?.aborted) throw error;
      errors.push(`custom metadata: ${describeError(error)}`);
      return {} as Record<string, string>;
    }),
  ]);
  return { fetched: { ownerId: ownerOf(permissions), customMetadata, permissions }, errors, requests };
}

async function readPermissions(client: WorkDocsClient, resourceId: string, signal?: AbortSignal): Promise<{ permissions: ContextPermission[]; pages: number }> {
  const permissions: ContextPermission[] = [];
  let pages = 0;
  for await (const page of paginateDescribeResourcePermissions({ client, pageSize: 999 }, { ResourceId: resourceId, Limit: 999 })) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    pages++;
    for (const p of page.Principals ?? []) permissions.push(...permissionsOf(p));
  }
  return { permissions, pages };
}

/** One row per role: a principal that is both CONTRIBUTOR (inherited) and COOWNER (direct) gives two. */
export function permissionsOf(p: Principal): ContextPermission[] {
  return (p.Roles ?? []).map((r) => ({
    principalId: p.Id ?? '',
    principalType: p.Type ?? '',
    principalName: '',
    role: r.Role ?? '',
    inherited: r.Type === 'INHERITED',
  }));
}

export function commentOf(c: Comment): ContextComment {
  const id = c.CommentId ?? '';
  return {
    commentId: id,
    threadId: c.ThreadId ?? id,
    parentId: c.ParentId ?? '',
    authorId: c.Contributor?.Id ?? '',
    authorName: c.Contributor?.Username ?? '',
    created: isoTime(c.CreatedTimestamp?.getTime()),
    text: c.Text ?? '',
    visibility: c.Visibility ?? '',
    status: c.Status ?? '',
    recipientId: c.RecipientId ?? '',
  };
}
