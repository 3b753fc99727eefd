import { useEffect, useState } from 'react';
import { blobUrl } from '../api/client';

/**
 * A media thumbnail. `<img src>` cannot carry the bearer token, so the JPEG is fetched and shown
 * from an object URL that is released when the row goes away.
 */
export function MediaThumb({ sha256, alt }: { sha256: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let made: string | null = null;
    blobUrl(`/media/${sha256}/thumbnail`).then(
      (u) => {
        made = u;
        if (live) setUrl(u);
        else URL.revokeObjectURL(u);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [sha256]);
  if (failed) return <span className="thumb thumb-missing" aria-hidden="true" />;
  return url ? <img className="thumb" src={url} alt={alt} data-sha256={sha256} /> : <span className="thumb" />;
}
