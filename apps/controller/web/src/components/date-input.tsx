import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { DATE_PATTERN, formatAs, parseAs, type DateKind } from '../i18n/dates';

/**
 * A text field for a date (`dd/mm/yyyy`), a time (24-hour `HH:mm`) or both, in place of the native
 * inputs whose format follows the browser's locale (mm/dd/yyyy and AM/PM on an English Windows).
 * `value` and `onChange` carry the ISO-like strings the native inputs did (`YYYY-MM-DD`, `HH:mm`,
 * `YYYY-MM-DDTHH:mm`; '' when empty); while the text is not a valid value it is marked invalid and
 * `onChange` is not called.
 */
export function DateInput({
  kind = 'date',
  value,
  onChange,
  ...rest
}: {
  kind?: DateKind;
  value: string;
  onChange(value: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>) {
  const [text, setText] = useState(() => formatAs(kind, value));
  const parsed = text.trim() === '' ? '' : parseAs(kind, text);
  // A new value from outside (a reset, an item opened to edit) replaces what is typed.
  useEffect(() => {
    if (parsed !== value) setText(formatAs(kind, value));
  }, [value, kind]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      className={`date-input${rest.className ? ` ${rest.className}` : ''}`}
      placeholder={DATE_PATTERN[kind]}
      size={DATE_PATTERN[kind].length + 1}
      value={text}
      aria-invalid={parsed === null ? true : rest['aria-invalid']}
      onChange={(e) => {
        setText(e.target.value);
        const v = e.target.value.trim() === '' ? '' : parseAs(kind, e.target.value);
        if (v !== null) onChange(v);
      }}
      onBlur={(e) => {
        if (parsed) setText(formatAs(kind, parsed));
        rest.onBlur?.(e);
      }}
    />
  );
}
