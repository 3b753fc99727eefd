import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Sharp from 'sharp';
import { lazyRequire } from '../lazy';

const run = promisify(execFile);
const sharp = lazyRequire<typeof Sharp>('sharp');

export type SniffedMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'video/mp4' | 'video/webm';

/** ISO-BMFF brands that are still images (HEIF/AVIF), not MP4 video, although they start the same way. */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'mif1', 'msf1', 'avif', 'avis']);

/**
 * The file type from its first bytes (at least 64), never from its name or the client's claim: a
 * renamed `.exe` stays an `.exe`. Returns null for anything bangtin does not play.
 */
export function sniffMime(head: Uint8Array): SniffedMime | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) {
    return 'image/png';
  }
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    return IMAGE_BRANDS.has(brand) || brand === 'qt  ' ? null : 'video/mp4';
  }
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    // EBML: Matroska and WebM share it; only the DocType tells them apart.
    return ascii(0, Math.min(head.length, 64)).includes('webm') ? 'video/webm' : null;
  }
  return null;
}

export interface ProbeResult {
  width: number | null;
  height: number | null;
  durationMs: number | null;
  videoCodec: string | null;
}

/** Codecs Chromium (and so Electron) decodes without proprietary add-ons, per container. */
export const PLAYABLE_CODECS: Record<'video/mp4' | 'video/webm', readonly string[]> = {
  'video/mp4': ['h264'],
  'video/webm': ['vp8', 'vp9', 'av1'],
};

/**
 * The optional system programs the controller runs (Debian `ffmpeg` ships both). Without them images
 * still get dimensions and thumbnails (sharp, in-process); videos are accepted without a duration.
 * Each is looked up once per process: `which` answers false when the program is missing or broken.
 */
export const OPTIONAL_TOOLS = ['ffprobe', 'ffmpeg'] as const;
export type OptionalTool = (typeof OPTIONAL_TOOLS)[number];

export interface MediaTools {
  has(tool: OptionalTool): Promise<boolean>;
}

/** Looks programs up on PATH (`env.PATH` by default), once each. */
export function systemTools(env: NodeJS.ProcessEnv = process.env): MediaTools {
  const known = new Map<OptionalTool, Promise<boolean>>();
  return {
    has(tool) {
      let p = known.get(tool);
      if (!p) {
        p = run(tool, ['-version'], { timeout: 5000, env })
          .then(() => true)
          .catch(() => false);
        known.set(tool, p);
      }
      return p;
    },
  };
}

/** The tools missing on this machine, for the start-up log. */
export async function missingTools(tools: MediaTools): Promise<OptionalTool[]> {
  const missing: OptionalTool[] = [];
  for (const t of OPTIONAL_TOOLS) if (!(await tools.has(t))) missing.push(t);
  return missing;
}

const defaultTools = systemTools();

function isImage(mime: SniffedMime): boolean {
  return mime.startsWith('image/');
}

/**
 * Dimensions of an image, decoded in-process with sharp (which also refuses a damaged file); for a
 * video, dimensions, duration and codec from ffprobe, or all null when ffprobe is not installed.
 * Throws when the file cannot be read.
 */
export async function probeMedia(
  file: string,
  mime: SniffedMime,
  tools: MediaTools = defaultTools,
): Promise<ProbeResult> {
  if (isImage(mime)) {
    // A full decode, not just the header: a truncated upload is refused rather than shown half grey.
    const { info } = await sharp()(file, { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, durationMs: null, videoCodec: null };
  }
  if (!(await tools.has('ffprobe'))) return { width: null, height: null, durationMs: null, videoCodec: null };
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file],
    { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 },
  );
  const info = JSON.parse(stdout) as {
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string }[];
    format?: { duration?: string };
  };
  const video = info.streams?.find((s) => s.codec_type === 'video');
  const seconds = Number(info.format?.duration ?? video?.duration ?? NaN);
  return {
    width: video?.width ?? null,
    height: video?.height ?? null,
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null,
    videoCodec: video?.codec_name ?? null,
  };
}

/**
 * A 320 px wide JPEG: of the image itself (sharp), or of a video's first frame (ffmpeg). False when
 * that is not possible (no ffmpeg, or a file it cannot decode).
 */
export async function makeThumbnail(
  file: string,
  mime: SniffedMime,
  out: string,
  tools: MediaTools = defaultTools,
): Promise<boolean> {
  try {
    if (isImage(mime)) {
      await sharp()(file).resize({ width: 320, withoutEnlargement: true }).jpeg({ quality: 80 }).toFile(out);
      return true;
    }
    if (!(await tools.has('ffmpeg'))) return false;
    await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-vf', 'scale=320:-2', '-frames:v', '1', out], {
      timeout: 30_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** Shown to staff when a video was stored without its length (the controller has no ffprobe). */
export const DURATION_UNKNOWN_WARNING = {
  code: 'duration-unknown',
  field: 'durationMs',
  message: 'chưa đọc được thời lượng – cài ffmpeg',
} as const;
