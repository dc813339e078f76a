import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import type { components } from '../../api/schema';
import { type Me, useMe } from '../../session';

export type Workspace = components['schemas']['Workspace'];
export type Member = components['schemas']['Member'];
export type Invitation = components['schemas']['Invitation'];
export type ApiKey = components['schemas']['ApiKey'];
export type CustomField = components['schemas']['CustomField'];
export type Pipeline = components['schemas']['Pipeline'];
export type Stage = components['schemas']['PipelineStage'];
export type Role = Me['role'];
export type Action = Me['permissions'][number];
export type FieldObject = CustomField['objectType'];

/**
 * Query keys of the settings screens. Writes also refresh the keys other screens read the same
 * resources under (`['pipelines']`, `['custom-fields', …]`, `['members', …]`, `['workspace']`, `['me']`).
 */
export const settingsKeys = {
  workspace: ['settings', 'workspace'] as const,
  members: ['settings', 'members'] as const,
  invitations: ['settings', 'invitations'] as const,
  apiKeys: ['settings', 'api-keys'] as const,
  customFields: (objectType: FieldObject) => ['settings', 'custom-fields', objectType] as const,
  pipelines: ['settings', 'pipelines'] as const,
};

/** Reloads a resource everywhere it is shown: in settings and on the screens that use it. */
export function refresh(
  queryClient: QueryClient,
  what: 'workspace' | 'members' | 'invitations' | 'apiKeys' | 'customFields' | 'pipelines',
) {
  const shared = {
    workspace: [['workspace'], ['me']],
    members: [['members']],
    invitations: [],
    apiKeys: [],
    customFields: [['custom-fields'], ['settings', 'custom-fields'], ['deals']],
    pipelines: [['pipelines'], ['deals']],
  }[what];
  const own = what === 'customFields' ? [] : [settingsKeys[what]];
  return Promise.all([...own, ...shared].map((queryKey) => queryClient.invalidateQueries({ queryKey: [...queryKey] })));
}

/** What the signed-in person may do here, as GET /me says (the API is the one place role rules live). */
export function useCan(): (action: Action) => boolean {
  const me = useMe();
  return (action) => me.data?.permissions.includes(action) ?? false;
}

/** The workspace with its ETag, so a save names the version it was made from. */
export function useWorkspace() {
  return useQuery({ queryKey: settingsKeys.workspace, queryFn: () => unwrapVersioned(api.GET('/api/v1/workspace')) });
}

/** Every member of the workspace, in the order they joined. */
export function useMemberList() {
  return useQuery({
    queryKey: settingsKeys.members,
    queryFn: async () => (await unwrap(api.GET('/api/v1/members', { params: { query: { limit: 500 } } }))).data,
  });
}

/** Pending invitations (admins only: the API refuses others). */
export function useInvitations(enabled: boolean) {
  return useQuery({
    queryKey: settingsKeys.invitations,
    queryFn: async () => (await unwrap(api.GET('/api/v1/invitations'))).data,
    enabled,
  });
}

/** The workspace's API keys, revoked ones included (admins only). */
export function useApiKeys(enabled: boolean) {
  return useQuery({ queryKey: settingsKeys.apiKeys, queryFn: async () => (await unwrap(api.GET('/api/v1/api-keys'))).data, enabled });
}

/** The custom fields of one object, archived ones included, in their order. */
export function useCustomFieldList(objectType: FieldObject) {
  return useQuery({
    queryKey: settingsKeys.customFields(objectType),
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/custom-fields', { params: { query: { objectType, includeArchived: 'true' } } }));
      return [...page.data].sort((a, b) => a.position - b.position || a.createdAt.localeCompare(b.createdAt));
    },
  });
}

/** The pipelines with their stages, the default first. */
export function usePipelineList() {
  return useQuery({
    queryKey: settingsKeys.pipelines,
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/pipelines'));
      return [...page.data].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.position - b.position);
    },
  });
}
