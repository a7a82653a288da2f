/** The credential Secret and the connection details an application reads. */
import { BasicAuthSecret } from "../api/meta";
import { labelsFor } from "../core/names";
import { SA_USERNAME, SQL_SERVER_PORT } from "../database/manifests";
import { ConnectionValue, DEFAULT_SECRET_KEYS, shaped } from "./connectionShape";
/** A credential Secret; name and password may be Pulumi outputs (`N`, `P`), everything else is plain. */
export function credentialSecretManifest<P, N = string>(a: {
    name: N;
    namespace: string;
    database: string;
    password: P;
    annotations?: Record<string, string>;
}): Omit<BasicAuthSecret, "stringData" | "metadata"> & {
    metadata: Omit<BasicAuthSecret["metadata"], "name"> & { name: N };
    stringData: { username: string; password: P };
} {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: a.name,
            namespace: a.namespace,
            labels: labelsFor(a.database, "credential"),
            ...(a.annotations ? { annotations: a.annotations } : {}),
        },
        type: "kubernetes.io/basic-auth",
        stringData: { username: SA_USERNAME, password: a.password },
    };
}

export interface ConnectionDetailsArgs {
    database: string;
    namespace: string;
    password: string;
    clientTLS: boolean;
    /** PEM bundle of the CA(s) that sign the server certificate; empty when not (yet) known. */
    caBundle: string;
}

/** Every value an application may be given (connectionShape.ts chooses which go where, under which keys). */
export function connectionValues(a: ConnectionDetailsArgs): Record<ConnectionValue, string> {
    const host = `${a.database}.${a.namespace}.svc`;
    const encrypt = a.clientTLS ? "Encrypt=True;TrustServerCertificate=False" : "Encrypt=False";
    return {
        host,
        port: String(SQL_SERVER_PORT),
        username: SA_USERNAME,
        password: a.password,
        connectionString: `Server=tcp:${host},${SQL_SERVER_PORT};Database=master;User ID=${SA_USERNAME};Password=${a.password};${encrypt};`,
        jdbcUrl: `jdbc:sqlserver://${host}:${SQL_SERVER_PORT};databaseName=master;user=${SA_USERNAME};password={${a.password}};encrypt=${a.clientTLS};trustServerCertificate=false`,
        // The password policy refuses { } ; ' ", so braces quote it safely here too.
        odbcConnectionString: `Driver={ODBC Driver 18 for SQL Server};Server=tcp:${host},${SQL_SERVER_PORT};Database=master;Uid=${SA_USERNAME};Pwd={${a.password}};Encrypt=${a.clientTLS ? "yes" : "no"};TrustServerCertificate=no;`,
        // The CA itself, not a reference: the Secrets it lives in also hold private keys.
        caCrt: a.caBundle,
    };
}

/** What an application needs to connect: the keys of the default `<db>-connection` Secret. */
export function connectionDetails(a: ConnectionDetailsArgs, keys: Partial<Record<ConnectionValue, string>> = DEFAULT_SECRET_KEYS): Record<string, string> {
    return shaped(connectionValues(a), keys);
}
