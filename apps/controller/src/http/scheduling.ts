import type { FastifyInstance } from 'fastify';
import type { Store } from '../store';
import type { Hub } from '../hub/hub';
import { registerAirtimeRoutes } from './airtime';
import { registerCampaignRoutes } from './campaigns';
import { registerGroupRoutes } from './groups';
import { registerHolidayRoutes } from './holidays';
import { registerCalendarRoutes } from './ical';
import { registerInterruptRoutes } from './interrupts';
import { registerRollupRoutes } from './rollups';
import { registerScheduleRoutes } from './schedules';
import { registerTimelineRoutes } from './timeline';

/** Everything of issue 3: schedules, groups, campaigns, holidays, urgent messages, timelines, calendars. */
export function registerSchedulingRoutes(app: FastifyInstance, store: Store, hub: () => Hub): void {
  registerGroupRoutes(app, store, hub);
  registerScheduleRoutes(app, store, hub);
  registerCampaignRoutes(app, store, hub);
  registerHolidayRoutes(app, store, hub);
  registerInterruptRoutes(app, store, hub);
  registerTimelineRoutes(app, store, hub);
  registerCalendarRoutes(app, store, hub);
  registerRollupRoutes(app, store);
  registerAirtimeRoutes(app, store);
}
