import { defineConfig } from 'vitest/config';

const SERIAL_E2E = ['tests/player-clock-jump.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/controller/web/src/**/*.test.{ts,tsx}',
            'scripts/**/*.test.ts',
          ],
          testTimeout: 20_000,
          // A busy 2-core CI machine may take seconds where a laptop takes milliseconds: polls wait longer
          // before they fail (a passing poll returns as soon as it holds, so this costs nothing).
          expect: { poll: { timeout: 8000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          exclude: SERIAL_E2E,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // End-to-end tests start real processes on port 0 and spend most of their time waiting (timers,
          // backoffs, players connecting): two files at a time on 2 cores keeps the suite near 5 minutes.
          fileParallelism: true,
          maxWorkers: 2,
          expect: { poll: { timeout: 15_000 } },
        },
      },
      {
        test: {
          // Tests that change a real process's clock and watch 2-second checks: alone, so a busy
          // neighbour cannot starve the player they observe.
          name: 'e2e-serial',
          include: SERIAL_E2E,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
