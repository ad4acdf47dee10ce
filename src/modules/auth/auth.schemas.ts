import { z } from '@hono/zod-openapi';
import { PERMISSIONS, ROLES } from './permissions.ts';

export const RoleSchema = z.enum(ROLES);
export const PermissionSchema = z.enum(PERMISSIONS);

export const Email = z.string().trim().max(254).pipe(z.email());
export const Password = z.string().min(12, 'must be at least 12 characters').max(256);

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    organizationId: z.uuid().nullable(),
    centerId: z.uuid().nullable(),
    isActive: z.boolean(),
    createdAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
  })
  .openapi('User');
export type User = z.infer<typeof UserSchema>;

export const LoginRequest = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(256) }).openapi('LoginRequest');
export const SessionResponse = z.object({ user: UserSchema, csrfToken: z.string() }).openapi('Session');

export const BootstrapRequest = z
  .object({ token: z.string().min(1).max(200), email: Email, name: z.string().trim().min(1).max(200), password: Password })
  .openapi('BootstrapRequest');

export const CreateUserRequest = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    organizationId: z.uuid().nullable().optional(),
    centerId: z.uuid().nullable().optional(),
    password: Password.optional().openapi({ description: 'Omit for machine accounts that use API keys only' }),
  })
  .openapi('CreateUserRequest');
export type CreateUserInput = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    organizationId: z.uuid().nullable().optional(),
    centerId: z.uuid().nullable().optional(),
    isActive: z.boolean().optional(),
    password: Password.optional(),
  })
  .openapi('UpdateUserRequest');
export type UpdateUserInput = z.infer<typeof UpdateUserRequest>;

export const UserList = z.object({ items: z.array(UserSchema), nextCursor: z.string().nullable() }).openapi('UserList');

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    userId: z.uuid(),
    scopes: z.array(PermissionSchema),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiKey');
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const CreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    userId: z.uuid().optional().openapi({ description: 'Owner (machine account); admins only. Defaults to the caller.' }),
    scopes: z.array(PermissionSchema).min(1),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional().openapi({ description: 'Default: 90 days from now; null never expires' }),
  })
  .openapi('CreateApiKeyRequest');
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyRequest>;

export const CreatedApiKey = z
  .object({ key: z.string().openapi({ description: 'The secret; shown once, stored only as a hash' }), apiKey: ApiKeySchema })
  .openapi('CreatedApiKey');
export const ApiKeyList = z.object({ items: z.array(ApiKeySchema) }).openapi('ApiKeyList');
