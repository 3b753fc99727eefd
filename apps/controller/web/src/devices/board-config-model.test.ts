import { describe, expect, it } from 'vitest';
import { LedOutputConfigSchema } from '@bangtin/shared';
import { boardSpec, fromConfig, keptKeys, newBoard, toConfig } from './board-config-model';

describe('board configuration form model', () => {
  it('keeps fields it does not show (power, brightness…) when a board is saved back', () => {
    const saved = {
      name: 'cong-chinh',
      protocol: 'alpha',
      port: '/dev/ttyUSB0',
      baud: 19200,
      size: '128x32',
      address: '0A',
      power: { on: '06:00', off: '22:00' },
      brightness: 80,
    };
    const d = fromConfig(saved);
    expect(d).toMatchObject({ name: 'cong-chinh', baud: '19200', size: '128x32', address: '0A', colour: 'mono' });
    expect(keptKeys(d)).toEqual(['brightness', 'power']);
    expect(toConfig({ ...d, port: ' /dev/ttyUSB1 ' })).toEqual({
      ...saved,
      port: '/dev/ttyUSB1',
      colour: 'mono',
    });
  });

  it('sends the baud as typed: a number when it is one, otherwise for the controller to refuse', () => {
    const d = fromConfig({ name: 'a', port: '/dev/ttyS0' });
    expect(toConfig({ ...d, baud: '9600' }).baud).toBe(9600);
    expect(toConfig({ ...d, baud: '' })).not.toHaveProperty('baud');
    expect(LedOutputConfigSchema.safeParse(toConfig({ ...d, baud: '' })).data?.baud).toBe(9600);
    expect(LedOutputConfigSchema.safeParse(toConfig({ ...d, baud: '1234' })).success).toBe(false);
    expect(LedOutputConfigSchema.safeParse(toConfig({ ...d, baud: 'nhanh' })).success).toBe(false);
  });

  it('a new board gets a free name and the bus of the last board', () => {
    const a = fromConfig({ name: 'led2', port: '/dev/ttyUSB0', baud: 4800 });
    const b = newBoard([a]);
    expect(b).toMatchObject({ name: 'led3', port: '/dev/ttyUSB0', baud: '4800', size: '96x16', address: '' });
    expect(LedOutputConfigSchema.parse(toConfig(b)).address).toBe('00');
    expect(newBoard([]).name).toBe('led1');
    expect(LedOutputConfigSchema.safeParse(toConfig(b)).success).toBe(true);
  });

  it('edits BX and Huidu cards: card model and network address, no serial port for network cards', () => {
    const bx = fromConfig({ name: 'cong', protocol: 'bx', card: 'bx-5e1', tcp: '192.168.1.50:5005', address: '2' });
    expect(bx).toMatchObject({ protocol: 'bx', card: 'bx-5e1', tcp: '192.168.1.50:5005', port: '', address: '2' });
    const sent = toConfig(bx);
    expect(sent).not.toHaveProperty('port');
    expect(LedOutputConfigSchema.parse(sent)).toMatchObject({ card: 'bx-5e1', tcp: '192.168.1.50:5005', baud: 57600 });
    const hd = toConfig(fromConfig({ name: 'hd', protocol: 'huidu', tcp: '10.0.0.7:10001', card: 'bx-5e1' }));
    expect(hd).not.toHaveProperty('card');
    expect(LedOutputConfigSchema.safeParse(hd).success).toBe(true);
    expect(newBoard([bx])).toMatchObject({ protocol: 'bx', card: 'bx-5e1' });
  });

  it('previews only sensible sizes, in the chosen colours', () => {
    const d = fromConfig({ name: 'a', size: '64x32', colour: 'tri' });
    expect(boardSpec(d)).toEqual({ width: 64, height: 32, colour: 'tri' });
    expect(boardSpec({ ...d, size: '96*16' })).toBeNull();
    expect(boardSpec({ ...d, size: '4096x4096' })).toBeNull();
  });
});
