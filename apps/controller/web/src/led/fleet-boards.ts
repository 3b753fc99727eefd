import { useQuery } from '@tanstack/react-query';
import type { LedBoardSpec, LedColourMode } from '@bangtin/shared';
import { request } from '../api/client';
import { PREVIEW_BOARDS } from './boards';

/** One board size in use in the caller's scope (`GET /boards`), most boards first. */
export interface BoardSizeView {
  size: string;
  width: number;
  height: number;
  colour: LedColourMode;
  boards: number;
  devices: number;
  districts: string[];
}

/** One board size a playlist reaches (`GET /playlists/:id/boards`), smallest first. */
export interface PlaylistBoardView {
  size: string;
  width: number;
  height: number;
}

/** The boards a saved playlist reaches through its schedules and campaigns; idle for a new one (null). */
export const usePlaylistBoards = (playlistId: string | null) =>
  useQuery({
    queryKey: ['playlists', playlistId, 'boards'],
    queryFn: () => request<PlaylistBoardView[]>('GET', `/playlists/${playlistId}/boards`),
    enabled: playlistId !== null,
  });

/** A board to preview on: a size in use (`fleet` set) or one of the common sizes. */
export type PreviewBoard = LedBoardSpec & { id: string; size: string; fleet: BoardSizeView | null };

export const boardSizesKey = ['boards'] as const;

/** Not cached across visits: a board configured a moment ago must show in the next preview. */
export const useBoardSizes = () =>
  useQuery({ queryKey: boardSizesKey, queryFn: () => request<BoardSizeView[]>('GET', '/boards') });

const fromFleet = (s: BoardSizeView): PreviewBoard => ({
  id: `${s.size}-${s.colour}`,
  size: s.size,
  width: s.width,
  height: s.height,
  colour: s.colour,
  fleet: s,
});

const COMMON: readonly PreviewBoard[] = PREVIEW_BOARDS.map((b) => ({ ...b, size: b.id, fleet: null }));

/** The sizes in use, or the common sizes while the fleet has no board yet (or the list is loading). */
export function previewBoards(sizes: readonly BoardSizeView[] | undefined): readonly PreviewBoard[] {
  return sizes?.length ? sizes.map(fromFleet) : COMMON;
}

/** The sizes in use first, then the common sizes no board in use has: what a size picker offers. */
export function pickerBoards(sizes: readonly BoardSizeView[] | undefined): readonly PreviewBoard[] {
  const fleet = (sizes ?? []).map(fromFleet);
  const used = new Set(fleet.map((b) => b.size));
  return [...fleet, ...COMMON.filter((b) => !used.has(b.size))];
}
