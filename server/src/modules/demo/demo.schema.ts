import { z } from 'zod';

/** What POST /demo-data created. */
export const demoDataResultSchema = z
  .object({
    companies: z.number().int(),
    contacts: z.number().int(),
    deals: z.number().int(),
    activities: z.number().int(),
    tasks: z.number().int(),
  })
  .meta({ id: 'DemoDataResult' });
