/**
 * A whole WorkDocs site as one tree: a virtual root whose id is the organization id, each user's root folder as
 * a child folder named by the username, and with the recycle bins a virtual `.recycle-bin` folder holding each
 * user's bin, again named by the username. plan() and the key rules see an ordinary tree: keys are
 * `<prefix><username>/…` and `<prefix>.recycle-bin/<username>/…`, with the usual encoding.
 */
import { paginateDescribeUsers, type User, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import { RECYCLE_BIN_SEGMENT } from '../core/keys.js';
import type { SourceFolder } from '../core/types.js';
import { describeError, errorName, InputError } from '../errors.js';
import { listFolders, type FolderToList, type ListingResult, type ListOptions } from './list.js';

/** One user whose content a site export mirrors. */
export interface SiteUser {
  readonly id: string;
  readonly username: string;
  /** ACTIVE, INACTIVE or PENDING: every status is mirrored while the content exists. */
  readonly status: string;
  readonly rootFolderId: string;
  readonly recycleBinFolderId: string | undefined;
  /** Epoch milliseconds (orders users whose names encode alike, as for any siblings). */
  readonly createdAt: number;
}

/** The site as one run lists it. */
export interface Site {
  readonly organizationId: string;
  /** The users the run mirrors (after the users / exclude_users filters), in DescribeUsers order. */
  readonly users: readonly SiteUser[];
  readonly includeRecycleBin: boolean;
}

/** The fixed id of the virtual folder that holds the users' recycle bins (no WorkDocs id contains `#`). */
export function recycleBinAreaId(organizationId: string): string {
  return `${organizationId}#recycle-bin`;
}

/**
 * Every user of the organization, of every status, that has a root folder (DescribeUsers with Include=ALL, every
 * page). An organization WorkDocs does not know, or does not let us read, is bad input (exit 2).
 */
export async function describeSiteUsers(client: WorkDocsClient, organizationId: string, signal?: AbortSignal): Promise<{ users: SiteUser[]; pages: number }> {
  const users: SiteUser[] = [];
  let pages = 0;
  try {
    const pager = paginateDescribeUsers({ client, pageSize: 999 }, { OrganizationId: organizationId, Include: 'ALL', Limit: 999 });
    for await (const page of pager) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      pages++;
      for (const user of page.Users ?? []) {
        const found = toSiteUser(user);
        if (found) users.push(found);
      }
    }
  } catch (error) {
    const name = errorName(error);
    if (name === 'EntityNotExistsException' || name === 'UnauthorizedResourceAccessException' || name === 'UnauthorizedOperationException' || name === 'InvalidArgumentException') {
      throw new InputError('workdocs_organization_id', `organization ${organizationId} does not exist or its users cannot be listed (${describeError(error)})`, { cause: error });
    }
    throw error;
  }
  return { users, pages };
}

/** A user without a root folder has no content to mirror. */
function toSiteUser(user: User): SiteUser | undefined {
  if (!user.Id || !user.Username || !user.RootFolderId) return undefined;
  return {
    id: user.Id,
    username: user.Username,
    status: user.Status ?? 'ACTIVE',
    rootFolderId: user.RootFolderId,
    recycleBinFolderId: user.RecycleBinFolderId || undefined,
    createdAt: user.CreatedTimestamp?.getTime() ?? 0,
  };
}

/** The virtual levels of the site's tree (the users' roots, the bin area, the users' bins) and the folders to list below them. */
export function siteFolders(site: Site): { top: SourceFolder[]; bins: SourceFolder[]; starts: FolderToList[] } {
  const { organizationId } = site;
  const top: SourceFolder[] = site.users.map((u) => ({ id: u.rootFolderId, name: u.username, parentId: organizationId, createdAt: u.createdAt }));
  const starts: FolderToList[] = site.users.map((u) => ({ id: u.rootFolderId }));
  const bins: SourceFolder[] = [];
  if (site.includeRecycleBin) {
    const area = recycleBinAreaId(organizationId);
    // The area's key segment is the reserved one itself: a user named `.recycle-bin` is escaped at the top level.
    top.push({ id: area, name: RECYCLE_BIN_SEGMENT, fixedSegment: RECYCLE_BIN_SEGMENT, parentId: organizationId, createdAt: 0 });
    for (const u of site.users) {
      if (u.recycleBinFolderId === undefined) continue;
      bins.push({ id: u.recycleBinFolderId, name: u.username, parentId: area, createdAt: u.createdAt });
      starts.push({ id: u.recycleBinFolderId, childrenState: 'RECYCLED' });
    }
  }
  return { top, bins, starts };
}

/**
 * Lists every user's tree (and bin), all under one concurrency limit. A root or bin that cannot be listed is a
 * listing error like any folder's: the run goes on and deletes nothing.
 */
export async function listSite(client: WorkDocsClient, site: Site, options: ListOptions): Promise<ListingResult> {
  const { top, bins, starts } = siteFolders(site);
  // The virtual levels are "read" first, so uploads that start while listing know their keys.
  options.onFolderListed?.(site.organizationId, top, []);
  if (site.includeRecycleBin) options.onFolderListed?.(recycleBinAreaId(site.organizationId), bins, []);
  const listed = await listFolders(client, starts, options);
  return {
    tree: { rootId: site.organizationId, folders: [...top, ...bins, ...listed.folders], documents: listed.documents },
    rootName: '',
    errors: listed.errors,
    pages: listed.pages,
  };
}
