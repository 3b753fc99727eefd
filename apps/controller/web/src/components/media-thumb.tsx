import { useEffect, useState } from 'react';
import { blobUrl } from '../api/client';
import { useI18n } from '../i18n/i18n';

/**
 * Where a row's picture comes from, in order: the controller's JPEG thumbnail; for an image whose
 * thumbnail is missing or unreadable (ffmpeg could not make one), the image itself, scaled by CSS;
 * then a labelled box. Never the browser's broken-image icon.
 */
export function thumbSources(sha256: string, type: 'image' | 'video'): string[] {
  return type === 'image' ? [`/media/${sha256}/thumbnail`, `/media/${sha256}`] : [`/media/${sha256}/thumbnail`];
}

/**
 * A media thumbnail. `<img src>` cannot carry the bearer token, so the file is fetched and shown
 * from an object URL that is released when the row goes away.
 */
export function MediaThumb({ sha256, alt, type = 'image' }: { sha256: string; alt: string; type?: 'image' | 'video' }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  // Which source to try: a failed fetch or an image the browser cannot decode moves on to the next.
  const [attempt, setAttempt] = useState(0);
  const sources = thumbSources(sha256, type);
  const source = sources[attempt];
  useEffect(() => {
    if (!source) return;
    let live = true;
    let made: string | null = null;
    blobUrl(source).then(
      (u) => {
        made = u;
        if (live) setUrl(u);
        else URL.revokeObjectURL(u);
      },
      () => live && setAttempt((a) => a + 1),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
      setUrl(null);
    };
  }, [source]);
  if (!source) {
    return (
      <span className="thumb thumb-fallback thumb-missing" role="img" aria-label={alt} title={t('content.noThumb')}>
        {t(type === 'video' ? 'content.type.video' : 'content.type.image')}
      </span>
    );
  }
  return url ? (
    <img
      className="thumb"
      src={url}
      alt={alt}
      data-sha256={sha256}
      data-source={attempt === 0 ? 'thumbnail' : 'original'}
      onError={() => setAttempt((a) => a + 1)}
    />
  ) : (
    <span className="thumb" />
  );
}
