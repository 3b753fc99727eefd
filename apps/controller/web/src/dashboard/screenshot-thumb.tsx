import { useEffect, useState } from 'react';
import { deviceScreenshot } from '../api/client';

/**
 * Object URLs of thumbnails already fetched, by device and capture time, so scrolling back does not
 * fetch them again. Only the newest few are kept; older ones are released.
 */
const cache = new Map<string, string>();
const CACHE_MAX = 200;

function remember(key: string, url: string): void {
  cache.set(key, url);
  while (cache.size > CACHE_MAX) {
    const [oldest, old] = cache.entries().next().value as [string, string];
    cache.delete(oldest);
    URL.revokeObjectURL(old);
  }
}

/**
 * The last screenshot of a screen or kiosk, small. Rows exist only while in view (the list is
 * virtualised), so only visible devices fetch theirs, once per capture.
 */
export function ScreenshotThumb({
  deviceId,
  capturedAt,
  label,
}: {
  deviceId: string;
  capturedAt: string;
  label: string;
}) {
  const key = `${deviceId}@${capturedAt}`;
  const [url, setUrl] = useState<string | null>(() => cache.get(key) ?? null);
  useEffect(() => {
    const known = cache.get(key);
    if (known) {
      setUrl(known);
      return;
    }
    let live = true;
    deviceScreenshot(deviceId).then(
      (shot) => {
        if (!shot) return;
        remember(key, shot.url);
        if (live) setUrl(shot.url);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [deviceId, key]);
  if (!url) return <span className="thumb thumb-empty" aria-hidden="true" />;
  return <img className="thumb" src={url} alt={label} title={label} width={48} height={27} loading="lazy" />;
}
