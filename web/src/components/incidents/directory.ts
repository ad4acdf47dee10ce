// Names for the user and center ids an incident carries. Only administrators may list users;
// national staff and center operators may list centers. Others see ids described in words.
import { useCallback } from 'react';
import { adminApi } from '../../api-admin';
import type { Center, User } from '../../api-types';
import { useLoad } from '../../hooks';

export interface Directory {
  /** Accounts an incident may be assigned to (administrators only; empty for others). */
  assignees: User[];
  centers: Center[];
  /** Whether user names are known (the caller is an administrator). */
  knowsUsers: boolean;
  /** The name, or null when this caller cannot see it. */
  userName: (id: string) => string | null;
  centerName: (id: string) => string | null;
  assigneeText: (userId: string | null, centerId: string | null) => string;
}

const WORKING_ROLES = ['admin', 'analyst', 'center_operator'];

export function useDirectory(me: User): Directory {
  const isAdmin = me.role === 'admin';
  const readsCenters = WORKING_ROLES.includes(me.role);
  const users = useLoad(`dir-users:${isAdmin}`, (signal) => (isAdmin ? adminApi.allUsers(signal) : Promise.resolve([] as User[])));
  const centers = useLoad(`dir-centers:${readsCenters}`, (signal) => (readsCenters ? adminApi.centers(signal) : Promise.resolve([] as Center[])));
  const all = users.data ?? [];
  const centerList = centers.data ?? [];

  const userName = useCallback(
    (id: string) => {
      if (id === me.id) return `${me.name || me.email} (you)`;
      const u = all.find((x) => x.id === id);
      return u ? u.name || u.email : null;
    },
    [all, me],
  );
  const centerName = useCallback((id: string) => centerList.find((c) => c.id === id)?.name ?? null, [centerList]);
  /** "Ana Lyst · Grid SOC"; ids whose names this caller cannot see read "An analyst", "a center". */
  const assigneeText = useCallback(
    (userId: string | null, centerId: string | null) => {
      const parts = [userId && (userName(userId) ?? 'An analyst'), centerId && (centerName(centerId) ?? (userId ? 'a center' : 'A center'))];
      return parts.filter(Boolean).join(' · ');
    },
    [userName, centerName],
  );

  return {
    assignees: all.filter((u) => u.isActive && WORKING_ROLES.includes(u.role)),
    centers: centerList,
    knowsUsers: isAdmin,
    userName,
    centerName,
    assigneeText,
  };
}
