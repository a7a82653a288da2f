/**
 * ConnectionSecret — the app-facing Secret `<db>-connection`: host, port, username, password,
 * an ADO.NET connection string, a JDBC URL and the CA bundle (`ca.crt`) clients verify the server with.
 *
 * Its name never changes and it is updated in place, never deleted and re-created: the Kubernetes
 * provider must run with `enableSecretMutable: true` (the stack program's provider does). Its
 * inputs come from the rotation's outputs, so it changes only after a rotation succeeded.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { connectionDetails } from "./manifests";
import { labelsFor, names } from "./names";

export interface ConnectionSecretArgs {
    /** Database name. Required. */
    database: string;
    /** Database namespace. Required. */
    namespace: string;
    /** The password in use (secret). Required. */
    password: pulumi.Input<string>;
    /** PEM bundle of the CA(s) clients must trust. Required (may be empty before TLS is up). */
    caBundle: pulumi.Input<string>;
    /** Whether SQL Server forces encryption (sets Encrypt= in the connection strings). Default: true. */
    clientTLS?: boolean;
}

/** Resource options; a plain function so that tests can check them. */
export function connectionSecretOptions(parent: pulumi.Resource, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): pulumi.CustomResourceOptions {
    // The name is fixed: a replacement would delete it first and leave apps without it.
    return { parent, dependsOn, deleteBeforeReplace: false };
}

export class ConnectionSecret extends pulumi.ComponentResource {
    readonly secretName: string;

    constructor(name: string, args: ConnectionSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:credential:ConnectionSecret", name, {}, opts);
        this.secretName = names.connectionSecret(args.database);
        const stringData = pulumi.secret(pulumi.all([args.password, args.caBundle]).apply(([password, caBundle]) =>
            connectionDetails({
                database: args.database, namespace: args.namespace, password, caBundle,
                clientTLS: args.clientTLS ?? true,
            })));
        new k8s.core.v1.Secret(`${name}-secret`, {
            metadata: {
                name: this.secretName, namespace: args.namespace, labels: labelsFor(args.database, "connection"),
                // TlsLifecycle widens `ca.crt` to old + new CA during a CA switch; this program is
                // this Secret's only other writer, so taking the field back is safe.
                annotations: { "pulumi.com/patchForce": "true" },
            },
            type: "Opaque",
            stringData,
        }, connectionSecretOptions(this, opts?.dependsOn));
        this.registerOutputs({ secretName: this.secretName });
    }
}
