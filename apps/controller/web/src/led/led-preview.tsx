import { useEffect, useMemo, useRef, useState } from 'react';
import { LED_FONTS, renderSlogan, type LedBoardSpec, type RenderResult } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { drawBitmap, ledPitch, litCount } from './draw';

/** Renders with the drivers' own code; a slogan the renderer refuses (too long…) shows why instead. */
function tryRender(text: string, board: LedBoardSpec): { result: RenderResult | null; error: string | null } {
  if (!text.trim()) return { result: null, error: null };
  try {
    return { result: renderSlogan(text, board), error: null };
  } catch (e) {
    return { result: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** How many LED rows one letter takes: what "phông unifont-8x16×1" means to someone at the board. */
function letterHeight(fontId: string, scale: number, boardHeight: number): number {
  const font = LED_FONTS.find((f) => f.id === fontId);
  return font ? font.height * scale : boardHeight;
}

export function LedPreview({
  text,
  board,
  maxWidthPx = 560,
}: {
  text: string;
  board: LedBoardSpec;
  maxWidthPx?: number;
}) {
  const { t, locale } = useI18n();
  const { result, error } = useMemo(() => tryRender(text, board), [text, board]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(true);
  const pitch = ledPitch(board.width, maxWidthPx);
  const size = `${board.width}×${board.height}`;

  useEffect(() => setFrame(0), [result]);

  // Walk the frames with their own durations: the preview scrolls and pages as the board will.
  useEffect(() => {
    if (!result || !playing || result.frames.length < 2) return;
    const f = result.frames[frame % result.frames.length]!;
    const id = setTimeout(() => setFrame((n) => (n + 1) % result.frames.length), f.durationMs);
    return () => clearTimeout(id);
  }, [result, frame, playing]);

  const current = result?.frames[frame % result.frames.length];
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    if (current) drawBitmap(ctx, current.bitmap, pitch);
    else {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, board.width * pitch, board.height * pitch);
    }
  }, [current, pitch, board]);

  const fit = result?.fit;
  return (
    <figure className="led-preview" data-board={size}>
      <figcaption>{t('content.previewOn', { size })}</figcaption>
      <canvas
        ref={canvas}
        width={board.width * pitch}
        height={board.height * pitch}
        role="img"
        aria-label={`${t('content.previewOn', { size })}: ${text}`}
        data-lit={current ? litCount(current.bitmap) : 0}
        data-frames={result?.frames.length ?? 0}
      />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {fit ? (
        <div className="fit">
          <p>{t('content.fit', { message: locale === 'vi' ? fit.message : fit.messageEn })}</p>
          <p
            className="hint"
            title={t('content.fitDetailTerm', { font: fit.fontId, scale: fit.scale, frames: result.frames.length })}
          >
            {t('content.fitDetail', {
              mode: t(`content.mode.${fit.mode}`),
              height: letterHeight(fit.fontId, fit.scale, board.height),
              lines: fit.lines,
            })}
          </p>
          {fit.warnings.length ? (
            <ul className="warnings">
              {fit.warnings.map((w, i) => (
                <li key={`${w.code}-${i}`}>⚠ {locale === 'vi' ? w.message : w.messageEn}</li>
              ))}
            </ul>
          ) : null}
          {result.frames.length > 1 ? (
            <button type="button" className="small" onClick={() => setPlaying((p) => !p)}>
              {playing ? t('content.pause') : t('content.play')}
            </button>
          ) : null}
        </div>
      ) : null}
    </figure>
  );
}
