export type AuthErrorKind =
  /** No usable credentials were configured. */
  | "missing-credentials"
  /** Keystone (or the service, for a given token) refused the credentials. */
  | "rejected"
  /** Keystone answered something other than a token. */
  | "keystone"
  /** Neither the configuration nor the catalog names an endpoint for a service. */
  | "no-endpoint";

/** An authentication problem, with a one-line message that says how to fix it. */
export class AuthError extends Error {
  override readonly name = "AuthError";

  constructor(
    readonly kind: AuthErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Where credentials can come from; appended to every missing-credentials message. */
export const CREDENTIAL_SOURCES =
  'Give credentials in one of three ways: a target description file (see README "Running against your cloud"); ' +
  "OS_CLOUD naming a cloud in clouds.yaml (./clouds.yaml, ~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml); " +
  "or the variables OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME " +
  "(or OS_AUTH_TOKEN with OS_PROJECT_ID, OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE and OS_COMPUTE_ENDPOINT_OVERRIDE).";
