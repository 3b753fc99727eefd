import type { PlayerBridge, RendererToRuntime, RuntimeToRenderer } from './bridge-protocol';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    bangtin?: PlayerBridge;
  }
}

/**
 * Browser mode's bridge: the same interface as Electron's preload, over a WebSocket to the runtime
 * that served this page. It reconnects forever (the runtime may restart); messages sent while it is
 * down wait in a small queue, so a survey answer given during a restart is not lost.
 */
export function webSocketBridge(url: string): PlayerBridge {
  const listeners = new Set<(m: RuntimeToRenderer) => void>();
  const queue: string[] = [];
  let ws: WebSocket | null = null;

  const connect = () => {
    ws = new WebSocket(url);
    ws.onopen = () => {
      while (queue.length > 0 && ws?.readyState === WebSocket.OPEN) ws.send(queue.shift()!);
    };
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as RuntimeToRenderer;
      for (const l of listeners) l(m);
    };
    ws.onclose = () => setTimeout(connect, 1000);
  };
  connect();

  return {
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(m: RendererToRuntime) {
      const text = JSON.stringify(m);
      if (ws?.readyState === WebSocket.OPEN) ws.send(text);
      else if (queue.length < 1000) queue.push(text);
    },
  };
}

export function currentBridge(): PlayerBridge {
  if (window.bangtin) return window.bangtin;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // The player opened this page with its bridge key (`?bridge=`); the bridge refuses a connection without it.
  const key = new URLSearchParams(location.search).get('bridge') ?? '';
  return webSocketBridge(`${proto}//${location.host}/bridge?bridge=${encodeURIComponent(key)}`);
}
