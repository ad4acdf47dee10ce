export { createCentersRepository } from './centers.repository.ts';
export { createCentersService, type CentersService } from './centers.service.ts';
export { centersRoutes } from './centers.routes.ts';
