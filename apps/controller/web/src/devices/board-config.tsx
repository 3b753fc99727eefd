import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BX_CARD_MODELS, LED_PROTOCOLS, type LedBoardSpec } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { request, type OutputView } from '../api/client';
import { keys } from '../api/queries';
import { fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { LedPreview } from '../led/led-preview';
import { PREVIEW_BOARDS } from '../led/boards';
import { boardSizesKey, useBoardSizes } from '../led/fleet-boards';
import { outputLabel } from './output-label';
import { BAUD_RATES, boardSpec, type BoardDraft, fromConfig, keptKeys, newBoard, toConfig } from './board-config-model';

/** `GET/PUT /devices/:id/outputs`: boards as configured (any fields the controller keeps) and their status. */
interface OutputsAnswer {
  config: Record<string, unknown>[];
}

const COLOURS = ['mono', 'tri', 'rgb'] as const;
const FIELDS = ['name', 'protocol', 'port', 'baud', 'size', 'address', 'colour'] as const;

/**
 * The LED boards wired to a device: list, add, edit, remove, and save them all at once (the API takes
 * the whole list). Fields this form does not know (added to the schema later) ride along unchanged.
 */
export function BoardConfig({ deviceId, reported }: { deviceId: string; reported?: readonly OutputView[] }) {
  const { t } = useI18n();
  // Boards set up on the player itself (its --output flags or config file) are not in this list, but
  // the player reports them: saying "no board" beside a board listed as working would contradict it.
  const reportedBoards = (reported ?? []).filter((o) => o.kind === 'led');
  const qc = useQueryClient();
  const outputs = useQuery({
    queryKey: ['device-outputs', deviceId],
    queryFn: () => request<OutputsAnswer>('GET', `/devices/${deviceId}/outputs`),
  });
  const [boards, setBoards] = useState<BoardDraft[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  // Loaded once per device; a background refetch must not throw away what staff are typing.
  useEffect(() => {
    if (outputs.data && boards === null) setBoards(outputs.data.config.map(fromConfig));
  }, [outputs.data, boards]);

  const save = useMutation({
    mutationFn: (list: BoardDraft[]) =>
      request<OutputsAnswer>('PUT', `/devices/${deviceId}/outputs`, list.map(toConfig)),
    onMutate: () => setNotice(null),
    onSuccess: (r) => {
      // The saved boards are the answer, normalised by the controller (address upper-cased…), plus
      // what the form keeps for itself (the board's colours for the preview when the API drops them).
      setBoards((prev) => r.config.map((c, i) => fromConfig({ colour: prev?.[i]?.colour, ...c })));
      setDirty(false);
      setNotice(t('boards.saved'));
      qc.setQueryData(['device-outputs', deviceId], r);
      void qc.invalidateQueries({ queryKey: keys.devices });
      void qc.invalidateQueries({ queryKey: boardSizesKey });
    },
  });

  const update = (i: number, patch: Partial<BoardDraft>) => {
    setBoards((prev) => (prev ?? []).map((b, j) => (j === i ? { ...b, ...patch } : b)));
    setDirty(true);
    setNotice(null);
  };
  const add = () => {
    setBoards((prev) => [...(prev ?? []), newBoard(prev ?? [])]);
    setDirty(true);
  };
  const remove = (i: number) => {
    setBoards((prev) => (prev ?? []).filter((_, j) => j !== i));
    setDirty(true);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (boards) save.mutate(boards);
  };

  const list = boards ?? [];
  const claimed = list.flatMap((_, i) => FIELDS.map((f) => `${i}.${f}`));
  return (
    <section aria-labelledby={`boards-${deviceId}`} className="board-config">
      <h3 id={`boards-${deviceId}`}>{t('boards.title')}</h3>
      <p className="hint">{t('boards.hint')}</p>
      {outputs.isLoading ? <p>{t('common.loading')}</p> : null}
      <FormError message={formError(t, outputs.error, [])} />
      {boards !== null ? (
        <form onSubmit={submit} noValidate>
          {list.length === 0 ? (
            <p data-testid="boards-empty">
              {reportedBoards.length
                ? t('boards.reported', { boards: reportedBoards.map((o) => outputLabel(t, o)).join(', ') })
                : t('boards.empty')}
            </p>
          ) : null}
          {list.map((b, i) => (
            <BoardFields
              key={b.key}
              index={i}
              board={b}
              error={save.error}
              onChange={(p) => update(i, p)}
              onRemove={() => remove(i)}
            />
          ))}
          <FormError message={formError(t, save.error, claimed)} />
          <div className="row">
            <button type="button" onClick={add} disabled={list.length >= 16}>
              {t('boards.add')}
            </button>
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? t('common.saving') : t('boards.save')}
            </button>
            {dirty ? <span className="hint">{t('boards.unsaved')}</span> : null}
          </div>
          <Notice message={notice} />
        </form>
      ) : null}
    </section>
  );
}

function BoardFields({
  index,
  board,
  error,
  onChange,
  onRemove,
}: {
  index: number;
  board: BoardDraft;
  error: unknown;
  onChange(p: Partial<BoardDraft>): void;
  onRemove(): void;
}) {
  const { t, number } = useI18n();
  const err = (f: string) => fieldError(t, error, `${index}.${f}`);
  const spec: LedBoardSpec | null = useMemo(() => boardSpec(board), [board]);
  const fleet = useBoardSizes();
  // The common sizes, then the sizes in use elsewhere (another office may have the same model).
  const inUse = useMemo(() => {
    const n = new Map<string, number>();
    for (const s of fleet.data ?? []) n.set(s.size, (n.get(s.size) ?? 0) + s.boards);
    return n;
  }, [fleet.data]);
  const sizes = useMemo(() => {
    const known = [...new Set([...PREVIEW_BOARDS.map((p) => p.id), ...inUse.keys()])];
    return known.includes(board.size) || !board.size ? known : [...known, board.size];
  }, [board.size, inUse]);
  const kept = keptKeys(board);
  const label = board.name || String(index + 1);
  return (
    <fieldset className="card" data-board-index={index}>
      <legend>{t('boards.editing', { n: index + 1 })}</legend>
      <div className="row">
        <Field label={t('boards.field.name')} hint={t('boards.field.nameHint')} error={err('name')}>
          <input value={board.name} onChange={(e) => onChange({ name: e.target.value })} maxLength={40} />
        </Field>
        <Field label={t('boards.field.protocol')} error={err('protocol')}>
          <select
            value={board.protocol}
            onChange={(e) =>
              onChange({
                protocol: e.target.value,
                ...(e.target.value === 'bx' && !board.card ? { card: 'bx-5e1' } : {}),
                ...(e.target.value === 'huidu' ? { port: '' } : {}),
              })
            }
          >
            {LED_PROTOCOLS.map((p) => (
              <option key={p} value={p}>
                {t(`boards.protocol.${p}`)}
              </option>
            ))}
            {!(LED_PROTOCOLS as readonly string[]).includes(board.protocol) ? (
              <option value={board.protocol}>{board.protocol}</option>
            ) : null}
          </select>
        </Field>
        {board.protocol === 'bx' ? (
          <Field label={t('boards.field.card')} error={err('card')}>
            <select
              value={board.card}
              onChange={(e) =>
                onChange({
                  card: e.target.value,
                  ...(/^bx-[56]q/.test(e.target.value) ? { colour: 'rgb', port: '' } : {}),
                })
              }
            >
              {BX_CARD_MODELS.map((c) => (
                <option key={c} value={c}>
                  {/k/.test(c) ? `${c.toUpperCase()} (${t('boards.card.font')})` : c.toUpperCase()}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {board.protocol !== 'huidu' ? (
          <Field label={t('boards.field.port')} hint={t('boards.field.portHint')} error={err('port')}>
            <input value={board.port} onChange={(e) => onChange({ port: e.target.value })} maxLength={300} />
          </Field>
        ) : null}
        {board.protocol !== 'alpha' ? (
          <Field label={t('boards.field.tcp')} hint={t('boards.field.tcpHint')} error={err('tcp')}>
            <input
              value={board.tcp}
              onChange={(e) => onChange({ tcp: e.target.value })}
              maxLength={260}
              placeholder={board.protocol === 'huidu' ? '192.168.1.60:10001' : '192.168.1.50:5005'}
            />
          </Field>
        ) : null}
        <Field label={t('boards.field.baud')} error={err('baud')}>
          <input
            type="number"
            inputMode="numeric"
            list={`bauds-${index}`}
            value={board.baud}
            onChange={(e) => onChange({ baud: e.target.value })}
          />
        </Field>
        <datalist id={`bauds-${index}`}>
          {BAUD_RATES.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
        <Field label={t('boards.field.size')} error={err('size')}>
          <select value={board.size} onChange={(e) => onChange({ size: e.target.value })}>
            {sizes.map((s) => (
              <option key={s} value={s}>
                {inUse.has(s)
                  ? t('boards.sizeInUse', { size: s.replace('x', ' × '), n: number(inUse.get(s) ?? 0) })
                  : s.replace('x', ' × ')}
              </option>
            ))}
          </select>
        </Field>
        {board.protocol !== 'huidu' ? (
          <Field
            label={t('boards.field.address')}
            hint={t(board.protocol === 'bx' ? 'boards.field.bxAddressHint' : 'boards.field.addressHint')}
            error={err('address')}
          >
            <input
              value={board.address}
              onChange={(e) => onChange({ address: e.target.value })}
              maxLength={board.protocol === 'bx' ? 5 : 2}
              size={5}
              placeholder={board.protocol === 'bx' ? '1' : '00'}
            />
          </Field>
        ) : null}
        <Field label={t('boards.field.colour')} error={err('colour')}>
          <select value={board.colour} onChange={(e) => onChange({ colour: e.target.value })}>
            {COLOURS.map((c) => (
              <option key={c} value={c}>
                {t(`boards.colour.${c}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {kept.length ? <p className="hint">{t('boards.kept', { keys: kept.join(', ') })}</p> : null}
      <div className="row">
        <button type="button" className="danger" onClick={onRemove}>
          {t('boards.remove', { name: label })}
        </button>
      </div>
      {spec ? (
        <details open>
          <summary>{t('boards.sample')}</summary>
          <LedPreview text={t('boards.sampleText')} board={spec} maxWidthPx={480} />
        </details>
      ) : null}
    </fieldset>
  );
}
