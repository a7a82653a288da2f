/**
 * Components built for a program in any language (`construct`). Each entry names the component
 * class and which args may stay Outputs (other resources' outputs; a secret is passed as its value
 * when known, and the component keeps it secret); every other arg is resolved to its value first, so that the component validates it exactly as it validates a
 * TypeScript caller's — and an arg that is not known yet (a preview) is refused by name.
 *
 * A component that talks to the cluster takes `kubeconfig` instead of the TypeScript `cluster`
 * object: the plugin makes the Kubernetes provider and the waiters' connection from it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { CaIssuer } from "../components/tls/caIssuer";
import { Certificate } from "../components/tls/certificate";
import { ChangeGuard } from "../components/database/changeGuard";
import { KubernetesCluster, kubernetesCluster } from "../components/kube/cluster";
import { ConnectionSecret } from "../components/credential/connectionSecret";
import { SaCredential } from "../components/credential/saCredential";
import { CredentialRotation } from "../components/credential/credentialRotation";
import { SqlServer } from "../components/database/sqlServer";
import { DayTwoChanges } from "../components/database/dayTwoChanges";
import { MssqlServer } from "../components/database/mssqlServer";
import { TlsLifecycle } from "../components/tls/tlsLifecycle";
import { Problems } from "../components/core/problems";
import { COMPONENT_OUTPUTS, ComponentToken } from "./schema";

type Args = Record<string, unknown>;

interface ComponentEntry {
    /** Args that may arrive as Outputs and are passed on as such. */
    outputArgs: readonly string[];
    /** Whether the component takes a `cluster` (else the Kubernetes provider reaches it through opts). */
    takesCluster: boolean;
    make(name: string, args: Args, opts: pulumi.ComponentResourceOptions): pulumi.ComponentResource;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- args are validated by each component, as a TypeScript caller's are */
const COMPONENTS: Record<ComponentToken, ComponentEntry> = {
    "kubedb-mssql:index:SqlServer": { outputArgs: ["saPassword", "kubeconfig"], takesCluster: false, make: (n, a, o) => new SqlServer(n, a as any, o) },
    "kubedb-mssql:database:ChangeGuard": { outputArgs: [], takesCluster: true, make: (n, a, o) => new ChangeGuard(n, a as any, o) },
    "kubedb-mssql:credential:SaCredential": { outputArgs: ["password"], takesCluster: true, make: (n, a, o) => new SaCredential(n, a as any, o) },
    "kubedb-mssql:tls:CaIssuer": { outputArgs: [], takesCluster: false, make: (n, a, o) => new CaIssuer(n, a as any, o) },
    "kubedb-mssql:database:MssqlServer": { outputArgs: ["authSecretName"], takesCluster: false, make: (n, a, o) => new MssqlServer(n, a as any, o) },
    "kubedb-mssql:database:DayTwoChanges": { outputArgs: [], takesCluster: true, make: (n, a, o) => new DayTwoChanges(n, a as any, o) },
    "kubedb-mssql:tls:TlsLifecycle": { outputArgs: [], takesCluster: true, make: (n, a, o) => new TlsLifecycle(n, a as any, o) },
    "kubedb-mssql:credential:CredentialRotation": { outputArgs: ["secretName"], takesCluster: true, make: (n, a, o) => new CredentialRotation(n, a as any, o) },
    "kubedb-mssql:credential:ConnectionSecret": {
        outputArgs: ["password", "caBundle"],
        takesCluster: false,
        make: (n, a, o) => new ConnectionSecret(n, a as any, o),
    },
    "kubedb-mssql:tls:Certificate": { outputArgs: [], takesCluster: false, make: (n, a, o) => new Certificate(n, a as any, o) },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

interface OutputInternals {
    promise(withUnknowns?: boolean): Promise<unknown>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
}

const NOT_KNOWN = "is not known yet (it comes from a resource not created yet); give a value known at preview";

/** The value of an arg, with every Output inside it resolved; `problems` gets what cannot be. */
async function resolved(key: string, value: unknown, problems: Problems): Promise<unknown> {
    if (pulumi.isUnknown(value)) {
        problems.add(key, NOT_KNOWN);
        return undefined;
    }
    if (pulumi.Output.isInstance(value)) {
        const output = value as unknown as OutputInternals;
        if (!(await output.isKnown)) {
            problems.add(key, NOT_KNOWN);
            return undefined;
        }
        if (await output.isSecret) {
            problems.add(key, "is a secret, but only saPassword, password and kubeconfig may be: pass a plain value");
            return undefined;
        }
        return resolved(key, await output.promise(), problems);
    }
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => resolved(`${key}[${i}]`, v, problems)));
    if (typeof value === "object" && value !== null && !pulumi.Resource.isInstance(value)) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolved(`${key}.${k}`, v, problems)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

/**
 * A secret arg whose value is known, as its plain value: the component checks it before anything
 * is registered (as a TypeScript caller's plain string) and keeps it secret wherever it goes. Any
 * other value as it came (an Output keeps its dependencies).
 */
async function knownSecretRevealed(value: unknown): Promise<unknown> {
    if (!pulumi.Output.isInstance(value)) return value;
    const output = value as unknown as OutputInternals;
    return (await output.isSecret) && (await output.isKnown) ? output.promise() : value;
}

/** Builds the component `type` named `name` from a program's args; returns its URN and outputs. */
export async function constructComponent(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
): Promise<provider.ConstructResult> {
    const entry = COMPONENTS[type as ComponentToken];
    if (!entry) throw new Error(`kubedb-mssql has no component of type ${type}; it has ${Object.keys(COMPONENTS).join(", ")}`);
    const problems = new Problems(`${type.split(":").pop()} "${name}" args`);
    const args: Args = {};
    for (const [key, value] of Object.entries(inputs)) {
        args[key] = entry.outputArgs.includes(key) || key === "kubeconfig" ? await knownSecretRevealed(value) : await resolved(key, value, problems);
    }
    problems.throwIfAny();

    const opts: pulumi.ComponentResourceOptions = { ...options };
    const { kubeconfig, ...componentArgs } = args;
    if (type !== "kubedb-mssql:index:SqlServer") {
        // The plugin's own Kubernetes provider, from the kubeconfig arg (or the ambient one).
        const cluster: KubernetesCluster | undefined =
            kubeconfig === undefined
                ? undefined
                : kubernetesCluster(`${name}-kubernetes`, { kubeconfig: kubeconfig as pulumi.Input<string> }, { parent: options.parent });
        if (cluster) {
            opts.providers = { ...(options.providers as Record<string, pulumi.ProviderResource> | undefined), kubernetes: cluster.provider };
            if (entry.takesCluster) componentArgs.cluster = cluster;
        }
    } else if (kubeconfig !== undefined) {
        componentArgs.kubeconfig = kubeconfig;
    }
    const component = entry.make(name, componentArgs, opts);
    const state: pulumi.Inputs = {};
    for (const key of Object.keys(COMPONENT_OUTPUTS[type as ComponentToken])) state[key] = (component as unknown as Args)[key] as pulumi.Input<unknown>;
    return { urn: component.urn, state };
}
