import { blobUrl, dataUrl } from '../api/client';

/**
 * Library files for the preview, fetched once per preview and shared by every loop: `<img>` and
 * `<video>` get object URLs (they cannot send the bearer token), a page's sandboxed frame gets data
 * URLs (its content security policy allows only `data:` images).
 */
export class PreviewMedia {
  private readonly objects = new Map<string, Promise<string>>();
  private readonly data = new Map<string, Promise<string>>();

  objectUrl(sha256: string): Promise<string> {
    let p = this.objects.get(sha256);
    if (!p) {
      p = blobUrl(`/media/${sha256}`);
      this.objects.set(sha256, p);
      // A failed fetch is not cached, so showing the item again retries it.
      p.catch(() => this.objects.delete(sha256));
    }
    return p;
  }

  dataUrl(sha256: string): Promise<string> {
    let p = this.data.get(sha256);
    if (!p) {
      p = dataUrl(`/media/${sha256}`);
      this.data.set(sha256, p);
      p.catch(() => this.data.delete(sha256));
    }
    return p;
  }

  /** Releases the object URLs (those still loading as they arrive); the cache starts again empty. */
  close(): void {
    for (const p of this.objects.values())
      p.then(
        (u) => URL.revokeObjectURL(u),
        () => undefined,
      );
    this.objects.clear();
    this.data.clear();
  }
}
