import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The app role may write only the columns of `users` the app's own flows write: an account is
 * created with email, name and (demo, invitation) a password hash; accepting an invitation or a
 * reset sets the password hash; a profile change sets the name. `platform_admin` and `email`
 * can no longer be written by the app role at all, so a bug or an injection in the API cannot
 * make anyone a platform admin or move an account to another address: that takes the owner.
 * A new column that the app must write needs its own GRANT in a later migration.
 */
export class UsersColumnGrants1764560000000 implements MigrationInterface {
  name = 'UsersColumnGrants1764560000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE INSERT, UPDATE ON "users" FROM gc_app`);
    await q.query(`GRANT INSERT ("email", "name", "password_hash") ON "users" TO gc_app`);
    await q.query(`GRANT UPDATE ("name", "password_hash", "updated_at") ON "users" TO gc_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE INSERT ("email", "name", "password_hash") ON "users" FROM gc_app`);
    await q.query(`REVOKE UPDATE ("name", "password_hash", "updated_at") ON "users" FROM gc_app`);
    await q.query(`GRANT INSERT, UPDATE ON "users" TO gc_app`);
  }
}
