import type { Bundle, ContentType } from './domain';

/**
 * The bundle as one output sees it: playlist items of content types the output cannot show are taken
 * out, so an LED board plays the slogans of a mixed playlist and skips its videos, and the shared
 * engine (`itemAt`) decides timing for each output on its own.
 */
export function bundleForOutput(bundle: Bundle, accepts: readonly ContentType[] | null): Bundle {
  if (accepts === null) return bundle;
  const ok = new Set(bundle.content.filter((c) => accepts.includes(c.type)).map((c) => c.id));
  return {
    ...bundle,
    playlists: bundle.playlists.map((p) => ({ ...p, items: p.items.filter((i) => ok.has(i.contentId)) })),
  };
}
