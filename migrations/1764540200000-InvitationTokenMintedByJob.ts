import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitation secrets are minted by the job that emails them (InvitationEmailHandler): an
 * invitation has no token hash until then. Invitation emails already sent under the old scheme
 * carried the link (with its secret) in the outbox payload, kept until pruned: the link is
 * removed from those done or dead. (Ones still pending are left to be sent; they are pruned
 * like any other.) The owner's relay policy lets this one statement reach every agency's rows.
 */
export class InvitationTokenMintedByJob1764540200000 implements MigrationInterface {
  name = 'InvitationTokenMintedByJob1764540200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "user_invitations" ALTER COLUMN "token_hash" DROP NOT NULL`);
    await q.query(
      `UPDATE "jobs_outbox" SET "payload" = "payload" - 'link'
        WHERE "name" = 'notification.email' AND "payload"->>'template' = 'invitation'
          AND "state" IN ('done', 'dead')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    // Invitations whose email was never minted cannot be accepted anyway: close them.
    await q.query(
      `UPDATE "user_invitations" SET "closed_at" = now(), "token_hash" = 'unminted:' || "id"
        WHERE "token_hash" IS NULL`,
    );
    await q.query(`ALTER TABLE "user_invitations" ALTER COLUMN "token_hash" SET NOT NULL`);
  }
}
