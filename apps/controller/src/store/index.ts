import type Database from 'better-sqlite3';
import { openDatabase } from './db';
import { ContentStore } from './content';
import { DeviceStore } from './devices';
import { GroupStore } from './groups';
import { ProofStore } from './proofs';
import { ScheduleStore } from './schedules';
import { UserStore } from './users';
import { CampaignStore } from './campaigns';
import { HolidayStore } from './holidays';
import { InterruptStore } from './interrupts';
import { JobStore } from './jobs';
import { RollupStore } from './rollups';
import { ConnectivityStore } from './connectivity';
import { ControllerRunStore } from './controller-runs';
import { AuditStore } from './audit';
import { InterruptStopStore } from './interrupt-stops';
import { ProofChainStore } from './proof-chain';
import { EvidenceStore } from './evidence';

export interface Store {
  db: Database.Database;
  users: UserStore;
  groups: GroupStore;
  devices: DeviceStore;
  content: ContentStore;
  schedules: ScheduleStore;
  proofs: ProofStore;
  campaigns: CampaignStore;
  holidays: HolidayStore;
  interrupts: InterruptStore;
  jobs: JobStore;
  rollups: RollupStore;
  connectivity: ConnectivityStore;
  controllerRuns: ControllerRunStore;
  audit: AuditStore;
  interruptStops: InterruptStopStore;
  proofChain: ProofChainStore;
  evidence: EvidenceStore;
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
    campaigns: new CampaignStore(db),
    holidays: new HolidayStore(db),
    interrupts: new InterruptStore(db),
    jobs: new JobStore(db),
    rollups: new RollupStore(db),
    connectivity: new ConnectivityStore(db),
    controllerRuns: new ControllerRunStore(db),
    audit: new AuditStore(db),
    interruptStops: new InterruptStopStore(db),
    proofChain: new ProofChainStore(db),
    evidence: new EvidenceStore(db),
    close: () => db.close(),
  };
}
