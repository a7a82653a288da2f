/**
 * The kubedb-mssql stack: one SqlServer of the kubedb-mssql package, its args the stack config.
 *
 * The program uses the package as a program in any other language does: the SqlServer is built
 * by the provider plugin (`construct`), which Pulumi.yaml's `plugins.providers` points the engine
 * at (provider/bin). The config is validated here first, so that a bad value is a plain program
 * error listing every problem before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * The stack config, validated and shaped by the package's compiled code (built by `npm ci`), as
 * the plugin is: this file is all ts-node compiles and type-checks at every run.
 */
interface DatabaseSettings {
    STACK_SQL_SERVER: string;
    /** Throws a ConfigError (a RunError: the CLI shows the problems, no stack trace) on bad config. */
    stackSqlServerArgs(): Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, so that ts-node compiles and checks this file alone
const { STACK_SQL_SERVER, stackSqlServerArgs }: DatabaseSettings = require("./dist/stack/sqlServerArgs");

/** The package's SqlServer, as its generated SDKs declare it: a component the plugin builds. */
class SqlServer extends pulumi.ComponentResource {
    declare readonly databaseName: pulumi.Output<string>;
    declare readonly databaseNamespace: pulumi.Output<string>;
    declare readonly primaryHost: pulumi.Output<string>;
    declare readonly secondaryHost: pulumi.Output<string>;
    declare readonly port: pulumi.Output<number>;
    declare readonly connectionSecret: pulumi.Output<string>;
    declare readonly tlsStatus: pulumi.Output<Record<string, unknown>>;
    declare readonly dayTwo: pulumi.Output<Record<string, unknown>>;
    declare readonly credentialRotation: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, databaseArgs: Record<string, unknown>, opts?: pulumi.ComponentResourceOptions) {
        const outputs = {
            databaseName: undefined,
            databaseNamespace: undefined,
            primaryHost: undefined,
            secondaryHost: undefined,
            port: undefined,
            connectionSecret: undefined,
            tlsStatus: undefined,
            dayTwo: undefined,
            credentialRotation: undefined,
        };
        super("kubedb-mssql:index:SqlServer", name, { ...databaseArgs, ...outputs }, opts, true);
    }
}

/**
 * The package's provider, made explicit: this project has the package's name, so the engine would
 * read the stack config (`version` first) as the config of the package's default provider.
 */
class KubedbMssqlProvider extends pulumi.ProviderResource {
    constructor(name: string) {
        super("kubedb-mssql", name, {});
    }
}

const database = new SqlServer(STACK_SQL_SERVER, stackSqlServerArgs(), { provider: new KubedbMssqlProvider("kubedb-mssql") });

// Outputs: how to connect and what is in use; never a password.
export const databaseName = database.databaseName;
export const databaseNamespace = database.databaseNamespace;
export const primaryHost = database.primaryHost;
export const secondaryHost = database.secondaryHost;
export const port = database.port;
export const connectionSecret = database.connectionSecret;
export const tls = database.tlsStatus;
export const dayTwo = database.dayTwo;
export const credentialRotation = database.credentialRotation;
