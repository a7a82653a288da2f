/**
 * The real Pulumi CLI, driven as a user drives it: a temporary stack of this project with the
 * local `file://` backend and a passphrase, the plugins built by tests/e2e/tools on PATH, the
 * cluster from KUBECONFIG. Each command's wall time is recorded for the report.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");
/** What a user's clone has that the program needs; linked, not copied, so the suite tests this tree. */
const PROJECT_ENTRIES = ["Pulumi.yaml", "index.ts", "components", "stack", "provider", "dist", "package.json", "tsconfig.json", "node_modules"];

/** Links what a clone of `root` has that the program needs into `projectDir` (node_modules always this tree's). */
function linkProject(projectDir: string, root: string, program?: string): void {
    for (const entry of PROJECT_ENTRIES) {
        const source = entry === "node_modules" ? path.join(PROJECT_ROOT, entry) : path.join(root, entry);
        if (entry === "index.ts" && program !== undefined) fs.writeFileSync(path.join(projectDir, entry), program);
        else if (fs.existsSync(source)) fs.symlinkSync(source, path.join(projectDir, entry));
    }
}

export interface CommandResult {
    command: string;
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
}

export class PulumiWorkspace {
    readonly timings: Array<{ command: string; ms: number; code: number }> = [];
    /** Process groups of commands still running (a CLI with its plugins). */
    private readonly running = new Set<number>();

    private constructor(
        readonly dir: string,
        readonly projectDir: string,
        private readonly env: NodeJS.ProcessEnv,
    ) {}

    /** A fresh project directory and state backend; `stack` is created and selected. */
    /**
     * A fresh project directory and state backend; `stack` is created and selected. `program`, when
     * given, is the project's index.ts instead of this repository's (a user's program that imports
     * `./components`).
     */
    static async create(options: {
        bin: string;
        kubeconfigPath: string;
        stack: string;
        program?: string;
        /** A project of another language instead of this one: its files by name (Pulumi.yaml, …). */
        project?: Record<string, string>;
        /** Another checkout of this project to run (an earlier release); its node_modules are this tree's. */
        root?: string;
        env?: NodeJS.ProcessEnv;
    }): Promise<PulumiWorkspace> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-e2e-stack-"));
        const projectDir = path.join(dir, "project");
        fs.mkdirSync(projectDir);
        for (const [file, text] of Object.entries(options.project ?? {})) fs.writeFileSync(path.join(projectDir, file), text);
        if (!options.project) linkProject(projectDir, options.root ?? PROJECT_ROOT, options.program);
        fs.mkdirSync(path.join(dir, "state"));
        const env: NodeJS.ProcessEnv = {
            HOME: process.env.HOME,
            // Plugins and credentials of this run only; state on local disk; no network.
            PULUMI_HOME: path.join(dir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "1",
            PULUMI_SKIP_CONFIRMATIONS: "1",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            KUBECONFIG: options.kubeconfigPath,
            NO_COLOR: "1",
            ...options.env,
            // The tools first, then whatever the caller puts ahead of this process's PATH (a venv's bin).
            PATH: `${options.bin}:${options.env?.PATH ?? process.env.PATH}`,
        };
        const workspace = new PulumiWorkspace(dir, projectDir, env);
        await workspace.ok(["stack", "init", options.stack]);
        return workspace;
    }

    /** The project's files from another checkout from now on (the stack and its state stay): an upgrade. */
    relink(root: string): void {
        // The links only: the stack's config file stays.
        for (const entry of PROJECT_ENTRIES) fs.rmSync(path.join(this.projectDir, entry), { recursive: true, force: true });
        linkProject(this.projectDir, root);
    }

    /** Runs `pulumi <args>` in the project directory. */
    run(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
        const command = `pulumi ${args.join(" ")}`;
        const started = Date.now();
        return new Promise((resolve, reject) => {
            // Its own process group, so that a hung command is stopped with its plugins.
            const child = spawn("pulumi", [...args, "--non-interactive"], {
                cwd: this.projectDir,
                env: { ...this.env, ...options.env },
                stdio: ["ignore", "pipe", "pipe"],
                detached: true,
            });
            const group = child.pid!;
            this.running.add(group);
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (c) => (stdout += c));
            child.stderr.on("data", (c) => (stderr += c));
            const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), options.timeoutMs ?? 300_000);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                this.running.delete(group);
                const ms = Date.now() - started;
                this.timings.push({ command, ms, code: code ?? -1 });
                resolve({ command, code: code ?? -1, stdout, stderr, ms });
            });
        });
    }

    /** Runs and fails the test with the CLI's own output unless it exits 0. */
    async ok(args: string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
        const result = await this.run(args, options);
        if (result.code !== 0) throw new Error(`${result.command} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
        return result;
    }

    async config(key: string, value: string, options: { path?: boolean; secret?: boolean } = {}): Promise<void> {
        await this.ok(["config", "set", ...(options.path ? ["--path"] : []), ...(options.secret ? ["--secret"] : []), key, value]);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stack outputs are arbitrary JSON
    async outputs(): Promise<Record<string, any>> {
        return JSON.parse((await this.ok(["stack", "output", "--json"])).stdout);
    }

    async export(): Promise<string> {
        return (await this.ok(["stack", "export"])).stdout;
    }

    /** Stops every command still running, with its plugins (after a test that timed out). */
    stopAll(): void {
        for (const group of this.running) {
            try {
                process.kill(-group, "SIGKILL");
            } catch {
                /* already gone */
            }
        }
        this.running.clear();
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
