import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Tlp } from './intel.tables.ts';

/**
 * The TLP levels of intel a caller may see, decided on the server for every query. National CERT
 * staff (admin, analyst) see everything (undefined = no filter); center operators up to AMBER (not
 * AMBER+STRICT, which stays in the CERT's own organization, nor RED); constituents CLEAR and GREEN;
 * partner machine accounts nothing here (they go through TAXII and their agreements).
 */
export function tlpAllowedFor(p: Principal): Tlp[] | undefined {
  switch (p.role) {
    case 'admin':
    case 'analyst':
      return undefined;
    case 'center_operator':
      return ['clear', 'green', 'amber'];
    case 'constituent':
      return ['clear', 'green'];
    default:
      throw new AppError('auth.forbidden', 'Intel is not available to this account here', 403);
  }
}

/** Importing intel is for national CERT staff. */
export function assertCanImport(p: Principal): void {
  if (p.role !== 'admin' && p.role !== 'analyst') throw new AppError('auth.forbidden', 'Only national CERT analysts import intel', 403);
}
