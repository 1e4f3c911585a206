import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/dto/auth.dto';
import { PasswordRulesError } from '../identity.errors';

/** The one password rule of the project (the API's DTOs use the same bounds): its length. */
export const PASSWORD_RULES = { minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH };

export function checkPasswordRules(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new PasswordRulesError(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH);
  }
}
