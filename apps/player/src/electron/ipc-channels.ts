/** IPC channel names shared by main and preload (kept here so neither spells them on its own). */
export const TO_RENDERER = 'bangtin:to-renderer';
export const FROM_RENDERER = 'bangtin:from-renderer';
