import type { MessageKey } from '../i18n/messages';
import { ApiError } from './client';
import { staffErrorText } from './staff-errors';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Staff-readable text for an API error, in the UI language where the code is known. */
export function errorText(t: T, err: unknown): string {
  if (!(err instanceof ApiError))
    return t('error.other', { message: err instanceof Error ? err.message : String(err) });
  switch (err.code) {
    case 'network':
      return t('error.network');
    case 'unauthorized':
    case 'invalid-credentials':
    case 'too-many-attempts':
    case 'login-busy':
    case 'forbidden':
    case 'storage-full':
      return t(`error.${err.code}`);
    case 'campaign-closed':
    case 'campaign-published':
    case 'device-offline':
    case 'not-pending':
    case 'group-cycle':
    case 'group-level':
    case 'group-not-empty':
    case 'reenrolment-rejected':
    case 'device-revoked':
    case 'file-too-large':
    case 'unsupported-media-type':
    case 'unsupported-codec':
    case 'unreadable-media':
    case 'missing-file':
      return t(`error.${err.code}`);
    case 'weak-password':
    case 'wrong-password':
    case 'account-disabled':
    case 'last-admin':
    case 'self':
      return staffErrorText(t, err);
    case 'not-found':
      return t('error.not-found', { message: err.message });
    case 'in-use':
      return t('error.in-use', { message: err.message });
    case 'conflict':
      return t('error.conflict', { message: err.message });
    default:
      // Validation errors (`invalid-input`, `invalid-output`, …) name a field: say it in the UI language.
      return validationText(t, err.field, err.message) ?? err.message;
  }
}

/**
 * An `in-use` refusal in the UI language: `key` takes {names}, the things that hold the item, which the
 * API quotes in its message (`used by campaign "Tháng BHXH", schedule "Thứ Hai–Thứ Sáu …"`). Other
 * errors as `errorText` says them.
 */
export function inUseText(t: T, err: unknown, key: 'content.inUse' | 'playlists.inUse'): string {
  if (!(err instanceof ApiError) || err.code !== 'in-use') return errorText(t, err);
  const names = [...err.message.matchAll(/"([^"]+)"/g)].map((m) => `“${m[1]}”`);
  return t(key, { names: names.join(', ') });
}

/**
 * The message to show beside the form field `name`: the API names fields by dotted path
 * (`items.2.durationMs`, `target.groupIds.0`), so a field also owns errors on its sub-paths.
 */
export function fieldError(t: T, err: unknown, name: string): string | null {
  if (!(err instanceof ApiError) || !err.field) return null;
  if (err.field !== name && !err.field.startsWith(`${name}.`)) return null;
  return errorText(t, err);
}

/** The message for errors no field of the form claims (`fields` are the ones the form shows). */
export function formError(t: T, err: unknown, fields: readonly string[]): string | null {
  if (!err) return null;
  if (err instanceof ApiError && err.field && fields.some((f) => err.field === f || err.field!.startsWith(`${f}.`)))
    return null;
  return errorText(t, err);
}

/** Field names the API can return, each with a label (`field.<name>`) in the UI languages. */
const FIELD_NAMES = new Set([
  'name',
  'text',
  'title',
  'username',
  'password',
  'role',
  'groupId',
  'parentId',
  'kind',
  'type',
  'deviceId',
  'deviceIds',
  'groupIds',
  'tags',
  'playlistId',
  'playlistIds',
  'contentId',
  'items',
  'durationMs',
  'itemDurationMs',
  'startsAt',
  'endsAt',
  'startsOn',
  'endsOn',
  'priority',
  'recurrence',
  'dayparts',
  'start',
  'end',
  'days',
  'exceptions',
  'timeZone',
  'from',
  'to',
  'campaignId',
  'colour',
  'description',
  'holidayListIds',
  'dates',
  'weight',
  'fallback',
  'target',
  'status',
  'protocol',
  'port',
  'baud',
  'size',
  'address',
  'tcp',
  'card',
  'power',
  'brightness',
  'outputs',
  'url',
  'html',
  'file',
  'audio',
  'command',
  'limit',
  'format',
  'width',
  'height',
  'rating',
  'choice',
  'surveyId',
  'body',
]);

/** The label of a field path: its last named segment, with the (1-based) item it sits in. */
export function fieldLabel(t: T, field: string): string | null {
  const parts = field.split('.');
  const named = parts.filter((p) => !/^\d+$/.test(p));
  const last = named.at(-1) ?? '';
  // `items.2.durationMs` → "Thời lượng (mục 3)"; `0.baud` (a list body) → "Tốc độ baud (mục 1)".
  const index = parts.findLast((p) => /^\d+$/.test(p));
  if (!FIELD_NAMES.has(last)) return null;
  const label = t(`field.${last}` as MessageKey);
  return index === undefined ? label : t('field.indexed', { label, n: Number(index) + 1 });
}

const TYPE_NAMES = new Set(['string', 'number', 'int', 'boolean', 'array', 'object']);

/**
 * The detail of a validation message (zod 4's English texts and the API's own refinements) in the
 * UI language, or null when it is not one we know. Zod is pinned in the workspace, and the unit tests
 * feed this real zod output, so a changed wording shows up as a failing test, not as English on screen.
 */
export function validationDetail(t: T, detail: string): string | null {
  const d = detail.trim();
  let m: RegExpExecArray | null;
  if ((m = /^Invalid input: expected (\w+), received (\w+)$/.exec(d))) {
    if (m[2] === 'undefined' || m[2] === 'null') return t('zod.required');
    const type = m[1] === 'nan' ? 'number' : m[1]!;
    return TYPE_NAMES.has(type) ? t('zod.type', { type: t(`zod.type.${type}` as MessageKey) }) : t('zod.invalid');
  }
  if ((m = /^Invalid input: expected (.+)$/.exec(d))) return t('zod.literal', { value: unquote(m[1]!) });
  if ((m = /^Invalid option: expected one of (.+)$/.exec(d)))
    return t('zod.oneOf', { values: m[1]!.split('|').map(unquote).join(', ') });
  if ((m = /^Too (small|big): expected (\w+) to (have|be) (>=|<=|>|<|exactly )(-?[\d.e+]+)(?: (\w+))?$/.exec(d))) {
    const [, dir, origin, , adj, nRaw, unit] = m;
    const n = Number(nRaw);
    const small = dir === 'small';
    if (origin === 'string' || unit === 'characters') {
      if (small && ((adj === '>=' && n === 1) || (adj === '>' && n === 0))) return t('zod.empty');
      if (adj === 'exactly ') return t('zod.exactChars', { n });
      return t(small ? 'zod.minChars' : 'zod.maxChars', { n: adj === '>' ? n + 1 : adj === '<' ? n - 1 : n });
    }
    if (unit === 'items' || unit === 'entries' || origin === 'array' || origin === 'set') {
      if (adj === 'exactly ') return t('zod.exactItems', { n });
      return t(small ? 'zod.minItems' : 'zod.maxItems', { n: adj === '>' ? n + 1 : adj === '<' ? n - 1 : n });
    }
    const key =
      adj === 'exactly '
        ? 'zod.exact'
        : small
          ? adj === '>'
            ? 'zod.gt'
            : 'zod.gte'
          : adj === '<'
            ? 'zod.lt'
            : 'zod.lte';
    return t(key, { n });
  }
  if ((m = /^Invalid number: must be a multiple of (.+)$/.exec(d))) return t('zod.multipleOf', { n: Number(m[1]) });
  if ((m = /^Unrecognized keys?: (.+)$/.exec(d)))
    return t('zod.unknownKeys', { keys: m[1]!.split(', ').map(unquote).join(', ') });
  if (/^Invalid string: must (match pattern|start with|end with|include) /.test(d)) return t('zod.format');
  if (d === 'Invalid UUID' || d === 'Invalid GUID') return t('zod.uuid');
  if (d === 'Invalid ISO datetime') return t('zod.datetime');
  if (d === 'Invalid URL') return t('zod.url');
  if (d === 'Invalid email address') return t('zod.email');
  if (d === 'Invalid input' || /^Invalid discriminator value/.test(d)) return t('zod.invalid');
  if (/^Invalid [\w ]+$/.test(d)) return t('zod.format');
  return refinementText(t, d);
}

/** The API's own messages (refinements in the shared schemas and checks in the routes). */
function refinementText(t: T, d: string): string | null {
  const fixed: Record<string, MessageKey> = {
    'must be a date YYYY-MM-DD': 'zod.date',
    'is not a real calendar date': 'zod.realDate',
    'must be a time HH:MM between 00:00 and 24:00': 'zod.time',
    'is not a known IANA time zone (e.g. Asia/Ho_Chi_Minh)': 'zod.timeZone',
    'must look like 96x16 (columns x rows)': 'zod.boardSize',
    'columns and rows must be 1–4096': 'zod.boardSizeRange',
    'must be 1–40 letters, digits, - or _': 'zod.boardName',
    'must be two hex digits (00 = every sign on the bus)': 'zod.hexAddress',
    'must look like HOST:PORT, e.g. 192.168.1.50:5005': 'zod.tcpTarget',
    'must be a serial device such as /dev/ttyUSB0, /dev/serial/by-id/… or COM3': 'zod.serialPath',
    'port must be 1–65535': 'zod.tcpPort',
    'give either port (serial) or tcp (network), not both': 'zod.portOrTcp',
    'is required (the serial device, e.g. /dev/ttyUSB0)': 'zod.serialRequired',
    'Alpha signs are serial: use port=': 'zod.alphaSerial',
    'only BX boards have a card model': 'zod.cardOnlyBx',
    'is required: port=/dev/ttyUSB0 (serial) or tcp=HOST:5005 (network)': 'zod.bxLink',
    'must be the BX screen number 1–65534': 'zod.bxAddress',
    'is required for Huidu cards (HOST:10001)': 'zod.huiduTcp',
    'Huidu cards are driven over the network: use tcp=': 'zod.huiduNetwork',
    'must be a colour #rrggbb': 'zod.colour',
    '3–50 letters, digits, dot, dash or underscore': 'zod.usernameChars',
    'must be an http(s) URL': 'zod.httpUrl',
    'must be an HLS playlist URL ending in .m3u8, without user:password': 'zod.hlsUrl',
    'an editor needs a district': 'zod.editorDistrict',
    'name at least one device, group or tag': 'zod.targets',
    'a one-off schedule (recurrence "once") needs both startsAt and endsAt': 'zod.onceNeedsBoth',
    'pick at least one day': 'zod.pickDay',
    'must be at least 1 s': 'zod.atLeast1s',
    'must be at most 24 h': 'zod.atMost24h',
    'must be before 24:00': 'zod.before24',
  };
  const key = fixed[d];
  if (key) return t(key);
  let m: RegExpExecArray | null;
  if ((m = /^must be one of ([\d, ]+)$/.exec(d))) return t('zod.oneOf', { values: m[1]! });
  if ((m = /^must be after (\w+)$/.exec(d))) return t('zod.after', { other: otherField(t, m[1]!) });
  if ((m = /^must not be before (\w+)$/.exec(d))) return t('zod.notBefore', { other: otherField(t, m[1]!) });
  if ((m = /^the (?:window|range) must be at most (\d+) days$/.exec(d))) return t('zod.maxDays', { n: Number(m[1]) });
  if ((m = /^give (\w+) or (\w+), not both$/.exec(d)))
    return t('zod.notBoth', { a: otherField(t, m[1]!), b: otherField(t, m[2]!) });
  if ((m = /^duplicate day (\d)$/.exec(d))) return t('zod.duplicateDay', { n: m[1]! });
  if ((m = /^must differ from start (\d\d:\d\d)$/.exec(d))) return t('zod.differFromStart', { start: m[1]! });
  if ((m = /^overlaps daypart (.+)$/.exec(d))) return t('zod.overlapsDaypart', { part: m[1]! });
  // The reason comes from the cron parser, in English; the rest is said in the UI language.
  if ((m = /^invalid cron expression: (.+)$/.exec(d))) return t('zod.cron', { why: m[1]! });
  if (/^is required for BX boards /.test(d)) return t('zod.cardRequired');
  if ((m = /^(\S+) has no serial port: use tcp=/.exec(d))) return t('zod.noSerialPort', { card: m[1]! });
  if ((m = /^(\S+) is a full-colour card: rgb$/.exec(d))) return t('zod.fullColourCard', { card: m[1]! });
  if ((m = /^(\S+) drives red or red\+green boards: mono or tri$/.exec(d)))
    return t('zod.twoColourCard', { card: m[1]! });
  if ((m = /^board name (.+) is used twice$/.exec(d))) return t('zod.boardTwice', { name: m[1]! });
  if ((m = /^boards on (.+) must share one baud rate$/.exec(d))) return t('zod.sharedBaud', { port: m[1]! });
  if ((m = /^at most (\d+) boards per device$/.exec(d))) return t('zod.maxBoards', { n: Number(m[1]) });
  return null;
}

const otherField = (t: T, name: string) => (FIELD_NAMES.has(name) ? t(`field.${name}` as MessageKey) : name);
const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, '$1');

/**
 * `field: detail` from the API, in the UI language: "Tốc độ baud (mục 1): phải là một trong: …".
 * Null when the detail is not one we know, so the caller shows the API's English rather than a guess.
 */
export function validationText(t: T, field: string | null, message: string): string | null {
  const detailText = field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  const detail = validationDetail(t, detailText);
  if (detail === null) return null;
  if (!field) return detail;
  return `${fieldLabel(t, field) ?? field}: ${detail}`;
}
