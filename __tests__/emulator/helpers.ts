// Shared helpers for the emulator contract tests: a real SDK client and full listings.
import { createHash } from 'node:crypto';
import {
  WorkDocsClient,
  paginateDescribeFolderContents,
  type DocumentMetadata,
  type FolderMetadata,
  type WorkDocsClientConfig,
} from '@aws-sdk/client-workdocs';

export const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export function client(endpoint: string, extra: Partial<WorkDocsClientConfig> = {}): WorkDocsClient {
  return new WorkDocsClient({ endpoint, region: 'us-east-1', credentials: CREDS, ...extra });
}

export async function listAll(
  c: WorkDocsClient,
  folderId: string,
  params: { Limit?: number; Sort?: 'NAME' | 'DATE'; Order?: 'ASCENDING' | 'DESCENDING'; Include?: string; Type?: 'ALL' | 'FOLDER' | 'DOCUMENT' } = {},
): Promise<{ folders: FolderMetadata[]; documents: DocumentMetadata[]; pages: number; markers: Array<string | undefined> }> {
  const folders: FolderMetadata[] = [];
  const documents: DocumentMetadata[] = [];
  const markers: Array<string | undefined> = [];
  let pages = 0;
  for await (const page of paginateDescribeFolderContents({ client: c, pageSize: params.Limit }, { FolderId: folderId, ...params })) {
    pages++;
    markers.push(page.Marker);
    folders.push(...(page.Folders ?? []));
    documents.push(...(page.Documents ?? []));
  }
  return { folders, documents, pages, markers };
}

/** Recursively every visible document below a folder, with name paths. */
export async function walk(c: WorkDocsClient, folderId: string, prefix: string[] = []): Promise<Array<{ path: string[]; doc: DocumentMetadata }>> {
  const { folders, documents } = await listAll(c, folderId, { Limit: 999 });
  const out = documents.map((doc) => ({ path: [...prefix, doc.LatestVersionMetadata!.Name!], doc }));
  for (const f of folders) out.push(...(await walk(c, f.Id!, [...prefix, f.Name!])));
  return out;
}

export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, headers: res.headers };
}

export async function streamMd5(url: string): Promise<{ status: number; md5: string; size: number }> {
  const res = await fetch(url);
  const h = createHash('md5');
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { status: res.status, md5: h.digest('hex'), size };
}

export const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
