/**
 * Prompt collection of downloaded bytes. Every chunk a socket reads is a fresh ArrayBuffer whose bytes live outside
 * V8's heap; its small JS object dies young, but a scavenge comes only once the young generation fills with JS
 * objects, which moving bytes hardly allocates, and V8's external-memory trigger lets up to 64 MB of such dead
 * chunks pile up before it collects. So the engine thread (src/engine-thread.ts) arms a minor collection every
 * YOUNG_COLLECTION_EVERY_BYTES of content downloaded (figures: docs/performance-notes.md). Elsewhere (tests, a
 * library caller) nothing is armed and counting is all this does.
 */
export const YOUNG_COLLECTION_EVERY_BYTES = 16 * 1024 * 1024;

let collectYoung: (() => void) | undefined;
let downloadedSince = 0;

/** Arms the collections with `collect` (a minor GC), or disarms them with undefined. */
export function armYoungCollections(collect: (() => void) | undefined): void {
  collectYoung = collect;
  downloadedSince = 0;
}

/** Counts `bytes` of content that arrived from a socket; collects the young generation when enough did. */
export function noteBytesDownloaded(bytes: number): void {
  if (collectYoung === undefined) return;
  downloadedSince += bytes;
  if (downloadedSince < YOUNG_COLLECTION_EVERY_BYTES) return;
  downloadedSince = 0;
  collectYoung();
}
