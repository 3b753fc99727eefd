import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DeviceGroup } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { api, deviceScreenshot, type DeviceCommand, type DeviceRow, type OutputView } from '../api/client';
import { keys } from '../api/queries';
import { errorText, fieldError, formError } from '../api/errors';
import { Field, FormError, Notice } from '../components/field';
import { GroupOptions } from '../components/group-options';
import { flattenTree } from '../schedules/tree';
import { parseTags } from './tags';
import { BoardConfig } from './board-config';
import { outputLabel } from './output-label';

/** LED boards and screens of a device, with their state and last error. */
export function OutputsCell({ outputs }: { outputs: readonly OutputView[] | undefined }) {
  const { t, dateTime } = useI18n();
  if (!outputs?.length) return <span className="hint">{t('common.none')}</span>;
  return (
    <ul className="outputs">
      {outputs.map((o) => (
        <li key={o.id} data-output={o.id}>
          <span
            className={`status status-${o.state === 'online' ? 'online' : o.state === 'error' ? 'offline' : 'stale'}`}
            title={o.id}
          >
            {outputLabel(t, o)}: {t(`output.${o.state}`)}
          </span>
          {o.lastError ? (
            <span className="hint" title={o.lastError.message}>
              {' '}
              {o.lastError.code} ({dateTime(o.lastError.at)})
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The player's media cache as a bar: files verified out of those the current bundle needs. */
export function CacheCell({ deviceId }: { deviceId: string }) {
  const { t, number } = useI18n();
  const q = useQuery({
    queryKey: ['device-media', deviceId],
    queryFn: () => api.deviceMedia(deviceId),
    refetchInterval: 5000,
  });
  const p = q.data;
  if (!p) return <span className="hint">{t('common.none')}</span>;
  if (p.needed === 0) return <span className="hint">{t('cache.nothing')}</span>;
  const frac = p.bytesNeeded > 0 ? p.bytesReady / p.bytesNeeded : p.ready / p.needed;
  return (
    <span className="cache">
      <progress max={1} value={frac} aria-label={t('cache.label')} />{' '}
      {t('cache.files', { ready: p.ready, needed: p.needed, pct: number(frac * 100, 0) })}
      {p.failed.length ? <span className="error"> {t('cache.failed', { n: p.failed.length })}</span> : null}
    </span>
  );
}

/**
 * The device's last screenshot. "Chụp màn hình" asks the player for a new one and polls until a
 * newer capture arrives (players answer within a second or two when online).
 */
export function ScreenshotPanel({ deviceId }: { deviceId: string }) {
  const { t, dateTime } = useI18n();
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const shot = useQuery({
    queryKey: ['device-screenshot', deviceId],
    queryFn: () => deviceScreenshot(deviceId),
    refetchInterval: (q) => {
      if (requestedAt === null || Date.now() - requestedAt > 20_000) return false;
      const at = q.state.data?.capturedAt ? Date.parse(q.state.data.capturedAt) : 0;
      return at >= requestedAt - 5_000 ? false : 1500;
    },
  });
  const url = shot.data?.url;
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  const take = useMutation({
    mutationFn: () => api.deviceCommand(deviceId, 'screenshot'),
    onSuccess: () => setRequestedAt(Date.now()),
  });
  return (
    <div className="screenshot">
      <button type="button" disabled={take.isPending} onClick={() => take.mutate()}>
        {t('devices.command.screenshot')}
      </button>
      {take.error ? (
        <p className="error" role="alert">
          {errorText(t, take.error)}
        </p>
      ) : null}
      {shot.data ? (
        <figure>
          <img src={shot.data.url} alt={t('devices.screenshotAlt')} style={{ maxWidth: '100%' }} />
          <figcaption>{t('devices.screenshotAt', { at: dateTime(shot.data.capturedAt) })}</figcaption>
        </figure>
      ) : (
        <p className="hint">{t('devices.noScreenshot')}</p>
      )}
    </div>
  );
}

/** Rename, move, tag, and remote commands for one device. */
export function DeviceManager({
  device,
  groups,
  onClose,
}: {
  device: DeviceRow;
  groups: readonly DeviceGroup[];
  onClose(): void;
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [name, setName] = useState(device.name);
  const [groupId, setGroupId] = useState(device.groupId ?? '');
  const [tags, setTags] = useState((device.tags ?? []).join(', '));
  const [notice, setNotice] = useState<string | null>(null);
  const tree = useMemo(() => flattenTree(groups), [groups]);

  const save = useMutation({
    mutationFn: () => api.updateDevice(device.id, { name, groupId: groupId || null, tags: parseTags(tags) }),
    onSuccess: () => {
      setNotice(t('devices.saved'));
      void qc.invalidateQueries({ queryKey: keys.devices });
    },
    onError: () => setNotice(null),
  });
  const command = useMutation({
    mutationFn: (c: DeviceCommand) => api.deviceCommand(device.id, c),
    onMutate: () => setNotice(null),
    onSuccess: (r) => setNotice(t('devices.commandSent', { n: r.delivered })),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <div className="card" aria-labelledby="dev-manage">
      <h2 id="dev-manage">{t('devices.manage', { name: device.name })}</h2>
      <form onSubmit={submit}>
        <div className="row">
          <Field label={t('devices.edit.name')} error={fieldError(t, save.error, 'name')}>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </Field>
          <Field label={t('devices.edit.group')} error={fieldError(t, save.error, 'groupId')}>
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">{t('common.noGroup')}</option>
              <GroupOptions tree={tree} />
            </select>
          </Field>
          <Field
            label={t('devices.edit.tags')}
            hint={t('devices.edit.tagsHint')}
            error={fieldError(t, save.error, 'tags')}
          >
            <input value={tags} onChange={(e) => setTags(e.target.value)} />
          </Field>
        </div>
        <FormError message={formError(t, save.error, ['name', 'groupId', 'tags'])} />
        <div className="row">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('devices.close')}
          </button>
        </div>
      </form>
      <h3>{t('devices.commands')}</h3>
      <div className="row">
        {(['identify', 'reload', 'clear-cache'] as const).map((c) => (
          <button key={c} type="button" disabled={command.isPending} onClick={() => command.mutate(c)}>
            {t(`devices.command.${c}`)}
          </button>
        ))}
      </div>
      {command.error ? (
        <p className="error" role="alert">
          {errorText(t, command.error)}
        </p>
      ) : null}
      <Notice message={notice} />
      {device.kind !== 'led' ? (
        <>
          <h3>{t('devices.screenshot')}</h3>
          <ScreenshotPanel deviceId={device.id} />
        </>
      ) : null}
      <h3>{t('devices.outputs')}</h3>
      <OutputsCell outputs={device.outputs} />
      <BoardConfig deviceId={device.id} reported={device.outputs} />
      <h3>{t('devices.cache')}</h3>
      <CacheCell deviceId={device.id} />
    </div>
  );
}
