import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, getToken, setToken, setUnauthorizedHandler, type User } from './api/client';

interface Session {
  user: User | null;
  /** True while a token kept from before a reload is being checked. */
  restoring: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [user, setUser] = useState<User | null>(null);
  const [restoring, setRestoring] = useState(() => getToken() !== null);

  const forget = useCallback(() => {
    setToken(null);
    setUser(null);
    // Another user may log in next in this tab: drop everything the previous one could see.
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    setUnauthorizedHandler(forget);
    return () => setUnauthorizedHandler(null);
  }, [forget]);

  useEffect(() => {
    if (!getToken()) return;
    api
      .me()
      .then(setUser, () => forget())
      .finally(() => setRestoring(false));
  }, [forget]);

  const value = useMemo<Session>(
    () => ({
      user,
      restoring,
      login: async (username, password) => {
        const a = await api.login(username, password);
        setToken(a.token);
        queryClient.clear();
        setUser(a.user);
      },
      logout: async () => {
        await api.logout().catch(() => undefined);
        forget();
      },
    }),
    [user, restoring, forget, queryClient],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user; only for screens rendered behind the login gate. */
export function useUser(): User {
  const u = useSession().user;
  if (!u) throw new Error('useUser without a signed-in user');
  return u;
}

export const canEdit = (u: User) => u.role === 'admin' || u.role === 'editor';
