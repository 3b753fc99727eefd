import type { LedBoardSpec } from '@bangtin/shared';

/** The board sizes district offices have; the preview shows a slogan on each of them. */
export const PREVIEW_BOARDS: readonly (LedBoardSpec & { id: string })[] = [
  { id: '96x16', width: 96, height: 16, colour: 'mono' },
  { id: '128x32', width: 128, height: 32, colour: 'mono' },
  { id: '64x32', width: 64, height: 32, colour: 'mono' },
];
