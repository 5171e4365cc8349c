import { execFile } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curlCommand } from "../../src/reports/curl.ts";
import type { Exchange } from "../../src/transport/exchange.ts";

const run = promisify(execFile);

function exchange(url: string, body?: string): Exchange {
  return {
    request: {
      method: body === undefined ? "GET" : "POST",
      url,
      headers: {
        "content-type": "application/json",
        "x-auth-token": "REDACTED",
        "openstack-api-version": "volume 3.27",
        cookie: "session=abc",
        "content-length": "42",
      },
      ...(body !== undefined && { body }),
    },
    response: { status: 202, headers: {}, bodyText: "" },
  };
}

describe("curlCommand", () => {
  it("reads the token from $OS_TOKEN and leaves other credentials and connection headers out", () => {
    const command = curlCommand(exchange("http://127.0.0.1:8776/v3/p/volumes/v/action", "{}"));
    expect(command).toBe(
      [
        "curl -i",
        "-X POST",
        "'http://127.0.0.1:8776/v3/p/volumes/v/action'",
        "-H 'Content-Type: application/json'",
        '-H "X-Auth-Token: $OS_TOKEN"',
        "-H 'Openstack-Api-Version: volume 3.27'",
        "--data-raw '{}'",
      ].join(" \\\n  "),
    );
    expect(command).not.toContain("REDACTED");
    expect(command).not.toContain("session=abc");
  });

  it("leaves $NAME in a URL template to the shell, and nothing else", async () => {
    const template = exchange('$BASE/v2/$PROJECT_ID/x?q="`id`"');
    const command = curlCommand(template, { urlVariables: true });
    expect(command).toContain('"$BASE/v2/$PROJECT_ID/x?q=\\"\\`id\\`\\""');
    const { stdout } = await run("sh", ["-c", `printf '%s' ${command.split(" \\\n  ")[1]}`], {
      env: { BASE: "http://h", PROJECT_ID: "p1" },
    });
    expect(stdout).toBe('http://h/v2/p1/x?q="`id`"');
  });

  describe("run by a shell", () => {
    let seen: {
      method?: string | undefined;
      url?: string | undefined;
      headers: IncomingMessage["headers"];
      body: string;
    };
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        seen = { method: request.method, url: request.url, headers: request.headers, body };
        response.writeHead(202).end();
      });
    });
    let base = "";
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("repeats the request: method, path, headers, a body with quotes and $ signs, the token", async () => {
      const body = `{"os-detach": {"attachment_id": "it's $HOME \`id\`"}}`;
      const command = curlCommand(exchange(`${base}/v3/p/volumes/v/action?x=1&y=2`, body));
      const { stdout } = await run("sh", ["-c", command], {
        env: { PATH: process.env.PATH, OS_TOKEN: "token-from-env" },
      });
      expect(stdout).toMatch(/^HTTP\/1\.1 202/);
      expect(seen.method).toBe("POST");
      expect(seen.url).toBe("/v3/p/volumes/v/action?x=1&y=2");
      expect(seen.headers["x-auth-token"]).toBe("token-from-env");
      expect(seen.headers["openstack-api-version"]).toBe("volume 3.27");
      expect(seen.headers.cookie).toBeUndefined();
      expect(seen.body).toBe(body);
    });
  });
});
