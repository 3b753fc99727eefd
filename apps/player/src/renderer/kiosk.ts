import type { KioskConfig, PlayerBridge, RenderItem } from './bridge-protocol';
import { pageSrcdoc } from './page-frame';
import type { Stage } from './stage';

type PageItem = Extract<RenderItem, { type: 'page' }>;
export type KioskState = 'loop' | 'menu' | 'page' | 'survey' | 'thanks';

/**
 * The kiosk's own words in Vietnamese, with the English line that goes under them when the player runs
 * with `--kiosk-english` (null: none). Texts from the controller (pages, survey) are shown as written.
 */
interface Words {
  vi: string;
  en: string | null;
}

/** The English line: smaller, always under the Vietnamese, `lang="en"` for screen readers. */
function englishLine(tag: 'span' | 'p', text: string) {
  const line = document.createElement(tag);
  line.className = 'en';
  line.lang = 'en';
  line.textContent = text;
  return line;
}

function withEnglish<E extends HTMLElement>(el: E, w: Words): E {
  const main = document.createElement('span');
  main.className = 'vi';
  main.textContent = w.vi;
  el.append(main);
  if (w.en !== null) el.append(englishLine('span', w.en));
  return el;
}

function button(label: Words, onClick: () => void, opts: { secondary?: boolean; testId?: string } = {}) {
  const b = withEnglish(document.createElement('button'), label);
  b.type = 'button';
  if (opts.secondary) b.className = 'secondary';
  if (opts.testId) b.dataset.testid = opts.testId;
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

/** A heading; its English, when on, is a line of its own right under it (not part of the heading). */
function heading(tag: 'h1' | 'h2', w: Words): HTMLElement[] {
  const h = document.createElement(tag);
  h.textContent = w.vi;
  return w.en === null ? [h] : [h, englishLine('p', w.en)];
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

  /** Vietnamese, and the English under it when this kiosk shows English. */
  private words(vi: string, en: string): Words {
    return { vi, en: this.config.english ? en : null };
  }

  /** A text from the controller (a page title, the survey): Vietnamese only, as written. */
  private static asIs(vi: string): Words {
    return { vi, en: null };
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
      const hint = withEnglish(
        document.createElement('div'),
        this.words('Chạm vào màn hình để xem thông tin', 'Touch the screen for information'),
      );
      hint.className = 'hint';
      root.append(hint);
      return;
    }
    const panel = document.createElement('section');
    panel.className = 'panel';
    root.append(panel);
    if (this.state === 'menu') {
      panel.append(
        ...heading('h1', this.words('Thông tin bảo hiểm xã hội', 'Social insurance information')),
        ...heading('h2', this.words('Chọn nội dung cần xem', 'Choose what to read')),
      );
      const grid = document.createElement('div');
      grid.className = 'buttons';
      for (const p of this.pages)
        grid.append(button(Kiosk.asIs(p.title), () => this.go('page', p), { testId: `page-${p.id}` }));
      grid.append(
        button(this.words('Đánh giá mức độ hài lòng', 'Rate our service'), () => this.go('survey'), {
          testId: 'open-survey',
        }),
        button(this.words('Quay lại', 'Back'), () => this.go('loop'), { secondary: true, testId: 'back-to-loop' }),
      );
      panel.append(grid);
    } else if (this.state === 'page' && page) {
      const bar = document.createElement('div');
      bar.className = 'toolbar';
      bar.append(
        button(this.words('‹ Quay lại', 'Back'), () => this.go('menu'), { secondary: true, testId: 'back-to-menu' }),
        ...heading('h1', Kiosk.asIs(page.title)),
        button(this.words('Đánh giá', 'Rate'), () => this.go('survey'), { testId: 'open-survey' }),
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
      panel.append(...heading('h1', this.words('Cảm ơn ông/bà đã góp ý!', 'Thank you for your feedback.')));
      setTimeout(() => this.state === 'thanks' && this.go('loop'), 3000);
    }
  }

  private renderSurvey(panel: HTMLElement): void {
    const s = this.config.survey;
    if (this.rating === null) {
      panel.append(...heading('h1', Kiosk.asIs(s.question)));
      const grid = document.createElement('div');
      grid.className = 'buttons rating';
      // The scale and its labels come from the controller (`survey:config`), worst first. The CSS lays
      // them out in one row on a landscape screen and one column in portrait (style.css).
      grid.style.setProperty('--count', String(s.ratingLabels.length));
      s.ratingLabels.forEach((label, i) =>
        grid.append(
          button(
            Kiosk.asIs(`${i + 1} · ${label}`),
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
        button(this.words('Quay lại', 'Back'), () => this.go('menu'), { secondary: true }),
      );
      return;
    }
    const q = s.choiceQuestion!;
    panel.append(...heading('h1', Kiosk.asIs(q.question)));
    const grid = document.createElement('div');
    grid.className = 'buttons';
    for (const o of q.options)
      grid.append(button(Kiosk.asIs(o.label), () => this.submit(o.key), { testId: `choice-${o.key}` }));
    grid.append(
      button(this.words('Bỏ qua', 'Skip'), () => this.submit(null), { secondary: true, testId: 'choice-skip' }),
    );
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
