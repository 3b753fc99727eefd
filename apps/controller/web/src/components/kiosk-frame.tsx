import { useEffect, useRef, useState } from 'react';

/**
 * The kiosk's page frame is about 1600×760 CSS px on a 1920×1080 screen, and the kiosk stylesheet sizes
 * text in `vh`: previews lay the page out at that size and scale it down, so line breaks and
 * proportions match the lobby screen instead of shrinking the text to nothing.
 */
export const KIOSK_FRAME = { width: 1600, height: 760 };

/** A kiosk page in a script-free sandboxed frame, scaled to the width of its container. */
export function KioskFrame({
  title,
  srcdoc,
  className,
  testId,
}: {
  title: string;
  srcdoc: string;
  className: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(0.3);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setScale(el.clientWidth / KIOSK_FRAME.width || 0.3));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return (
    <div ref={box} className={className} style={{ height: KIOSK_FRAME.height * scale }}>
      <iframe
        sandbox=""
        title={title}
        srcDoc={srcdoc}
        data-testid={testId}
        style={{ ...KIOSK_FRAME, transform: `scale(${scale})` }}
      />
    </div>
  );
}
