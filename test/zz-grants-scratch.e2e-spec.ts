import { schemaDrift } from '../src/core/database/provisioning';
import { createTestDatabase } from './support/database';

it('prints drift', async () => {
  const db = await createTestDatabase();
  try {
    const drift = await schemaDrift(db.ownerUrl);
    require('fs').writeFileSync('/tmp/grants-drift.sql', drift.join(';\n') + ';\n');
  } finally {
    await db.drop();
  }
});
