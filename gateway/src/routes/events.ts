import { ALL_ROLES, route } from '../route';
import { eventsQuery, noParams } from '../schemas';

export const eventRoutes = [
  route({
    method: 'get',
    path: '/v1/events',
    summary:
      'Server-Sent Events of ledger events the caller may see; ids are "block.index"; resume with ?since=BLOCK or Last-Event-ID',
    roles: ALL_ROLES,
    params: noParams,
    query: eventsQuery,
    responses: { 200: 'text/event-stream', 410: 'EVENTS_EXPIRED' },
    handle: async ({ query }, { events, principal }, req, res) =>
      events.stream(req, res, principal, query.since),
  }),
];
