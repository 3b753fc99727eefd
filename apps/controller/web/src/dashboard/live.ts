import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { io, type Socket } from 'socket.io-client';
import type { AdminClientToServerEvents, AdminServerToClientEvents } from '@bangtin/shared';
import { type DevicePageView, type DeviceSummary, getToken } from '../api/client';
import { keys } from '../api/queries';
import { countsSignature, patchPage } from './filters';

type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

/**
 * The dashboard's live link: the controller's `/admin` Socket.IO namespace, authenticated with the
 * session token. Summaries replace the cached one (and refetch the shown pages when the counts
 * moved, since a device may have left or entered the filter); rows of watched devices are patched
 * into the cached pages in place. `connected` false means the screen must poll instead.
 */
export function useDashboardLive(): { connected: boolean; watch(ids: readonly string[]): void } {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const socketRef = useRef<AdminSocket | null>(null);
  const watched = useRef<string[]>([]);

  useEffect(() => {
    const socket: AdminSocket = io('/admin', {
      // A function, so a reconnection presents the token of the moment.
      auth: (cb) => cb({ token: getToken() ?? '' }),
      transports: ['websocket'],
    });
    socketRef.current = socket;
    socket.on('connect', () => {
      setConnected(true);
      socket.emit('devices:watch', watched.current);
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', () => setConnected(false));
    socket.on('devices:summary', (s) => {
      const before = queryClient.getQueryData<DeviceSummary>(keys.deviceSummary);
      queryClient.setQueryData(keys.deviceSummary, s);
      if (!before || countsSignature(before) !== countsSignature(s))
        void queryClient.invalidateQueries({ queryKey: keys.devicePages });
    });
    socket.on('devices:update', ({ items }) => {
      const changed = new Map(items.map((d) => [d.id, d]));
      queryClient.setQueriesData<DevicePageView>({ queryKey: keys.devicePages }, (p) =>
        p ? patchPage(p, changed) : p,
      );
    });
    socket.on('devices:invalidate', () => void queryClient.invalidateQueries({ queryKey: keys.devicePages }));
    return () => {
      socketRef.current = null;
      socket.close();
    };
  }, [queryClient]);

  const watch = useCallback((ids: readonly string[]) => {
    if (ids.length === watched.current.length && ids.every((id, i) => id === watched.current[i])) return;
    watched.current = [...ids];
    if (socketRef.current?.connected) socketRef.current.emit('devices:watch', watched.current);
  }, []);

  return { connected, watch };
}
