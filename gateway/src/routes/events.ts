import { ALL_ROLES, route } from '../route';
import { resumePosition } from '../events';
import { eventsHeaders, eventsQuery, noParams } from '../schemas';

/** One Server-Sent Event: id "block.index", the event type, JSON {blockNumber, txId, type, refs, status, parties}. */
const SSE_EVENT = {
  type: 'object',
  required: ['data'],
  properties: {
    id: { type: 'string', pattern: '^\\d+\\.\\d+$' },
    event: { type: 'string' },
    data: { type: 'string', contentMediaType: 'application/json' },
  },
};

export const eventRoutes = [
  route({
    method: 'get',
    path: '/v1/events',
    summary:
      'Server-Sent Events of ledger events the caller may see; ids are "block.index"; resume with ?since=BLOCK or Last-Event-ID',
    roles: ALL_ROLES,
    params: noParams,
    query: eventsQuery,
    headers: eventsHeaders,
    responses: { 200: 'the event stream' },
    returns: { schema: SSE_EVENT, mediaType: 'text/event-stream' },
    errors: ['EVENTS_EXPIRED', 'TOO_MANY_STREAMS'],
    handle: async ({ query, headers }, { events, principal }, req, res) =>
      events.stream(req, res, principal, resumePosition(headers['last-event-id'], query.since)),
  }),
];
