import { signedInPlatformAdmin, signedInStaff } from './factories';
import { useTestApp } from './support/use-test-app';

/** The platform operator's view of the agencies on the deployment. */
describe('agencies: platform route', () => {
  const t = useTestApp();

  it('lists every agency for a platform admin', async () => {
    const { token } = await signedInPlatformAdmin(t);
    const res = await t.request({ method: 'GET', url: '/api/v1/platform/agencies', token });
    expect(res.status).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({ code: 'ks-ksde', jurisdiction: 'Kansas', active: true }),
      expect.objectContaining({ code: 'mo-dese', jurisdiction: 'Missouri', active: true }),
    ]);
  });

  it('refuses agency staff, even an agency admin', async () => {
    const { token } = await signedInStaff(t, 'mo-dese', ['agency_admin']);
    const res = await t.request({ method: 'GET', url: '/api/v1/platform/agencies', token });
    expect(res.status).toBe(403);
  });
});
