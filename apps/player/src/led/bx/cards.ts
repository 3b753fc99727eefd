/**
 * Onbon cards bangtin knows, with what decides their bytes: protocol generation, device type for the
 * packet header, how a picture is encoded, which colours the LEDs have and whether a serial port exists.
 * Device types are from the manuals' header tables.
 */
import type { LedColourMode } from '@bangtin/shared';
import type { BxGeneration } from './protocol';

export type BxPixelFormat = '5e' | '6e' | 'rgb565' | 'rgb888' | 'font';

export interface BxCard {
  id: string;
  label: string;
  generation: BxGeneration;
  deviceType: number;
  pixels: BxPixelFormat;
  /** Colours the card can drive; the first is the default when the board config names none. */
  colours: readonly LedColourMode[];
  serial: boolean;
}

export const BX_CARDS: readonly BxCard[] = [
  {
    id: 'bx-5e1',
    label: 'BX-5E1',
    generation: 5,
    deviceType: 0x0154,
    pixels: '5e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-5e2',
    label: 'BX-5E2',
    generation: 5,
    deviceType: 0x0254,
    pixels: '5e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-5e3',
    label: 'BX-5E3',
    generation: 5,
    deviceType: 0x0354,
    pixels: '5e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-6e1',
    label: 'BX-6E1',
    generation: 6,
    deviceType: 0x0174,
    pixels: '6e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-6e2',
    label: 'BX-6E2',
    generation: 6,
    deviceType: 0x0274,
    pixels: '6e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-6e3',
    label: 'BX-6E3',
    generation: 6,
    deviceType: 0x0374,
    pixels: '6e',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-5q0',
    label: 'BX-5Q0+',
    generation: 5,
    deviceType: 0x1056,
    pixels: 'rgb565',
    colours: ['rgb'],
    serial: false,
  },
  {
    id: 'bx-5q1',
    label: 'BX-5Q1+',
    generation: 5,
    deviceType: 0x1156,
    pixels: 'rgb565',
    colours: ['rgb'],
    serial: false,
  },
  {
    id: 'bx-5q2',
    label: 'BX-5Q2+',
    generation: 5,
    deviceType: 0x1256,
    pixels: 'rgb565',
    colours: ['rgb'],
    serial: false,
  },
  {
    id: 'bx-6q1',
    label: 'BX-6Q1',
    generation: 6,
    deviceType: 0x0166,
    pixels: 'rgb888',
    colours: ['rgb'],
    serial: false,
  },
  {
    id: 'bx-6q2',
    label: 'BX-6Q2',
    generation: 6,
    deviceType: 0x0266,
    pixels: 'rgb888',
    colours: ['rgb'],
    serial: false,
  },
  {
    id: 'bx-6q3',
    label: 'BX-6Q3',
    generation: 6,
    deviceType: 0x0366,
    pixels: 'rgb888',
    colours: ['rgb'],
    serial: false,
  },
  // Font cards (protocol 0x02): text in the card's own GB2312 font only. Their device type is not in the
  // graphic manuals, so the wildcard is sent (as the manuals' own ping example does).
  {
    id: 'bx-5k1',
    label: 'BX-5K1',
    generation: 5,
    deviceType: 0xfffe,
    pixels: 'font',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-5k2',
    label: 'BX-5K2',
    generation: 5,
    deviceType: 0xfffe,
    pixels: 'font',
    colours: ['mono', 'tri'],
    serial: true,
  },
  {
    id: 'bx-6k1',
    label: 'BX-6K1',
    generation: 6,
    deviceType: 0xfffe,
    pixels: 'font',
    colours: ['mono', 'tri'],
    serial: true,
  },
];

export const BX_CARD_IDS = BX_CARDS.map((c) => c.id) as [string, ...string[]];

export function bxCard(id: string): BxCard {
  const c = BX_CARDS.find((k) => k.id === id);
  if (!c) throw new RangeError(`unknown BX card ${JSON.stringify(id)}; known: ${BX_CARD_IDS.join(', ')}`);
  return c;
}
