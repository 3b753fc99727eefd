import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';

/**
 * A labelled control with its error beside it. The control is cloned with `id`,
 * `aria-invalid` and `aria-describedby`, so screen readers read the error with the field.
 * `term` is the technical word behind a plain label ("Trọng số" behind "Tỉ lệ phát khi trùng giờ"):
 * a tooltip, so staff who know it (or a manual that uses it) can still find the field.
 */
export function Field({
  label,
  error,
  hint,
  term,
  children,
}: {
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  term?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id} title={term}>
        {label}
      </label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="error" id={errId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="error form-error" role="alert">
      {message}
    </div>
  );
}

export function Notice({ message }: { message: string | null }) {
  return (
    <div className="notice" role="status" aria-live="polite">
      {message}
    </div>
  );
}
