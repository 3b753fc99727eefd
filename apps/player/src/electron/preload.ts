import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PlayerBridge, RendererToRuntime, RuntimeToRenderer } from '../renderer/bridge-protocol';
import { FROM_RENDERER, TO_RENDERER } from './ipc-channels';

/**
 * The one object the renderer gets (`window.bangtin`). Sandboxed preload: only `contextBridge` and
 * `ipcRenderer`; the renderer never sees ipcRenderer itself, only these two functions. Messages are
 * validated again in main (zod), since a compromised renderer could send anything.
 */
const bridge = {
  onMessage(listener: (m: RuntimeToRenderer) => void): () => void {
    const handler = (_e: IpcRendererEvent, m: RuntimeToRenderer) => listener(m);
    ipcRenderer.on(TO_RENDERER, handler);
    return () => ipcRenderer.removeListener(TO_RENDERER, handler);
  },
  send(m: RendererToRuntime): void {
    ipcRenderer.send(FROM_RENDERER, m);
  },
} satisfies PlayerBridge;

contextBridge.exposeInMainWorld('bangtin', bridge);
