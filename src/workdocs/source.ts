/**
 * The one place a run gets its source from: one folder tree (workdocs_folder_id), or a whole site
 * (workdocs_organization_id: every user's root folder, optionally their recycle bins). prepare() opens it, then
 * lists it; plan() only ever sees the SourceTree the listing returns.
 *
 * - openSource() asks WorkDocs about the source before anything else: a wrong id is bad input (InputError, exit 2)
 *   before any request to S3.
 * - `rootId` is what the mirror records as its source (the manifest's rootFolderId, every object's
 *   workdocs-source-folder-id): the folder's id, or the organization id for a site.
 * - `list()` lists everything below it; each folder that cannot be listed is an entry of `errors`, which forbids deletes.
 *   Another way of listing (e.g. an incremental, activities-driven one) is another `list` behind the same interface.
 */
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { userFilter } from '../core/user-filter.js';
import { InputError } from '../errors.js';
import type { SyncOptions } from '../options.js';
import { getRootFolder, listTree, type ListingResult, type ListOptions } from './list.js';
import { describeSiteUsers, listSite, type Site } from './site.js';

export type { ListingResult, ListOptions };

/** What openSource needs of the run's environment (SyncEnv has it). */
export interface SourceEnv {
  readonly workdocs: WorkDocsClient;
  readonly signal?: AbortSignal | undefined;
  readonly logger: { log(level: 'debug' | 'info' | 'warning' | 'error', message: string): void };
}

export interface Source {
  readonly kind: 'folder' | 'site';
  /** The folder id, or the organization id for a site: the root of the listed tree, and the mirror's recorded source. */
  readonly rootId: string;
  /** What the summary names: the folder's name, or "N users" for a site. */
  readonly rootName: string | undefined;
  /** Site mode: the organization and the users this run mirrors. */
  readonly site?: Site;
  /** Lists the whole source (every page of every folder, at most `concurrency` requests at once). */
  list(options: ListOptions): Promise<ListingResult>;
}

export async function openSource(options: SyncOptions, env: SourceEnv): Promise<Source> {
  if (options.workdocsOrganizationId === '') {
    const root = await getRootFolder(env.workdocs, options.workdocsFolderId, env.signal);
    return { kind: 'folder', rootId: root.Id!, rootName: root.Name, list: (listOptions) => listTree(env.workdocs, root, listOptions) };
  }
  const site = await openSite(options, env);
  return { kind: 'site', rootId: site.organizationId, rootName: `${site.users.length} user${site.users.length === 1 ? '' : 's'}`, site, list: (listOptions) => listSite(env.workdocs, site, listOptions) };
}

/** The site's users, filtered; a filter that leaves nobody is bad input (a typo would otherwise empty the mirror). */
async function openSite(options: SyncOptions, env: SourceEnv): Promise<Site> {
  const organizationId = options.workdocsOrganizationId;
  const { users, pages } = await describeSiteUsers(env.workdocs, organizationId, env.signal);
  const wanted = userFilter(options.users, options.excludeUsers);
  const chosen = users.filter((u) => wanted(u.username));
  if (chosen.length === 0) {
    if (users.length === 0) throw new InputError('workdocs_organization_id', `organization ${organizationId} has no user with a root folder`);
    const option = options.users.length > 0 && !users.some((u) => userFilter(options.users, [])(u.username)) ? 'users' : 'exclude_users';
    throw new InputError(option, `leaves none of the ${users.length} users of organization ${organizationId} (users ${JSON.stringify(options.users.join(',') || '*')}, exclude_users ${JSON.stringify(options.excludeUsers.join(','))})`);
  }
  const left = users.length - chosen.length;
  env.logger.log('info', `WorkDocs site ${organizationId}: ${chosen.length} of ${users.length} users${left > 0 ? ` (${left} left out by users / exclude_users)` : ''}${options.includeRecycleBin ? ', with their recycle bins' : ''} (${pages} DescribeUsers pages)`);
  return { organizationId, users: chosen, includeRecycleBin: options.includeRecycleBin };
}
