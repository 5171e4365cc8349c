import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http-fake.ts";

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

/**
 * Keystone in front of a fake service: issues `token` to the member `alice` for `password`,
 * and refuses with 401 any other request that does not carry the token. Returns whether it
 * answered; the service answers the rest.
 */
export function answeredAsKeystone(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  options: { origin: string; project: string; token: string; password: string },
): boolean {
  const { origin, project, token, password } = options;
  if (req.method === "POST" && new URL(req.url ?? "/", origin).pathname === "/v3/auth/tokens") {
    const sent = JSON.parse(body)?.auth?.identity?.password?.user?.password;
    if (sent !== password) sendJson(res, 401, { error: { code: 401 } });
    else {
      sendJson(res, 201, fakeTokenBody({ origin, project, token, userName: "alice" }), {
        "x-subject-token": token,
      });
    }
    return true;
  }
  if (req.headers["x-auth-token"] === token) return false;
  sendJson(res, 401, { error: { code: 401 } });
  return true;
}
