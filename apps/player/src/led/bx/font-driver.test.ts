import { afterEach, describe, expect, it } from 'vitest';
import { renderSlogan } from '@bangtin/shared';
import { FontCardSimulator } from '../sim/bx-font-simulator';
import { waitFor } from '../testing/wait';
import { BxFontDriver } from './font-driver';

const size = { width: 96, height: 16 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair() {
  const sim = new FontCardSimulator();
  await sim.listen();
  cleanups.push(() => sim.close());
  const texts: string[] = [];
  sim.on('request', (r) => {
    if (r.kind === 'dynamic-area') for (const a of r.areas) texts.push(a.text);
  });
  const driver = new BxFontDriver({
    card: 'bx-5k1',
    size,
    tcp: { host: '127.0.0.1', port: sim.port },
    replyTimeoutMs: 300,
    pingIntervalMs: 100,
  });
  cleanups.push(() => driver.close());
  await driver.open();
  return { sim, driver, texts };
}
const programme = (id: string, text: string) => ({
  id,
  frames: renderSlogan(text, size).frames,
  text: { content: text },
});

describe('BX-5K font card over real TCP loopback', () => {
  it('sends a plain ASCII slogan as one A3 06 dynamic area', async () => {
    const { sim, driver } = await pair();
    await expect(driver.show(programme('a', 'BHXH 2026'))).resolves.toEqual({ delivered: true, programmeId: 'a' });
    expect(sim.areas.get(0)).toBe('BHXH 2026');
    expect(driver.status()).toMatchObject({ state: 'online', deliveredProgrammeId: 'a' });
  });

  it('never sends Vietnamese: the board is cleared and its status says why, in Vietnamese', async () => {
    const { sim, driver, texts } = await pair();
    await driver.show(programme('a', 'BHXH 2026'));
    const r = await driver.show(programme('v', 'Đóng BHXH đúng hạn'));
    expect(r.delivered).toBe(false);
    expect(sim.areas.size).toBe(0);
    expect(texts).toEqual(['BHXH 2026']);
    expect(driver.status()).toMatchObject({
      state: 'error',
      lastError: {
        code: 'vietnamese-not-supported',
        message: 'thẻ BX-5K không hiển thị được tiếng Việt có dấu; cần thẻ đồ hoạ (BX-5E/6E)',
      },
    });
    // An ASCII slogan afterwards shows again and clears the error.
    await driver.show(programme('b', 'VssID'));
    expect(driver.status().state).toBe('online');
    expect(sim.areas.get(0)).toBe('VssID');
  });

  it('goes offline when the card stops answering and re-sends when it is back', async () => {
    const { sim, driver } = await pair();
    await driver.show(programme('a', 'BHXH'));
    sim.muted = true;
    await waitFor(() => driver.status().state === 'offline', 5000);
    sim.areas.clear();
    sim.muted = false;
    await waitFor(() => sim.areas.get(0) === 'BHXH' && driver.status().state === 'online', 5000);
  });
});
