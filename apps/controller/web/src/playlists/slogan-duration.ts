import { type LedBoardSpec, renderSlogan } from '@bangtin/shared';

/**
 * How long a slogan takes to show once on the smallest of `boards` (the one where it scrolls longest):
 * the sum of its frames' times, with the drivers' renderer. Null when there is no board or the
 * renderer refuses the text.
 */
export function sloganShowMs(text: string, boards: readonly LedBoardSpec[]): number | null {
  if (boards.length === 0 || !text.trim()) return null;
  const smallest = [...boards].sort((a, b) => a.width * a.height - b.width * b.height)[0]!;
  try {
    return renderSlogan(text, smallest).frames.reduce((ms, f) => ms + f.durationMs, 0);
  } catch {
    return null;
  }
}

/** The default length of a playlist item for that slogan: its show time in whole seconds, at least 1 s. */
export function defaultSeconds(showMs: number | null, fallback = 10): number {
  return showMs === null ? fallback : Math.max(1, Math.ceil(showMs / 1000));
}
