// docs/examples/ is copied into other people's clouds and CI: the target description must be
// valid, and each CI job must run the documented command on a target file it writes itself,
// readable by its owner only, for each region and shard of its matrix, and merge the shards.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateTargetDescription } from "../../src/config/description.ts";
import { loadDeviations } from "../../src/deviations/deviations.ts";
import { ROOT } from "../../src/paths.ts";

const EXAMPLES = join(ROOT, "docs", "examples");
const COMMAND = "npx otc-detach-conformance run --target";
const exec = promisify(execFile);
const temp = await mkdtemp(join(tmpdir(), "ci-examples-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

const readYaml = async (name: string) =>
  parse(await readFile(join(EXAMPLES, name), "utf8")) as Record<string, unknown>;

const SECRETS = {
  OTC_USER_DOMAIN: "OTC00000000001000000042",
  OTC_USERNAME: "ci-conformance",
  OTC_PASSWORD: 'pa$$ "word" \\ with quotes',
  OTC_PROJECT_NAME: "eu-nl_staging",
  OTC_SERVER_ID: "6a3e3c4e-5d2b-4f0e-9a55-1c2d3e4f5a6b",
};

/** Runs a job's shell step as the CI runner would, and checks the target file it writes. */
async function writtenTarget(script: string, env: Record<string, string>, path: string) {
  await exec("bash", ["-euo", "pipefail", "-c", script], {
    cwd: ROOT,
    env: { ...process.env, ...SECRETS, OTC_REGION: "eu-nl", ...env },
  });
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  const target = validateTargetDescription(JSON.parse(await readFile(path, "utf8")), path);
  expect(target.auth).toMatchObject({
    userDomainName: SECRETS.OTC_USER_DOMAIN,
    projectName: SECRETS.OTC_PROJECT_NAME,
    member: { username: SECRETS.OTC_USERNAME, password: SECRETS.OTC_PASSWORD },
  });
  expect(target.resources?.serverId).toBe(SECRETS.OTC_SERVER_ID);
  // The example's region replaced by the matrix's.
  expect(target).toMatchObject({
    name: "otc-eu-nl-staging",
    region: "eu-nl",
    auth: { url: "https://iam.eu-nl.otc.t-systems.com/v3" },
    endpoints: { volume: "https://evs.eu-nl.otc.t-systems.com" },
    resources: { volumeAvailabilityZone: "eu-nl-01" },
  });
  expect(JSON.stringify(target)).not.toContain("eu-de");
}

describe("docs/examples", () => {
  it("otc-eu-de.target.json is a valid OTC target with placeholder credentials", async () => {
    const path = join(EXAMPLES, "otc-eu-de.target.json");
    const target = validateTargetDescription(JSON.parse(await readFile(path, "utf8")), path);
    expect(target).toMatchObject({
      family: "otc",
      region: "eu-de",
      auth: { url: "https://iam.eu-de.otc.t-systems.com/v3", projectName: "eu-de_myproject" },
      endpoints: {
        volume: "https://evs.eu-de.otc.t-systems.com",
        compute: "https://ecs.eu-de.otc.t-systems.com",
      },
    });
    expect(target.auth.member?.password).toMatch(/^REPLACE-/);
    expect(target.resources?.serverId).toMatch(/^REPLACE-/);
  });

  it("the otc family has a deviations file, empty until a live run shows a reviewed one", () => {
    expect(loadDeviations("otc")).toMatchObject({ family: "otc", deviations: [] });
  });

  it("the README documents the command the CI jobs run", async () => {
    expect(await readFile(join(ROOT, "README.md"), "utf8")).toContain(COMMAND);
  });

  it("github-actions.yml runs it per region and shard on a 0600 target file, merges, and publishes JUnit, summary and docs", async () => {
    const workflow = await readYaml("github-actions.yml");
    const jobs = workflow.jobs as Record<
      string,
      { steps: Record<string, unknown>[]; strategy?: { matrix: Record<string, unknown> } }
    >;
    expect(jobs.conformance?.strategy?.matrix).toEqual({
      region: ["eu-de", "eu-nl"],
      shard: [1, 2],
    });
    const steps = Object.values(jobs).flatMap((job) => job.steps);
    const runs = steps.map((step) => String(step.run ?? ""));
    const target = "$RUNNER_TEMP/otc.target.json";
    expect(runs).toContain(
      `${COMMAND} "${target}" --shard \${{ matrix.shard }}/2 --reports reports`,
    );
    expect(jobs.merge).toMatchObject({ needs: "conformance", if: `\${{ !cancelled() }}` });
    const merge = jobs.merge?.steps ?? [];
    expect(merge.find((s) => String(s.uses).startsWith("actions/download-artifact"))?.with).toEqual(
      {
        pattern: "conformance-*",
        path: "shards",
      },
    );
    expect(merge.map((s) => s.run)).toContain(
      "npx otc-detach-conformance merge shards/* --reports reports",
    );
    expect(runs).toContain('cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"');
    // A shard job that failed before its run uploads nothing: the merge job fails on its result.
    const last = merge.at(-1) ?? {};
    expect(last.if).toBe(`\${{ !cancelled() && needs.conformance.result != 'success' }}`);
    expect(String(last.run).trimEnd().endsWith("\nexit 1")).toBe(true);
    const uses = (action: string) => steps.find((s) => String(s.uses).startsWith(action));
    expect(uses("mikepenz/action-junit-report")?.with).toMatchObject({
      report_paths: "reports/junit.xml",
    });
    // The shards upload their reports for the merge; the merge uploads the joined reports.
    const uploads = steps.filter((s) => String(s.uses).startsWith("actions/upload-artifact"));
    expect(uploads.map((s) => s.with)).toEqual([
      expect.objectContaining({ path: "reports/" }),
      expect.objectContaining({ path: expect.stringContaining("docs/index.html") }),
    ]);
    const write = steps.find((s) => String(s.run).includes("umask 077")) ?? {};
    // Credentials come from the repository's secrets, never from the file.
    const env = write.env as Record<string, string>;
    for (const name of ["OTC_USER_DOMAIN", "OTC_USERNAME", "OTC_PASSWORD"]) {
      expect(env[name]).toBe(`\${{ secrets.${name} }}`);
    }
    await writtenTarget(String(write.run), { RUNNER_TEMP: temp }, join(temp, "otc.target.json"));
  });

  it("gitlab-ci.yml runs it per region and shard on a 0600 target file, merges, and publishes JUnit, summary and docs", async () => {
    const jobs = (await readYaml("gitlab-ci.yml")) as Record<
      string,
      {
        variables: Record<string, string>;
        parallel: { matrix: Record<string, string[]>[] };
        before_script: string[];
        script: string[];
        artifacts: { when: string; paths: string[]; reports: { junit: string } };
      }
    >;
    const job = jobs["conformance:otc-staging"] as NonNullable<(typeof jobs)[string]>;
    expect(job.parallel.matrix).toEqual([
      { OTC_REGION: ["eu-de", "eu-nl"], SHARD: ["1/2", "2/2"] },
    ]);
    expect(job.script).toContain(
      `${COMMAND} "$TARGET_FILE" --shard "$SHARD" --reports "shards/$OTC_REGION-\${SHARD%/*}"`,
    );
    const merge = jobs["conformance:merge"] as NonNullable<(typeof jobs)[string]>;
    expect(merge.script).toContain("npx otc-detach-conformance merge shards/* --reports reports");
    // Every region and shard of the matrix must have reported, or the merge job fails.
    const matrix = job.parallel.matrix[0] ?? {};
    expect(merge.variables.SHARD_FOLDERS?.split(" ")).toEqual(
      (matrix.OTC_REGION ?? []).flatMap((region) =>
        (matrix.SHARD ?? []).map((shard) => `${region}-${shard.split("/")[0]}`),
      ),
    );
    expect(merge.script.at(-1)).toMatch(
      /^for folder in \$SHARD_FOLDERS; do test -f .*exit 1; }; done$/,
    );
    expect(merge.artifacts).toMatchObject({
      when: "always",
      reports: { junit: "reports/junit.xml" },
    });
    expect(merge.artifacts.paths).toEqual(expect.arrayContaining(["reports/", "docs/index.html"]));
    expect(job.artifacts).toEqual({ when: "always", paths: ["shards/"] });
    expect(job.variables.TARGET_FILE).not.toContain("$CI_PROJECT_DIR");
    const write = job.before_script.find((line) => line.includes("umask 077"));
    const path = join(temp, "gitlab.target.json");
    await writtenTarget(String(write), { TARGET_FILE: path }, path);
  });
});
