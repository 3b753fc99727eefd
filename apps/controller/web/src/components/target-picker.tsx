import { useMemo } from 'react';
import type { DeviceGroup, DeviceView } from '@bangtin/shared';
import { useI18n } from '../i18n/i18n';
import { flattenTree } from '../schedules/tree';

export interface Targets {
  deviceIds: string[];
  groupIds: string[];
}

const toggle = (list: string[], id: string, on: boolean) =>
  on ? [...new Set([...list, id])] : list.filter((x) => x !== id);

/**
 * Districts and their devices as one checkbox tree (the way staff think of targets: "all of Duy
 * Xuyên" or "these two boards"). The error, when the API names `target`, shows under the tree.
 */
export function TargetPicker({
  legend,
  groups,
  devices,
  value,
  onChange,
  error,
}: {
  legend: string;
  groups: readonly DeviceGroup[];
  devices: readonly DeviceView[];
  value: Targets;
  onChange(v: Targets): void;
  error?: string | null;
}) {
  const { t } = useI18n();
  const tree = useMemo(() => flattenTree(groups), [groups]);
  const byGroup = useMemo(() => {
    const m = new Map<string | null, DeviceView[]>();
    for (const d of devices) {
      if (d.revokedAt) continue;
      const list = m.get(d.groupId) ?? [];
      list.push(d);
      m.set(d.groupId, list);
    }
    return m;
  }, [devices]);

  const deviceBoxes = (groupId: string | null, depth: number) =>
    (byGroup.get(groupId) ?? []).map((d) => (
      <li key={d.id} style={{ paddingLeft: `${(depth + 1) * 1.25}rem` }}>
        <label>
          <input
            type="checkbox"
            checked={value.deviceIds.includes(d.id)}
            onChange={(e) => onChange({ ...value, deviceIds: toggle(value.deviceIds, d.id, e.target.checked) })}
          />{' '}
          {d.name} <span className="hint">({t(`kind.${d.kind}`)})</span>
        </label>
      </li>
    ));

  return (
    <fieldset className={`targets${error ? ' field-invalid' : ''}`}>
      <legend>{legend}</legend>
      <ul className="tree">
        {tree.map(({ group, depth }) => (
          <li key={group.id} style={{ paddingLeft: `${depth * 1.25}rem` }}>
            <label>
              <input
                type="checkbox"
                checked={value.groupIds.includes(group.id)}
                onChange={(e) => onChange({ ...value, groupIds: toggle(value.groupIds, group.id, e.target.checked) })}
              />{' '}
              <strong>{group.name}</strong>
            </label>
            <ul className="tree">{deviceBoxes(group.id, depth)}</ul>
          </li>
        ))}
        {deviceBoxes(null, -1)}
      </ul>
      {error ? (
        <div className="error" role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

/** Human names of a target, for tables and confirmations. */
export function targetNames(
  target: { deviceIds: string[]; groupIds: string[] },
  groups: readonly DeviceGroup[],
  devices: readonly DeviceView[],
): string[] {
  const g = new Map(groups.map((x) => [x.id, x.name]));
  const d = new Map(devices.map((x) => [x.id, x.name]));
  return [...target.groupIds.map((id) => g.get(id) ?? id), ...target.deviceIds.map((id) => d.get(id) ?? id)];
}
