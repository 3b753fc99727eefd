import type { MessageKey } from '../i18n/messages';
import { ApiError } from './client';

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
    case 'forbidden':
      return t(`error.${err.code}`);
    case 'campaign-closed':
    case 'campaign-published':
    case 'device-offline':
    case 'file-too-large':
    case 'unsupported-media-type':
    case 'unsupported-codec':
    case 'unreadable-media':
    case 'missing-file':
      return t(`error.${err.code}`);
    case 'not-found':
      return t('error.not-found', { message: err.message });
    case 'in-use':
      return t('error.in-use', { message: err.message });
    case 'conflict':
      return t('error.conflict', { message: err.message });
    default:
      return err.message;
  }
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
