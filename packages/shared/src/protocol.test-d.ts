import { describe, expectTypeOf, it } from 'vitest';
import type { ControllerToPlayerEvents, PlayerToControllerEvents } from './protocol';
import type { Bundle, Heartbeat } from './domain';

describe('socket event maps', () => {
  it('type the payloads of both directions', () => {
    expectTypeOf<Parameters<ControllerToPlayerEvents['bundle']>[0]>().toEqualTypeOf<Bundle>();
    expectTypeOf<Parameters<PlayerToControllerEvents['heartbeat']>[0]>().toEqualTypeOf<Heartbeat>();
    const send = (_fn: PlayerToControllerEvents['clock:sync']) => undefined;
    // @ts-expect-error the clock probe takes a number, not a string
    send((_t: string) => undefined);
  });
});
