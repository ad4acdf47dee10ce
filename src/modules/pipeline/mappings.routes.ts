import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, json, SECURITY } from '../../platform/http/openapi.ts';
import { requirePermission } from '../auth/index.ts';
import { shippedMappings } from './mappings/index.ts';

const FeedMapping = z
  .object({
    id: z.string().openapi({ example: 'shadowserver-scan' }),
    name: z.string().openapi({ description: 'What report layout the mapping reads' }),
    format: z.string().openapi({ example: 'csv' }),
    parser: z.record(z.string(), z.unknown()).openapi({ description: 'Parser settings to use as a feed\'s `parser` (or start from)' }),
  })
  .openapi('FeedMapping');
const FeedMappingList = z.object({ items: z.array(FeedMapping) }).openapi('FeedMappingList');

const listRoute = createRoute({
  method: 'get',
  path: '/feed-mappings',
  tags: ['feeds'],
  summary: 'The report layouts Vigil ships (CSV column mappings a feed can start from)',
  security: SECURITY,
  responses: { 200: json(FeedMappingList, 'Shipped mappings'), ...errors(401, 403) },
});

/** GET /feed-mappings (analysts, admins): the shipped mappings, for the console's feed form. */
export function feedMappingsRoutes() {
  const router = createRouter();
  // Data files shipped with the code: read once, the same for every caller.
  const items = shippedMappings().map((m) => ({ id: m.name, name: m.title, format: m.parser.format, parser: m.parser as Record<string, unknown> }));
  router.openapi(listRoute, (c) => {
    requirePermission(c, 'feeds:read');
    return c.json({ items }, 200);
  });
  return router;
}
