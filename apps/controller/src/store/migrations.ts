import type Database from 'better-sqlite3';
import { badInstantSql, PROOF_PROBLEM_SQL, quarantineRows, rowJsonSql } from './quarantine';

/**
 * Versioned migrations, applied in order at start. `PRAGMA user_version` records the last one applied,
 * so a database written by an older bangtin upgrades in place. Never edit a released migration: add one.
 */
export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema',
    up: (db) => {
      db.exec(`
        CREATE TABLE device_groups (
          id TEXT PRIMARY KEY,
          parent_id TEXT REFERENCES device_groups(id),
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'office'))
        );
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          password_hash TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
          group_id TEXT REFERENCES device_groups(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('led', 'kiosk', 'screen')),
          group_id TEXT REFERENCES device_groups(id),
          token_hash TEXT NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER,
          last_seen_at INTEGER,
          now_playing TEXT,
          bundle_version INTEGER,
          bundle_hash TEXT,
          acked_bundle_version INTEGER
        );
        CREATE TABLE content (
          id TEXT PRIMARY KEY,
          type TEXT NOT NULL,
          title TEXT,
          text TEXT,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE playlists (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE playlist_items (
          playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          content_id TEXT NOT NULL REFERENCES content(id),
          duration_ms INTEGER NOT NULL,
          PRIMARY KEY (playlist_id, position)
        );
        CREATE TABLE schedules (
          id TEXT PRIMARY KEY,
          playlist_id TEXT NOT NULL REFERENCES playlists(id),
          starts_at INTEGER,
          ends_at INTEGER,
          priority INTEGER NOT NULL,
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL
        );
        CREATE TABLE schedule_targets (
          schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'group')),
          target_id TEXT NOT NULL,
          PRIMARY KEY (schedule_id, target_kind, target_id)
        );
        -- Proofs are an audit record: no foreign keys, so deleting content never deletes what aired.
        CREATE TABLE proofs (
          id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL,
          content_id TEXT NOT NULL,
          playlist_id TEXT NOT NULL,
          schedule_id TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          ended_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL
        );
        CREATE INDEX proofs_device_started ON proofs (device_id, started_at);
        CREATE INDEX proofs_started ON proofs (started_at);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 2,
    name: 'proof clock audit, device health',
    up: (db) => {
      db.exec(`
        ALTER TABLE proofs ADD COLUMN device_started_at INTEGER;
        ALTER TABLE proofs ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE proofs ADD COLUMN end_reason TEXT NOT NULL DEFAULT 'completed';
        ALTER TABLE proofs ADD COLUMN output TEXT NOT NULL DEFAULT 'main';
        ALTER TABLE devices ADD COLUMN outbox_size INTEGER;
        ALTER TABLE devices ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE devices ADD COLUMN player_version TEXT;
        CREATE INDEX devices_group ON devices (group_id);
        CREATE INDEX schedule_targets_target ON schedule_targets (target_kind, target_id);
      `);
    },
  },
  {
    version: 3,
    name: 'scheduling: campaigns, recurrence, tags, holidays, interrupts, jobs, proof rollups',
    up: (db) => {
      db.exec(`
        CREATE TABLE campaigns (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          colour TEXT NOT NULL DEFAULT '#c0392b',
          starts_on TEXT NOT NULL,
          ends_on TEXT NOT NULL,
          priority INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'running', 'ended', 'cancelled')),
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE campaign_targets (
          campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'group', 'tag')),
          target_id TEXT NOT NULL,
          PRIMARY KEY (campaign_id, target_kind, target_id)
        );
        CREATE TABLE campaign_playlists (
          campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          playlist_id TEXT NOT NULL REFERENCES playlists(id),
          PRIMARY KEY (campaign_id, position)
        );
        -- Scheduling fields; JSON columns hold exactly the shapes of the shared zod schemas.
        ALTER TABLE schedules ADD COLUMN recurrence TEXT;
        ALTER TABLE schedules ADD COLUMN time_zone TEXT;
        ALTER TABLE schedules ADD COLUMN exceptions TEXT;
        ALTER TABLE schedules ADD COLUMN holiday_list_ids TEXT;
        ALTER TABLE schedules ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE schedules ADD COLUMN campaign_id TEXT REFERENCES campaigns(id);
        ALTER TABLE schedules ADD COLUMN fallback INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE schedules ADD COLUMN updated_at INTEGER;
        -- Deleted schedules stay as rows so proofs keep their campaign for reports.
        ALTER TABLE schedules ADD COLUMN deleted_at INTEGER;
        CREATE INDEX schedules_campaign ON schedules (campaign_id);
        CREATE TABLE schedule_tags (
          schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          tag TEXT NOT NULL,
          PRIMARY KEY (schedule_id, tag)
        );
        CREATE TABLE device_tags (
          device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
          tag TEXT NOT NULL,
          PRIMARY KEY (device_id, tag)
        );
        CREATE INDEX device_tags_tag ON device_tags (tag);
        ALTER TABLE devices ADD COLUMN status TEXT;
        ALTER TABLE devices ADD COLUMN status_changed_at INTEGER;
        ALTER TABLE device_groups ADD COLUMN fallback_schedule_id TEXT;
        CREATE TABLE holiday_lists (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          dates TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE interrupts (
          id TEXT PRIMARY KEY,
          content_id TEXT REFERENCES content(id),
          text TEXT,
          starts_at INTEGER NOT NULL,
          ends_at INTEGER,
          item_duration_ms INTEGER NOT NULL,
          campaign_id TEXT REFERENCES campaigns(id),
          created_by TEXT REFERENCES users(id),
          created_at INTEGER NOT NULL,
          cancelled_at INTEGER
        );
        CREATE TABLE interrupt_targets (
          interrupt_id TEXT NOT NULL REFERENCES interrupts(id) ON DELETE CASCADE,
          target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'group', 'tag')),
          target_id TEXT NOT NULL,
          PRIMARY KEY (interrupt_id, target_kind, target_id)
        );
        -- The devices an interrupt reached when it was sent: the denominator of "who has not acked".
        CREATE TABLE interrupt_deliveries (
          interrupt_id TEXT NOT NULL REFERENCES interrupts(id) ON DELETE CASCADE,
          device_id TEXT NOT NULL,
          acked_at INTEGER,
          shown_at INTEGER,
          PRIMARY KEY (interrupt_id, device_id)
        );
        CREATE TABLE job_runs (
          job TEXT NOT NULL,
          slot TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          result TEXT,
          PRIMARY KEY (job, slot)
        );
        CREATE TABLE proof_daily (
          device_id TEXT NOT NULL,
          campaign_id TEXT NOT NULL,
          content_id TEXT NOT NULL,
          local_date TEXT NOT NULL,
          plays INTEGER NOT NULL,
          airtime_ms INTEGER NOT NULL,
          PRIMARY KEY (device_id, campaign_id, content_id, local_date)
        );
        CREATE INDEX proof_daily_date ON proof_daily (local_date);
        -- Each proof is added to proof_daily exactly once; retention deletes only rolled-up proofs.
        ALTER TABLE proofs ADD COLUMN rolled_up INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX proofs_unrolled ON proofs (rolled_up) WHERE rolled_up = 0;
      `);
    },
  },
  {
    version: 4,
    name: 'media files, content metadata, kiosk survey answers',
    up: (db) => {
      db.exec(`
        -- One row per stored file, named by its sha256: two uploads of the same file share it.
        CREATE TABLE media (
          sha256 TEXT PRIMARY KEY,
          mime TEXT NOT NULL,
          size INTEGER NOT NULL,
          width INTEGER,
          height INTEGER,
          duration_ms INTEGER,
          has_thumbnail INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        );
        -- Fields of image/video/page/stream items (JSON), beside slogan's text.
        ALTER TABLE content ADD COLUMN meta TEXT;
        CREATE TABLE survey_answers (
          id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL REFERENCES devices (id),
          survey_id TEXT NOT NULL,
          rating INTEGER NOT NULL,
          choice TEXT,
          answered_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL
        );
        CREATE INDEX survey_answers_time ON survey_answers (answered_at);
      `);
    },
  },
  {
    version: 5,
    name: 'LED outputs: board status from heartbeats, boards configured on the controller',
    up: (db) => {
      db.exec(`
        -- JSON arrays in the shapes of the shared OutputStatusSchema / LedOutputConfigSchema.
        ALTER TABLE devices ADD COLUMN outputs TEXT;
        ALTER TABLE devices ADD COLUMN output_config TEXT;
      `);
    },
  },
  {
    version: 6,
    name: 'Screen players: latest remote screenshot per device',
    up: (db) => {
      db.exec(`
        -- The PNG itself is <data-dir>/screenshots/<device id>.png; one row (the latest) per device.
        CREATE TABLE device_screenshots (
          device_id TEXT PRIMARY KEY REFERENCES devices (id),
          output TEXT NOT NULL,
          width INTEGER NOT NULL,
          height INTEGER NOT NULL,
          size INTEGER NOT NULL,
          captured_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 7,
    name: 'proof indexes for ingest speed: per device only',
    up: (db) => {
      db.exec(`
        -- A global started_at index takes inserts from every device at scattered places (a week of
        -- proofs from many players arriving at once) and halved ingest speed. Queries over many
        -- devices now merge per-device ranges of this index instead; id makes the order total.
        DROP INDEX proofs_started;
        DROP INDEX proofs_device_started;
        CREATE INDEX proofs_device_started_id ON proofs (device_id, started_at, id);
      `);
    },
  },
  {
    version: 8,
    name: "scheduling: device time zones, editors' district scope, campaign-derived priorities",
    up: (db) => {
      db.exec(`
        -- IANA zone the device's recurrences are read in; NULL = Asia/Ho_Chi_Minh.
        ALTER TABLE devices ADD COLUMN time_zone TEXT;
        -- The district (group) an editor's schedule or urgent message was created for: it reaches only
        -- devices inside that group's subtree, whatever its tags say. NULL = province-wide reach.
        ALTER TABLE schedules ADD COLUMN scope_group_id TEXT;
        ALTER TABLE interrupts ADD COLUMN scope_group_id TEXT;
        -- 1 when a campaign entry takes its priority from the campaign (none was given for the entry).
        ALTER TABLE schedules ADD COLUMN priority_from_campaign INTEGER NOT NULL DEFAULT 0;
        UPDATE schedules SET scope_group_id =
          (SELECT u.group_id FROM users u WHERE u.id = schedules.created_by AND u.role = 'editor');
        UPDATE interrupts SET scope_group_id =
          (SELECT u.group_id FROM users u WHERE u.id = interrupts.created_by AND u.role = 'editor');
        -- Entries whose priority still equals their campaign's were, as far as anyone can tell, inherited.
        UPDATE schedules SET priority_from_campaign = 1
          WHERE campaign_id IS NOT NULL
            AND priority = (SELECT c.priority FROM campaigns c WHERE c.id = schedules.campaign_id);
      `);
    },
  },
  {
    version: 9,
    name: 'device connectivity sessions for the availability report',
    up: (db) => {
      db.exec(`
        -- One row per player connection; disconnected_at is NULL while it lasts. A controller that
        -- stops without closing them closes them at its next start with the device's last-seen time.
        CREATE TABLE device_sessions (
          id INTEGER PRIMARY KEY,
          device_id TEXT NOT NULL,
          connected_at INTEGER NOT NULL,
          disconnected_at INTEGER,
          close_reason TEXT
        );
        CREATE INDEX device_sessions_device ON device_sessions (device_id, connected_at);
        CREATE INDEX device_sessions_open ON device_sessions (device_id) WHERE disconnected_at IS NULL;
        CREATE INDEX device_sessions_ended ON device_sessions (disconnected_at);
      `);
    },
  },
  {
    version: 10,
    name: 'controller run ledger (its own up and down time, for the availability report)',
    up: (db) => {
      db.exec(`
        -- One row per controller run: started, last heard alive (written every few seconds), stopped.
        -- A run killed without a clean stop has stopped_at NULL; the next start ends it at last_alive_at.
        CREATE TABLE controller_runs (
          id INTEGER PRIMARY KEY,
          started_at INTEGER NOT NULL,
          last_alive_at INTEGER NOT NULL,
          stopped_at INTEGER,
          stop_reason TEXT
        );
        CREATE INDEX controller_runs_started ON controller_runs (started_at);
      `);
    },
  },
  {
    version: 11,
    name: 'device re-enrolment requests (a player whose token the restored database does not know)',
    up: (db) => {
      db.exec(`
        -- A player presenting a well-formed token the controller does not know, with the device id and
        -- name it remembers. Only the token's SHA-256 is kept. One row per claimed device id; bounded
        -- and expired in code (ReenrolmentStore). A rejected row stays, so its token stays refused.
        CREATE TABLE device_reenrolments (
          id TEXT PRIMARY KEY,
          device_id TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          group_id TEXT,
          token_hash TEXT NOT NULL UNIQUE,
          status TEXT NOT NULL CHECK (status IN ('pending', 'rejected')),
          address TEXT,
          player_version TEXT,
          attempts INTEGER NOT NULL DEFAULT 1,
          created_at INTEGER NOT NULL,
          last_seen_at INTEGER NOT NULL,
          decided_at INTEGER,
          decided_by TEXT
        );
        CREATE INDEX device_reenrolments_created ON device_reenrolments (created_at);
      `);
    },
  },
  {
    version: 12,
    name: 'quarantine stored rows with device times no reader can use (issue 14)',
    up: (db) => {
      // Before the bounds on device instants, a proof with startedAt = 9e15 was stored and broke every
      // reader after it. Such rows move here, whole (as JSON), with why; nothing is lost, and an
      // administrator can look at them with the sqlite3 shell.
      db.exec(`
        CREATE TABLE quarantined_rows (
          id INTEGER PRIMARY KEY,
          table_name TEXT NOT NULL,
          row_json TEXT NOT NULL,
          reason TEXT NOT NULL,
          quarantined_at INTEGER NOT NULL
        );
      `);
      const now = Date.now();
      // Whole records: the row goes.
      quarantineRows(db, 'proofs', PROOF_PROBLEM_SQL, now);
      quarantineRows(
        db,
        'device_screenshots',
        `CASE WHEN ${badInstantSql('captured_at')} THEN 'captured_at outside 2020-01-01 … 2100' END`,
        now,
      );
      quarantineRows(
        db,
        'survey_answers',
        `CASE WHEN ${badInstantSql('answered_at')} THEN 'answered_at outside 2020-01-01 … 2100' END`,
        now,
      );
      // A bad value in a row that must stay (the device, the record that a message was delivered): the
      // row is copied to quarantine and only the value is cleared.
      const shown = `CASE WHEN shown_at IS NOT NULL AND ${badInstantSql('shown_at')} THEN 'shown_at outside 2020-01-01 … 2100' END`;
      copyToQuarantine(db, 'interrupt_deliveries', shown, now);
      db.exec(`UPDATE interrupt_deliveries SET shown_at = NULL WHERE (${shown}) IS NOT NULL`);
      const playing = `CASE WHEN now_playing IS NOT NULL AND (json_valid(now_playing) = 0
          OR ${badInstantSql("json_extract(now_playing, '$.startedAt')")}) THEN 'now_playing.startedAt outside 2020-01-01 … 2100' END`;
      copyToQuarantine(db, 'devices', playing, now);
      db.exec(`UPDATE devices SET now_playing = NULL WHERE (${playing}) IS NOT NULL`);
    },
  },
  {
    version: 13,
    name: 'device bundle history: the schedules and urgent messages each device was sent (issue 14)',
    up: (db) => {
      // A proof may name only a schedule (or urgent message) that appeared in a bundle sent to its device,
      // and an urgent-message ack only a message sent to it. Never pruned: a player may upload a week of
      // plays of a schedule deleted since. Seeded with what proofs and deliveries already show was sent.
      db.exec(`
        CREATE TABLE device_bundle_refs (
          device_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('schedule', 'interrupt')),
          ref_id TEXT NOT NULL,
          first_sent_at INTEGER NOT NULL,
          PRIMARY KEY (device_id, ref_id)
        ) WITHOUT ROWID;
      `);
      const now = Date.now();
      db.prepare(
        `INSERT OR IGNORE INTO device_bundle_refs (device_id, kind, ref_id, first_sent_at)
         SELECT device_id, 'interrupt', interrupt_id, ? FROM interrupt_deliveries`,
      ).run(now);
      db.prepare(
        `INSERT OR IGNORE INTO device_bundle_refs (device_id, kind, ref_id, first_sent_at)
         SELECT DISTINCT p.device_id, CASE WHEN i.id IS NULL THEN 'schedule' ELSE 'interrupt' END, p.schedule_id, ?
         FROM proofs p LEFT JOIN interrupts i ON i.id = p.schedule_id`,
      ).run(now);
      // Plays before this instant cannot be judged by the history (it did not exist yet). A new database
      // (no device enrolled) has its whole history: 0.
      const upgrade = db.prepare('SELECT 1 FROM devices LIMIT 1').get() !== undefined;
      db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('bundle_refs_since', ?)`).run(
        String(upgrade ? now : 0),
      );
    },
  },
  {
    version: 14,
    name: 'audit log (append-only), disabled users, who stopped an urgent message and its per-device stop acks',
    up: (db) => {
      db.exec(`
        ALTER TABLE users ADD COLUMN disabled_at INTEGER;
        ALTER TABLE interrupts ADD COLUMN stopped_by TEXT;
        -- One row per device a stopped urgent message had been sent to: the bundle revision that no
        -- longer carries it, and when the player acknowledged that bundle (its stop ack).
        CREATE TABLE interrupt_stops (
          interrupt_id TEXT NOT NULL,
          device_id TEXT NOT NULL,
          bundle_version INTEGER NOT NULL,
          acked_at INTEGER,
          PRIMARY KEY (interrupt_id, device_id)
        );
        CREATE INDEX interrupt_stops_pending ON interrupt_stops (device_id) WHERE acked_at IS NULL;

        -- Who did what, appended by the HTTP layer. group_id is the district the entry belongs to
        -- (the entity's, else the acting user's), so an editor reads their district's entries.
        -- changes is JSON {field: [before, after]} with secrets already replaced by a marker.
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          user_id TEXT,
          username TEXT,
          role TEXT,
          group_id TEXT,
          action TEXT NOT NULL,
          entity TEXT,
          entity_id TEXT,
          changes TEXT NOT NULL DEFAULT '{}',
          method TEXT,
          route TEXT,
          status INTEGER
        );
        CREATE INDEX audit_log_at ON audit_log (at);
        CREATE INDEX audit_log_user ON audit_log (user_id, at);

        -- Append-only. No UPDATE ever. A DELETE is allowed only for rows older than the retention
        -- cutoff, which the nightly retention job raises before it deletes; the cutoff itself can never
        -- be set later than one day before now (SQLite's own clock), so even a stray statement cannot
        -- erase the recent trail. This guards against the application and slips at the SQL prompt;
        -- someone who can rewrite the file can drop triggers too (the nightly copies keep the history).
        CREATE TABLE audit_retention (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          cutoff INTEGER NOT NULL
        );
        INSERT INTO audit_retention (id, cutoff) VALUES (1, 0);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN
          SELECT RAISE(ABORT, 'audit_log is append-only');
        END;
        CREATE TRIGGER audit_log_delete_only_expired BEFORE DELETE ON audit_log
        WHEN OLD.at >= (SELECT cutoff FROM audit_retention WHERE id = 1)
        BEGIN
          SELECT RAISE(ABORT, 'audit_log is append-only: only entries older than the retention cutoff may be deleted');
        END;
        CREATE TRIGGER audit_retention_cutoff_bounded BEFORE UPDATE ON audit_retention
        WHEN NEW.cutoff > CAST((julianday('now') - 2440587.5 - 1) * 86400000 AS INTEGER)
        BEGIN
          SELECT RAISE(ABORT, 'audit retention cutoff must be at least a day in the past');
        END;
        CREATE TRIGGER audit_retention_no_delete BEFORE DELETE ON audit_retention
        BEGIN
          SELECT RAISE(ABORT, 'audit retention row cannot be deleted');
        END;
      `);
    },
  },
  {
    version: 15,
    name: 'content approval, validity windows and archive; playlist archive; campaign recurrence',
    up: (db) => {
      db.exec(`
        -- Existing content aired before approval existed: it stays approved.
        -- The row's title/text/meta/valid_* are the latest version; while an edit of approved content
        -- waits for approval, approved_rev holds the approved version (JSON) that keeps airing.
        ALTER TABLE content ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
        ALTER TABLE content ADD COLUMN approved_by TEXT;
        ALTER TABLE content ADD COLUMN approved_at INTEGER;
        ALTER TABLE content ADD COLUMN approved_rev TEXT;
        ALTER TABLE content ADD COLUMN rejection_reason TEXT;
        ALTER TABLE content ADD COLUMN rejected_by TEXT;
        ALTER TABLE content ADD COLUMN rejected_at INTEGER;
        ALTER TABLE content ADD COLUMN valid_from INTEGER;
        ALTER TABLE content ADD COLUMN valid_until INTEGER;
        ALTER TABLE content ADD COLUMN updated_by TEXT;
        ALTER TABLE content ADD COLUMN updated_at INTEGER;
        -- Archived: hidden from lists and bundles, kept for proofs and reports.
        ALTER TABLE content ADD COLUMN archived_at INTEGER;
        CREATE INDEX content_pending ON content (status) WHERE status <> 'approved';
        ALTER TABLE playlists ADD COLUMN archived_at INTEGER;
        -- JSON recurrence the campaign's entries follow unless they set their own; NULL = none.
        ALTER TABLE campaigns ADD COLUMN recurrence TEXT;
      `);
    },
  },
  {
    version: 16,
    name: 'proof chains, bundles held and output status history (evidence, issue 11)',
    up: (db) => {
      db.exec(`
        -- Tamper-evident chain: seq and prev_hash as the player sent them, hash computed at ingest.
        -- NULL for unchained proofs (players one protocol version behind).
        ALTER TABLE proofs ADD COLUMN seq INTEGER;
        ALTER TABLE proofs ADD COLUMN prev_hash TEXT;
        ALTER TABLE proofs ADD COLUMN hash TEXT;
        CREATE INDEX proofs_chain ON proofs (device_id, output, seq) WHERE seq IS NOT NULL;
        -- The highest seq ever received per output: deleting the newest rows shows as missing seqs.
        CREATE TABLE proof_chain_heads (
          device_id TEXT NOT NULL,
          output TEXT NOT NULL,
          max_seq INTEGER NOT NULL,
          received_at INTEGER NOT NULL,
          PRIMARY KEY (device_id, output)
        );
        -- A proof id re-sent with content that differs from the stored row (a seq reused).
        CREATE TABLE proof_chain_conflicts (
          id INTEGER PRIMARY KEY,
          device_id TEXT NOT NULL,
          output TEXT NOT NULL,
          seq INTEGER NOT NULL,
          proof_id TEXT NOT NULL,
          hash TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL
        );
        CREATE INDEX proof_chain_conflicts_device ON proof_chain_conflicts (device_id, started_at);
        -- Bundle bodies by hash (devices with the same schedule share one row), and which one each
        -- device held from when (its ack): the planned side of the compliance report.
        CREATE TABLE bundle_bodies (
          hash TEXT PRIMARY KEY,
          version INTEGER NOT NULL,
          body TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE device_bundle_history (
          device_id TEXT NOT NULL,
          held_from INTEGER NOT NULL,
          hash TEXT NOT NULL,
          PRIMARY KEY (device_id, held_from)
        );
        -- Each change of an output's state (online, offline, error) as the heartbeats reported it.
        CREATE TABLE output_status_history (
          device_id TEXT NOT NULL,
          output_id TEXT NOT NULL,
          at INTEGER NOT NULL,
          state TEXT NOT NULL,
          PRIMARY KEY (device_id, output_id, at)
        );
      `);
    },
  },
];

/** Copies the rows of `table` whose `reasonSql` is not NULL into quarantined_rows (the caller fixes them). */
function copyToQuarantine(db: Database.Database, table: string, reasonSql: string, now: number): void {
  db.prepare(
    `INSERT INTO quarantined_rows (table_name, row_json, reason, quarantined_at)
     SELECT '${table}', ${rowJsonSql(db, table)}, ${reasonSql}, ? FROM "${table}" WHERE (${reasonSql}) IS NOT NULL`,
  ).run(now);
}

/** The database was written by a newer bangtin: never migrated backwards, never opened. */
export class SchemaTooNewError extends Error {
  readonly code = 'BANGTIN_SCHEMA_TOO_NEW';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `database schema version ${found} is newer than this bangtin (${supported}); refusing to start. ` +
        'It was written by a newer release: run that release again, or restore a backup made for this one. ' +
        'bangtin never migrates a database backwards.',
    );
  }
}

export function currentVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the database, each in its own transaction. Returns versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  const from = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) throw new SchemaTooNewError(from, latest);
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
