import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { credentialsFromEnvironment } from "../../src/config/environment.ts";

const root = mkdtempSync(join(tmpdir(), "os-environment-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A working directory and an empty HOME, so the machine's own clouds.yaml stays out of it. */
function folder(files: Record<string, string>): { cwd: string; HOME: string } {
  const cwd = mkdtempSync(join(root, "cwd-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(cwd, name, ".."), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  return { cwd, HOME: join(cwd, "home") };
}

describe("credentialsFromEnvironment with OS_CLOUD", () => {
  const cloudsYaml = `
clouds:
  loopback:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: conformance-member
      project_name: conformance
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    cacert: certs/ca.pem
  otc:
    profile: otc
    region_name: eu-nl
    auth:
      username: alice
      password: 123456
      project_name: eu-nl_conformance
      user_domain_name: OTC00000000001000000001
`;

  it("reads the cloud from ./clouds.yaml, with the password from secure.yaml", () => {
    const { cwd, HOME } = folder({
      "clouds.yaml": cloudsYaml,
      "home/.config/openstack/secure.yaml":
        "clouds:\n  loopback:\n    auth:\n      password: s3cret\n",
    });
    expect(credentialsFromEnvironment({ OS_CLOUD: "loopback", HOME }, cwd)).toEqual({
      source: `OS_CLOUD=loopback (${join(cwd, "clouds.yaml")})`,
      name: "loopback",
      region: "RegionOne",
      auth: {
        url: "http://127.0.0.1:5000/v3",
        projectName: "conformance",
        projectDomainName: "Default",
        userDomainName: "Default",
        member: { username: "conformance-member", password: "s3cret" },
      },
      tls: { caFile: join(cwd, "certs/ca.pem") },
    });
  });

  it("finds ~/.config/openstack/clouds.yaml and fills the IAM URL of the otc profile", () => {
    const { cwd, HOME } = folder({ "home/.config/openstack/clouds.yaml": cloudsYaml });
    const found = credentialsFromEnvironment({ OS_CLOUD: "otc", HOME }, cwd);
    expect(found.auth.url).toBe("https://iam.eu-nl.otc.t-systems.com/v3");
    // YAML reads 123456 as a number; a password is a string.
    expect(found.auth.member?.password).toBe("123456");
    // No project domain: the session scopes the project in the users' domain.
    expect(found.auth.projectDomainName).toBeUndefined();
  });

  it("names the missing field of the cloud", () => {
    const { cwd, HOME } = folder({ "clouds.yaml": cloudsYaml });
    expect(() => credentialsFromEnvironment({ OS_CLOUD: "loopback", HOME }, cwd)).toThrow(
      `missing credentials: clouds.loopback.auth.password is not set (OS_CLOUD=loopback (${join(cwd, "clouds.yaml")})). Give credentials in one of three ways`,
    );
  });

  it("lists the clouds when OS_CLOUD names none of them", () => {
    const { cwd, HOME } = folder({ "clouds.yaml": cloudsYaml });
    expect(() => credentialsFromEnvironment({ OS_CLOUD: "prod", HOME }, cwd)).toThrow(
      `missing credentials: OS_CLOUD=prod but ${join(cwd, "clouds.yaml")} has no cloud "prod" (clouds: loopback, otc); set OS_CLOUD to one of them.`,
    );
  });

  it("says how to add a cloud when clouds.yaml lists none", () => {
    const { cwd, HOME } = folder({ "clouds.yaml": "clouds: {}\n" });
    expect(() => credentialsFromEnvironment({ OS_CLOUD: "prod", HOME }, cwd)).toThrow(
      `missing credentials: OS_CLOUD=prod but ${join(cwd, "clouds.yaml")} has no cloud "prod" and lists no cloud at all; add "prod" under "clouds:" there, or unset OS_CLOUD.`,
    );
  });

  it("says where it looked for clouds.yaml", () => {
    const { cwd, HOME } = folder({});
    expect(() =>
      credentialsFromEnvironment(
        { OS_CLOUD: "x", HOME, OS_CLIENT_CONFIG_FILE: "/nonexistent.yaml" },
        cwd,
      ),
    ).toThrow(
      `missing credentials: OS_CLOUD=x but no clouds.yaml was found (searched /nonexistent.yaml, ${join(cwd, "clouds.yaml")}, ${join(HOME, ".config/openstack/clouds.yaml")}, /etc/openstack/clouds.yaml).`,
    );
  });
});

describe("credentialsFromEnvironment with OS_* variables", () => {
  it("reads password credentials, with OS_DOMAIN_NAME for both domains", () => {
    const found = credentialsFromEnvironment(
      {
        OS_AUTH_URL: "https://iam.eu-de.otc.t-systems.com:443/v3",
        OS_USERNAME: "alice",
        OS_PASSWORD: "secret",
        OS_TENANT_NAME: "eu-de",
        OS_DOMAIN_NAME: "OTC00000000001000000001",
        OS_CACERT: "/etc/ssl/ca.pem",
      },
      "/",
    );
    expect(found).toEqual({
      source: "OS_* variables",
      name: "iam.eu-de.otc.t-systems.com",
      auth: {
        url: "https://iam.eu-de.otc.t-systems.com:443/v3",
        projectName: "eu-de",
        projectDomainName: "OTC00000000001000000001",
        userDomainName: "OTC00000000001000000001",
        member: { username: "alice", password: "secret" },
      },
      tls: { caFile: "/etc/ssl/ca.pem" },
    });
  });

  it("takes OS_AUTH_TOKEN with a project id and endpoint overrides", () => {
    const found = credentialsFromEnvironment(
      {
        OS_AUTH_TOKEN: "gAAAA",
        OS_PROJECT_ID: "p",
        OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE: "http://127.0.0.1:8776/v3/p",
        OS_COMPUTE_ENDPOINT_OVERRIDE: "http://127.0.0.1:8774/v2.1",
      },
      "/",
    );
    expect(found.auth).toEqual({ token: "gAAAA", projectId: "p" });
    expect(found.endpoints).toEqual({
      volume: "http://127.0.0.1:8776/v3/p",
      compute: "http://127.0.0.1:8774/v2.1",
    });
  });

  it("lists what a token needs besides itself", () => {
    expect(() => credentialsFromEnvironment({ OS_AUTH_TOKEN: "gAAAA" }, "/")).toThrow(
      /^missing credentials: OS_PROJECT_ID, OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE, OS_COMPUTE_ENDPOINT_OVERRIDE are not set/,
    );
  });

  it("lists every missing variable and the three ways to give credentials", () => {
    expect(() => credentialsFromEnvironment({ OS_USERNAME: "alice" }, "/")).toThrow(
      "missing credentials: OS_AUTH_URL, OS_PASSWORD, OS_PROJECT_NAME or OS_PROJECT_ID, OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID are not set (OS_* variables). " +
        'Give credentials in one of three ways: a target description file (see README "Running against your cloud"); ' +
        "OS_CLOUD naming a cloud in clouds.yaml (./clouds.yaml, ~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml); " +
        "or the variables OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME " +
        "(or OS_AUTH_TOKEN with OS_PROJECT_ID, OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE and OS_COMPUTE_ENDPOINT_OVERRIDE).",
    );
  });
});
