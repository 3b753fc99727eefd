import type { z } from 'zod';

/** The one error shape every API answer and socket refusal uses. */
export interface ApiError {
  /** `retryAfterMs`: when a refusal is only for now (`proof-budget-exceeded`), how long to wait before retrying. */
  error: { code: string; field: string | null; message: string; retryAfterMs?: number };
}

export function apiError(code: string, message: string, field: string | null = null): ApiError {
  return { error: { code, field, message } };
}

/** Turns the first zod issue into the API error shape, naming the field by its dotted path. */
export function fromZodError(err: z.ZodError, code = 'invalid-input', prefix = ''): ApiError {
  const issue = err.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = [prefix, path].filter(Boolean).join('.') || null;
  const message = issue ? issue.message : 'invalid input';
  return apiError(code, field ? `${field}: ${message}` : message, field);
}
