/**
 * One copy of each document and version id in a run. The manifest is decoded while WorkDocs is listed, so each holds
 * its own copy of every document id and latest version id: on a site of 100,000 documents some 20 MB of the live
 * heap, held to the run's end. Once both are there, the manifest's entries and histories are pointed at the
 * listing's equal strings, in place: nothing a reader can see changes (the same objects, values, keys and order), so
 * a manifest that was the loaded one still is (sync.ts compares them by identity).
 */
import type { Manifest, ManifestEntry, SourceTree } from './types.js';

/** Points `manifest`'s document and latest version ids at the listing's equal strings (only equal strings are swapped). */
export function shareTreeIds(manifest: Manifest, tree: Pick<SourceTree, 'documents'>): void {
  if (manifest.entries.size === 0 || tree.documents.length === 0) return;
  const byId = new Map(tree.documents.map((doc) => [doc.id, doc]));
  for (const entry of manifest.entries.values()) {
    const doc = byId.get(entry.documentId);
    if (doc === undefined) continue;
    // An equal string in place of another: every holder of the entry reads the same value as before.
    const shared = entry as { -readonly [K in keyof ManifestEntry]: ManifestEntry[K] };
    shared.documentId = doc.id;
    if (entry.versionId === doc.versionId) shared.versionId = doc.versionId;
  }
  if (manifest.histories === undefined) return;
  // Set again in the same order under the listing's key strings: the same map, as it was.
  const histories = manifest.histories as Map<string, readonly string[]>;
  const records = [...histories];
  histories.clear();
  for (const [documentId, versionIds] of records) {
    const doc = byId.get(documentId);
    if (doc !== undefined && versionIds[0] === doc.versionId) (versionIds as string[])[0] = doc.versionId;
    histories.set(doc?.id ?? documentId, versionIds);
  }
}
