import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import type { components } from '../../api/schema';

export type Form = components['schemas']['Form'];
export type FormProperty = components['schemas']['FormProperty'];
export type FormSubmission = components['schemas']['FormSubmission'];
export type FormFieldType = FormProperty['types'][number];

/** Query keys of the forms screens; every form write refreshes everything under `['forms']`. */
export const formKeys = {
  all: ['forms'] as const,
  list: ['forms', 'list'] as const,
  one: (id: string) => ['forms', 'one', id] as const,
  properties: ['forms', 'properties'] as const,
  submissions: (id: string) => ['forms', 'submissions', id] as const,
};

/** The workspace's forms, newest first. */
export function useForms() {
  return useQuery({
    queryKey: formKeys.list,
    queryFn: async () => (await unwrap(api.GET('/api/v1/forms', { params: { query: { limit: 200 } } }))).data,
  });
}

/** One form with its ETag, so a save names the version it was made from. */
export function useForm(id: string) {
  return useQuery({
    queryKey: formKeys.one(id),
    queryFn: () => unwrapVersioned(api.GET('/api/v1/forms/{id}', { params: { path: { id } } })),
  });
}

/** The contact properties a field can fill (standard and custom), with the ways each may be shown. */
export function useFormProperties() {
  return useQuery({
    queryKey: formKeys.properties,
    queryFn: async () => (await unwrap(api.GET('/api/v1/forms/properties'))).data,
    staleTime: 60_000,
  });
}

/** A form's submissions, newest first, a page at a time. */
export function useFormSubmissions(id: string) {
  return useInfiniteQuery({
    queryKey: formKeys.submissions(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/forms/{id}/submissions', {
          params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
