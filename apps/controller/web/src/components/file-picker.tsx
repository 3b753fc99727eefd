import { forwardRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * A file input without the browser's own "Choose File / No file chosen" (in the browser's language,
 * not the app's): the input stays in the page, focusable and labelled, but is drawn as a button-like
 * "Chọn tệp…" with the chosen file's name beside it. `id` and the aria props come from `Field`.
 */
export const FilePicker = forwardRef<
  HTMLInputElement,
  {
    id?: string;
    accept: string;
    onFile(file: File | null): void;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
  }
>(function FilePicker({ id, accept, onFile, ...aria }, ref) {
  const { t } = useI18n();
  const [name, setName] = useState<string | null>(null);
  return (
    <span className="file-picker">
      <input
        ref={ref}
        id={id}
        type="file"
        className="visually-hidden"
        accept={accept}
        {...aria}
        onChange={(e) => {
          const file = e.target.files?.[0] ?? null;
          setName(file?.name ?? null);
          onFile(file);
        }}
      />
      <label htmlFor={id} className="file-button" aria-hidden="true">
        {t('file.choose')}
      </label>
      <span className="file-name" data-testid="file-name">
        {name ?? t('file.none')}
      </span>
    </span>
  );
});
