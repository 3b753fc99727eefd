/**
 * The kiosk survey's questions travel from the controller to the screen output (what the renderer
 * gets in its `config`), and stay with the player when it starts again without the controller.
 * Real controller and player in this process; the renderer side is an in-memory bridge channel.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startController, type Controller } from '@bangtin/controller';
import { startPlayer } from '@bangtin/player';
import type { KioskConfig, RendererToRuntime, RuntimeToRenderer } from '../apps/player/src/renderer/bridge-protocol';
import type { RendererChannel } from '../apps/player/src/runtime/browser-mode';
import { createScreenOutput } from '../apps/player/src/runtime/screen-output';
import { Api } from './support/api';
import { tmpDir, waitFor } from './support/processes';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const log = pino({ level: 'silent' });

function kioskScreen() {
  const configs: (KioskConfig | null)[] = [];
  const channel: RendererChannel = {
    send: (m: RuntimeToRenderer) => void (m.type === 'config' && configs.push(m.kiosk)),
    onMessage: (_l: (m: RendererToRuntime) => void) => () => undefined,
  };
  const output = createScreenOutput({
    channel,
    cache: null,
    mediaBase: '/media/',
    kiosk: { idleMs: 60_000, english: false },
    log,
  });
  return { output, configs, survey: () => configs.at(-1)?.survey ?? null };
}

describe('kiosk survey questions from the controller', () => {
  it('reach the renderer config, follow changes, and are kept for an offline start', async () => {
    const controller: Controller = await startController({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmpDir('survey-c'),
      adminPassword: 'mat-khau-khao-sat',
      log,
    });
    open.push(controller);
    const api = await new Api(controller.url).login('admin', 'mat-khau-khao-sat');
    const dev = (await api.post('/devices', { name: 'Kiosk khảo sát', kind: 'kiosk' })).body;
    const first = {
      id: 'dien-ban-2026',
      question: 'Thủ tục hôm nay có nhanh chóng không?',
      ratingLabels: ['Chậm', 'Vừa', 'Nhanh'],
      choiceQuestion: null,
    };
    expect((await api.request('PUT', '/surveys/config', first)).status).toBe(200);

    const dataDir = tmpDir('survey-p');
    const screen = kioskScreen();
    // Before the controller answers, the renderer gets the built-in default survey.
    expect(screen.survey()?.id).toBe('hai-long-2025');
    const player = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log,
      outputs: [screen.output],
    });
    screen.output.attach(player);
    await waitFor(() => screen.survey()?.id === 'dien-ban-2026', 'configured survey in the renderer config');
    expect(screen.survey()).toEqual(first);

    const second = { ...first, id: 'dien-ban-2026-b', ratingLabels: ['Chậm', 'Nhanh'] };
    expect((await api.request('PUT', '/surveys/config', second)).status).toBe(200);
    await waitFor(() => screen.survey()?.id === 'dien-ban-2026-b', 'changed survey pushed');
    expect(screen.survey()).toEqual(second);
    await player.close();
    await controller.close();
    open.splice(0);

    // Offline start: the controller is gone; the kiosk still asks the questions it was given.
    const offline = kioskScreen();
    const again = startPlayer({
      controllerUrl: controller.url,
      token: dev.token,
      dataDir,
      log,
      outputs: [offline.output],
    });
    open.push(again);
    offline.output.attach(again);
    expect(again.connected()).toBe(false);
    expect(offline.survey()).toEqual(second);
  });
});
