/** LED text rendering: Vietnamese slogans to board pixels, identical in the admin preview and the drivers. */
export { bySmallestBoard, renderSlogan, MIN_VIETNAMESE_ROWS } from './render';
export type {
  LedBoardSpec,
  LedColourMode,
  RenderOptions,
  RenderMode,
  RenderResult,
  LayoutMode,
  LedAlign,
  Frame,
  FitReport,
} from './render';
export type { RenderWarning, RenderWarningCode } from './fit-messages';
export { LED_FONTS, type LedFontInfo } from './fonts';
export { toTextArt, fromTextArt, bitmapsEqual } from './text-art';
export * from './bitmap';
