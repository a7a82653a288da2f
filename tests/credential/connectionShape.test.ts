/**
 * `saPasswordSecret` and `connection` as config and args: refusals before anything is registered
 * (each naming its key, never a password), the connection Secret and ConfigMap the program
 * registers for a shape, the defaults registering exactly what earlier releases did, and the TLS
 * ledger told where the CA is.
 */
import { strict as assert } from "assert";
import { ConfigError, Problems } from "../../components/core/problems";
import { DEFAULT_SECRET_KEYS, parseConnectionShape } from "../../components/credential/connectionShape";
import { connectionDetails, connectionValues } from "../../components/credential/manifests";
import { validateConnectionSecretArgs } from "../../components/credential/connectionSecret";
import { configParser } from "../support/stackConfig";
import { runProgram } from "../support/program";
import { assertNeverLeaked } from "../support/checks";

const { parse, problemsOf } = configParser({ acceptEula: true });
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const TLS = "kubedb-mssql:tls:TlsLedger";
const GUARD = "kubedb-mssql:database:GuardedConfig";

function refused(values: Record<string, unknown>, key: string, pattern: RegExp): void {
    const problems = problemsOf(values);
    const mine = problems.filter((p) => p.startsWith(`"${key}":`));
    assert.ok(
        mine.some((p) => pattern.test(p)),
        `"${key}" not refused with ${pattern}: ${problems.join(" | ")}`,
    );
}

describe("saPasswordSecret in the config", () => {
    it("takes { name, key } and hands it on", () => {
        assert.deepEqual(parse({ saPasswordSecret: { name: "mssql-sa", key: "password" } }).saPasswordSecret, { name: "mssql-sa", key: "password" });
        assert.equal(parse({}).saPasswordSecret, undefined);
    });

    it("refuses a bad name or key, a missing field and an unknown field, naming each", () => {
        refused({ saPasswordSecret: { name: "Not_A_Name", key: "password" } }, "saPasswordSecret.name", /DNS/);
        refused({ saPasswordSecret: { name: "mssql-sa", key: "pass word" } }, "saPasswordSecret.key", /is not a Secret data key/);
        refused({ saPasswordSecret: { key: "password" } }, "saPasswordSecret.name", /is missing/);
        refused({ saPasswordSecret: { name: "mssql-sa" } }, "saPasswordSecret.key", /is missing/);
        refused({ saPasswordSecret: { name: "mssql-sa", key: "password", namespace: "x" } }, "saPasswordSecret.namespace", /unknown field/);
        refused({ saPasswordSecret: "mssql-sa" }, "saPasswordSecret", /must be an object/);
    });

    it("is the only source of the password: saPassword, rotation.interval and a generation bump are refused beside it", () => {
        const ref = { saPasswordSecret: { name: "mssql-sa", key: "password" } };
        refused({ ...ref, saPassword: "Str0ng!Passw0rd" }, "saPassword", /cannot be used with "saPasswordSecret"/);
        refused({ ...ref, rotation: { interval: "30d" } }, "rotation.interval", /cannot be used with "saPasswordSecret"/);
        refused({ ...ref, rotation: { generation: 1 } }, "rotation.generation", /set it back to 0/);
        assert.equal(
            parse({ ...ref, rotation: { generation: 0, anchor: "2026-01-01T00:00:00Z" } }).rotation.generation,
            0,
            "Pulumi.yaml's default generation 0 is fine",
        );
        const problems = problemsOf({ ...ref, saPassword: "Str0ng!Passw0rd" });
        assert.ok(!problems.join(" ").includes("Str0ng!Passw0rd"), "never the password");
    });

    it("never names a Secret the program writes: the connection Secret (default or named) or the database's own", () => {
        refused({ saPasswordSecret: { name: "mssql-connection", key: "password" } }, "saPasswordSecret.name", /is the connection Secret this program writes/);
        refused(
            { saPasswordSecret: { name: "app-db", key: "password" }, connection: { secretName: "app-db" } },
            "saPasswordSecret.name",
            /is the connection Secret this program writes/,
        );
        refused({ saPasswordSecret: { name: "mssql-auth-0a1b2c3d4e", key: "password" } }, "saPasswordSecret.name", /the database's own objects/);
        refused({ saPasswordSecret: { name: "mssql-ca", key: "tls.key" } }, "saPasswordSecret.name", /the database's own objects/);
        // The default connection Secret's name is free once the connection Secret is named otherwise.
        assert.equal(
            parse({ saPasswordSecret: { name: "mssql-connection", key: "p" }, connection: { secretName: "app-db" } }).saPasswordSecret?.name,
            "mssql-connection",
        );
    });

    it("as SqlServer args: a saPassword given as a secret Output is refused beside it too (known or not, it is a second source)", async () => {
        const { sqlServerSettings } = await import("../../components/database/sqlServer");
        const pulumi = await import("@pulumi/pulumi");
        const args = { acceptEula: true, saPasswordSecret: { name: "mssql-sa", key: "password" } };
        assert.throws(
            () => sqlServerSettings({ ...args, saPassword: pulumi.secret("Str0ng!Passw0rd") }),
            (e: Error) => /"saPassword": cannot be used with "saPasswordSecret"/.test(e.message) && !e.message.includes("Str0ng!Passw0rd"),
        );
        assert.throws(() => sqlServerSettings({ ...args, saPassword: "Str0ng!Passw0rd" }), /"saPassword": cannot be used with "saPasswordSecret"/);
        assert.equal(sqlServerSettings(args).saPasswordSecret?.name, "mssql-sa");
        // Without a Secret reference, a secret Output is accepted here and checked where it resolves.
        assert.equal(sqlServerSettings({ acceptEula: true, saPassword: pulumi.secret("short") }).saPassword, undefined);
    });

    it("through the program: refused before anything is registered", async () => {
        let registered = 0;
        await assert.rejects(
            runProgram({
                config: { acceptEula: true, saPasswordSecret: { name: "mssql-sa", key: "password" }, rotation: { interval: "7d" } },
                state: () => {
                    registered++;
                    return undefined;
                },
            }),
            (e: Error) => e instanceof ConfigError || e.name === "ConfigError",
        );
        assert.equal(registered, 0);
    });
});

describe("connection: the shape of the connection details", () => {
    it("absent: exactly today's Secret keys and content", () => {
        const a = { database: "db", namespace: "ns", password: "Pw-12345678", clientTLS: true, caBundle: "CA" };
        assert.deepEqual(Object.keys(connectionDetails(a)), ["host", "port", "username", "password", "connection-string", "jdbc-url", "ca.crt"]);
        assert.equal(connectionDetails(a)["connection-string"], connectionValues(a).connectionString);
        assert.deepEqual(parseConnectionShape(new Problems(), "connection", undefined, "db"), { secretKeys: DEFAULT_SECRET_KEYS });
    });

    it("an ODBC connection string with the password braced and encryption as the TLS config says", () => {
        const values = connectionValues({ database: "db", namespace: "ns", password: "Pw-12345678", clientTLS: false, caBundle: "" });
        assert.equal(
            values.odbcConnectionString,
            "Driver={ODBC Driver 18 for SQL Server};Server=tcp:db.ns.svc,1433;Database=master;Uid=sa;Pwd={Pw-12345678};Encrypt=no;TrustServerCertificate=no;",
        );
    });

    it("refuses an unknown value, a bad or repeated data key, a secret value in the ConfigMap, a name of the database's own objects", () => {
        refused({ connection: { keys: { hostname: "H" } } }, "connection.keys.hostname", /unknown value; allowed: host, port/);
        refused({ connection: { keys: { host: "DB HOST" } } }, "connection.keys.host", /is not a data key/);
        refused({ connection: { keys: { host: "X", port: "X" } } }, "connection.keys.port", /"X" is also the key of host/);
        refused({ connection: { keys: {} } }, "connection.keys", /lists no value/);
        refused({ connection: { configMap: { name: "cfg", keys: { password: "P" } } } }, "connection.configMap.keys.password", /only the connection Secret/);
        refused({ connection: { configMap: { name: "cfg", keys: { jdbcUrl: "J" } } } }, "connection.configMap.keys.jdbcUrl", /only the connection Secret/);
        refused({ connection: { configMap: { keys: { host: "H" } } } }, "connection.configMap.name", /is missing/);
        refused({ connection: { secretName: "mssql-auth-abc" } }, "connection.secretName", /own objects/);
        refused({ connection: { secretName: "mssql-server-cert" } }, "connection.secretName", /own objects/);
        refused({ connection: { secretName: "UPPER" } }, "connection.secretName", /DNS/);
        refused({ connection: { secret: "x" } }, "connection.secret", /unknown field; allowed: secretName, keys, configMap/);
    });

    it("the ConnectionSecret component's args are checked the same way, by their own names", () => {
        assert.throws(
            () =>
                validateConnectionSecretArgs({
                    database: "db",
                    namespace: "ns",
                    password: "Pw-12345678",
                    caBundle: "",
                    keys: { password: "P" },
                    configMap: { name: "c", keys: { connectionString: "C" } },
                }),
            /"configMap\.keys\.connectionString": holds the password/,
        );
    });
});

describe("connection through the program", function () {
    this.timeout(60_000);
    const base = { acceptEula: true, saPassword: "Str0ng!Passw0rd-For-Sa" };

    it("the default stack registers today's Secret, no ConfigMap, and nothing new in the TLS ledger or the guard", async () => {
        const run = await runProgram({ config: base });
        const connection = run.one(SECRET, "connection-secret");
        assert.equal(connection.inputs.metadata.name, "mssql-connection");
        assert.deepEqual(Object.keys(connection.inputs.stringData).sort(), ["ca.crt", "connection-string", "host", "jdbc-url", "password", "port", "username"]);
        assert.equal(run.ofType(CONFIG_MAP).length, 0);
        const tls = run.one(TLS).inputs;
        assert.equal(tls.connectionSecret, "mssql-connection");
        assert.ok(!("connectionCaKey" in tls) && !("connectionConfigMap" in tls), "an upgraded stack sees no new input");
        assert.ok(!("connectionConfigMap" in run.one(GUARD).inputs.permissions));
        assert.equal(run.ofType("kubedb-mssql:credential:PasswordReference").length, 0);
    });

    it("a shape: the Secret named and keyed as asked, the ConfigMap without the password, the TLS ledger widening the right key", async () => {
        const run = await runProgram({
            config: {
                ...base,
                connection: {
                    secretName: "orders-db",
                    keys: { host: "DB_HOST", password: "DB_PASSWORD", jdbcUrl: "JDBC", caCrt: "ca.pem" },
                    configMap: { name: "orders-db-config", keys: { host: "HOST", port: "PORT", caCrt: "ca.crt" } },
                },
            },
        });
        const secret = run.one(SECRET, "connection-secret");
        assert.equal(secret.inputs.metadata.name, "orders-db");
        assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["DB_HOST", "DB_PASSWORD", "JDBC", "ca.pem"]);
        assert.equal(secret.inputs.stringData.DB_PASSWORD, "Str0ng!Passw0rd-For-Sa");
        assert.deepEqual(secret.secretPaths, ["stringData"]);
        assert.equal(secret.deleteBeforeReplace, false, "a rename creates the new Secret before deleting the old");
        const configMap = run.one(CONFIG_MAP, "connection-configmap");
        assert.equal(configMap.inputs.metadata.name, "orders-db-config");
        assert.deepEqual(configMap.inputs.data, { HOST: "mssql.mssql.svc", PORT: "1433", "ca.crt": configMap.inputs.data["ca.crt"] });
        assert.match(configMap.inputs.data["ca.crt"], /BEGIN CERTIFICATE/);
        assert.deepEqual(configMap.secretPaths, [], "plain: nothing secret in it");
        assert.deepEqual(configMap.dependencies.sort(), secret.dependencies.sort(), "written when the Secret is: after the rotation and TLS");
        const tls = run.one(TLS).inputs;
        assert.deepEqual(
            [tls.connectionSecret, tls.connectionCaKey, tls.connectionConfigMap, tls.connectionConfigMapCaKey],
            ["orders-db", "ca.pem", "orders-db-config", "ca.crt"],
            "the TLS ledger widens the CA wherever clients read it",
        );
        assert.equal(run.one(GUARD).inputs.permissions.connectionConfigMap, "orders-db-config", "the guard asks for the ConfigMap's permissions");
        assert.equal(run.outputs.connectionSecret, "orders-db");
        assertNeverLeaked(run, "Str0ng!Passw0rd-For-Sa");
    });

    it("keys without the CA: the TLS ledger widens nothing", async () => {
        const run = await runProgram({ config: { ...base, connection: { keys: { password: "PASSWORD" } } } });
        assert.equal(run.one(TLS).inputs.connectionCaKey, "");
        assert.deepEqual(Object.keys(run.one(SECRET, "connection-secret").inputs.stringData), ["PASSWORD"]);
    });
});
