/**
 * The kiosk survey as the admin edits it. The controller's `SurveyConfigSchema` wants option keys
 * (`bhyt`, `khac`) that answers refer to; staff should never have to invent those, so a draft keeps
 * the keys it was loaded with and new options get one made from their label.
 */
export interface SurveyConfigView {
  id: string;
  question: string;
  ratingLabels: string[];
  choiceQuestion: { question: string; options: { key: string; label: string }[] } | null;
}

export interface SurveyDraft {
  id: string;
  question: string;
  ratingLabels: string[];
  hasChoice: boolean;
  choiceQuestion: string;
  /** `key` is empty for options added in this edit. */
  options: { key: string; label: string }[];
}

export const RATING_MIN = 2;
export const RATING_MAX = 5;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 10;

export function toDraft(c: SurveyConfigView): SurveyDraft {
  return {
    id: c.id,
    question: c.question,
    ratingLabels: [...c.ratingLabels],
    hasChoice: c.choiceQuestion !== null,
    choiceQuestion: c.choiceQuestion?.question ?? '',
    options: c.choiceQuestion
      ? c.choiceQuestion.options.map((o) => ({ ...o }))
      : [
          { key: '', label: '' },
          { key: '', label: '' },
        ],
  };
}

/**
 * A key from a Vietnamese label: "Bảo hiểm y tế" → "bao-hiem-y-te" (lowercase ASCII, digits and
 * hyphens, at most 64, as `SurveyKey` requires). `đ` has no decomposition, so it is mapped by hand.
 */
export function slugKey(label: string): string {
  const ascii = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii.slice(0, 64).replace(/-+$/, '') || 'lua-chon';
}

/** Unique keys for every option: kept ones first, then new ones from their labels (`-2`, `-3` on a clash). */
export function optionKeys(options: readonly { key: string; label: string }[]): string[] {
  const used = new Set(options.map((o) => o.key).filter(Boolean));
  return options.map((o) => {
    if (o.key) return o.key;
    const base = slugKey(o.label);
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base.slice(0, 60)}-${n}`;
    used.add(key);
    return key;
  });
}

/** The `PUT /surveys/config` body; the controller validates it and names the field that is wrong. */
export function draftToConfig(d: SurveyDraft): SurveyConfigView {
  const nfc = (s: string) => s.normalize('NFC').trim();
  const options = d.options.map((o) => ({ key: o.key, label: nfc(o.label) }));
  const keys = optionKeys(options);
  return {
    id: d.id.trim(),
    question: nfc(d.question),
    ratingLabels: d.ratingLabels.map(nfc),
    choiceQuestion: d.hasChoice
      ? { question: nfc(d.choiceQuestion), options: options.map((o, i) => ({ key: keys[i]!, label: o.label })) }
      : null,
  };
}

/** A new survey round id from a date, e.g. `khao-sat-2026-03-05`: answers of the old questions stay apart. */
export function newSurveyId(now: Date, timeZone = 'Asia/Ho_Chi_Minh'): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
  return `khao-sat-${day}`;
}
