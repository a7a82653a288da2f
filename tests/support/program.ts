/* eslint-disable @typescript-eslint/no-explicit-any -- registration requests and inputs are arbitrary protobuf and JSON */
/**
 * Runs the real stack program (index.ts) under pulumi.runtime.setMocks and records every resource
 * registration as the engine would receive it: type, name, inputs (with the paths that are
 * secret), and the resource options that mocks alone do not show (dependencies, ignoreChanges,
 * retainOnDelete, custom timeouts, ...), read from the registration request itself.
 */
import { createHash, randomBytes } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SqlServer, SqlServerArgs, sqlServerOutputs } from "../../components/database/sqlServer";
import { STACK_SQL_SERVER, stackSqlServerArgs } from "../../stack/sqlServerArgs";

// Internal runtime modules: the mock monitor's raw requests and the RPC queue.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal runtime modules, and the program loaded afresh per run
const runtimeState = require("@pulumi/pulumi/runtime/state");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal runtime modules, and the program loaded afresh per run
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const PROJECT = "kubedb-mssql";
export const FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA\n-----END CERTIFICATE-----\n";

export interface Registration {
    type: string;
    name: string;
    urn: string;
    /** Inputs with secrets unwrapped. */
    inputs: Record<string, any>;
    /** Dotted paths of inputs that were sent as secrets ("" = the whole object). */
    secretPaths: string[];
    parent: string;
    dependencies: string[];
    ignoreChanges: string[];
    replaceOnChanges: string[];
    retainOnDelete: boolean | undefined;
    deleteBeforeReplace: boolean;
    customTimeouts?: { create: string; update: string; delete: string };
    additionalSecretOutputs: string[];
    provider: string;
}

export interface ProgramRun {
    registrations: Registration[];
    outputs: Record<string, unknown>;
    /** All registrations of a type token. */
    ofType(type: string): Registration[];
    /** The one registration of a type (and name suffix), failing loudly when there is not exactly one. */
    one(type: string, name?: string): Registration;
    /** The Kubernetes objects the program sends (apiVersion/kind/metadata/...), secrets unwrapped. */
    kubernetesObjects(): Record<string, any>[];
}

export interface RunOptions {
    /** Config values by key (without the project prefix); objects are sent as JSON text. */
    config: Record<string, unknown>;
    /** Keys to mark secret. Default: ["saPassword"] when present. */
    secretKeys?: string[];
    preview?: boolean;
    /** Fixes the clock for the rotation schedule. */
    now?: Date;
    /** Builds components in place of index.ts (a library user's program); returns its exports. */
    program?: () => Record<string, unknown>;
    /** Runs index.ts itself, which registers the Database as a remote component (the plugin builds its children). */
    remote?: boolean;
    /** Overrides a mocked resource's state. */
    state?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
}

/** A deterministic password per name and keepers, meeting SQL Server's policy. */
export function fakeGeneratedPassword(name: string, keepers: unknown): string {
    return (
        "Gen-" +
        createHash("sha256")
            .update(`${name}/${JSON.stringify(keepers ?? {})}`)
            .digest("hex")
            .slice(0, 20) +
        "-X9"
    );
}

function defaultState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const inputs = args.inputs;
    switch (args.type) {
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: fakeGeneratedPassword(args.name, inputs.keepers) };
        case "random:index/randomId:RandomId": {
            // Like the provider: new random bytes whenever the keepers change.
            const hex = createHash("sha256")
                .update(`id/${args.name}/${JSON.stringify(inputs.keepers ?? {})}`)
                .digest("hex")
                .slice(0, 2 * Number(inputs.byteLength));
            return { ...inputs, hex, b64Std: Buffer.from(hex, "hex").toString("base64") };
        }
        case "random:index/randomBytes:RandomBytes": {
            const hex = createHash("sha256").update(`key/${args.name}`).digest("hex");
            return { ...inputs, hex, base64: Buffer.from(hex, "hex").toString("base64") };
        }
        case "kubedb-mssql:credential:CredentialSecret":
            // As on a first deployment with nothing retained: the version's own Secret.
            return {
                ...inputs,
                retained: "",
                secretName: inputs.versionSecretName,
                initialSecretName: inputs.versionSecretName,
                versionPassword: inputs.password,
                resumedFrom: "none",
            };
        case "kubedb-mssql:credential:RotationLedger":
            return {
                ...inputs,
                appliedSecretName: inputs.secretName,
                activeSecretName: inputs.secretName,
                lastPhase: "Initial",
                lastRequest: "",
                activeSince: "2026-01-01T00:00:00.000Z",
                removedSecrets: [],
            };
        case "kubedb-mssql:tls:TlsLedger":
            return {
                ...inputs,
                applied: {},
                lastPhase: "Initial",
                lastRequest: "",
                lastAction: "",
                caBundle: FAKE_CA,
                caFingerprint: "SHA256:AB:CD",
                caNotAfter: "2036-01-01T00:00:00.000Z",
            };
        case "kubedb-mssql:database:DayTwoLedger":
            // As after a first deployment: the database was created with exactly these settings.
            return {
                ...inputs,
                sequence: 0,
                lastPhase: "Initial",
                lastRequest: "",
                lastAction: "",
                currentVersion: inputs.version,
                currentReplicas: inputs.replicas,
                currentStorageSize: inputs.storageSize,
            };
        default:
            return { ...inputs };
    }
}

/**
 * Mocks @pulumi/random the way the real provider behaves across `pulumi up` runs of one stack:
 * a resource keeps its value while its keepers stay the same and draws a new random one when
 * they change (where the deterministic default mocks would give an earlier value back).
 */
export function statefulRandom(): (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined {
    const memory = new Map<string, { keepers: string; value: Record<string, unknown> }>();
    return (args) => {
        if (!args.type.startsWith("random:")) return undefined;
        const keepers = JSON.stringify(args.inputs.keepers ?? {});
        const known = memory.get(args.name);
        if (known && known.keepers === keepers) return known.value;
        const fresh = randomBytes(16).toString("hex");
        const value =
            args.type === "random:index/randomId:RandomId"
                ? { ...args.inputs, hex: fresh.slice(0, 2 * Number(args.inputs.byteLength)) }
                : args.type === "random:index/randomPassword:RandomPassword"
                  ? { ...args.inputs, result: `Rnd-${fresh}-X9` }
                  : { ...args.inputs, hex: fresh + fresh, base64: Buffer.from(fresh, "hex").toString("base64") };
        memory.set(args.name, { keepers, value });
        return value;
    };
}

function unwrap(value: unknown, at: string, secretPaths: string[]): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${at}[${i}]`, secretPaths));
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            secretPaths.push(at);
            return unwrap(record.value, at, secretPaths);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v, at ? `${at}.${k}` : k, secretPaths)]));
    }
    return value;
}

async function resolve(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) return resolve(await (value as unknown as { promise(withUnknowns?: boolean): Promise<unknown> }).promise(true));
    if (Array.isArray(value)) return Promise.all(value.map(resolve));
    if (value && typeof value === "object" && !(value instanceof pulumi.Resource)) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

const PROGRAM = path.resolve(__dirname, "../../index.ts");

/**
 * The stack program's Database built in this process: what the provider plugin's `construct`
 * builds for index.ts (index.ts itself registers only the remote component: `remote: true`).
 */
function stackProgram(): Record<string, unknown> {
    const database = new SqlServer(STACK_SQL_SERVER, stackSqlServerArgs() as unknown as SqlServerArgs);
    // As index.ts exports them.
    const { tlsStatus, ...outputs } = sqlServerOutputs(database);
    return { ...outputs, tls: tlsStatus };
}

/** Runs index.ts (or `program`) with the given config; rejects with the program's error (e.g. a ConfigError). */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config)) {
        if (value === undefined) continue;
        raw[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const secretKeys = (options.secretKeys ?? Object.keys(options.config).filter((k) => k === "saPassword" || k === "kubeconfig")).map(
        (k) => `${PROJECT}:${k}`,
    );
    pulumi.runtime.setAllConfig(raw, secretKeys);

    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const state = options.state?.(args) ?? defaultState(args);
                // Outside a preview the random provider always returns its result (a preview may leave
                // it unknown): an override that leaves it out gets the default mock's.
                const random = !(options.preview ?? false) && args.type.startsWith("random:");
                return { id: `${args.name}-id`, state: random ? { ...defaultState(args), ...state } : state };
            },
            call: (args) => args.inputs,
        },
        PROJECT,
        "test",
        options.preview ?? false,
    );

    const monitor = runtimeState.getStore().settings.monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
        register(req, (err: unknown, res: any) => {
            if (!err) {
                const secretPaths: string[] = [];
                const inputs = unwrap(req.getObject()?.toJavaScript() ?? {}, "", secretPaths) as Record<string, unknown>;
                const timeouts = req.getCustomtimeouts();
                registrations.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: res.getUrn(),
                    inputs,
                    secretPaths,
                    parent: req.getParent(),
                    dependencies: req.getDependenciesList(),
                    ignoreChanges: req.getIgnorechangesList(),
                    replaceOnChanges: req.getReplaceonchangesList(),
                    retainOnDelete: req.hasRetainondelete?.() ? req.getRetainondelete() : undefined,
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    customTimeouts: timeouts ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() } : undefined,
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    provider: req.getProvider(),
                });
            }
            callback(err, res);
        });
    };

    const realNow = Date.now;
    if (options.now) {
        const fixed = options.now.getTime();
        Date.now = () => fixed;
    }
    try {
        delete require.cache[PROGRAM];
        const exports = options.program ? options.program() : options.remote ? require(PROGRAM) : stackProgram(); // eslint-disable-line @typescript-eslint/no-require-imports -- internal runtime modules, and the program loaded afresh per run
        const outputs = (await resolve({ ...exports })) as Record<string, unknown>;
        await runtimeSettings.waitForRPCs();
        const run: ProgramRun = {
            registrations,
            outputs,
            ofType: (type) => registrations.filter((r) => r.type === type),
            one: (type, name) => {
                const found = registrations.filter((r) => r.type === type && (name === undefined || r.name === name));
                if (found.length !== 1)
                    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((f) => f.name).join(", ")}`);
                return found[0];
            },
            kubernetesObjects: () =>
                registrations.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers")).map((r) => r.inputs),
        };
        return run;
    } finally {
        Date.now = realNow;
    }
}
