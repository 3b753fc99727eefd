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
  created_by?: string | null;
  // Approval, validity and archive (migration 11).
  status?: ContentStatus;
  approved_by?: string | null;
  approved_at?: number | null;
  approved_rev?: string | null;
  rejection_reason?: string | null;
  rejected_by?: string | null;
  rejected_at?: number | null;
  valid_from?: number | null;
  valid_until?: number | null;
  updated_at?: number | null;
  archived_at?: number | null;
}

/** `pending`: waits for an admin; `rejected`: an admin said no (with a reason); only `approved` airs. */
export type ContentStatus = 'approved' | 'pending' | 'rejected';

/** The version of an item that airs while a later edit waits for approval. */
interface Revision {
  title: string | null;
  text: string | null;
  meta: string | null;
  valid_from: number | null;
  valid_until: number | null;
}

export interface ContentRecord {
  item: ContentItem;
  createdAt: number;
  createdBy: string | null;
  status: ContentStatus;
  approvedBy: string | null;
  approvedAt: number | null;
  rejectionReason: string | null;
  rejectedBy: string | null;
  rejectedAt: number | null;
  updatedAt: number | null;
  archivedAt: number | null;
  /** What airs now when it differs from `item` (an edit waits for approval); else null. */
  airing: ContentItem | null;
}

/** Who makes a change: an admin's change is approved at once, anyone else's waits for an admin. */
export interface Author {
  id: string;
  role: string;
}

function toItem(r: ContentRow): ContentItem {
  const window = {
    ...(r.valid_from != null && { validFrom: r.valid_from }),
    ...(r.valid_until != null && { validUntil: r.valid_until }),
  };
  if (r.type === 'slogan') return { id: r.id, type: 'slogan', text: r.text ?? '', title: r.title, ...window };
  // Rows were validated on the way in; parsing again keeps a hand-edited database from reaching players.
  return ContentItemSchema.parse({ ...(JSON.parse(r.meta ?? '{}') as object), ...window, id: r.id, type: r.type });
}

/** The approved version of a row, or null when it has never been approved. */
function airingItem(r: ContentRow): ContentItem | null {
  if ((r.status ?? 'approved') === 'approved') return toItem(r);
  if (!r.approved_rev) return null;
  return toItem({ ...r, ...(JSON.parse(r.approved_rev) as Revision) });
}

function toRecord(r: ContentRow): ContentRecord {
  return {
    item: toItem(r),
    createdAt: r.created_at,
    createdBy: r.created_by ?? null,
    status: r.status ?? 'approved',
    approvedBy: r.approved_by ?? null,
    approvedAt: r.approved_at ?? null,
    rejectionReason: r.rejection_reason ?? null,
    rejectedBy: r.rejected_by ?? null,
    rejectedAt: r.rejected_at ?? null,
    updatedAt: r.updated_at ?? null,
    archivedAt: r.archived_at ?? null,
    airing: r.status !== 'approved' && r.approved_rev ? airingItem(r) : null,
  };
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

  /** An item with its approval state (archived ones too: proofs and reports still name them). */
  record(id: string): ContentRecord | null {
    const row = this.db.prepare('SELECT * FROM content WHERE id = ?').get(id) as ContentRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Every item not archived, newest first. */
  list(): ContentRecord[] {
    return (
      this.db.prepare('SELECT * FROM content WHERE archived_at IS NULL ORDER BY created_at DESC').all() as ContentRow[]
    ).map(toRecord);
  }

  /** Which of these ids exist (archived items count as gone). */
  existing(ids: string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db
      .prepare(`SELECT id FROM content WHERE archived_at IS NULL AND id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Runs an edit of item `id` as `author`, in one transaction. An admin's edit is approved at once.
   * Anyone else's makes the item pending; if the item was approved, the approved version is kept
   * aside first (`approved_rev`) and keeps airing until an admin approves the new one.
   */
  edit<T>(id: string, author: Author, change: () => T, now = Date.now()): T {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT * FROM content WHERE id = ?').get(id) as ContentRow | undefined;
      if (row && author.role !== 'admin' && (row.status ?? 'approved') === 'approved') {
        const rev: Revision = {
          title: row.title,
          text: row.text,
          meta: row.meta ?? null,
          valid_from: row.valid_from ?? null,
          valid_until: row.valid_until ?? null,
        };
        this.db.prepare('UPDATE content SET approved_rev = ? WHERE id = ?').run(JSON.stringify(rev), id);
      }
      const out = change();
      if (row) {
        this.db
          .prepare(
            'UPDATE content SET updated_by = ?, updated_at = ?, rejection_reason = NULL, rejected_by = NULL, rejected_at = NULL WHERE id = ?',
          )
          .run(author.id, now, id);
        if (author.role === 'admin') this.markApproved(id, author.id, now);
        else this.db.prepare("UPDATE content SET status = 'pending' WHERE id = ?").run(id);
      }
      return out;
    })();
  }

  /** Sets the approval state of a new item: approved when an admin made it, else pending. */
  settleNew(id: string, author: Author, now = Date.now()): void {
    if (author.role === 'admin') this.markApproved(id, author.id, now);
    else this.db.prepare("UPDATE content SET status = 'pending' WHERE id = ?").run(id);
  }

  private markApproved(id: string, by: string, now: number): void {
    this.db
      .prepare(
        `UPDATE content SET status = 'approved', approved_by = ?, approved_at = ?, approved_rev = NULL,
           rejection_reason = NULL, rejected_by = NULL, rejected_at = NULL WHERE id = ?`,
      )
      .run(by, now, id);
  }

  /** Approves the pending version: it airs from the next bundle. False when nothing is pending. */
  approve(id: string, by: string, now = Date.now()): boolean {
    const row = this.db.prepare('SELECT status FROM content WHERE id = ? AND archived_at IS NULL').get(id) as
      { status: ContentStatus } | undefined;
    if (row?.status !== 'pending') return false;
    this.markApproved(id, by, now);
    return true;
  }

  /** Rejects the pending version; an approved version kept aside goes on airing. False when nothing is pending. */
  reject(id: string, by: string, reason: string, now = Date.now()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE content SET status = 'rejected', rejection_reason = ?, rejected_by = ?, rejected_at = ?
             WHERE id = ? AND status = 'pending' AND archived_at IS NULL`,
        )
        .run(reason, by, now, id).changes > 0
    );
  }

  /** A slogan's new text or title (validated by the caller); false when there is no such slogan. */
  setSlogan(id: string, p: { text?: string; title?: string | null }): boolean {
    const row = this.db.prepare('SELECT type, title, text FROM content WHERE id = ?').get(id) as
      { type: string; title: string | null; text: string | null } | undefined;
    if (row?.type !== 'slogan') return false;
    this.db
      .prepare('UPDATE content SET text = ?, title = ? WHERE id = ?')
      .run(p.text ?? row.text, p.title === undefined ? row.title : p.title, id);
    return true;
  }

  /** The window an item may air in (ms UTC, null = open). */
  setValidity(id: string, validFrom: number | null, validUntil: number | null): void {
    this.db.prepare('UPDATE content SET valid_from = ?, valid_until = ? WHERE id = ?').run(validFrom, validUntil, id);
  }

  /** The playlists (not archived) an item is in, by name. */
  playlistsUsing(contentId: string): { id: string; name: string }[] {
    return this.db
      .prepare(
        `SELECT DISTINCT p.id, p.name FROM playlists p JOIN playlist_items i ON i.playlist_id = p.id
           WHERE i.content_id = ? AND p.archived_at IS NULL ORDER BY p.name`,
      )
      .all(contentId) as { id: string; name: string }[];
  }

  archive(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE content SET archived_at = ? WHERE id = ? AND archived_at IS NULL').run(now, id);
  }

  /** Items waiting for an admin, oldest change first. */
  pending(): ContentRecord[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM content WHERE status = 'pending' AND archived_at IS NULL ORDER BY COALESCE(updated_at, created_at)",
        )
        .all() as ContentRow[]
    ).map(toRecord);
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

  /** A playlist that is not archived: the only kind a schedule or campaign may name. */
  livePlaylist(id: string): Playlist | null {
    const row = this.db.prepare('SELECT archived_at FROM playlists WHERE id = ?').get(id) as
      { archived_at: number | null } | undefined;
    return row && row.archived_at === null ? this.getPlaylist(id) : null;
  }

  /** Replaces a playlist's name and/or items (validated by the caller). */
  updatePlaylist(id: string, p: { name?: string; items?: Playlist['items'] }): Playlist | null {
    const cur = this.livePlaylist(id);
    if (!cur) return null;
    this.db.transaction(() => {
      if (p.name !== undefined) this.db.prepare('UPDATE playlists SET name = ? WHERE id = ?').run(p.name, id);
      if (p.items !== undefined) {
        this.db.prepare('DELETE FROM playlist_items WHERE playlist_id = ?').run(id);
        const ins = this.db.prepare(
          'INSERT INTO playlist_items (playlist_id, position, content_id, duration_ms) VALUES (?, ?, ?, ?)',
        );
        p.items.forEach((it, i) => ins.run(id, i, it.contentId, it.durationMs));
      }
    })();
    return this.getPlaylist(id);
  }

  /** Hidden from lists; kept (with its items) so proofs and reports still name it. */
  archivePlaylist(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE playlists SET archived_at = ? WHERE id = ? AND archived_at IS NULL').run(now, id);
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
    const rows = this.db
      .prepare('SELECT id FROM playlists WHERE archived_at IS NULL ORDER BY created_at DESC')
      .all() as { id: string }[];
    return rows.map((r) => this.getPlaylist(r.id)!);
  }

  /**
   * What may air, for bundle compilation: each item's approved version (pending edits of approved
   * items air as they were; never-approved items not at all), without archived or expired items; and
   * every playlist that is not archived.
   */
  snapshot(now = Date.now()): { content: Map<string, ContentItem>; playlists: Map<string, Playlist> } {
    const content = new Map<string, ContentItem>();
    for (const r of this.db.prepare('SELECT * FROM content WHERE archived_at IS NULL').all() as ContentRow[]) {
      const item = airingItem(r);
      if (item && !(item.validUntil !== undefined && item.validUntil <= now)) content.set(r.id, item);
    }
    const playlists = new Map<string, Playlist>();
    for (const p of this.db.prepare('SELECT id, name FROM playlists WHERE archived_at IS NULL').all() as {
      id: string;
      name: string;
    }[]) {
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
