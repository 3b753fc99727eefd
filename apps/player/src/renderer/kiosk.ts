import type { KioskConfig, PlayerBridge, RenderItem } from './bridge-protocol';
import { pageSrcdoc } from './page-frame';
import type { Stage } from './stage';

type PageItem = Extract<RenderItem, { type: 'page' }>;
export type KioskState = 'loop' | 'menu' | 'page' | 'survey' | 'thanks';

function button(label: string, onClick: () => void, opts: { secondary?: boolean; testId?: string } = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (opts.secondary) b.className = 'secondary';
  if (opts.testId) b.dataset.testid = opts.testId;
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

/** Vietnamese first; the English line under it is smaller and optional (`lang="en"` for screen readers). */
function bilingual(className: string, vi: string, en: string) {
  const box = document.createElement('div');
  box.className = className;
  const main = document.createElement('span');
  main.className = 'vi';
  main.textContent = vi;
  const second = document.createElement('span');
  second.className = 'en';
  second.lang = 'en';
  second.textContent = en;
  box.append(main, second);
  return box;
}

function heading(tag: 'h1' | 'h2', text: string) {
  const h = document.createElement(tag);
  h.textContent = text;
  return h;
}

/**
 * Kiosk mode: the attract loop (the device's schedule) until someone touches the screen; then a menu
 * of information pages, each shown in a sandboxed frame, and a short satisfaction survey. With no
 * touch for `idleMs` it goes back to the loop.
 */
export class Kiosk {
  private state: KioskState = 'loop';
  private pages: PageItem[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private rating: number | null = null;
  private openedAt = -Infinity;

  constructor(
    private readonly root: HTMLElement,
    private readonly stage: Stage,
    private readonly bridge: PlayerBridge,
    private config: KioskConfig,
    private mediaBase: string,
  ) {
    // The loop leaves a band at the bottom for the touch hint, so it never covers a slogan (a hotline).
    document.body.classList.add('has-kiosk');
    stage.refit(); // at once: a slogan already on screen must not overflow until the next frame
    document.addEventListener('pointerdown', () => this.touched(), { capture: true });
    // The touch that wakes the kiosk must not also press the menu button that appears under the finger.
    document.addEventListener(
      'click',
      (e) => {
        if (performance.now() - this.openedAt < 500) {
          e.stopPropagation();
          e.preventDefault();
        }
      },
      { capture: true },
    );
    this.render();
  }

  update(config: KioskConfig, mediaBase: string): void {
    this.config = config;
    this.mediaBase = mediaBase;
  }

  setPages(pages: RenderItem[]): void {
    this.pages = pages.filter((p): p is PageItem => p.type === 'page');
    if (this.state === 'menu') this.render();
  }

  private touched(): void {
    this.armIdle();
    if (this.state === 'loop') {
      this.openedAt = performance.now();
      this.stage.suspend();
      this.go('menu');
    }
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.go('loop'), this.config.idleMs);
  }

  private go(state: KioskState, page?: PageItem): void {
    const wasLoop = this.state === 'loop';
    this.state = state;
    document.body.dataset.kiosk = state;
    this.bridge.send({ type: 'kiosk', state });
    if (state === 'loop') {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      this.rating = null;
      document.body.classList.remove('kiosk-open');
      this.render();
      if (!wasLoop) this.stage.resume();
      return;
    }
    document.body.classList.add('kiosk-open');
    this.render(page);
  }

  private render(page?: PageItem): void {
    const root = this.root;
    root.hidden = false;
    root.className = this.state;
    root.replaceChildren();
    if (this.state === 'loop') {
      root.append(bilingual('hint', 'Chạm vào màn hình để xem thông tin', 'Touch for information'));
      return;
    }
    const panel = document.createElement('section');
    panel.className = 'panel';
    root.append(panel);
    if (this.state === 'menu') {
      panel.append(heading('h1', 'Thông tin bảo hiểm xã hội'), heading('h2', 'Chọn nội dung cần xem'));
      const grid = document.createElement('div');
      grid.className = 'buttons';
      for (const p of this.pages) grid.append(button(p.title, () => this.go('page', p), { testId: `page-${p.id}` }));
      grid.append(
        button('Đánh giá mức độ hài lòng', () => this.go('survey'), { testId: 'open-survey' }),
        button('Quay lại', () => this.go('loop'), { secondary: true, testId: 'back-to-loop' }),
      );
      panel.append(grid);
    } else if (this.state === 'page' && page) {
      const bar = document.createElement('div');
      bar.className = 'toolbar';
      bar.append(
        button('‹ Quay lại', () => this.go('menu'), { secondary: true, testId: 'back-to-menu' }),
        heading('h1', page.title),
        button('Đánh giá', () => this.go('survey'), { testId: 'open-survey' }),
      );
      const frame = document.createElement('iframe');
      frame.className = 'page-frame';
      frame.setAttribute('sandbox', ''); // content never runs script, even if the sanitiser missed one
      frame.referrerPolicy = 'no-referrer';
      frame.dataset.pageId = page.id;
      frame.srcdoc = pageSrcdoc(page.html, this.mediaBase);
      panel.append(bar, frame);
    } else if (this.state === 'survey') {
      this.renderSurvey(panel);
    } else if (this.state === 'thanks') {
      const en = heading('h2', 'Thank you for your feedback.');
      en.lang = 'en';
      en.className = 'en';
      panel.append(heading('h1', 'Cảm ơn ông/bà đã góp ý!'), en);
      setTimeout(() => this.state === 'thanks' && this.go('loop'), 3000);
    }
  }

  private renderSurvey(panel: HTMLElement): void {
    const s = this.config.survey;
    if (this.rating === null) {
      panel.append(heading('h1', s.question));
      const grid = document.createElement('div');
      grid.className = 'buttons rating';
      // The scale and its labels come from the controller (`survey:config`), worst first. The CSS lays
      // them out in one row on a landscape screen and one column in portrait (style.css).
      grid.style.setProperty('--count', String(s.ratingLabels.length));
      s.ratingLabels.forEach((label, i) =>
        grid.append(
          button(
            `${i + 1} · ${label}`,
            () => {
              this.rating = i + 1;
              if (s.choiceQuestion) this.render();
              else this.submit(null);
            },
            { testId: `rating-${i + 1}` },
          ),
        ),
      );
      panel.append(
        grid,
        button('Quay lại', () => this.go('menu'), { secondary: true }),
      );
      return;
    }
    const q = s.choiceQuestion!;
    panel.append(heading('h1', q.question));
    const grid = document.createElement('div');
    grid.className = 'buttons';
    for (const o of q.options) grid.append(button(o.label, () => this.submit(o.key), { testId: `choice-${o.key}` }));
    grid.append(button('Bỏ qua', () => this.submit(null), { secondary: true, testId: 'choice-skip' }));
    panel.append(grid);
  }

  private submit(choice: string | null): void {
    if (this.rating === null) return;
    this.bridge.send({
      type: 'survey',
      answer: { surveyId: this.config.survey.id, rating: this.rating, choice, at: Date.now() },
    });
    this.rating = null;
    this.go('thanks');
  }
}
