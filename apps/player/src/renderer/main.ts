import { currentBridge } from './bridge-client';
import { captureScreen } from './capture';
import { Kiosk } from './kiosk';
import { Stage } from './stage';

/** Renderer entry: the same code in an Electron window and in any Chromium (browser mode). */
const bridge = currentBridge();
const stage = new Stage(document.getElementById('stage')!, bridge);
let kiosk: Kiosk | null = null;
let pending: Parameters<Kiosk['setPages']>[0] = [];
let identifyTimer: ReturnType<typeof setTimeout> | null = null;

bridge.onMessage((m) => {
  switch (m.type) {
    case 'config':
      stage.configure(m.mediaBase, m.transitionMs);
      document.body.dataset.output = m.output;
      if (m.kiosk) {
        if (kiosk) kiosk.update(m.kiosk, m.mediaBase);
        else kiosk = new Kiosk(document.getElementById('kiosk')!, stage, bridge, m.kiosk, m.mediaBase);
        kiosk.setPages(pending);
        document.body.style.cursor = 'default';
      }
      return;
    case 'pages':
      pending = m.pages;
      kiosk?.setPages(m.pages);
      return;
    case 'play':
      void stage.play(m);
      return;
    case 'idle':
      stage.idle();
      return;
    case 'identify': {
      const el = document.getElementById('identify')!;
      el.textContent = m.text;
      el.hidden = false;
      if (identifyTimer) clearTimeout(identifyTimer);
      identifyTimer = setTimeout(() => (el.hidden = true), m.durationMs);
      return;
    }
    case 'reload':
      location.reload();
      return;
    case 'capture':
      captureScreen().then(
        (shot) => bridge.send({ type: 'screenshot', requestId: m.requestId, result: shot }),
        (err: unknown) =>
          bridge.send({ type: 'screenshot', requestId: m.requestId, result: { error: String(err).slice(0, 300) } }),
      );
      return;
  }
});
bridge.send({ type: 'ready' });
