/**
 * The LED board sizes in use (`GET /api/v1/boards`), so the slogan editor previews a slogan on the
 * boards it may reach rather than on a fixed guess. A board counts when the controller configured it
 * (`PUT /devices/:id/outputs`) or when its player reports it in the heartbeat's board status (boards
 * given by the player's own `--output` flags are known only that way).
 *
 * `GET /api/v1/playlists/:id/boards`: the board sizes a playlist reaches through the schedules and
 * campaigns that use it, so the playlist editor times a slogan item on the smallest board it will
 * really scroll on.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BoardSizeSchema, bySmallestBoard, IdSchema, type LedOutputConfig, type OutputStatus } from '@bangtin/shared';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { ancestorsByGroup } from '../store/groups';
import { scheduleTarget } from '../bundles';
import { requireUser } from './auth';
import { notFound, parse } from './errors';
import { inScope, scopeOf } from './scope';
import { devicesForTarget } from './targets';

export type BoardColour = 'mono' | 'tri' | 'rgb';

export interface BoardSizeView {
  /** `96x16`: columns × rows. */
  size: string;
  width: number;
  height: number;
  colour: BoardColour;
  /** Boards of this size and colour, and the devices and districts they hang on. */
  boards: number;
  devices: number;
  /** District names (or the device's own group when it sits in no district), sorted. */
  districts: string[];
}

const Query = z.object({}).strict();

interface Board {
  size: string;
  colour: BoardColour;
}

/**
 * One device's boards by name. A size the player reports wins over the controller's configuration of
 * the same name, since the player's own `--output` wins; the configuration covers boards not reported
 * yet (player offline) or by older players whose status carries no size.
 */
export function boardsOfDevice(config: readonly LedOutputConfig[], status: readonly OutputStatus[]): Board[] {
  const byName = new Map<string, Board>();
  for (const o of config) byName.set(o.name, { size: o.size, colour: o.colour ?? 'mono' });
  for (const o of status) {
    if (o.kind !== 'led' || !o.size || !BoardSizeSchema.safeParse(o.size).success) continue;
    byName.set(o.id.replace(/^led:/, ''), { size: o.size, colour: o.colour ?? 'mono' });
  }
  return [...byName.values()];
}

/** One board size a playlist reaches: `96x16` and its columns and rows. */
export interface PlaylistBoardView {
  size: string;
  width: number;
  height: number;
}

/**
 * The devices (not revoked) a playlist reaches now or later: through each schedule that plays it and has
 * not ended (a campaign entry without targets of its own takes its campaign's), and through each
 * campaign that lists it and is neither ended nor cancelled (drafts count: they show where the
 * playlist is going). An editor's schedule reaches its district only (`scopeGroupId`), as in bundles.
 */
export function devicesReachedByPlaylist(store: Store, playlistId: string, now = Date.now()): Set<string> {
  const campaigns = new Map(store.campaigns.list().map((c) => [c.id, c]));
  const live = (status: string) => status !== 'ended' && status !== 'cancelled';
  const out = new Set<string>();
  for (const s of store.schedules.list()) {
    if (s.playlistId !== playlistId || (s.endsAt !== null && s.endsAt <= now)) continue;
    const campaign = s.campaignId ? campaigns.get(s.campaignId) : undefined;
    if (s.campaignId && (!campaign || !live(campaign.status))) continue;
    for (const d of devicesForTarget(store, scheduleTarget(s, campaign), s.scopeGroupId ?? null)) out.add(d);
  }
  for (const c of campaigns.values()) {
    if (!c.playlistIds.includes(playlistId) || !live(c.status)) continue;
    for (const d of devicesForTarget(store, c.target)) out.add(d);
  }
  return out;
}

const PlaylistParams = z.object({ id: IdSchema });

export function registerBoards(app: FastifyInstance, store: Store, hub: () => Hub): void {
  app.get('/api/v1/playlists/:id/boards', async (req): Promise<PlaylistBoardView[]> => {
    // Like GET /playlists/:id: anyone signed in; an editor counts only the boards of their district.
    const scope = scopeOf(store, requireUser(req));
    const { id } = parse(PlaylistParams, req.params);
    parse(Query, req.query);
    if (!store.content.getPlaylist(id)) throw notFound('playlist');
    const reached = devicesReachedByPlaylist(store, id);
    const sizes = new Map<string, PlaylistBoardView>();
    for (const d of store.devices.list()) {
      if (!reached.has(d.id) || d.revokedAt !== null || !inScope(scope, d.groupId)) continue;
      for (const b of boardsOfDevice(d.outputConfig, hub().outputStatus(d.id) ?? d.outputs)) {
        const [width = 0, height = 0] = b.size.split('x').map(Number);
        sizes.set(b.size, { size: b.size, width, height });
      }
    }
    // Smallest first: the board a slogan scrolls longest on.
    return [...sizes.values()].sort(bySmallestBoard);
  });

  app.get('/api/v1/boards', async (req) => {
    const scope = scopeOf(store, requireUser(req));
    parse(Query, req.query);
    const groups = store.groups.list();
    const byId = new Map(groups.map((g) => [g.id, g]));
    const ancestors = ancestorsByGroup(groups);
    const districtOf = (groupId: string | null): string | null => {
      if (!groupId) return null;
      const chain = ancestors.get(groupId) ?? [];
      const district = chain.map((id) => byId.get(id)).find((g) => g?.kind === 'district');
      return (district ?? byId.get(groupId))?.name ?? null;
    };

    const sizes = new Map<string, { board: Board; boards: number; devices: Set<string>; districts: Set<string> }>();
    for (const d of store.devices.list()) {
      if (d.revokedAt !== null || !inScope(scope, d.groupId)) continue;
      const district = districtOf(d.groupId);
      for (const b of boardsOfDevice(d.outputConfig, hub().outputStatus(d.id) ?? d.outputs)) {
        const key = `${b.size}/${b.colour}`;
        const s = sizes.get(key) ?? { board: b, boards: 0, devices: new Set(), districts: new Set() };
        s.boards++;
        s.devices.add(d.id);
        if (district) s.districts.add(district);
        sizes.set(key, s);
      }
    }
    const collator = new Intl.Collator('vi');
    return [...sizes.values()]
      .map((s): BoardSizeView => {
        const [width = 0, height = 0] = s.board.size.split('x').map(Number);
        return {
          size: s.board.size,
          width,
          height,
          colour: s.board.colour,
          boards: s.boards,
          devices: s.devices.size,
          districts: [...s.districts].sort(collator.compare),
        };
      })
      .sort((a, b) => b.boards - a.boards || b.devices - a.devices || b.width * b.height - a.width * a.height);
  });
}
