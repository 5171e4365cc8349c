import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TargetDescription } from "../../src/config/description.ts";
import { fakeTokenBody } from "./fake-keystone.ts";
import { startHttpFake } from "./http-fake.ts";

// An indiscreet Keystone, Cinder and Nova on 127.0.0.1, for proving that no secret leaves the
// command line. It hands out canary credentials and repeats them wherever a careless server
// might: the token in a response header and in error bodies, a new server's root password in
// the create answer and, once handed out, in every error after it, and a secret of its own
// under a secret-naming key of its error bodies. It does not try to make scenarios
// conform, only to take them through their set-up, their call under test, their failures and
// their cleanup.

/** The canaries, each spelled to need escaping somewhere: quote, backslash, non-ASCII, space. */
export const CANARY = {
  password: 'Canary-Pässword "7f3a"\\9e1d',
  adminPassword: "Canary-Admin-Secret-51c0d2",
  token: "gAAAAABcanaryTOKEN7f3a9e1d0c5b48aa",
  adminToken: "gAAAAABcanaryADMINtoken2b9d7c1e44",
  serverPassword: "Canary-RootPw-83e1c7f0",
  errorSecret: "Canary-InBody-6d2a90fe",
} as const;

export const CANARIES: string[] = Object.values(CANARY);

const PROJECT = "0123456789abcdef0123456789abcdef";

export interface FakeCloud {
  origin: string;
  /** How many requests it answered, by `METHOD /first/two/segments`. */
  hits: Map<string, number>;
  /** A target description for this cloud, with the canary passwords. */
  description(): TargetDescription;
  stop(): Promise<void>;
}

export async function startFakeCloud(): Promise<FakeCloud> {
  let origin = "";
  const hits = new Map<string, number>();
  const volumes = new Map<string, Record<string, unknown>>();
  const servers = new Set<string>();
  let rootPasswordIssued = false;
  const json = (res: ServerResponse, status: number, body: unknown, token?: string) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "x-openstack-request-id": `req-${randomUUID()}`,
      // A debugging gateway that repeats the caller's token.
      ...(token && { "x-debug-auth": token }),
    });
    res.end(status === 204 ? undefined : JSON.stringify(body));
  };
  /** A 500 that quotes the caller's token and every secret it knows, as a stack trace might. */
  const fault = (res: ServerResponse, token: string, what: string) =>
    json(
      res,
      500,
      {
        computeFault: {
          code: 500,
          message: `${what} failed for token ${token}, session ${CANARY.errorSecret}${rootPasswordIssued ? `, root password ${CANARY.serverPassword}` : ""}`,
          details: { session_token: CANARY.errorSecret },
        },
      },
      token,
    );

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? "/", origin);
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    const key = `${method} /${parts.slice(0, 1).join("/")}/${parts[2] ?? ""}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);

    if (method === "POST" && url.pathname === "/v3/auth/tokens") {
      const user = JSON.parse(body)?.auth?.identity?.password?.user;
      const token =
        user?.password === CANARY.password
          ? CANARY.token
          : user?.password === CANARY.adminPassword
            ? CANARY.adminToken
            : undefined;
      if (!token)
        return json(res, 401, {
          error: { code: 401, message: "The request you have made requires authentication." },
        });
      res.writeHead(201, { "content-type": "application/json", "x-subject-token": token });
      return res.end(
        JSON.stringify(fakeTokenBody({ origin, project: PROJECT, token, userName: user.name })),
      );
    }
    const token = String(req.headers["x-auth-token"] ?? "");
    if (token !== CANARY.token && token !== CANARY.adminToken) {
      return json(res, 401, { error: { code: 401, message: `token ${token} is not valid` } });
    }
    // /v2/{project}/volumes[/{id}[/action]] and /v2.1/{project}/servers[/{id}[/…]]
    const [version, , collection, id, sub] = parts;
    if (version === "v2" && collection === "volumes") {
      if (method === "POST" && id === undefined) {
        const volume = {
          ...JSON.parse(body).volume,
          id: randomUUID(),
          status: "available",
          attachments: [],
          multiattach: false,
          bootable: "false",
        };
        volumes.set(volume.id, volume);
        return json(res, 202, { volume });
      }
      const volume = id === undefined ? undefined : volumes.get(id);
      if (method === "GET" && id === undefined) {
        return json(res, 200, { volumes: [...volumes.values()] });
      }
      if (!volume) {
        return json(
          res,
          404,
          { itemNotFound: { code: 404, message: `Volume ${id} could not be found.` } },
          token,
        );
      }
      if (method === "GET") return json(res, 200, { volume });
      if (method === "DELETE") {
        volumes.delete(volume.id as string);
        return json(res, 202, {});
      }
      if (sub === "action" && body.includes("os-set_bootable")) return json(res, 200, {});
      return fault(res, token, `volume action on ${id}`);
    }
    if (version === "v2.1" && collection === "servers") {
      if (method === "POST" && id === undefined) {
        // Nova's create answer: the only place it ever states the server's root password.
        const server = { id: randomUUID(), adminPass: CANARY.serverPassword, links: [] };
        servers.add(server.id);
        rootPasswordIssued = true;
        return json(res, 202, { server, OS_DCF_diskConfig: "MANUAL" });
      }
      if (id !== undefined && sub === undefined && !servers.has(id)) {
        return json(
          res,
          404,
          { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } },
          token,
        );
      }
      if (method === "DELETE" && sub === undefined) {
        servers.delete(id as string);
        return json(res, 204, undefined);
      }
      if (method === "DELETE" && sub === "os-volume_attachments") {
        return json(
          res,
          404,
          { itemNotFound: { code: 404, message: "volume attachment could not be found" } },
          token,
        );
      }
      return fault(res, token, `server ${id ?? ""} ${sub ?? ""}`);
    }
    return fault(res, token, `${method} ${url.pathname}`);
  };

  const http = await startHttpFake(handle);
  origin = http.origin;
  return {
    origin,
    hits,
    description: () => ({
      name: "canary-cloud",
      // A family with a ledger: the command line refuses any other.
      family: "upstream-openstack",
      auth: {
        url: `${origin}/v3`,
        projectName: "demo",
        userDomainName: "Default",
        member: { username: "alice", password: CANARY.password },
        admin: { username: "root", password: CANARY.adminPassword },
      },
      endpoints: { volume: origin, compute: origin },
      resources: { flavorId: "1", volumeAvailabilityZone: "nova" },
      timeouts: { connectMs: 2_000, readMs: 5_000 },
    }),
    stop: () => http.stop(),
  };
}
