/**
 * ConnectionSecret — the app-facing Secret `<db>-connection`: host, port, username, password,
 * an ADO.NET connection string, a JDBC URL and the CA bundle (`ca.crt`) clients verify the server with.
 *
 * Its name never changes and it is updated in place, never deleted and re-created: the Kubernetes
 * provider must run with `enableSecretMutable: true` (the stack program's provider does). Its
 * inputs come from the rotation's and the TLS ledger's outputs, so it changes only after they
 * succeeded; during a CA switch TlsLifecycle patches `ca.crt` itself (old + new CA, then the new).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MAX_DATABASE_NAME_LENGTH } from "../database/settings";
import { connectionDetails } from "./manifests";
import { labelsFor, names } from "../core/names";
import { checkBoolean, checkDatabaseName, checkDnsLabel, checkSaPassword } from "../core/checks";
import { Problems } from "../core/problems";

export interface ConnectionSecretArgs {
    /** Database name. Required. */
    database: string;
    /** Database namespace. Required. */
    namespace: string;
    /** The password in use (secret). Required. A plain string must meet SQL Server's policy (checkSaPassword). */
    password: pulumi.Input<string>;
    /** PEM bundle of the CA(s) clients must trust. Required (may be "" before TLS is up). */
    caBundle: pulumi.Input<string>;
    /** Whether SQL Server forces encryption (sets Encrypt= in the connection strings). Default: true. */
    clientTLS?: boolean;
}

/**
 * Checks the args before anything is created; throws one ConfigError naming each arg. The password
 * and CA bundle are checked only when they are plain strings (an Output is known later), and the
 * message never contains the password.
 */
export function validateConnectionSecretArgs(args: ConnectionSecretArgs): void {
    const p = new Problems("ConnectionSecret args");
    p.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    p.add("namespace", checkDnsLabel(args.namespace));
    if (typeof args.password === "string") p.add("password", checkSaPassword(args.password));
    else if (args.password === undefined || args.password === null) p.add("password", "is missing; pass the password in use (a secret)");
    if (typeof args.caBundle === "string" && args.caBundle !== "" && !args.caBundle.includes("-----BEGIN CERTIFICATE-----")) {
        p.add("caBundle", 'is not a PEM bundle; pass "" before the CA is known, or PEM text with -----BEGIN CERTIFICATE----- blocks');
    } else if (args.caBundle === undefined || args.caBundle === null) {
        p.add("caBundle", 'is missing; pass the CA\'s PEM bundle ("" before it is known)');
    }
    if (args.clientTLS !== undefined) p.add("clientTLS", checkBoolean(args.clientTLS));
    p.throwIfAny();
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
        validateConnectionSecretArgs(args);
        this.secretName = names.connectionSecret(args.database);
        const stringData = pulumi.secret(
            pulumi.all([args.password, args.caBundle]).apply(([password, caBundle]) =>
                connectionDetails({
                    database: args.database,
                    namespace: args.namespace,
                    password,
                    caBundle,
                    clientTLS: args.clientTLS ?? true,
                }),
            ),
        );
        new k8s.core.v1.Secret(
            `${name}-secret`,
            {
                metadata: {
                    name: this.secretName,
                    namespace: args.namespace,
                    labels: labelsFor(args.database, "connection"),
                    // TlsLifecycle widens `ca.crt` to old + new CA during a CA switch; this program is
                    // this Secret's only other writer, so taking the field back is safe.
                    annotations: { "pulumi.com/patchForce": "true" },
                },
                type: "Opaque",
                stringData,
            },
            connectionSecretOptions(this, opts?.dependsOn),
        );
        this.registerOutputs({ secretName: this.secretName });
    }
}
