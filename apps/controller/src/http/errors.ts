import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { apiError, fromZodError } from '@bangtin/shared';
import type { Logger } from 'pino';
import type { StorageMonitor } from '../store/storage';

/** An error with an HTTP status and a stable code, answered as `{ error: { code, field, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** Extra keys of the error object, e.g. the playlists that keep an item `in-use`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, field: string | null = null) =>
  new HttpError(404, 'not-found', `${what} not found`, field);
/** 403; `field` names the input that reaches too far (a target, a group), null for a role refusal. */
export const forbidden = (message = 'your role does not allow this', field: string | null = null) =>
  new HttpError(403, 'forbidden', message, field);

/** Parses untrusted input with a zod schema, or throws a 400 that names the offending field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, code = 'invalid-input'): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const e = fromZodError(r.error, code).error;
  throw new HttpError(400, e.code, e.message, e.field);
}

/** 507 Insufficient Storage: the request was fine, the disk is not. The UI shows its own Vietnamese text. */
export function storageFull(storage: StorageMonitor): HttpError {
  return new HttpError(507, 'storage-full', `${storage.message()}: changes cannot be saved until space is freed`);
}

export function errorHandler(log: Logger, storage?: StorageMonitor) {
  return (err: FastifyError | HttpError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) {
      const body = apiError(err.code, err.message, err.field);
      return reply.status(err.status).send(err.details ? { error: { ...body.error, ...err.details } } : body);
    }
    // SQLITE_FULL, SQLITE_IOERR_*, ENOSPC from a route: the disk, not a bug. Marks the disk full.
    if (storage?.failed(err)) {
      log.warn({ url: req.url, code: (err as { code?: string }).code }, 'write refused: storage full');
      const e = storageFull(storage);
      return reply.status(507).send(apiError(e.code, e.message));
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.status(413).send(apiError('payload-too-large', 'request body is too large'));
    if (status === 415) return reply.status(415).send(apiError('unsupported-media-type', err.message));
    if (status >= 400 && status < 500) {
      return reply.status(status).send(apiError('invalid-json', `request body: ${err.message}`, 'body'));
    }
    log.error({ err, url: req.url }, 'request failed');
    return reply.status(500).send(apiError('internal', 'internal error; see the controller log'));
  };
}
