/**
 * The custom resources of the kubedb-mssql package: records the provider plugin keeps in the stack
 * state and acts on at run time (provider/). Their code runs in the plugin's process, never in
 * the state. Each one was a dynamic resource in releases before the plugin; the alias to that
 * type token makes the engine take the stored resource over (an update that rewrites its state
 * without the serialized code) instead of creating a second one.
 */
import * as pulumi from "@pulumi/pulumi";

export const PACKAGE_NAME = "kubedb-mssql";

/** Each resource's token and, for those that were dynamic resources before the plugin, that type (an alias). */
export const PACKAGE_RESOURCES: Record<
    "GuardedConfig" | "DayTwoLedger" | "TlsLedger" | "RotationLedger" | "CredentialSecret" | "PasswordReference",
    { token: string; formerly?: string }
> = {
    GuardedConfig: { token: "kubedb-mssql:database:GuardedConfig", formerly: "pulumi-nodejs:dynamic/kubedb-mssql:ChangeGuard" },
    DayTwoLedger: { token: "kubedb-mssql:database:DayTwoLedger", formerly: "pulumi-nodejs:dynamic/kubedb-mssql:DayTwoChanges" },
    TlsLedger: { token: "kubedb-mssql:tls:TlsLedger", formerly: "pulumi-nodejs:dynamic/kubedb-mssql:TlsLifecycle" },
    RotationLedger: { token: "kubedb-mssql:credential:RotationLedger", formerly: "pulumi-nodejs:dynamic/kubedb-mssql:CredentialRotation" },
    CredentialSecret: { token: "kubedb-mssql:credential:CredentialSecret", formerly: "pulumi-nodejs:dynamic/kubedb-mssql:CredentialSecret" },
    // New with the plugin: no dynamic resource to take over.
    PasswordReference: { token: "kubedb-mssql:credential:PasswordReference" },
};

export type PackageResourceKind = keyof typeof PACKAGE_RESOURCES;

/**
 * Registers one of the package's custom resources. `outputs` names the output-only properties, so
 * that they are read back (a custom resource has only the properties it was given).
 */
export class PackageResource extends pulumi.CustomResource {
    constructor(kind: PackageResourceKind, name: string, inputs: pulumi.Inputs, outputs: readonly string[], opts: pulumi.CustomResourceOptions) {
        const props: pulumi.Inputs = { ...inputs };
        for (const key of outputs) props[key] = undefined;
        const { token, formerly } = PACKAGE_RESOURCES[kind];
        super(token, name, props, { ...opts, aliases: [...(opts.aliases ?? []), ...(formerly ? [{ type: formerly }] : [])] });
    }

    /** An output property by name (declared by the component that made the resource). */
    output<T>(key: string): pulumi.Output<T> {
        return (this as unknown as Record<string, pulumi.Output<T>>)[key];
    }
}

/**
 * A component's ledger: the custom resource `<name>-ledger` of `kind` with its `outputs`, child of the
 * component (after what the component depends on). Each of `exposed` is copied onto the component
 * under the same name (its class declares them); the component registers the `exposed` map returned.
 */
export function ledgerOf<K extends string>(
    component: pulumi.ComponentResource,
    ledger: { kind: PackageResourceKind; name: string; inputs: pulumi.Inputs; outputs: readonly K[]; exposed: readonly K[] },
    opts: pulumi.ComponentResourceOptions | undefined,
): { resource: PackageResource; exposed: Record<K, pulumi.Output<unknown>> } {
    const resource = new PackageResource(ledger.kind, `${ledger.name}-ledger`, ledger.inputs, ledger.outputs, {
        parent: component,
        dependsOn: opts?.dependsOn,
    });
    const exposed = Object.fromEntries(ledger.exposed.map((key) => [key, resource.output(key)])) as Record<K, pulumi.Output<unknown>>;
    Object.assign(component, exposed);
    return { resource, exposed };
}
