/** Names shared by the global setup and each test file's database helper. */
export const TEST_OWNER = 'gc_test_owner';
export const TEST_APP = 'gc_test_app';
export const ADMIN_URL_VAR = 'GC_TEST_ADMIN_URL';
/** Per run, so concurrent runs against one server (CI and a developer) never share a template. */
export const TEMPLATE_VAR = 'GC_TEST_TEMPLATE';

export function roleUrl(adminUrl: string, user: string, database: string): string {
  const at = new URL(adminUrl);
  return `postgres://${user}:${user}@${at.host}/${database}`;
}
