/**
 * End to end: a bad config or a bad component arg, as the real CLI shows it. The promise is an error
 * that names the key and says what is allowed, shown as a program error — not "Running program …
 * failed with an unhandled exception" and a stack trace, which tell the user the program crashed.
 * No cluster is needed: every check runs before anything is registered.
 */
import { strict as assert } from "assert";
import { CommandResult, PulumiWorkspace } from "./support/pulumiCli";
import { toolsBin } from "./support/tools";

/** What a crash looks like in the CLI's output: the runtime's wording, or stack frames. */
function assertCleanProgramError(result: CommandResult, problems: RegExp[], count: number): void {
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0, output);
    assert.match(output, /Invalid [a-zA-Z ]+ \(nothing was created\):/, output);
    for (const problem of problems) assert.match(output, problem, output);
    assert.equal((output.match(/^\s+- "/gm) ?? []).length, count, `exactly ${count} problem line(s):\n${output}`);
    assert.doesNotMatch(output, /unhandled exception/i, output);
    assert.doesNotMatch(output, /^\s+at .+[(:]\d+/m, `no stack frame:\n${output}`);
    assert.doesNotMatch(output, /ConfigError:|components\/validation\.ts|ts-node/, output);
}

describe("end to end: bad input is a clean CLI error, not a crash", function () {
    this.timeout(5 * 60_000);
    let stack: PulumiWorkspace;
    let program: PulumiWorkspace;

    before(async () => {
        const bin = toolsBin();
        // No cluster: the checks come before any resource, so the kubeconfig is never read.
        stack = await PulumiWorkspace.create({ bin, kubeconfigPath: "/nonexistent/kubeconfig", stack: "config-errors" });
        await stack.config("acceptEula", "true");
        program = await PulumiWorkspace.create({
            bin,
            kubeconfigPath: "/nonexistent/kubeconfig",
            stack: "arg-errors",
            // A user's own program: the stack config is fine, one component gets a bad arg.
            program: [
                'import { SaCredential } from "./components";',
                'new SaCredential("sa", { database: "Orders_DB", namespace: "db", generation: -1 });',
                "",
            ].join("\n"),
        });
        await program.config("acceptEula", "true");
    });
    after(() => {
        for (const w of [stack, program]) {
            w?.stopAll();
            if (!process.env.KUBEDB_MSSQL_E2E_KEEP) w?.remove();
        }
    });

    it("a bad value: `storage.size 10Gx` names the key and what is allowed", async () => {
        await stack.config("storage.size", "10Gx", { path: true });
        const preview = await stack.run(["preview"]);
        assertCleanProgramError(preview, [/"storage\.size": .*10Gx/], 1);
        assert.ok(preview.stdout.split("\n").length + preview.stderr.split("\n").length < 30, `short:\n${preview.stdout}${preview.stderr}`);
        await stack.ok(["config", "rm", "--path", "storage.size"]);
    });

    it("an unknown key", async () => {
        await stack.config("rotaton.generation", "1", { path: true });
        assertCleanProgramError(await stack.run(["preview"]), [/"rotaton"/], 1);
        await stack.ok(["config", "rm", "rotaton"]);
    });

    it("two problems at once, both listed; `pulumi up` the same", async () => {
        await stack.config("replicas", "3");
        await stack.config("tls.ca.duration", "1x", { path: true });
        assertCleanProgramError(await stack.run(["preview"]), [/"replicas"/, /"tls\.ca\.duration"/], 2);
        assertCleanProgramError(await stack.run(["up", "--yes", "--skip-preview"]), [/"replicas"/, /"tls\.ca\.duration"/], 2);
        await stack.ok(["config", "rm", "replicas"]);
        await stack.ok(["config", "rm", "--path", "tls.ca.duration"]);
    });

    it("a component arg in a user's program: the arg, the component and what is allowed", async () => {
        const preview = await program.run(["preview"]);
        assertCleanProgramError(preview, [/SaCredential args/, /"database": .*Orders_DB/, /"generation": /], 2);
    });
});
