import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ContentStore } from './content';
import { DeviceStore } from './devices';
import { GroupStore } from './groups';
import { ProofStore } from './proofs';
import { ScheduleStore } from './schedules';
import { UserStore } from './users';

export interface Store {
  db: Database.Database;
  users: UserStore;
  groups: GroupStore;
  devices: DeviceStore;
  content: ContentStore;
  schedules: ScheduleStore;
  proofs: ProofStore;
  close(): void;
}

export function openStore(dataDir: string): Store {
  const db = openDatabase(dataDir);
  return {
    db,
    users: new UserStore(db),
    groups: new GroupStore(db),
    devices: new DeviceStore(db),
    content: new ContentStore(db),
    schedules: new ScheduleStore(db),
    proofs: new ProofStore(db),
    close: () => db.close(),
  };
}
