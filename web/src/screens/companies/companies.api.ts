import type { components, paths } from '../../api/schema';

/** A company as the API shows it. */
export type Company = components['schemas']['Company'];

/** The fields a person can change on a company (PATCH /companies/{id}). */
export type CompanyChanges = NonNullable<paths['/api/v1/companies/{id}']['patch']['requestBody']>['content']['application/json'];

/** Query keys of everything about companies, so a write can refresh exactly what it changed. */
export const companyKeys = {
  one: (id: string) => ['companies', 'one', id] as const,
  timeline: (id: string) => ['companies', 'timeline', id] as const,
  people: (id: string) => ['companies', 'contacts', id] as const,
};
