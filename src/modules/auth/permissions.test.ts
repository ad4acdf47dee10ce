import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../../web/src/api-types.ts';
import { PERMISSIONS } from './permissions.ts';

describe('permissions', () => {
  it('offers the console exactly the scopes the server knows', () => {
    expect([...SCOPES].sort()).toEqual([...PERMISSIONS].sort());
  });
});
