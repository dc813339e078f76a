import type { Database } from '../server/src/db/database.ts';

/** How many records the CRM benchmark seeds; the figures at scale 1. */
export function crmScale(scale: number) {
  return {
    contacts: Math.round(1_000_000 * scale),
    companies: Math.round(100_000 * scale),
    deals: Math.round(200_000 * scale),
    activities: Math.round(10_000_000 * scale),
  };
}

const CHUNK = 250_000;

/** What a seed holds beyond contacts, companies and deals; the default is everything. */
export type SeedOptions = { activities: boolean };
export const fullSeed: SeedOptions = { activities: true };

/**
 * Fills a workspace with generated CRM data entirely inside the database (INSERT … SELECT over
 * generate_series, in chunks), the way a long-lived workspace looks: companies with domains,
 * contacts with emails, phones, a custom field and a primary company, deals across the default
 * pipeline's stages, and activities linked to contacts (and their companies) with their timeline
 * entries. Returns how long each part took. Without `activities` the workspace has none (the web
 * app's first screen reads none, and ten million of them take the embedded database longer to
 * seed than the rest together).
 */
export async function seedCrm(
  db: Database,
  workspaceId: string,
  ownerId: string,
  scale: number,
  options: SeedOptions = fullSeed,
): Promise<Record<string, number>> {
  const n = crmScale(scale);
  const took: Record<string, number> = {};
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    took[name] = performance.now() - t0;
  };
  const chunks = async (total: number, fn: (from: number, to: number) => Promise<unknown>) => {
    for (let from = 1; from <= total; from += CHUNK) await fn(from, Math.min(total, from + CHUNK - 1));
  };
  const ws = workspaceId;
  await db.query(
    `INSERT INTO custom_fields (workspace_id, id, object_type, key, label, type, options)
     VALUES ($1, rapport_uuid_v7(), 'contact', 'plan', 'Plan', 'single_select', '[{"value":"free","label":"Free"},{"value":"pro","label":"Pro"},{"value":"enterprise","label":"Enterprise"}]'),
            ($1, rapport_uuid_v7(), 'contact', 'seats', 'Seats', 'number', '[]')
     ON CONFLICT DO NOTHING`,
    [ws],
  );
  await timed('companies', () =>
    chunks(n.companies, (a, b) =>
      db.query(
        `INSERT INTO companies (workspace_id, id, name, domain, industry, employee_count, owner_id)
         SELECT $1, rapport_uuid_v7(), (ARRAY['Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell','Cyberdyne'])[1 + g % 10] || ' ' || g,
                'company' || g || '.example', (ARRAY['Software','Retail','Finance','Health','Energy'])[1 + g % 5], 10 + g % 5000, $2
         FROM generate_series($3::int, $4::int) g`,
        [ws, ownerId, a, b],
      ),
    ),
  );
  // The plan is drawn independently of the lifecycle stage (g / 6, not g): each stage has a third
  // of each plan, so a filter on both matches an eighteenth of the contacts. Phones are written
  // whole (`phones` beside `phone`), so a later write through the API keeps them.
  await timed('contacts', () =>
    chunks(n.contacts, (a, b) =>
      db.query(
        `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, email_list, phone, phones, phone_list, job_title, owner_id,
                               lifecycle_stage, custom, created_at)
         SELECT $1, rapport_uuid_v7(), f, l, e, jsonb_build_array(jsonb_build_object('address', e, 'label', null, 'primary', true)), ARRAY[e],
                p, jsonb_build_array(jsonb_build_object('number', p, 'raw', p, 'label', null, 'primary', true)), ARRAY[p],
                (ARRAY['CEO','CTO','VP Sales','Buyer','Engineer'])[1 + g % 5], $2,
                (ARRAY['subscriber','lead','mql','sql','opportunity','customer'])[1 + g % 6],
                jsonb_build_object('plan', (ARRAY['free','pro','enterprise'])[1 + (g / 6) % 3], 'seats', g % 500),
                now() - make_interval(mins => g % 500000)
         FROM generate_series($3::int, $4::int) g,
              LATERAL (SELECT (ARRAY['Sarah','John','Maria','Wei','Fatima','Olga','Liam','Aisha','Kenji','Lucas'])[1 + g % 10] AS f,
                              (ARRAY['Connor','Smith','Garcia','Chen','Khan','Ivanova','Murphy','Bello','Sato','Silva'])[1 + (g / 10) % 10] || g AS l,
                              'person' || g || '@mail' || (g % 50) || '.example' AS e,
                              '+1415' || (200 + (g / 10000) % 800) || lpad((g % 10000)::text, 4, '0') AS p) x`,
        [ws, ownerId, a, b],
      ),
    ),
  );
  await timed('contact companies', () =>
    db.query(
      `INSERT INTO contact_companies (workspace_id, contact_id, company_id, is_primary)
       SELECT $1, c.id, co.id, true
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM contacts WHERE workspace_id = $1) c
       JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM companies WHERE workspace_id = $1) co
         ON co.r = 1 + (c.r % $2)`,
      [ws, n.companies],
    ),
  );
  await timed('deals', () =>
    db.query(
      `INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, amount, currency, owner_id, company_id, status, expected_close_date)
       SELECT $1, rapport_uuid_v7(), 'Deal ' || g, s.pipeline_id, s.id, (g % 1000) * 10000, 'USD', $2, co.id,
              (ARRAY['open','open','open','won','lost'])[1 + g % 5], current_date + (g % 365)
       FROM generate_series(1, $3::int) g
       JOIN (SELECT id, pipeline_id, row_number() OVER (ORDER BY position) - 1 AS r FROM pipeline_stages WHERE workspace_id = $1) s ON s.r = g % 5
       JOIN (SELECT id, row_number() OVER (ORDER BY id) AS r FROM companies WHERE workspace_id = $1) co ON co.r = 1 + (g % $4)`,
      [ws, ownerId, n.deals, n.companies],
    ),
  );
  if (options.activities) {
    await timed('activities', async () => {
      // A plain table, not a temporary one: on PostgreSQL the next statement may use another pooled connection.
      await db.query(
        'CREATE TABLE bench_seed_contacts AS SELECT id, row_number() OVER (ORDER BY id) AS r FROM contacts WHERE workspace_id = $1',
        [ws],
      );
      await chunks(n.activities, async (a, b) => {
        await db.query(
          `INSERT INTO activities (workspace_id, id, kind, subject, body, occurred_at, owner_id, call_direction, call_duration_seconds)
         SELECT $1, rapport_uuid_v7(), k, initcap(k) || ' ' || g,
                (ARRAY['Discussed pricing and the renewal timeline','Asked about the enterprise plan and security review',
                       'Left a voicemail about the proposal','Demo went well, they want a trial','Budget approved for next quarter'])[1 + g % 5],
                now() - make_interval(mins => g % 1000000), $2,
                CASE WHEN k = 'call' THEN 'outbound' END, CASE WHEN k = 'call' THEN g % 3600 END
         FROM generate_series($3::int, $4::int) g, LATERAL (SELECT (ARRAY['note','call','email','meeting'])[1 + g % 4] AS k) x`,
          [ws, ownerId, a, b],
        );
      });
      await db.query(
        `INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id)
       SELECT $1, ac.id, 'contact', c.id
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM activities WHERE workspace_id = $1) ac
       JOIN bench_seed_contacts c ON c.r = 1 + (ac.r % $2)`,
        [ws, n.contacts],
      );
      await db.query(
        `INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, activity_id, actor_type, actor_id)
       SELECT $1, rapport_uuid_v7(), al.record_type, al.record_id, 'activity', ac.occurred_at, ac.id, 'user', $2
       FROM activity_links al JOIN activities ac ON ac.workspace_id = al.workspace_id AND ac.id = al.activity_id
       WHERE al.workspace_id = $1`,
        [ws, ownerId],
      );
      await db.exec('DROP TABLE IF EXISTS bench_seed_contacts');
    });
  }
  await timed('analyze', async () => {
    await db.exec('ANALYZE');
  });
  return took;
}
