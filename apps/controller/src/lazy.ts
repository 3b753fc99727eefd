import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use, then kept. For libraries only some requests need (spreadsheets,
 * image decoding, HTML sanitising, QR codes): loading them at start cost the controller ~60 MB of
 * resident memory before a single export or upload, memory a controller holding 10,000 players needs.
 */
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}
