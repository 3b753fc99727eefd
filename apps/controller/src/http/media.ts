import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  apiError,
  type ContentItem,
  DeviceCommandSchema,
  HlsUrlSchema,
  IdSchema,
  InstantSchema,
  MediaProgressSchema,
  type MediaProgress,
  newId,
  NfcText,
  parseByteRange,
  type PlayerToControllerEvents,
  type ProofUploadResult,
  Sha256Schema,
  SurveyAnswerSchema,
  ScreenshotUploadSchema,
  SurveyBatchSchema,
  type SurveyAnswer,
  SurveyConfigSchema,
  toIso,
} from '@bangtin/shared';
import { SkippedRows, storedInstant } from '../store/quarantine';
import type { Store } from '../store';
import type { Hub, HubSocket } from '../hub/hub';
import { type MediaRecord, MediaStore, ScreenshotStore, SurveyConfigStore, SurveyStore } from '../store/media';
import { bearer, requireRole, requireUser } from './auth';
import { HttpError, notFound, parse } from './errors';
import {
  DURATION_UNKNOWN_WARNING,
  makeThumbnail,
  type MediaTools,
  PLAYABLE_CODECS,
  probeMedia,
  sniffMime,
  systemTools,
} from './media-probe';
import { qrFigures, sanitizePageHtml } from './page-html';
import { pngSize } from './png-header';
import { imageDataEnd } from './image-end';
import { inScope, scopeOf } from './scope';
import { contentView, mergedValidity, SloganPatchSchema, VALIDITY_FIELDS, ValidityPatchSchema } from './content-edit';

/** Upload limit; 512 MiB by default (a few minutes of 1080p H.264), `BANGTIN_MEDIA_MAX_BYTES` to change. */
export const DEFAULT_MEDIA_MAX_BYTES = 512 * 1024 * 1024;

/** URLs shown as QR codes under the text, e.g. the VssID app's store page. */
const QrCodesSchema = z
  .array(z.object({ url: z.url({ protocol: /^https?$/ }).max(1000), label: NfcText(200) }))
  .max(10);

const CreatePageBodySchema = z.object({
  type: z.literal('page'),
  title: NfcText(200),
  html: z.string().max(400_000),
  qrCodes: QrCodesSchema.default([]),
});

/** A page edit: any of the fields of creation, checked and sanitised the same way. */
const PatchPageBodySchema = z.object({
  title: CreatePageBodySchema.shape.title.optional(),
  html: CreatePageBodySchema.shape.html.optional(),
  qrCodes: QrCodesSchema.optional(),
});
const PAGE_FIELDS: readonly string[] = Object.keys(PatchPageBodySchema.shape);
const MEDIA_KEYS: readonly string[] = ['audio', 'durationMs'];
const SLOGAN_FIELDS: readonly string[] = ['text', 'title'];

/** The QR figures `qrFigures` appends, for pages stored before their source was kept. */
const TRAILING_QR_FIGURES = /(?:<figure class="qr">(?:(?!<\/figure>)[\s\S])*<\/figure>)+$/;

/** A page stored before its source was kept: its text, and the QR figures appended to it. */
function splitLegacyPage(html: string): { html: string; figures: string } {
  const at = TRAILING_QR_FIGURES.exec(html)?.index ?? html.length;
  return { html: html.slice(0, at), figures: html.slice(at) };
}

const CreateStreamBodySchema = z.object({
  type: z.literal('stream'),
  title: z.string().trim().max(200).nullish(),
  url: HlsUrlSchema,
  /** Sound on; default off: lobby screens are usually silent. */
  audio: z.boolean().default(false),
});

/** What can change on a video or stream: sound, and a video's length when ffprobe could not read it. */
const MediaOptionsBodySchema = z
  .object({
    audio: z.boolean().optional(),
    durationMs: z.number().int().min(1000, 'must be at least 1 s').max(86_400_000, 'must be at most 24 h').optional(),
  })
  .strict()
  .refine((b) => b.audio !== undefined || b.durationMs !== undefined, {
    path: ['audio'],
    message: 'send audio or durationMs',
  });

/** The multipart `audio` field: sent by HTML forms as text. */
const AudioFieldSchema = z
  .enum(['true', 'false', '1', '0', 'on', 'off'])
  .transform((v) => ['true', '1', 'on'].includes(v));

const ShaParams = z.object({ sha256: Sha256Schema });

const SurveyQuerySchema = z.object({
  deviceId: IdSchema.optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

/**
 * Media for content items (image, video, page, stream), their files, and kiosk survey answers.
 *
 * Call before `registerAuth`: players fetch media with their **device token** as Bearer, and this
 * module's own `onRequest` hook answers those requests before the staff-session check runs. A device
 * token may read any stored media file (choice: media is not secret inside one deployment, and a
 * player must be able to prefetch content of a bundle it has not received yet); revoked tokens are
 * refused like unknown ones. Staff sessions may read every file too.
 */
export function registerMedia(
  app: FastifyInstance,
  store: Store,
  hub: () => Hub,
  tools: MediaTools = systemTools(),
): void {
  const mediaDir = path.join(path.dirname(store.db.name), 'media');
  const thumbDir = path.join(mediaDir, 'thumbnails');
  fs.mkdirSync(thumbDir, { recursive: true });
  const media = new MediaStore(store.db);
  const surveys = new SurveyStore(store.db);
  const surveyConfig = new SurveyConfigStore(store.db);
  const screenshots = new ScreenshotStore(store.db);
  const screenshotDir = path.join(path.dirname(store.db.name), 'screenshots');
  fs.mkdirSync(screenshotDir, { recursive: true });
  const maxBytes = Number(process.env.BANGTIN_MEDIA_MAX_BYTES ?? DEFAULT_MEDIA_MAX_BYTES);
  const progress = new Map<string, MediaProgress & { at: number }>();

  void app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 10_000 } });

  const mediaUrl = /^\/api\/v1\/media\/([0-9a-f]{64})(\/thumbnail)?$/;

  app.addHook('onRequest', async (req, reply) => {
    const m = mediaUrl.exec(req.url.split('?')[0]!);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return;
    const token = bearer(req);
    if (!token || !token.startsWith('dev')) return; // staff sessions go through the normal auth hook
    const device = store.devices.byToken(token);
    if (!device || device.revokedAt !== null) {
      return reply.status(401).send(apiError('unauthorized', 'unknown or revoked device token'));
    }
    return m[2] ? sendThumbnail(m[1]!, reply) : sendMedia(m[1]!, req, reply);
  });

  function sendMedia(sha256: string, req: FastifyRequest, reply: FastifyReply) {
    const rec = media.get(sha256);
    const file = path.join(mediaDir, sha256);
    if (!rec || !fs.existsSync(file)) throw notFound('media', 'sha256');
    const size = fs.statSync(file).size;
    reply
      .header('accept-ranges', 'bytes')
      .header('content-type', rec.mime)
      .header('etag', `"${sha256}"`)
      // Content-addressed: the bytes behind a sha256 never change.
      .header('cache-control', 'private, max-age=31536000, immutable');
    const range = parseByteRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      return reply
        .status(416)
        .header('content-range', `bytes */${size}`)
        .header('content-type', 'application/json; charset=utf-8')
        .send(apiError('range-not-satisfiable', `file has ${size} bytes`, 'range'));
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    reply.header('content-length', String(end - start + 1));
    if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    if (req.method === 'HEAD' || size === 0) return reply.send();
    return reply.send(fs.createReadStream(file, { start, end }));
  }

  function sendThumbnail(sha256: string, reply: FastifyReply) {
    const file = path.join(thumbDir, `${sha256}.jpg`);
    if (!fs.existsSync(file)) throw notFound('thumbnail', 'sha256');
    return reply.header('content-type', 'image/jpeg').send(fs.createReadStream(file));
  }

  app.get('/api/v1/media/:sha256', async (req, reply) => {
    requireUser(req);
    return sendMedia(parse(ShaParams, req.params).sha256, req, reply);
  });
  app.get('/api/v1/media/:sha256/thumbnail', async (req, reply) => {
    requireUser(req);
    return sendThumbnail(parse(ShaParams, req.params).sha256, reply);
  });

  // `POST /api/v1/content` belongs to the core routes (JSON slogans). Uploads and page/stream JSON
  // are answered here, before that handler runs; slogans pass through untouched.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || req.routeOptions.url !== '/api/v1/content') return;
    if (req.isMultipart()) {
      const user = requireRole(req, 'admin', 'editor');
      const made = await upload(req, user.id);
      store.content.settleNew(made.id, user);
      return reply.status(201).send({ ...made, ...settled(made.id) });
    }
    const type = (req.body as { type?: unknown } | null)?.type;
    if (type === 'page') {
      const user = requireRole(req, 'admin', 'editor');
      const body = parse(CreatePageBodySchema, req.body);
      const { html, media: refs } = sanitizePageHtml(body.html);
      const missing = refs.find((sha) => !media.get(sha));
      if (missing) throw new HttpError(404, 'not-found', `media ${missing} is not uploaded`, 'html');
      const item = store.content.createRich(
        { type: 'page', title: body.title, html: html + (await qrFigures(body.qrCodes)), media: refs },
        user.id,
        { html, qrCodes: body.qrCodes },
      );
      store.content.settleNew(item.id, user);
      return reply.status(201).send({ ...item, ...settled(item.id) });
    }
    if (type === 'stream') {
      const user = requireRole(req, 'admin', 'editor');
      const body = parse(CreateStreamBodySchema, req.body);
      const item = store.content.createRich(
        { type: 'stream', title: body.title ?? null, url: body.url, audio: body.audio },
        user.id,
      );
      store.content.settleNew(item.id, user);
      return reply.status(201).send({ ...item, ...settled(item.id) });
    }
  });

  /** The approval fields of an item's view, added to what a creation or an edit answers. */
  const settled = (id: string) => {
    const v = contentView(store, store.content.record(id)!);
    return {
      validFrom: v.validFrom,
      validUntil: v.validUntil,
      status: v.status,
      approvedBy: v.approvedBy,
      approvedAt: v.approvedAt,
      rejectionReason: v.rejectionReason,
      airing: v.airing,
    };
  };

  // A slogan's text or title, a page's title, text and QR codes, sound on a video or stream, and the
  // validity window of any item. An editor's change waits for an admin (the approved version airs
  // meanwhile); the devices whose bundles hold the item get the new bundle at once. Content is not
  // scoped to districts (any editor may use any item), so editing takes the same roles as creating.
  app.patch('/api/v1/content/:id', async (req) => {
    const user = requireRole(req, 'admin', 'editor');
    const id = parse(z.object({ id: IdSchema }), req.params).id;
    const rec = store.content.record(id);
    if (!rec || rec.archivedAt !== null) throw notFound('content');
    const raw: unknown = req.body;
    const obj = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const keys = Object.keys(obj);
    const window = parse(
      ValidityPatchSchema,
      Object.fromEntries(keys.filter((k) => VALIDITY_FIELDS.includes(k)).map((k) => [k, obj[k]])),
    );
    const rest = Object.fromEntries(keys.filter((k) => !VALIDITY_FIELDS.includes(k)).map((k) => [k, obj[k]]));
    const restKeys = Object.keys(rest);
    if (keys.length === 0) {
      throw new HttpError(400, 'invalid-input', 'send at least one field to change', null);
    }
    const validity = keys.some((k) => VALIDITY_FIELDS.includes(k)) ? mergedValidity(rec.item, window) : null;
    const setValidity = () => {
      if (validity) store.content.setValidity(id, validity.validFrom, validity.validUntil);
    };
    if (rec.item.type === 'slogan') {
      const extra = restKeys.find((k) => !SLOGAN_FIELDS.includes(k));
      if (extra) {
        const where = PAGE_FIELDS.includes(extra) ? 'pages' : MEDIA_KEYS.includes(extra) ? 'videos and streams' : null;
        const message = where
          ? `${extra} can be changed on ${where} only, not on a slogan`
          : `a slogan has no field ${extra} to change`;
        throw new HttpError(400, 'invalid-input', message, extra);
      }
      const body = parse(SloganPatchSchema, rest);
      store.content.edit(id, user, () => {
        if (restKeys.length > 0) store.content.setSlogan(id, body);
        setValidity();
      });
    } else if (restKeys.length === 0) {
      store.content.edit(id, user, setValidity);
    } else if (!restKeys.some((k) => MEDIA_KEYS.includes(k)) && restKeys.some((k) => PAGE_FIELDS.includes(k))) {
      const page = await preparePage(id, restKeys, rest);
      store.content.edit(id, user, () => {
        store.content.updatePage(id, page.page, page.source);
        setValidity();
      });
    } else {
      const body = parse(MediaOptionsBodySchema, rest);
      store.content.edit(id, user, () => {
        // Thrown inside the edit: the transaction rolls back, the item stays as it was.
        const item = store.content.setMediaOptions(id, body);
        if (item === 'no-sound') {
          throw new HttpError(400, 'invalid-input', 'only videos and streams have sound', 'audio');
        }
        if (item === 'no-duration') {
          throw new HttpError(400, 'invalid-input', 'only videos have a length to set', 'durationMs');
        }
        setValidity();
      });
    }
    hub().requestRefresh();
    // Page and media edits answer the stored item as they always did; slogans and windows the full view.
    if (rec.item.type !== 'slogan' && validity === null) return store.content.get(id);
    return contentView(store, store.content.record(id)!);
  });

  async function preparePage(id: string, keys: string[], raw: unknown) {
    const current = store.content.pageSource(id);
    if (!current) {
      const other = store.content.get(id);
      if (!other) throw notFound('content');
      const field = keys.find((k) => PAGE_FIELDS.includes(k))!;
      throw new HttpError(400, 'invalid-input', `${field} can be changed on pages only, not on a ${other.type}`, field);
    }
    const extra = keys.find((k) => !PAGE_FIELDS.includes(k));
    if (extra) throw new HttpError(400, 'invalid-input', `a page has no field ${extra} to change`, extra);
    const body = parse(PatchPageBodySchema, raw);
    const { item } = current;
    const source = current.source ?? { ...splitLegacyPage(item.html), qrCodes: null };
    let text = { html: source.html, media: item.media };
    if (body.html !== undefined) {
      text = sanitizePageHtml(body.html);
      const missing = text.media.find((sha) => !media.get(sha));
      if (missing) throw new HttpError(404, 'not-found', `media ${missing} is not uploaded`, 'html');
    }
    const qrCodes = body.qrCodes ?? source.qrCodes;
    // Unknown QR codes (a page stored before its source was kept) keep the figures they had.
    const figures = qrCodes !== null ? await qrFigures(qrCodes) : splitLegacyPage(item.html).figures;
    return {
      page: { title: body.title ?? item.title, html: text.html + figures, media: text.media },
      source: { html: text.html, qrCodes },
    };
  }

  // What staff wrote for a page (its text without the QR figures, and the QR codes), for the editor.
  app.get('/api/v1/content/:id/source', async (req) => {
    requireUser(req);
    const id = parse(z.object({ id: IdSchema }), req.params).id;
    const current = store.content.pageSource(id);
    if (!current) throw notFound('page');
    const { item, source } = current;
    return {
      title: item.title,
      html: source?.html ?? splitLegacyPage(item.html).html,
      qrCodes: source?.qrCodes ?? [],
    };
  });

  async function upload(req: FastifyRequest, userId: string) {
    const data = await req.file();
    if (!data) throw new HttpError(400, 'missing-file', 'send the file as multipart field "file"', 'file');
    const titleField = data.fields.title;
    const title =
      titleField && !Array.isArray(titleField) && titleField.type === 'field'
        ? String(titleField.value).normalize('NFC').trim().slice(0, 200) || null
        : null;
    const audioField = data.fields.audio;
    let audio = false;
    if (audioField) {
      const raw = !Array.isArray(audioField) && audioField.type === 'field' ? String(audioField.value) : '';
      const r = AudioFieldSchema.safeParse(raw);
      if (!r.success) throw new HttpError(400, 'invalid-input', 'audio must be true or false', 'audio');
      audio = r.data;
    }
    const tmp = path.join(mediaDir, `.upload-${newId()}`);
    const tmpThumb = `${tmp}.jpg`;
    const hash = crypto.createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    try {
      await pipeline(
        data.file,
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            size += chunk.length;
            if (head.length < 64) head = Buffer.concat([head, chunk]).subarray(0, 64);
            cb(null, chunk);
          },
        }),
        fs.createWriteStream(tmp),
      );
      if (data.file.truncated) throw tooLarge();
      const mime = sniffMime(head);
      if (!mime) {
        throw new HttpError(
          415,
          'unsupported-media-type',
          'the file is not a JPEG, PNG, WebP, MP4 or WebM image/video (checked by its content, not its name)',
          'file',
        );
      }
      const probe = await probeMedia(tmp, mime, tools).catch(() => null);
      const isVideo = mime === 'video/mp4' || mime === 'video/webm';
      if (isVideo && probe && probe.videoCodec !== null && !PLAYABLE_CODECS[mime].includes(probe.videoCodec)) {
        throw new HttpError(
          415,
          'unsupported-codec',
          `${mime} with ${probe.videoCodec} video cannot be played; use ${PLAYABLE_CODECS[mime].join('/')}`,
          'file',
        );
      }
      if (probe === null) throw new HttpError(400, 'unreadable-media', 'the file is damaged or truncated', 'file');
      const end = imageDataEnd(tmp, mime);
      if (end === null) throw new HttpError(400, 'unreadable-media', 'the file is damaged or truncated', 'file');
      if (end < size) {
        throw new HttpError(
          415,
          'trailing-data',
          `the image has ${size - end} bytes after its end (another file hidden in it); save it again as a plain image`,
          'file',
        );
      }
      const sha256 = hash.digest('hex');
      const final = path.join(mediaDir, sha256);
      const thumb = path.join(thumbDir, `${sha256}.jpg`);
      // Every check runs on the temporary files; only when all have passed is anything committed
      // (file renamed into place, media row and content row in one transaction), so a refused upload
      // leaves nothing behind that could be served.
      const hadThumbnail = fs.existsSync(thumb);
      const hasThumbnail = hadThumbnail || (await makeThumbnail(tmp, mime, tmpThumb, tools));
      const common = { title, sha256, size, width: probe.width, height: probe.height };
      const draft = isVideo
        ? { ...common, type: 'video' as const, mime, durationMs: probe.durationMs, audio }
        : { ...common, type: 'image' as const, mime };
      const hadFile = fs.existsSync(final);
      if (hadFile) fs.rmSync(tmp);
      else fs.renameSync(tmp, final);
      if (!hadThumbnail && hasThumbnail) fs.renameSync(tmpThumb, thumb);
      else fs.rmSync(tmpThumb, { force: true }); // a failed thumbnail may have left part of a file
      let committed: { rec: MediaRecord; item: ContentItem };
      try {
        committed = store.db.transaction(() => {
          const rec = media.put({ ...common, mime, durationMs: probe.durationMs, hasThumbnail });
          if (draft.type === 'video')
            return { rec, item: store.content.createRich({ ...draft, durationMs: rec.durationMs }, userId) };
          return { rec, item: store.content.createRich(draft, userId) };
        })();
      } catch (err) {
        // Undo the rename unless the file was already there (another item uses it).
        if (!hadFile && !media.get(sha256)) {
          fs.rmSync(final, { force: true });
          if (!hadThumbnail) fs.rmSync(thumb, { force: true });
        }
        throw err;
      }
      const { rec, item } = committed;
      // Without ffprobe the length is unknown: say so, and name the field staff can fill in.
      return isVideo && rec.durationMs === null ? { ...item, warnings: [DURATION_UNKNOWN_WARNING] } : item;
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      fs.rmSync(tmpThumb, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw err;
    }
  }

  function tooLarge() {
    return new HttpError(413, 'file-too-large', `the file is larger than ${maxBytes} bytes`, 'file');
  }

  // ── Kiosk survey answers ────────────────────────────────────────────────────────────────────
  app.get('/api/v1/surveys', async (req) => {
    const user = requireUser(req);
    const q = parse(SurveyQuerySchema, req.query, 'invalid-query');
    const scope = scopeOf(store, user);
    let deviceIds: string[] | null = scope.all
      ? null
      : store.devices
          .list()
          .filter((d) => inScope(scope, d.groupId))
          .map((d) => d.id);
    if (q.deviceId) deviceIds = deviceIds === null || deviceIds.includes(q.deviceId) ? [q.deviceId] : [];
    return surveys
      .list({
        deviceIds,
        from: q.from ? Date.parse(q.from) : null,
        to: q.to ? Date.parse(q.to) : null,
        limit: q.limit,
      })
      .map((a) => ({ ...a, answeredAt: toIso(a.answeredAt), receivedAt: toIso(a.receivedAt) }));
  });

  app.get('/api/v1/devices/:id/media', async (req) => {
    const user = requireUser(req);
    const id = parse(z.object({ id: IdSchema }), req.params).id;
    const d = store.devices.get(id);
    if (!d || !inScope(scopeOf(store, user), d.groupId)) throw notFound('device');
    const p = progress.get(id);
    return p ? { ...p, at: toIso(p.at) } : null;
  });

  // The kiosk survey's questions: one set for the deployment, pushed to every connected player.
  app.get('/api/v1/surveys/config', async (req) => {
    requireRole(req, 'admin');
    return surveyConfig.get();
  });
  app.put('/api/v1/surveys/config', async (req) => {
    requireRole(req, 'admin');
    const config = parse(SurveyConfigSchema, req.body, 'invalid-survey-config');
    surveyConfig.set(config);
    hub().io.emit('survey:config', config);
    return config;
  });

  // Remote commands for a screen player: identify overlay, reload the renderer, clear the media
  // cache, take a screenshot (the player answers with `screenshot:upload`).
  app.post('/api/v1/devices/:id/commands', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const id = parse(z.object({ id: IdSchema }), req.params).id;
    const d = store.devices.get(id);
    if (!d || !inScope(scopeOf(store, user), d.groupId)) throw notFound('device');
    const command = parse(DeviceCommandSchema, req.body);
    // The device's own socket, not a scan of every connected one (10,000 of them).
    const socket = hub().socketOf(id);
    if (!socket) throw new HttpError(409, 'device-offline', 'id: the device is not connected now', 'id');
    socket.emit('device:command', command);
    return reply.status(202).send({ delivered: 1 });
  });

  // The latest screenshot of a device, with its capture time (`x-captured-at`, controller clock).
  app.get('/api/v1/devices/:id/screenshot', async (req, reply) => {
    const user = requireRole(req, 'admin', 'editor');
    const id = parse(z.object({ id: IdSchema }), req.params).id;
    const d = store.devices.get(id);
    if (!d || !inScope(scopeOf(store, user), d.groupId)) throw notFound('device');
    const rec = screenshots.get(id);
    const file = path.join(screenshotDir, `${id}.png`);
    if (!rec || !fs.existsSync(file)) throw notFound('screenshot');
    reply
      .header('content-type', 'image/png')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      // Header values are bytes (Latin-1 at best): the name travels percent-encoded as UTF-8 (RFC 3986,
      // as in RFC 5987's ext-value), e.g. "Đèn LED" → "%C4%90%C3%A8n%20LED".
      .header('x-screenshot-output', encodeURIComponent(rec.output));
    // A capture time stored before device times were bounded (or edited): the picture without a time.
    if (storedInstant(rec.capturedAt)) {
      reply
        .header('x-captured-at', toIso(rec.capturedAt))
        .header('last-modified', new Date(rec.capturedAt).toUTCString());
    } else {
      const skipped = new SkippedRows(req.log, 'GET /devices/:id/screenshot');
      skipped.skip('captured_at', id);
      skipped.report();
    }
    return reply.send(fs.readFileSync(file));
  });

  function storeScreenshot(deviceId: string, raw: unknown) {
    const r = ScreenshotUploadSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return apiError('invalid-screenshot', issue.message, issue.path.join('.') || null);
    }
    const size = pngSize(r.data.png);
    if (!size) return apiError('unsupported-media-type', 'the screenshot is not a whole PNG image', 'png');
    const file = path.join(screenshotDir, `${deviceId}.png`);
    const tmp = `${file}.${newId()}.tmp`;
    // Renamed into place: a staff browser never reads half a file.
    fs.writeFileSync(tmp, r.data.png);
    fs.renameSync(tmp, file);
    screenshots.put({
      deviceId,
      output: r.data.output,
      ...size,
      size: r.data.png.byteLength,
      capturedAt: r.data.capturedAt,
      receivedAt: Date.now(),
    });
    return { stored: true as const, ...size };
  }

  // The players' events, one function each for every socket (`this` is the socket): no closures held
  // per connection (10,000 players).
  function onSurveysUpload(
    this: HubSocket,
    ...[raw, ack]: Parameters<PlayerToControllerEvents['surveys:upload']>
  ): void {
    if (typeof ack !== 'function') return;
    const batch = SurveyBatchSchema.safeParse(raw);
    if (!batch.success) return ack(apiError('invalid-batch', 'expected { answers: [...] } (1 to 5000)'));
    const ok: SurveyAnswer[] = [];
    const res: ProofUploadResult = { acked: [], rejected: [] };
    for (const a of batch.data.answers) {
      const r = SurveyAnswerSchema.safeParse(a);
      if (r.success) ok.push(r.data);
      else {
        const id = (a as { id?: unknown } | null)?.id;
        res.rejected.push({ id: typeof id === 'string' ? id : null, reason: r.error.issues[0]!.message });
      }
    }
    try {
      res.acked = surveys.ingest(this.data.deviceId, ok);
    } catch {
      return ack(apiError('store-failed', 'storing survey answers failed; retry later'));
    }
    ack(res);
  }
  function onScreenshotUpload(
    this: HubSocket,
    ...[raw, ack]: Parameters<PlayerToControllerEvents['screenshot:upload']>
  ): void {
    if (typeof ack !== 'function') return;
    try {
      ack(storeScreenshot(this.data.deviceId, raw));
    } catch {
      ack(apiError('store-failed', 'storing the screenshot failed; retry later'));
    }
  }
  function onMediaProgress(this: HubSocket, ...[raw]: Parameters<PlayerToControllerEvents['media:progress']>): void {
    const r = MediaProgressSchema.safeParse(raw);
    if (r.success) progress.set(this.data.deviceId, { ...r.data, at: Date.now() });
  }

  // The hub exists only once the HTTP server is ready; attach the player events when it listens.
  app.addHook('onListen', async () => {
    hub().io.on('connection', (socket) => {
      socket.on('surveys:upload', onSurveysUpload);
      socket.emit('survey:config', surveyConfig.get());
      socket.on('screenshot:upload', onScreenshotUpload);
      socket.on('media:progress', onMediaProgress);
    });
  });
}
