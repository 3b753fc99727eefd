/**
 * The largest font size (px) at which `text` fits `box` without overflow, by bisection. Slogans range
 * from four words to a paragraph, on screens from a 384×192 LED wall region to a 4K kiosk.
 */
export function fitText(box: HTMLElement, text: HTMLElement, min = 8, max = 600): number {
  let lo = min;
  let hi = max;
  const fits = () => text.scrollWidth <= box.clientWidth && text.scrollHeight <= box.clientHeight * 0.92;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    text.style.fontSize = `${mid}px`;
    if (fits()) lo = mid;
    else hi = mid;
  }
  text.style.fontSize = `${lo}px`;
  // Kept on the element: a screenshot redraws the text at exactly this size (capture.ts).
  text.dataset.fitPx = String(lo);
  return lo;
}
