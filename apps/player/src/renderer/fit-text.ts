/**
 * The largest font size (px) at which `text` fits `box` without overflow, by bisection. Slogans range
 * from four words to a paragraph, on screens from a 384×192 LED wall region to a 4K kiosk.
 */
export function fitText(box: HTMLElement, text: HTMLElement, min = 8, max = 600): number {
  let lo = min;
  let hi = max;
  // The box's padding is not room for text (a percentage padding follows the width, so on a short
  // box, such as the stage above the kiosk's hint band, it takes much of the height).
  const cs = getComputedStyle(box);
  const width = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const height = box.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
  const fits = () => text.scrollWidth <= width && text.scrollHeight <= height * 0.92;
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
