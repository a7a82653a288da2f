/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC messages and clients are untyped */
/**
 * The kubedb-mssql provider plugin, driven as the engine drives it during `pulumi up`.
 *
 * The engine starts the plugin's executable (provider/bin/pulumi-resource-kubedb-mssql, which
 * runs the compiled provider) as a fresh process in the program's directory, reads the port it
 * prints, and calls its gRPC ResourceProvider service: Configure, then Check, Diff, Create or
 * Update per resource. Nothing of this test process (ts-node, mocha) is in it. This class does the
 * same and decodes what the engine receives back, including the initialization-failure details
 * that make the next `pulumi up` retry.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
// The host's own dependencies, resolved the way the host resolves them.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] })); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them
const grpc = fromPulumi("@grpc/grpc-js");
const structproto = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb"); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them
const provproto = require("@pulumi/pulumi/proto/provider_pb"); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them
const statusproto = require("@pulumi/pulumi/proto/status_pb"); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them

export type Props = Record<string, any>;

/** A value as the engine marks a secret in a property struct. */
export function markedSecret(value: unknown): Props {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** What the engine receives from a failed Create or Update. */
export interface HostError {
    /** gRPC status code (2 = UNKNOWN for provider errors). */
    code: number;
    /** The error text the CLI prints. */
    message: string;
    /** Present when the resource was created but failed to initialize: the engine keeps it with these. */
    initFailed?: { id: string; properties: Props; reasons: string[] };
}

export type HostResult<T> = { ok: true; value: T } | { ok: false; error: HostError };

export interface DiffAnswer {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

const DIFF_CHANGES = ["unknown", "none", "some"] as const;

export class ProviderHost {
    /** Everything the host wrote to stderr (its console.error, e.g. progress lines). */
    stderr = "";

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: any,
    ) {}

    /**
     * Starts the plugin as the engine does: its executable (the compiled provider; `npm run build`)
     * in a fresh process with the project as its working directory, the engine's address first.
     */
    static async start(env: NodeJS.ProcessEnv = {}, engineAddress = "127.0.0.1:1"): Promise<ProviderHost> {
        const entry = path.join(PROJECT_ROOT, "provider", "bin", "pulumi-resource-kubedb-mssql");
        const child = spawn(entry, [engineAddress], {
            cwd: PROJECT_ROOT,
            // Nothing of this process's ts-node or mocha setup: only what a shell would pass.
            env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => reject(new Error(`the provider host printed no port in 20 s:\n${stderr}`)), 20_000);
            child.stdout!.on("data", (chunk) => {
                stdout += chunk;
                const line = stdout.split("\n")[0];
                if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
                    clearTimeout(timer);
                    resolve(Number(line.trim()));
                }
            });
            child.once("exit", (code) => reject(new Error(`the provider host exited (${code}) before listening:\n${stderr}`)));
        });
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const host = new ProviderHost(child, client);
        child.stderr!.on("data", (chunk) => (host.stderr += chunk));
        host.stderr = stderr;
        return host;
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            const exited = new Promise((resolve) => this.child.once("exit", resolve));
            this.child.kill("SIGTERM");
            await exited;
        }
    }

    /** Configure as the engine does (no config, secrets accepted). */
    async configure(): Promise<{ acceptSecrets: boolean }> {
        const req = new provproto.ConfigureRequest();
        req.setArgs(structproto.Struct.fromJavaScript({}));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        const resp = await this.unary("configure", req);
        if (!resp.ok) throw new Error(resp.error.message);
        return { acceptSecrets: resp.value.getAcceptsecrets() };
    }

    async check(urn: string, olds: Props, news: Props): Promise<HostResult<{ inputs: Props; failures: { property: string; reason: string }[] }>> {
        const req = new provproto.CheckRequest();
        req.setUrn(urn);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        return this.map(await this.unary("check", req), (r) => ({
            inputs: r.getInputs().toJavaScript(),
            failures: r.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        }));
    }

    async diff(urn: string, id: string, olds: Props, news: Props): Promise<HostResult<DiffAnswer>> {
        const req = new provproto.DiffRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        return this.map(await this.unary("diff", req), (r) => ({
            changes: DIFF_CHANGES[r.getChanges()],
            replaces: r.getReplacesList(),
            deleteBeforeReplace: r.getDeletebeforereplace(),
        }));
    }

    async create(urn: string, properties: Props, timeoutSeconds = 0): Promise<HostResult<{ id: string; properties: Props }>> {
        const req = new provproto.CreateRequest();
        req.setUrn(urn);
        req.setProperties(struct(properties));
        req.setTimeout(timeoutSeconds);
        return this.map(await this.unary("create", req), (r) => ({ id: r.getId(), properties: r.getProperties().toJavaScript() }));
    }

    async update(urn: string, id: string, olds: Props, news: Props, timeoutSeconds = 0): Promise<HostResult<{ properties: Props }>> {
        const req = new provproto.UpdateRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setOlds(struct(olds));
        req.setNews(struct(news));
        req.setTimeout(timeoutSeconds);
        return this.map(await this.unary("update", req), (r) => ({ properties: r.getProperties().toJavaScript() }));
    }

    async delete(urn: string, id: string, properties: Props): Promise<HostResult<void>> {
        const req = new provproto.DeleteRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(struct(properties));
        return this.map(await this.unary("delete", req), () => undefined);
    }

    /** `pulumi refresh`: what the host answers for the state it is given. */
    async read(urn: string, id: string, properties: Props): Promise<HostResult<{ id: string; properties: Props }>> {
        const req = new provproto.ReadRequest();
        req.setUrn(urn);
        req.setId(id);
        req.setProperties(struct(properties));
        return this.map(await this.unary("read", req), (r) => ({ id: r.getId(), properties: r.getProperties()?.toJavaScript() ?? {} }));
    }

    /**
     * `construct`, as the engine asks for a component of the package: `monitor` is the resource
     * monitor (and engine) its children are registered with; `dryRun` a preview.
     */
    async construct(
        monitor: string,
        type: string,
        name: string,
        inputs: Props,
        options: { project?: string; stack?: string; dryRun?: boolean } = {},
    ): Promise<HostResult<{ urn: string; state: Props }>> {
        const req = new provproto.ConstructRequest();
        req.setProject(options.project ?? "kubedb-mssql");
        req.setStack(options.stack ?? "test");
        req.setDryrun(options.dryRun ?? true);
        req.setParallel(1);
        req.setMonitorendpoint(monitor);
        req.setType(type);
        req.setName(name);
        req.setParent(
            `urn:pulumi:${options.stack ?? "test"}::${options.project ?? "kubedb-mssql"}::pulumi:pulumi:Stack::${options.project ?? "kubedb-mssql"}-${options.stack ?? "test"}`,
        );
        req.setInputs(struct(inputs));
        return this.map(await this.unary("construct", req), (r) => ({ urn: r.getUrn(), state: r.getState()?.toJavaScript() ?? {} }));
    }

    private map<T>(result: HostResult<any>, f: (value: any) => T): HostResult<T> {
        return result.ok ? { ok: true, value: f(result.value) } : result;
    }

    private unary(method: string, req: unknown): Promise<HostResult<any>> {
        return new Promise((resolve) => {
            this.client[method](req, (err: any, resp: unknown) => {
                if (!err) resolve({ ok: true, value: resp });
                else resolve({ ok: false, error: decodeError(err) });
            });
        });
    }
}

function struct(value: Props) {
    // Struct.fromJavaScript refuses undefined; the engine never sends it either.
    return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

/** The error as the engine reads it: status details carry ErrorResourceInitFailed when present. */
function decodeError(err: any): HostError {
    const error: HostError = { code: err.code, message: err.details ?? err.message };
    const raw = err.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (raw) {
        const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
        for (const any of status.getDetailsList()) {
            const detail = any.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
            if (detail) {
                error.initFailed = {
                    id: detail.getId(),
                    properties: detail.getProperties()?.toJavaScript() ?? {},
                    reasons: detail.getReasonsList(),
                };
            }
        }
    }
    return error;
}
