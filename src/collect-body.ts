/**
 * The `streamCollector` the AWS clients read response bodies with (every API response: a listing page, an
 * error, an empty PUT answer). The SDK's own collector pipes the response into a Writable; with it, every body
 * it read stays allocated until the next full GC (a minor GC does not free it), so listing 10,000 folders kept
 * some 60 MB of dead response bytes in memory at a time. Reading the chunks directly frees each body as soon
 * as it has been parsed. Anything but a Node stream (never the case with the Node HTTP handler) goes to the
 * SDK's collector.
 */
import { finished, Readable } from 'node:stream';
import { streamCollector as sdkStreamCollector } from '@smithy/node-http-handler';
import type { StreamCollector } from '@smithy/types';

export const collectBody: StreamCollector = (stream) => {
  if (!(stream instanceof Readable)) return sdkStreamCollector(stream);
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    stream.on('data', (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      length += bytes.byteLength;
    });
    finished(stream, (error) => {
      if (error) return reject(error);
      // One fresh array, as the SDK's collector returns.
      const body = new Uint8Array(length);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(body);
    });
  });
};
