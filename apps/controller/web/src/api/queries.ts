import { useQuery } from '@tanstack/react-query';
import { api, kioskApi } from './client';

/** One place for query keys, so a mutation invalidates exactly what it changed. */
export const keys = {
  groups: ['groups'] as const,
  devices: ['devices'] as const,
  content: ['content'] as const,
  playlists: ['playlists'] as const,
  schedules: ['schedules'] as const,
  users: ['users'] as const,
  /** Pages of the dashboard's device list: `[...devicePages, query, pageIndex]`. */
  devicePages: ['devices', 'page'] as const,
  deviceSummary: ['devices', 'summary'] as const,
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

/** The kiosk survey's questions (admin only on the controller) and the answers kiosks sent. */
export const kioskKeys = {
  surveyConfig: ['surveys', 'config'] as const,
  surveyAnswers: ['surveys', 'answers'] as const,
};
export const useSurveyConfig = (enabled: boolean) =>
  useQuery({ queryKey: kioskKeys.surveyConfig, queryFn: kioskApi.surveyConfig, enabled });
export const useSurveyAnswers = () =>
  useQuery({ queryKey: kioskKeys.surveyAnswers, queryFn: () => kioskApi.surveyAnswers() });
