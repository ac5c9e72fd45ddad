/**
 * The WorkDocs side of incremental runs: the activity feed (DescribeActivities, newest first, paged by Marker) and
 * the re-reads of what it touched (GetFolder, GetDocument). A resource that is gone, or no longer ACTIVE, is said
 * so; any other failure is thrown (the run then lists everything).
 */
import {
  DescribeActivitiesCommand,
  GetDocumentCommand,
  GetFolderCommand,
  type Activity,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { ACTIVITY_OVERLAP_MS, type FeedActivity } from '../core/incremental.js';
import type { SourceDocument, SourceFolder } from '../core/types.js';
import { errorName } from '../errors.js';
import { toDocument, toFolder } from './list.js';

/** The largest page DescribeActivities serves. */
const PAGE_LIMIT = 999;

export interface FeedRead {
  readonly activities: FeedActivity[];
  /** DescribeActivities requests made. */
  readonly pages: number;
}

/** Every direct activity of the organization from `start` (epoch ms, inclusive) on, every page. */
export async function readFeed(client: WorkDocsClient, organizationId: string, start: number, signal?: AbortSignal): Promise<FeedRead> {
  const activities: FeedActivity[] = [];
  let pages = 0;
  let marker: string | undefined;
  do {
    const out = await client.send(new DescribeActivitiesCommand({ OrganizationId: organizationId, StartTime: new Date(start), Limit: PAGE_LIMIT, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal });
    pages++;
    for (const a of out.UserActivities ?? []) activities.push(toFeedActivity(a));
    marker = out.Marker || undefined;
  } while (marker !== undefined);
  return { activities, pages };
}

/**
 * The newest activities, as far back as the overlap from the newest one: where a full listing that starts now leaves
 * the feed (what they did, the listing shows). Usually one page.
 */
export async function readFeedHead(client: WorkDocsClient, organizationId: string, signal?: AbortSignal): Promise<FeedRead> {
  const activities: FeedActivity[] = [];
  let pages = 0;
  let marker: string | undefined;
  let newest: number | undefined;
  do {
    const out = await client.send(new DescribeActivitiesCommand({ OrganizationId: organizationId, Limit: PAGE_LIMIT, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal });
    pages++;
    let past = false;
    for (const wire of out.UserActivities ?? []) {
      const a = toFeedActivity(wire);
      newest ??= a.time;
      if (a.time < newest - ACTIVITY_OVERLAP_MS) {
        past = true;
        break;
      }
      activities.push(a);
    }
    marker = past ? undefined : out.Marker || undefined;
  } while (marker !== undefined);
  return { activities, pages };
}

function toFeedActivity(a: Activity): FeedActivity {
  const participants = [...(a.Participants?.Users ?? []).map((u) => u.Id ?? ''), ...(a.Participants?.Groups ?? []).map((g) => g.Id ?? '')];
  return {
    type: a.Type ?? '',
    time: a.TimeStamp?.getTime() ?? 0,
    resourceType: a.ResourceMetadata?.Type,
    resourceId: a.ResourceMetadata?.Id || undefined,
    parentId: a.ResourceMetadata?.ParentId || undefined,
    originalParentId: a.OriginalParent?.Id || undefined,
    versionId: a.ResourceMetadata?.VersionId || undefined,
    name: a.ResourceMetadata?.Name,
    originalName: a.ResourceMetadata?.OriginalName,
    initiatorId: a.Initiator?.Id,
    ownerId: a.ResourceMetadata?.Owner?.Id,
    commentId: a.CommentMetadata?.CommentId,
    participants,
  };
}

/** A re-read resource: as listed now, or gone (deleted, recycled, not ACTIVE). `parentId` undefined: a user's root. */
export type ReRead<T> = { readonly state: 'active'; readonly item: T; readonly parentId: string | undefined } | { readonly state: 'gone' };

function isGone(error: unknown): boolean {
  const name = errorName(error);
  return name === 'EntityNotExistsException' || name === 'ProhibitedStateException';
}

export async function reReadFolder(client: WorkDocsClient, id: string, signal?: AbortSignal): Promise<ReRead<SourceFolder>> {
  try {
    const out = await client.send(new GetFolderCommand({ FolderId: id }), { abortSignal: signal });
    const parentId = out.Metadata?.ParentFolderId || undefined;
    const folder = out.Metadata ? toFolder(out.Metadata, parentId ?? '') : undefined;
    return folder === undefined ? { state: 'gone' } : { state: 'active', item: folder, parentId };
  } catch (error) {
    if (isGone(error)) return { state: 'gone' };
    throw error;
  }
}

export async function reReadDocument(client: WorkDocsClient, id: string, signal?: AbortSignal): Promise<ReRead<SourceDocument>> {
  try {
    const out = await client.send(new GetDocumentCommand({ DocumentId: id }), { abortSignal: signal });
    const parentId = out.Metadata?.ParentFolderId || undefined;
    const document = out.Metadata && parentId ? toDocument(out.Metadata, parentId) : undefined;
    return document === undefined ? { state: 'gone' } : { state: 'active', item: document, parentId };
  } catch (error) {
    if (isGone(error)) return { state: 'gone' };
    throw error;
  }
}
