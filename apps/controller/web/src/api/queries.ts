import { useQuery } from '@tanstack/react-query';
import { api } from './client';

/** One place for query keys, so a mutation invalidates exactly what it changed. */
export const keys = {
  groups: ['groups'] as const,
  devices: ['devices'] as const,
  content: ['content'] as const,
  playlists: ['playlists'] as const,
  schedules: ['schedules'] as const,
  users: ['users'] as const,
};

/** Devices are polled: the controller's Socket.IO hub speaks only to players. */
export const DEVICE_POLL_MS = 3000;

export const useGroups = () => useQuery({ queryKey: keys.groups, queryFn: api.groups, staleTime: 30_000 });
export const useDevices = (poll = false) =>
  useQuery({ queryKey: keys.devices, queryFn: api.devices, refetchInterval: poll ? DEVICE_POLL_MS : false });
export const useContent = () => useQuery({ queryKey: keys.content, queryFn: api.content });
export const usePlaylists = () => useQuery({ queryKey: keys.playlists, queryFn: api.playlists });
export const useSchedules = () => useQuery({ queryKey: keys.schedules, queryFn: api.schedules });
export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: api.users });
