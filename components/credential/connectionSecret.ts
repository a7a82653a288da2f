/**
 * ConnectionSecret — the app-facing Secret, by default `<db>-connection`: host, port, username,
 * password, an ADO.NET connection string, a JDBC URL and the CA bundle (`ca.crt`) clients verify
 * the server with. Its name, which values it holds and under which keys can be chosen
 * (connectionShape.ts), and the values that are not secret can also go to a ConfigMap.
 *
 * It is updated in place, never deleted and re-created: the Kubernetes
 * provider must run with `enableSecretMutable: true` (the stack program's provider does). Its
 * inputs come from the rotation's and the TLS ledger's outputs, so it changes only after they
 * succeeded; during a CA switch TlsLifecycle patches its CA key itself (old + new CA, then the new).
 * A new name is a replacement that creates the new Secret before deleting the old one, so an
 * application is never left without one.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MAX_DATABASE_NAME_LENGTH } from "../database/settings";
import { connectionValues } from "./manifests";
import { ConnectionSettings, ConnectionShape, ConnectionValue, parseConnectionShape, shaped } from "./connectionShape";
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
    /** Name of the Secret. Default: `<database>-connection`. */
    secretName?: string;
    /**
     * Which values the Secret holds, each under which data key (`[-._a-zA-Z0-9]+`): host, port,
     * username, password, connectionString (ADO.NET), jdbcUrl, odbcConnectionString, caCrt. Default:
     * host, port, username, password, connection-string, jdbc-url, ca.crt (no ODBC string).
     */
    keys?: Partial<Record<ConnectionValue, string>>;
    /**
     * A ConfigMap for the values that are not secret (host, port, username, caCrt), `keys` as above.
     * Default: none; `keys` default: host, port, username, ca.crt.
     */
    configMap?: { name: string; keys?: Partial<Record<ConnectionValue, string>> };
}

/**
 * Checks the args before anything is created; throws one ConfigError naming each arg. The password
 * and CA bundle are checked only when they are plain strings (an Output is known later), and the
 * message never contains the password.
 */
export function validateConnectionSecretArgs(args: ConnectionSecretArgs): ConnectionShape {
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
    const settings: ConnectionSettings = {};
    if (args.secretName !== undefined) settings.secretName = args.secretName;
    if (args.keys !== undefined) settings.keys = args.keys;
    if (args.configMap !== undefined) settings.configMap = args.configMap;
    const shape = parseConnectionShape(p, "", settings, args.database);
    p.throwIfAny();
    return shape;
}

/** Resource options; a plain function so that tests can check them. */
export function connectionSecretOptions(parent: pulumi.Resource, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): pulumi.CustomResourceOptions {
    // The name is fixed: a replacement would delete it first and leave apps without it.
    return { parent, dependsOn, deleteBeforeReplace: false };
}

export class ConnectionSecret extends pulumi.ComponentResource {
    readonly secretName: string;
    /** The ConfigMap's name, when one was asked for. */
    readonly configMapName?: string;

    constructor(name: string, args: ConnectionSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:credential:ConnectionSecret", name, {}, opts);
        const shape = validateConnectionSecretArgs(args);
        this.secretName = shape.secretName ?? names.connectionSecret(args.database);
        const values = pulumi
            .all([args.password, args.caBundle])
            .apply(([password, caBundle]) =>
                connectionValues({ database: args.database, namespace: args.namespace, password, caBundle, clientTLS: args.clientTLS ?? true }),
            );
        new k8s.core.v1.Secret(
            `${name}-secret`,
            {
                metadata: {
                    name: this.secretName,
                    namespace: args.namespace,
                    labels: labelsFor(args.database, "connection"),
                    // TlsLifecycle widens the CA to old + new CA during a CA switch; this program is
                    // this Secret's only other writer, so taking the field back is safe.
                    annotations: { "pulumi.com/patchForce": "true" },
                },
                type: "Opaque",
                stringData: pulumi.secret(values.apply((v) => shaped(v, shape.secretKeys))),
            },
            connectionSecretOptions(this, opts?.dependsOn),
        );
        if (shape.configMap) {
            const configMap = shape.configMap;
            this.configMapName = configMap.name;
            // Only values without the password may be listed here (parseConnectionShape); plain data.
            new k8s.core.v1.ConfigMap(
                `${name}-configmap`,
                {
                    metadata: {
                        name: configMap.name,
                        namespace: args.namespace,
                        labels: labelsFor(args.database, "connection"),
                        annotations: { "pulumi.com/patchForce": "true" },
                    },
                    data: pulumi.unsecret(values.apply((v) => shaped(v, configMap.keys))),
                },
                connectionSecretOptions(this, opts?.dependsOn),
            );
        }
        this.registerOutputs({ secretName: this.secretName });
    }
}
