/**
 * Lists documents' versions (`versions: all`): DescribeDocumentVersions, every page, for the documents whose
 * history the manifest does not already know (core/history.ts decides which), many documents at once (bounded).
 * Only ACTIVE versions are kept: an INITIALIZED one is an upload that never finished, and has no content to read.
 */
import { paginateDescribeDocumentVersions, type DocumentVersionMetadata, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import pLimit from 'p-limit';
import { historyNeeds, withHistories, type Redescribe } from '../core/history.js';
import type { Manifest, SourceDocument, SourceTree } from '../core/types.js';
import { describeError } from '../errors.js';

export interface VersionListing {
  /**
   * documentId → every ACTIVE version WorkDocs listed except the document's latest (`SourceDocument.versionId`), which
   * the tree already holds: on a first export of 100,000 documents, 100,000 records fewer held until the plan.
   */
  readonly described: ReadonlyMap<string, readonly SourceDocument[]>;
  /** documentId → why its versions could not be listed. */
  readonly failures: ReadonlyMap<string, string>;
  /** DescribeDocumentVersions pages read. */
  readonly pages: number;
}

/** The most versions one DescribeDocumentVersions page may hold (the service's limit). */
export const VERSIONS_PAGE_SIZE = 999;

/**
 * Reads every page of each document's versions, `concurrency` documents at once; a failure is that document's,
 * never the run's. `pageSize`: versions per page (tests page through with a small one).
 */
export async function describeVersions(client: WorkDocsClient, documents: readonly SourceDocument[], concurrency: number, signal?: AbortSignal, pageSize = VERSIONS_PAGE_SIZE): Promise<VersionListing> {
  const limit = pLimit(Math.max(1, concurrency));
  const described = new Map<string, readonly SourceDocument[]>();
  const failures = new Map<string, string>();
  let pages = 0;
  /** One copy of each content type: a site's 40,000 older versions share a handful. */
  const contentTypes = new Map<string, string>();
  await Promise.all(documents.map((doc) => limit(async () => {
    const versions: SourceDocument[] = [];
    try {
      // The SDK's paginator follows Marker; each page request is retried by the client's strategy.
      for await (const page of paginateDescribeDocumentVersions({ client, pageSize }, { DocumentId: doc.id, Limit: pageSize })) {
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        pages++;
        for (const version of page.DocumentVersions ?? []) {
          if (version.Id === doc.versionId) continue;
          const item = toVersion(version, doc, contentTypes);
          if (item) versions.push(item);
        }
      }
      // Most documents have no older version: they share one empty list.
      described.set(doc.id, versions.length > 0 ? versions : NO_VERSIONS);
    } catch (error) {
      if (signal?.aborted) throw error;
      failures.set(doc.id, describeError(error));
    }
  })));
  return { described, failures, pages };
}

/**
 * The tree with its histories (SourceTree.versions, histories, historyFailures): the versions the manifest knows are
 * rebuilt from it, the others (and those `redescribe` names) are asked of WorkDocs. `manifest` is the trusted view of
 * the manifest as read.
 */
export async function listHistories(
  client: WorkDocsClient,
  tree: SourceTree,
  manifest: Manifest,
  options: { readonly prefix: string; readonly concurrency: number; readonly signal?: AbortSignal; readonly log: (level: 'info' | 'error', message: string) => void; readonly redescribe?: Redescribe },
): Promise<SourceTree> {
  const needs = historyNeeds(tree.documents, manifest, options.prefix, options.redescribe);
  const listed = needs.describe.length === 0
    ? { described: new Map<string, SourceDocument[]>(), failures: new Map<string, string>(), pages: 0 }
    : await describeVersions(client, needs.describe, options.concurrency, options.signal);
  for (const [documentId, message] of listed.failures) options.log('error', `listing the versions of document ${documentId} failed: ${message}`);
  const withVersions = withHistories(tree, needs, listed.described, listed.failures);
  options.log('info', `WorkDocs versions: ${needs.describe.length} document(s) described (${listed.pages} pages), ${tree.documents.length - needs.describe.length} known from the manifest; ${withVersions.versions?.length ?? 0} older version(s)`);
  return withVersions;
}

const NO_VERSIONS: readonly SourceDocument[] = Object.freeze([]);

function toVersion(version: DocumentVersionMetadata, doc: SourceDocument, contentTypes: Map<string, string>): SourceDocument | undefined {
  if (!version.Id || (version.Status !== undefined && version.Status !== 'ACTIVE')) return undefined;
  const md5 = version.Signature && /^[0-9a-fA-F]{32}$/.test(version.Signature) ? version.Signature.toLowerCase() : undefined;
  const createdAt = version.CreatedTimestamp?.getTime() ?? 0;
  const contentModifiedAt = (version.ContentModifiedTimestamp ?? version.CreatedTimestamp)?.getTime();
  return {
    id: doc.id,
    parentId: doc.parentId,
    // The document's own string where the version has its name: one copy instead of two.
    name: version.Name === undefined || version.Name === doc.name ? doc.name : version.Name,
    // The version's own creation time: it names the version's object in the history area.
    createdAt,
    modifiedAt: version.ModifiedTimestamp?.getTime() ?? createdAt,
    versionId: version.Id,
    size: version.Size ?? 0,
    md5,
    contentType: version.ContentType === undefined ? undefined : shared(contentTypes, version.ContentType),
    ...(contentModifiedAt !== undefined && Number.isSafeInteger(contentModifiedAt) ? { contentModifiedAt } : {}),
    history: true,
  };
}

function shared(pool: Map<string, string>, value: string): string {
  const known = pool.get(value);
  if (known !== undefined) return known;
  pool.set(value, value);
  return value;
}
