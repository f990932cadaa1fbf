import type { RouteSpec } from '../route';
import { auditRoutes } from './audit';
import { authorisationRoutes } from './authorisations';
import { clearingRoutes } from './clearing';
import { eventRoutes } from './events';
import { participantRoutes } from './participants';
import { policyRoutes } from './policies';
import { productRoutes } from './products';
import { settlementRoutes } from './settlements';

/** Every /v1 route, in the order of the API contract. */
export const ROUTES: readonly RouteSpec[] = [
  ...participantRoutes,
  ...productRoutes,
  ...policyRoutes,
  ...authorisationRoutes,
  ...settlementRoutes,
  ...auditRoutes,
  ...clearingRoutes,
  ...eventRoutes,
];
