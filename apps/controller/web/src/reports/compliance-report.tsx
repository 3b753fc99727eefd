import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { request } from '../api/client';
import { errorText } from '../api/errors';
import {
  CAUSES,
  type ComplianceAnswer,
  type ComplianceRowView,
  complianceQuery,
  type EvidenceFilter,
  fileName,
  minutesOf,
} from './evidence';
import { DownloadButtons } from './downloads';
import { VerifyLabel } from './verify-label';

const useCompliance = (path: string | null) =>
  useQuery({
    queryKey: ['compliance', path],
    queryFn: () => request<ComplianceAnswer>('GET', path!),
    enabled: path !== null,
    refetchInterval: 60_000,
  });

/** The level as a coloured badge with its word: the colour is never the only sign. */
function LevelBadge({ row }: { row: ComplianceRowView }) {
  const { t } = useI18n();
  const level = row.level;
  return (
    <span className={`level level-${level ?? 'none'}`} data-level={level ?? 'none'}>
      <span aria-hidden="true">
        {level === 'green' ? '● ' : level === 'amber' ? '▲ ' : level === 'red' ? '■ ' : ''}
      </span>
      {t(`comp.level.${level ?? 'none'}`)}
    </span>
  );
}

/** Planned, delivered, share, level, shortfall and its four causes: the columns both tables share. */
function Figures({ row }: { row: ComplianceRowView }) {
  const { number } = useI18n();
  // A few seconds are "< 0,1", never a 0 beside a red level.
  const m = (s: number) => (s > 0 && minutesOf(s) === 0 ? `< ${number(0.1, 1)}` : number(minutesOf(s), 1));
  return (
    <>
      <td className="num">{m(row.plannedSeconds)}</td>
      <td className="num">{m(row.deliveredSeconds)}</td>
      <td className="num">{row.percent === null ? '—' : `${number(row.percent, 1)} %`}</td>
      <td>
        <LevelBadge row={row} />
      </td>
      <td className="num">{m(row.shortfallSeconds)}</td>
      {CAUSES.map((c) => (
        <td key={c} className="num" data-cause={c}>
          {m(row.causes[c])}
        </td>
      ))}
    </>
  );
}

function FigureHeads() {
  const { t } = useI18n();
  return (
    <>
      <th scope="col" className="num">
        {t('comp.col.planned')}
      </th>
      <th scope="col" className="num">
        {t('comp.col.delivered')}
      </th>
      <th scope="col" className="num">
        {t('comp.col.percent')}
      </th>
      <th scope="col">{t('comp.col.level')}</th>
      <th scope="col" className="num">
        {t('comp.col.shortfall')}
      </th>
      {CAUSES.map((c) => (
        <th key={c} scope="col" className="num">
          {t(`comp.col.${c}`)}
        </th>
      ))}
    </>
  );
}

/**
 * Planned vs delivered for one campaign: a row per district with its level (≥ 95 % Đạt, ≥ 80 % Cần
 * chú ý, else Không đạt, in words beside the colour), the minutes short split by cause, and a
 * drill-down to the district's devices, each with its proof-chain check.
 */
export function ComplianceReport({ filter }: { filter: EvidenceFilter }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<{ groupId: string; name: string } | null>(null);
  const path = complianceQuery(filter, 'district');
  const districts = useCompliance(path);
  const drillPath = open ? complianceQuery(filter, 'device', 'json', open.groupId) : null;
  const devices = useCompliance(drillPath);
  const rows = districts.data?.rows ?? [];
  const th = districts.data?.thresholds ?? { green: 95, amber: 80 };

  return (
    <div className="card" aria-labelledby="comp-title" data-testid="compliance">
      <h2 id="comp-title">{t('comp.title')}</h2>
      {path === null ? <p>{t('comp.pick')}</p> : null}
      {path !== null ? (
        <p className="hint" data-thresholds={`${th.green}/${th.amber}`}>
          {t('comp.thresholds')}
        </p>
      ) : null}
      {districts.error ? (
        <p className="error" role="alert">
          {errorText(t, districts.error)}
        </p>
      ) : null}
      {districts.data && rows.length === 0 ? <p>{t('comp.empty')}</p> : null}
      {rows.length > 0 ? (
        <div className="scroll-x">
          <table data-testid="compliance-table" aria-labelledby="comp-title">
            <thead>
              <tr>
                <th scope="col">{t('comp.col.district')}</th>
                <th scope="col" className="num">
                  {t('comp.col.devices')}
                </th>
                <FigureHeads />
                <th scope="col">
                  <span className="visually-hidden">{t('comp.col.devicesList')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const name = r.groupName ?? t('common.noGroup');
                return (
                  <tr key={r.groupId ?? ''} data-row={name} data-level={r.level ?? 'none'}>
                    <th scope="row">{name}</th>
                    <td className="num">{r.devices}</td>
                    <Figures row={r} />
                    <td>
                      {r.groupId ? (
                        <button
                          type="button"
                          className="small"
                          aria-expanded={open?.groupId === r.groupId}
                          onClick={() => setOpen(open?.groupId === r.groupId ? null : { groupId: r.groupId!, name })}
                        >
                          {t('comp.drill', { district: name })}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {open ? (
        <section aria-labelledby="comp-drill-title" className="drill" data-testid="compliance-devices">
          <h3 id="comp-drill-title">{t('comp.devicesOf', { district: open.name })}</h3>
          {devices.error ? (
            <p className="error" role="alert">
              {errorText(t, devices.error)}
            </p>
          ) : null}
          {devices.data ? (
            <div className="scroll-x">
              <table aria-labelledby="comp-drill-title">
                <thead>
                  <tr>
                    <th scope="col">{t('comp.col.device')}</th>
                    <FigureHeads />
                    <th scope="col">{t('comp.col.verify')}</th>
                  </tr>
                </thead>
                <tbody>
                  {devices.data.rows.map((r) => (
                    <tr key={r.deviceId} data-row={r.deviceName} data-level={r.level ?? 'none'}>
                      <th scope="row">{r.deviceName}</th>
                      <Figures row={r} />
                      <td>
                        <VerifyLabel range={filter} deviceId={r.deviceId!} compact />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <DownloadButtons
            items={[
              {
                label: t('comp.devicesXlsx', { district: open.name }),
                path: complianceQuery(filter, 'device', 'xlsx', open.groupId)!,
                filename: fileName('ke-hoach-thuc-te-thiet-bi', filter, 'xlsx'),
              },
            ]}
          />
          <button type="button" className="small" onClick={() => setOpen(null)}>
            {t('comp.closeDrill')}
          </button>
        </section>
      ) : null}
      {path !== null ? (
        <DownloadButtons
          disabled={rows.length === 0}
          items={[
            {
              label: t('comp.xlsx'),
              path: complianceQuery(filter, 'district', 'xlsx')!,
              filename: fileName('ke-hoach-thuc-te', filter, 'xlsx'),
            },
            {
              label: t('comp.csv'),
              path: complianceQuery(filter, 'district', 'csv')!,
              filename: fileName('ke-hoach-thuc-te', filter, 'csv'),
            },
          ]}
        />
      ) : null}
    </div>
  );
}
