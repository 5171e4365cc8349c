/**
 * The body of a Keystone v3 token response with a one-entry catalog (Cinder v3), for tests
 * that stand up a fake OpenStack on 127.0.0.1. Echoes the token in `audit_ids`, as an
 * indiscreet gateway might, so that redaction has something to find.
 */
export function fakeTokenBody(options: {
  origin: string;
  project: string;
  token: string;
  userName: string;
}) {
  const now = Date.now();
  return {
    token: {
      methods: ["password"],
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now + 3_600_000).toISOString(),
      project: { id: options.project, name: "demo", domain: { id: "default" } },
      user: { id: "u1", name: options.userName },
      audit_ids: [options.token],
      catalog: [
        {
          type: "volumev3",
          name: "cinderv3",
          endpoints: [
            {
              interface: "public",
              region: "RegionOne",
              url: `${options.origin}/v3/${options.project}`,
            },
          ],
        },
      ],
    },
  };
}
