import type Database from 'better-sqlite3';
import type { ContentItem, Playlist } from '@bangtin/shared';
import { ContentItemSchema, newId } from '@bangtin/shared';

interface ContentRow {
  id: string;
  type: string;
  title: string | null;
  text: string | null;
  /** JSON of the type-specific fields of image/video/page/stream items (migration 4). */
  meta?: string | null;
  created_at: number;
}

export interface ContentRecord {
  item: ContentItem;
  createdAt: number;
}

function toItem(r: ContentRow): ContentItem {
  if (r.type === 'slogan') return { id: r.id, type: 'slogan', text: r.text ?? '', title: r.title };
  // Rows were validated on the way in; parsing again keeps a hand-edited database from reaching players.
  return ContentItemSchema.parse({ ...(JSON.parse(r.meta ?? '{}') as object), id: r.id, type: r.type });
}

/** Content types other than slogan, stored with their fields in `meta`. */
export type RichContentItem = Exclude<ContentItem, { type: 'slogan' }>;
/**
 * What staff wrote for a page, before the QR figures were appended: kept in the row's `meta` only (the
 * item players get has just the finished html), so the page editor can open it again. `qrCodes` is
 * null for pages stored before this was kept: their figures are in `html` and their URLs are lost.
 */
export interface PageSource {
  html: string;
  qrCodes: { url: string; label: string }[] | null;
}

/** Omit applied to each member of the union (a plain Omit would merge them into one shape). */
export type NewRichContent = RichContentItem extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export class ContentStore {
  constructor(private readonly db: Database.Database) {}

  createSlogan(s: { text: string; title: string | null; createdBy: string | null }): ContentItem {
    const id = newId();
    this.db
      .prepare('INSERT INTO content (id, type, title, text, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, 'slogan', s.title, s.text, s.createdBy, Date.now());
    return { id, type: 'slogan', text: s.text, title: s.title };
  }

  /** Stores an image, video, page or stream item (already validated and sanitised by the caller). */
  createRich(item: NewRichContent, createdBy: string | null, source?: PageSource): ContentItem {
    const id = newId();
    const { type, ...meta } = item;
    const full = ContentItemSchema.parse({ ...meta, id, type });
    const stored = source ? { ...meta, source } : meta;
    this.db
      .prepare('INSERT INTO content (id, type, title, text, meta, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, type, 'title' in item ? item.title : null, null, JSON.stringify(stored), createdBy, Date.now());
    return full;
  }

  /** A page with what staff wrote for it; null when there is no such page. */
  pageSource(id: string): { item: Extract<ContentItem, { type: 'page' }>; source: PageSource | null } | null {
    const row = this.db.prepare('SELECT * FROM content WHERE id = ?').get(id) as ContentRow | undefined;
    if (!row || row.type !== 'page') return null;
    const item = toItem(row);
    if (item.type !== 'page') return null;
    const meta = JSON.parse(row.meta ?? '{}') as { source?: PageSource };
    return { item, source: meta.source ?? null };
  }

  /** Replaces a page's title, html and media (validated and sanitised by the caller); null when no such page. */
  updatePage(
    id: string,
    page: { title: string; html: string; media: string[] },
    source: PageSource,
  ): ContentItem | null {
    const row = this.db.prepare('SELECT type FROM content WHERE id = ?').get(id) as { type: string } | undefined;
    if (!row || row.type !== 'page') return null;
    const item = ContentItemSchema.parse({ ...page, id, type: 'page' });
    this.db
      .prepare('UPDATE content SET title = ?, meta = ? WHERE id = ?')
      .run(page.title, JSON.stringify({ ...page, source }), id);
    return item;
  }

  /**
   * Turns sound on or off for a video or stream (the only content with sound). Returns the updated
   * item, null when there is no such item, or 'no-sound' for other types.
   */
  /** Sound on a video or stream; the length of a video (staff fill it in when ffprobe could not). */
  setMediaOptions(
    id: string,
    opts: { audio?: boolean; durationMs?: number },
  ): ContentItem | 'no-sound' | 'no-duration' | null {
    const row = this.db.prepare('SELECT * FROM content WHERE id = ?').get(id) as ContentRow | undefined;
    if (!row) return null;
    if (opts.audio !== undefined && row.type !== 'video' && row.type !== 'stream') return 'no-sound';
    if (opts.durationMs !== undefined && row.type !== 'video') return 'no-duration';
    if (row.type !== 'video' && row.type !== 'stream') return 'no-sound';
    const meta = {
      ...(JSON.parse(row.meta ?? '{}') as object),
      ...(opts.audio !== undefined ? { audio: opts.audio } : {}),
      ...(opts.durationMs !== undefined ? { durationMs: opts.durationMs } : {}),
    };
    const item = ContentItemSchema.parse({ ...meta, id, type: row.type });
    this.db.prepare('UPDATE content SET meta = ? WHERE id = ?').run(JSON.stringify(meta), id);
    return item;
  }

  get(id: string): ContentItem | null {
    const row = this.db.prepare('SELECT * FROM content WHERE id = ?').get(id) as ContentRow | undefined;
    return row ? toItem(row) : null;
  }

  list(): ContentRecord[] {
    return (this.db.prepare('SELECT * FROM content ORDER BY created_at DESC').all() as ContentRow[]).map((r) => ({
      item: toItem(r),
      createdAt: r.created_at,
    }));
  }

  /** Which of these ids exist. */
  existing(ids: string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db
      .prepare(`SELECT id FROM content WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  createPlaylist(p: { name: string; items: Playlist['items']; createdBy: string | null }): Playlist {
    const id = newId();
    const tx = this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO playlists (id, name, created_by, created_at) VALUES (?, ?, ?, ?)')
        .run(id, p.name, p.createdBy, Date.now());
      const ins = this.db.prepare(
        'INSERT INTO playlist_items (playlist_id, position, content_id, duration_ms) VALUES (?, ?, ?, ?)',
      );
      p.items.forEach((it, i) => ins.run(id, i, it.contentId, it.durationMs));
    });
    tx();
    return { id, name: p.name, items: p.items };
  }

  getPlaylist(id: string): Playlist | null {
    const row = this.db.prepare('SELECT id, name FROM playlists WHERE id = ?').get(id) as
      { id: string; name: string } | undefined;
    if (!row) return null;
    const items = this.db
      .prepare('SELECT content_id, duration_ms FROM playlist_items WHERE playlist_id = ? ORDER BY position')
      .all(id) as { content_id: string; duration_ms: number }[];
    return {
      id: row.id,
      name: row.name,
      items: items.map((i) => ({ contentId: i.content_id, durationMs: i.duration_ms })),
    };
  }

  listPlaylists(): Playlist[] {
    const rows = this.db.prepare('SELECT id FROM playlists ORDER BY created_at DESC').all() as { id: string }[];
    return rows.map((r) => this.getPlaylist(r.id)!);
  }

  /** Every playlist with its items and every content item, for bundle compilation. */
  snapshot(): { content: Map<string, ContentItem>; playlists: Map<string, Playlist> } {
    const content = new Map(
      (this.db.prepare('SELECT * FROM content').all() as ContentRow[]).map((r) => [r.id, toItem(r)]),
    );
    const playlists = new Map<string, Playlist>();
    for (const p of this.db.prepare('SELECT id, name FROM playlists').all() as { id: string; name: string }[]) {
      playlists.set(p.id, { id: p.id, name: p.name, items: [] });
    }
    const items = this.db
      .prepare('SELECT playlist_id, content_id, duration_ms FROM playlist_items ORDER BY playlist_id, position')
      .all() as { playlist_id: string; content_id: string; duration_ms: number }[];
    for (const i of items)
      playlists.get(i.playlist_id)?.items.push({ contentId: i.content_id, durationMs: i.duration_ms });
    return { content, playlists };
  }
}
