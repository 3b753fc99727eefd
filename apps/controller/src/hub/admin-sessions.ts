import type { Hub } from './hub';
import { ADMIN_NAMESPACE } from './admin-events';

/**
 * Closes a user's open dashboard sockets at once (disabled, or password changed): the `/admin` feed
 * checks the session only at connect, so an ended session must also end its live connections. The
 * socket presenting `keepToken` (the user's own, when they change their password) stays.
 */
export function disconnectAdminSockets(hub: Hub, userId: string, keepToken: string | null = null): number {
  let n = 0;
  for (const s of hub.io.of(ADMIN_NAMESPACE).sockets.values()) {
    const data = s.data as { user?: { id: string }; token?: string };
    if (data.user?.id === userId && data.token !== keepToken) {
      s.disconnect(true);
      n++;
    }
  }
  return n;
}
