import { activitiesEngine } from './imports.activities.ts';
import { contactsEngine } from './imports.contacts.ts';
import type { ImportEngine } from './imports.engine.ts';
import { companiesEngine, dealsEngine } from './imports.records.ts';
import type { ImportObject } from './imports.schema.ts';

/** How each object type imports. */
export const importEngines: Record<ImportObject, ImportEngine> = {
  contacts: contactsEngine,
  companies: companiesEngine,
  deals: dealsEngine,
  activities: activitiesEngine,
};
