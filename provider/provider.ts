/**
 * The kubedb-mssql provider: what the engine calls for every resource of the package.
 *
 * - Custom resources (the guard's record, the three ledgers, the credential Secret): their CRUD
 *   runs here, in the plugin's process, with the providers of components/ — one table entry each.
 *   Secrets arrive and leave marked: the providers see plain values, and every property the
 *   schema marks secret (or that arrived secret) is marked again in what the engine stores.
 * - Components: built here through `construct`, for a program in any language.
 * - Lines for the user are logged against the resource's URN (engineLog.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { changeGuardProvider } from "../components/database/changeGuard";
import { credentialRotationProvider } from "../components/credential/credentialRotationProvider";
import { credentialSecretProvider } from "../components/credential/credentialSecretProvider";
import { passwordReferenceProvider } from "../components/credential/passwordReference";
import { dayTwoProvider } from "../components/database/dayTwoProvider";
import { tlsLifecycleProvider } from "../components/tls/tlsLifecycleProvider";
import { withReporter } from "../components/ops/report";
import { PACKAGE_RESOURCES, PackageResourceKind } from "../components/packageResources";
import { constructComponent } from "./construct";
import { EngineLog } from "./engineLog";
import { packageSchema, secretProperties } from "./schema";

/** The provider of each custom resource of the package. */
export const RESOURCE_PROVIDERS: Record<PackageResourceKind, pulumi.dynamic.ResourceProvider> = {
    GuardedConfig: changeGuardProvider,
    DayTwoLedger: dayTwoProvider,
    TlsLedger: tlsLifecycleProvider,
    RotationLedger: credentialRotationProvider,
    CredentialSecret: credentialSecretProvider,
    PasswordReference: passwordReferenceProvider,
};

// How the engine marks a secret in a property struct.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** The key under which releases before the plugin stored a dynamic resource's serialized provider. */
const SERIALIZED_PROVIDER = "__provider";

type Props = Record<string, unknown>;

function isMarkedSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Props)[SECRET_SIG] === SECRET_VALUE;
}

/** The properties with every secret mark removed, and the top-level keys that carried one (anywhere inside). */
export function revealed(props: Props | undefined): { plain: Props; secretKeys: Set<string> } {
    const reveal = (value: unknown): unknown => {
        if (isMarkedSecret(value)) return reveal(value.value);
        if (Array.isArray(value)) return value.map(reveal);
        if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
        return value;
    };
    const entries = Object.entries(props ?? {});
    return {
        plain: Object.fromEntries(entries.map(([k, v]) => [k, reveal(v)])),
        secretKeys: new Set(entries.filter(([, v]) => containsSecret(v)).map(([k]) => k)),
    };
}

function containsSecret(value: unknown): boolean {
    if (isMarkedSecret(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

/** The properties with `keys` marked secret (those present). */
export function marked(props: Props, keys: Iterable<string>): Props {
    const out = { ...props };
    for (const key of keys) {
        if (out[key] !== undefined && !isMarkedSecret(out[key])) out[key] = { [SECRET_SIG]: SECRET_VALUE, value: out[key] };
    }
    return out;
}

function withoutSerializedProvider(props: Props): Props {
    const copy = { ...props };
    delete copy[SERIALIZED_PROVIDER];
    return copy;
}

/** The resource's type token, from its URN. */
export function typeOf(urn: string): string {
    return urn.split("::")[2]?.split("$").pop() ?? "";
}

function kindOf(urn: string): PackageResourceKind {
    const token = typeOf(urn);
    const kind = (Object.keys(PACKAGE_RESOURCES) as PackageResourceKind[]).find((k) => PACKAGE_RESOURCES[k].token === token);
    if (!kind) throw new Error(`kubedb-mssql has no resource of type ${token}`);
    return kind;
}

export class KubedbMssqlProvider implements provider.Provider {
    constructor(
        readonly version: string,
        private readonly log?: EngineLog,
    ) {}

    async getSchema(): Promise<string> {
        return JSON.stringify(packageSchema(this.version));
    }

    /** Runs one operation of one resource with its secrets revealed and its lines logged on its row. */
    private run<T>(
        urn: string,
        run: (p: pulumi.dynamic.ResourceProvider, secrets: Set<string>) => Promise<T>,
        ...propsList: (Props | undefined)[]
    ): Promise<T> {
        const p = RESOURCE_PROVIDERS[kindOf(urn)];
        const secrets = new Set(secretProperties(typeOf(urn)));
        for (const props of propsList) for (const key of revealed(props).secretKeys) secrets.add(key);
        const reporter = this.log?.reporter(urn);
        return reporter ? withReporter(reporter, () => run(p, secrets)) : run(p, secrets);
    }

    async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
        return this.run(
            urn,
            async (p, secrets) => {
                const plainNews = revealed(news).plain;
                const result = p.check ? await p.check(withoutSerializedProvider(revealed(olds).plain), plainNews) : { inputs: plainNews };
                return { inputs: marked(result.inputs ?? plainNews, secrets), failures: result.failures ?? [] };
            },
            news,
        );
    }

    async diff(id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
        return this.run(urn, async (p) => {
            const result = p.diff ? await p.diff(id, withoutSerializedProvider(revealed(olds).plain), revealed(news).plain) : { changes: true };
            // State written by a release before the plugin still holds its code: an update rewrites it without.
            return SERIALIZED_PROVIDER in olds ? { ...result, changes: true } : result;
        });
    }

    async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
        return this.run(
            urn,
            async (p, secrets) => {
                try {
                    const result = await p.create(revealed(inputs).plain);
                    return { id: result.id, outs: marked(result.outs ?? {}, secrets) };
                } catch (error) {
                    throw markedFailure(error, secrets);
                }
            },
            inputs,
        );
    }

    async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
        return this.run(
            urn,
            async (p, secrets) => {
                const plainOlds = withoutSerializedProvider(revealed(olds).plain);
                const plainNews = revealed(news).plain;
                if (SERIALIZED_PROVIDER in olds) {
                    // Taking over a dynamic resource's state: when nothing else changed, only the code goes.
                    const diff = p.diff ? await p.diff(id, plainOlds, plainNews) : { changes: true };
                    if (!diff.changes) return { outs: marked(plainOlds, secrets) };
                }
                try {
                    const result = p.update ? await p.update(id, plainOlds, plainNews) : { outs: plainNews };
                    return { outs: marked(result.outs ?? {}, secrets) };
                } catch (error) {
                    throw markedFailure(error, secrets);
                }
            },
            olds,
            news,
        );
    }

    async read(id: string, urn: string, props: Props): Promise<provider.ReadResult> {
        // The records are what the plugin last did; `pulumi refresh` keeps them as they are.
        return { id, props: marked(withoutSerializedProvider(props), new Set(secretProperties(typeOf(urn)))) };
    }

    async delete(id: string, urn: string, props: Props): Promise<void> {
        await this.run(urn, async (p) => {
            if (p.delete) await p.delete(id, withoutSerializedProvider(revealed(props).plain));
        });
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        return constructComponent(name, type, inputs, options);
    }
}

/** An initialization failure keeps the state before the attempt: its secrets stay marked. */
function markedFailure(error: unknown, secrets: Set<string>): unknown {
    const failure = error as { properties?: Props };
    if (failure && typeof failure === "object" && failure.properties) failure.properties = marked(failure.properties, secrets);
    return error;
}
