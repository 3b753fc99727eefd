import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { ApiError, kioskApi } from '../api/client';
import { kioskKeys, useSurveyAnswers, useSurveyConfig } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { useUser } from '../session';
import { surveyCounts } from '../reports/rollups';
import {
  draftToConfig,
  newSurveyId,
  OPTIONS_MAX,
  OPTIONS_MIN,
  RATING_MAX,
  RATING_MIN,
  toDraft,
  type SurveyConfigView,
  type SurveyDraft,
} from '../content/survey-draft';
import '../content/kiosk-editors.css';

/**
 * Kiosk touchscreens: the satisfaction survey's questions (one set for the deployment, pushed to
 * every kiosk when saved; administrators only, as the controller enforces) and what kiosks answered.
 */
export default function KioskScreen() {
  const { t } = useI18n();
  const user = useUser();
  const admin = user.role === 'admin';
  const config = useSurveyConfig(admin);
  return (
    <section aria-labelledby="kiosk-title">
      <h1 id="kiosk-title">{t('kiosk.title')}</h1>
      <p className="hint">{t('kiosk.intro')}</p>
      {admin ? (
        config.error ? (
          <p className="error">{errorText(t, config.error)}</p>
        ) : config.data ? (
          <SurveyEditor initial={config.data} />
        ) : (
          <p className="loading">{t('common.loading')}</p>
        )
      ) : (
        <p className="hint">{t('kiosk.adminOnly')}</p>
      )}
      <SurveyAnswers current={config.data ?? null} />
    </section>
  );
}

/** Exactly this field (not its sub-paths): a list-level error such as "at most 5 items". */
const exactly = (err: unknown, name: string) => err instanceof ApiError && err.field === name;

function SurveyEditor({ initial }: { initial: SurveyConfigView }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<SurveyDraft>(() => toDraft(initial));
  const [notice, setNotice] = useState<string | null>(null);
  const [idBefore, setIdBefore] = useState(initial.id);

  const save = useMutation({
    mutationFn: () => kioskApi.saveSurveyConfig(draftToConfig(draft)),
    onMutate: () => setNotice(null),
    onSuccess: (saved) => {
      setDraft(toDraft(saved)); // new options now carry the keys the controller stored
      setIdBefore(saved.id);
      setNotice(t('survey.saved'));
      qc.setQueryData(kioskKeys.surveyConfig, saved);
    },
  });

  const set = (patch: Partial<SurveyDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const err = save.error;
  const listError = (name: string) => (exactly(err, name) ? errorText(t, err) : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <div className="editor-layout">
      <form className="card" onSubmit={submit} aria-labelledby="survey-editor-title">
        <h2 id="survey-editor-title">{t('survey.edit')}</h2>
        <div className="row">
          <Field label={t('survey.id')} error={fieldError(t, err, 'id')} hint={t('survey.idHint')}>
            <input value={draft.id} maxLength={64} onChange={(e) => set({ id: e.target.value })} />
          </Field>
          <button type="button" onClick={() => set({ id: newSurveyId(new Date()) })}>
            {t('survey.newRound')}
          </button>
        </div>
        {draft.id.trim() !== idBefore ? null : <p className="hint">{t('survey.sameRound')}</p>}
        <Field label={t('survey.question')} error={fieldError(t, err, 'question')}>
          <textarea rows={2} value={draft.question} onChange={(e) => set({ question: e.target.value })} />
        </Field>

        <fieldset>
          <legend>{t('survey.ratings')}</legend>
          <p className="hint">{t('survey.ratingsHint')}</p>
          {draft.ratingLabels.map((label, i) => (
            <div className="list-row" key={i}>
              <Field
                label={t(i === 0 ? 'survey.ratingWorst' : 'survey.rating', { n: i + 1 })}
                error={fieldError(t, err, `ratingLabels.${i}`)}
              >
                <input
                  value={label}
                  maxLength={60}
                  onChange={(e) =>
                    set({ ratingLabels: draft.ratingLabels.map((l, j) => (j === i ? e.target.value : l)) })
                  }
                />
              </Field>
              <button
                type="button"
                disabled={draft.ratingLabels.length <= RATING_MIN}
                aria-label={t('survey.ratingRemove', { n: i + 1 })}
                onClick={() => set({ ratingLabels: draft.ratingLabels.filter((_, j) => j !== i) })}
              >
                {t('common.remove')}
              </button>
            </div>
          ))}
          {listError('ratingLabels') ? (
            <div className="error" role="alert">
              {listError('ratingLabels')}
            </div>
          ) : null}
          <button
            type="button"
            disabled={draft.ratingLabels.length >= RATING_MAX}
            onClick={() => set({ ratingLabels: [...draft.ratingLabels, ''] })}
          >
            {t('survey.ratingAdd')}
          </button>
        </fieldset>

        <div className="field inline">
          <input
            id="survey-has-choice"
            type="checkbox"
            checked={draft.hasChoice}
            onChange={(e) => set({ hasChoice: e.target.checked })}
          />
          <label htmlFor="survey-has-choice">{t('survey.hasChoice')}</label>
        </div>
        {draft.hasChoice ? (
          <fieldset>
            <legend>{t('survey.choice')}</legend>
            <Field label={t('survey.choiceQuestion')} error={fieldError(t, err, 'choiceQuestion.question')}>
              <textarea
                rows={2}
                value={draft.choiceQuestion}
                onChange={(e) => set({ choiceQuestion: e.target.value })}
              />
            </Field>
            {draft.options.map((o, i) => (
              <div className="list-row" key={i}>
                <Field
                  label={t('survey.option', { n: i + 1 })}
                  error={fieldError(t, err, `choiceQuestion.options.${i}`)}
                >
                  <input
                    value={o.label}
                    maxLength={100}
                    onChange={(e) =>
                      set({ options: draft.options.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })
                    }
                  />
                </Field>
                <button
                  type="button"
                  disabled={draft.options.length <= OPTIONS_MIN}
                  aria-label={t('survey.optionRemove', { n: i + 1 })}
                  onClick={() => set({ options: draft.options.filter((_, j) => j !== i) })}
                >
                  {t('common.remove')}
                </button>
              </div>
            ))}
            {listError('choiceQuestion.options') ? (
              <div className="error" role="alert">
                {listError('choiceQuestion.options')}
              </div>
            ) : null}
            <button
              type="button"
              disabled={draft.options.length >= OPTIONS_MAX}
              onClick={() => set({ options: [...draft.options, { key: '', label: '' }] })}
            >
              {t('survey.optionAdd')}
            </button>
          </fieldset>
        ) : null}

        <FormError message={formError(t, err, ['id', 'question', 'ratingLabels', 'choiceQuestion'])} />
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('survey.save')}
        </button>
        <Notice message={notice} />
      </form>
      <SurveyPreview draft={draft} />
    </div>
  );
}

/** The survey roughly as the kiosk shows it: the question with one big button per rating, then the choice. */
function SurveyPreview({ draft }: { draft: SurveyDraft }) {
  const { t } = useI18n();
  return (
    <div className="card" aria-labelledby="survey-preview-title">
      <h2 id="survey-preview-title">{t('survey.preview')}</h2>
      <div className="survey-preview" data-testid="survey-preview">
        <div className="q">{draft.question.trim() || t('survey.previewEmpty')}</div>
        <div className="choices">
          {draft.ratingLabels.map((l, i) => (
            <span key={i}>{l.trim() || '…'}</span>
          ))}
        </div>
      </div>
      {draft.hasChoice ? (
        <div className="survey-preview">
          <div className="q">{draft.choiceQuestion.trim() || t('survey.previewEmpty')}</div>
          <div className="choices">
            {draft.options.map((o, i) => (
              <span key={i}>{o.label.trim() || '…'}</span>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** What kiosks answered, per survey round; the current round's ratings and choices by their labels. */
function SurveyAnswers({ current }: { current: SurveyConfigView | null }) {
  const { t, number } = useI18n();
  const answers = useSurveyAnswers();
  const rounds = useMemo(() => surveyCounts(answers.data ?? []), [answers.data]);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (shown === null && rounds.length) setShown(rounds.find((r) => r.surveyId === current?.id)?.surveyId ?? null);
  }, [rounds, current, shown]);
  const optionLabel = (key: string) => current?.choiceQuestion?.options.find((o) => o.key === key)?.label ?? key;
  return (
    <div className="card" aria-labelledby="survey-answers-title">
      <h2 id="survey-answers-title">{t('survey.answers')}</h2>
      {answers.error ? <p className="error">{errorText(t, answers.error)}</p> : null}
      {answers.data && rounds.length === 0 ? <p>{t('survey.empty')}</p> : null}
      {rounds.map((s) => {
        const isCurrent = s.surveyId === current?.id;
        const labels = isCurrent ? current!.ratingLabels : null;
        return (
          <details key={s.surveyId} open={shown === s.surveyId || rounds.length === 1}>
            <summary>
              {t('survey.one', { id: s.surveyId, n: s.total, avg: number(s.average, 2) })}
              {isCurrent ? ` ${t('survey.currentRound')}` : ''}
            </summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('survey.col.answer')}</th>
                  <th scope="col">{t('survey.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                {s.ratings.map((n, i) =>
                  labels && i >= labels.length ? null : (
                    <tr key={`r${i}`}>
                      <td>{labels ? `${i + 1}. ${labels[i]}` : '★'.repeat(i + 1)}</td>
                      <td>{number(n)}</td>
                    </tr>
                  ),
                )}
                {s.choices.map(([key, n]) => (
                  <tr key={`c${key}`}>
                    <td>{isCurrent ? optionLabel(key) : key}</td>
                    <td>{number(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        );
      })}
    </div>
  );
}
