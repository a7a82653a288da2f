/**
 * ConnectionSecret: what it registers with only its required args, and its args refused by name.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConnectionSecret, ConnectionSecretArgs, validateConnectionSecretArgs } from "../../components/credential/connectionSecret";
import { eachArg, problemsOf, registered, useMocks } from "../support/componentArgs";
import { T, library } from "../support/library";

describe("components as a library: ConnectionSecret", () => {
    it("is an Opaque Secret whose connection strings force encryption unless told otherwise", async () => {
        const run = await library(() => new ConnectionSecret("app", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd", caBundle: "" }));
        const secret = run.one(T.secret);
        assert.equal(secret.inputs.type, "Opaque");
        assert.match(secret.inputs.stringData["connection-string"], /;Encrypt=True;TrustServerCertificate=False;$/);
        assert.match(secret.inputs.stringData["jdbc-url"], /;encrypt=true;/);
        assert.equal(secret.parent, run.one(T.connection).urn);
        assert.equal(secret.deleteBeforeReplace, false);
    });

    it("says Encrypt=False when the server does not force TLS", async () => {
        const run = await library(
            () => new ConnectionSecret("app", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd", caBundle: "", clientTLS: false }),
        );
        assert.match(run.one(T.secret).inputs.stringData["connection-string"], /;Encrypt=False;$/);
    });
});

describe("validation: ConnectionSecret args", () => {
    const good: ConnectionSecretArgs = { database: "mssql", namespace: "db", password: pulumi.secret("Str0ng!Passw0rd"), caBundle: "" };
    before(useMocks);

    it("accepts the stack's args, a plain policy-compliant password and a PEM bundle", () => {
        validateConnectionSecretArgs(good);
        validateConnectionSecretArgs({
            ...good,
            password: "Str0ng!Passw0rd",
            caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            clientTLS: false,
        });
    });

    it("refuses bad args, naming each, without echoing the password", () => {
        const password = "Str0ng;Passw0rd";
        const problems = problemsOf(
            () =>
                validateConnectionSecretArgs({ database: "1db", namespace: "Bad_NS", password, caBundle: "not a pem", clientTLS: "yes" as unknown as boolean }),
            "ConnectionSecret args",
        );
        assert.deepEqual(
            problems.map((p) => p.split(":")[0]),
            ['"database"', '"namespace"', '"password"', '"caBundle"', '"clientTLS"'],
        );
        assert.match(problems.join("\n"), /"database": "1db" must start with a letter/);
        assert.match(problems.join("\n"), /"password": contains one of ; ' " \{ \} which break connection strings/);
        assert.match(problems.join("\n"), /"caBundle": is not a PEM bundle/);
        assert.ok(!problems.join("\n").includes(password));
    });

    it("throws from the constructor before creating the Secret", () => {
        registered.length = 0;
        assert.throws(() => new ConnectionSecret("bad", { ...good, namespace: "" }), /ConnectionSecret args.*\n.*"namespace": must be a non-empty string/);
        assert.deepEqual(
            registered.filter((t) => t.startsWith("kubernetes:")),
            [],
        );
    });
});

eachArg<ConnectionSecretArgs>(
    "ConnectionSecret",
    "ConnectionSecret args",
    {
        database: "mssql",
        namespace: "db",
        password: "Str0ng!Passw0rd",
        caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        clientTLS: false,
    },
    validateConnectionSecretArgs,
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a password against the policy", { password: "short" }, "password"],
        ["a missing password", { password: undefined }, "password"],
        ["a null password", { password: null }, "password"],
        ["a CA bundle that is not PEM", { caBundle: "not pem" }, "caBundle"],
        ["a missing CA bundle", { caBundle: undefined }, "caBundle"],
        ["a null CA bundle", { caBundle: null }, "caBundle"],
        ["clientTLS that is no boolean", { clientTLS: "yes" }, "clientTLS"],
    ],
);
