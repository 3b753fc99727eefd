import { bySmallestBoard, type LedBoardSpec, renderSlogan } from '@bangtin/shared';

/** The board with the fewest LEDs, where a slogan scrolls longest; null for none. */
export function smallestBoard<B extends LedBoardSpec>(boards: readonly B[]): B | null {
  return [...boards].sort(bySmallestBoard)[0] ?? null;
}

/**
 * The boards a playlist's slogan items are timed on: the boards the playlist reaches through its
 * schedules and campaigns (`GET /playlists/:id/boards`), or, while it reaches none (a new playlist, one
 * not scheduled yet, or one for screens only), `inUse`: every board in use.
 */
export function timingBoards(
  targeted: readonly LedBoardSpec[] | undefined,
  inUse: readonly LedBoardSpec[],
): { boards: readonly LedBoardSpec[]; targeted: boolean } {
  return targeted?.length ? { boards: targeted, targeted: true } : { boards: inUse, targeted: false };
}

/**
 * How long a slogan takes to show once on the smallest of `boards` (the one where it scrolls longest):
 * the sum of its frames' times, with the drivers' renderer. Null when there is no board or the
 * renderer refuses the text.
 */
export function sloganShowMs(text: string, boards: readonly LedBoardSpec[]): number | null {
  const smallest = smallestBoard(boards);
  if (!smallest || !text.trim()) return null;
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
