import type { Store } from '../store';
import type { Hub } from './hub';

/**
 * Stop acknowledgements of urgent messages. A stop reaches each device as the bundle revision compiled
 * right after it, without the message; the player's `bundle:ack` of that revision (or a later one) is
 * its stop ack. Every protocol version acks bundles, so older players report stops as well.
 */
export function recordStops(store: Store, hub: Hub, interruptId: string, now = Date.now()): void {
  const devices = new Map(store.devices.list().map((d) => [d.id, d]));
  const stops = store.interrupts.deliveries(interruptId).map((d) => {
    const version = hub.bundleFor(d.deviceId)?.version ?? 0;
    const acked = devices.get(d.deviceId)?.ackedBundleVersion ?? null;
    // A device already holding that revision (the message never was in its bundle) has nothing to apply.
    return { deviceId: d.deviceId, bundleVersion: version, ackedAt: acked !== null && acked >= version ? now : null };
  });
  store.interruptStops.record(interruptId, stops);
}

/** Marks stop acks as players acknowledge bundles; `onAck` hears which messages each ack completed. */
export function watchStopAcks(
  store: Store,
  hub: Hub,
  onError: (err: unknown) => void,
  onAck: (interruptId: string, deviceId: string) => void = () => undefined,
): void {
  hub.onBundleAck((deviceId, version) => {
    try {
      if (!store.interruptStops.hasPending(deviceId)) return;
      for (const id of store.interruptStops.bundleAcked(deviceId, version, Date.now())) onAck(id, deviceId);
    } catch (err) {
      onError(err);
    }
  });
}
