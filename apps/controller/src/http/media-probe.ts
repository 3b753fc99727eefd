import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

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

let ffprobeAvailable: boolean | null = null;

async function hasTool(tool: string): Promise<boolean> {
  try {
    await run(tool, ['-version'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Dimensions and duration from ffprobe (Debian `ffmpeg`); all null when ffprobe is not installed. */
export async function probeMedia(file: string): Promise<ProbeResult> {
  ffprobeAvailable ??= await hasTool('ffprobe');
  if (!ffprobeAvailable) return { width: null, height: null, durationMs: null, videoCodec: null };
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

let ffmpegAvailable: boolean | null = null;

/** A 320 px wide JPEG of the first frame; false when ffmpeg is missing or cannot decode the file. */
export async function makeThumbnail(file: string, out: string): Promise<boolean> {
  ffmpegAvailable ??= await hasTool('ffmpeg');
  if (!ffmpegAvailable) return false;
  try {
    await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-vf', 'scale=320:-2', '-frames:v', '1', out], {
      timeout: 30_000,
    });
    return true;
  } catch {
    return false;
  }
}
