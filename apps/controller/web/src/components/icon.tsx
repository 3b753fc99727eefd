/**
 * Transport icons as inline SVG. The Unicode symbols (⏮ ⏸ ▶ ⏭) need a symbol font that office PCs
 * and Debian's Chromium often lack, and then show as empty boxes. Decorative: the button says it.
 */
const PATHS = {
  prev: 'M3 3h2v10H3zM14 3v10L6 8z',
  play: 'M4 2.5v11L13.5 8z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
  next: 'M11 3h2v10h-2zM2 3v10l8-5z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false" data-icon={name}>
      <path d={PATHS[name]} />
    </svg>
  );
}
