/**
 * The demo workspace: a fixed, made-up sample of companies, people, deals, activities and tasks.
 * Everything comes from one seeded generator, so every workspace gets the same sample.
 */

/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a list with a generator. */
export const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

export const companyNames = [
  'Northwind Analytics',
  'Bluefin Logistics',
  'Copperleaf Health',
  'Harbor & Pine',
  'Lumen Robotics',
  'Tidewater Foods',
  'Quartzline Security',
  'Evergreen Dental',
  'Fieldstone Capital',
  'Brightpath Learning',
  'Ironbridge Manufacturing',
  'Silverbirch Media',
  'Oakridge Realty',
  'Nimbus Cloudworks',
  'Redwood Outdoor',
  'Saffron Hospitality',
  'Granite Legal',
  'Kestrel Aerospace',
  'Meadowlark Farms',
  'Polaris Energy',
  'Cobalt Payments',
  'Juniper Retail',
  'Summit Biotech',
  'Waypoint Travel',
  'Orchard Software',
  'Beacon Insurance',
  'Driftwood Studios',
  'Foxglove Pharma',
  'Highland Telecom',
  'Maple & Co Consulting',
  'Sterling Architects',
  'Clearwater Utilities',
  'Pinecrest Hotels',
  'Ravenwood Games',
  'Sunstone Solar',
  'Trailhead Apparel',
  'Vantage Data',
  'Willow Home Goods',
  'Zephyr Mobility',
  'Atlas Freight',
] as const;

export const industries = [
  'Software',
  'Logistics',
  'Healthcare',
  'Financial services',
  'Manufacturing',
  'Retail',
  'Media',
  'Real estate',
  'Energy',
  'Education',
  'Hospitality',
  'Legal',
  'Aerospace',
  'Agriculture',
  'Telecommunications',
  'Consulting',
] as const;

export const firstNames = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'Lucas',
  'Mia',
  'Mateo',
  'Amelia',
  'Leo',
  'Harper',
  'Ethan',
  'Aisha',
  'Kenji',
  'Priya',
  'Omar',
  'Chloe',
  'Diego',
  'Freya',
  'Hugo',
  'Ingrid',
  'Jonas',
  'Keira',
  'Luca',
  'Maya',
  'Nils',
  'Nora',
  'Oscar',
  'Rosa',
  'Samir',
  'Tara',
  'Victor',
  'Yara',
  'Zoe',
  'Hannah',
  'Isaac',
  'Julia',
  'Marcus',
] as const;

export const lastNames = [
  'Anderson',
  'Bauer',
  'Chen',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Johansson',
  'Kowalski',
  'Lopez',
  'Murphy',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quinn',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Umar',
  'Varga',
  'Walsh',
  'Xu',
  'Young',
  'Zimmerman',
  'Moreau',
  'Silva',
  'Novak',
  'Kim',
  'Ahmed',
  'Berg',
  'Costa',
  'Doyle',
  'Eriksen',
  'Fontaine',
] as const;

export const jobTitles = [
  'CEO',
  'CTO',
  'VP Sales',
  'Head of Operations',
  'Marketing Manager',
  'Procurement Lead',
  'Engineering Manager',
  'Account Director',
  'CFO',
  'Product Manager',
  'IT Director',
  'Office Manager',
  'Customer Success Lead',
  'COO',
] as const;

/** Lifecycle stages weighted towards the middle of the funnel. */
export const lifecycleMix = [
  'subscriber',
  'lead',
  'lead',
  'lead',
  'mql',
  'mql',
  'sql',
  'sql',
  'opportunity',
  'opportunity',
  'customer',
  'customer',
  'customer',
  'evangelist',
] as const;

export const leadSources = ['Website', 'Referral', 'Conference', 'Cold outreach', 'Partner', 'Webinar'] as const;

export const dealProducts = [
  'Annual plan',
  'Pilot',
  'Expansion',
  'Renewal',
  'Onboarding package',
  'Enterprise licence',
  'Team seats',
] as const;

export const lostReasons = ['Went with a competitor', 'No budget this year', 'Timing', 'No decision'] as const;

export const callOutcomes = ['connected', 'left voicemail', 'no answer', 'connected'] as const;

export const noteTexts = [
  'Discussed **renewal timeline**; they want a proposal before the end of the quarter.',
  'Budget approved internally. Next step: security review with their IT team.',
  'Asked about integrations with their billing system — send the API docs.',
  'Very positive about the pilot. Champion is pushing for a wider rollout.',
  'Concerned about pricing for the larger tier; follow up with a discount option.',
  'Introduced us to their head of operations, who owns the decision.',
] as const;

export const callSubjects = ['Discovery call', 'Pricing follow-up', 'Check-in call', 'Demo recap', 'Contract questions'] as const;
export const emailSubjects = ['Proposal attached', 'Following up on our call', 'Next steps', 'Intro and agenda', 'Updated quote'] as const;
export const meetingSubjects = [
  'Product demo',
  'Quarterly business review',
  'Kick-off meeting',
  'Negotiation session',
  'Onsite workshop',
] as const;

export const taskTitles = [
  'Send proposal',
  'Follow up on pricing',
  'Book demo',
  'Call to confirm budget',
  'Prepare contract',
  'Check in after onboarding',
  'Share case study',
  'Schedule QBR',
  'Reply to security questionnaire',
  'Send thank-you note',
] as const;

/** How many records the sample has of each kind. */
export const demoSize = { companies: 40, contacts: 250, deals: 60, activities: 400, tasks: 40 } as const;
