import type { OutputView } from '../api/client';
import type { MessageKey } from '../i18n/messages';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * An output as staff name it: "Bảng bang-tam-ky" for the player's `led:bang-tam-ky`. The player's own
 * id stays in the tooltip, for whoever reads the player's log or configuration.
 */
export function outputLabel(t: Translate, o: Pick<OutputView, 'id' | 'kind'>): string {
  const name = o.id.replace(/^(led|screen|log):/, '');
  if (o.kind === 'led') return t('output.named', { name });
  return o.kind === 'screen' ? t('output.screen', { name }) : o.id;
}
