/**
 * The package as the engine sees it: what index.ts registers (one remote SqlServer with the stack
 * config as its args, through an explicit provider of the package), and the schema's own rules.
 */
import { strict as assert } from "assert";
import { runProgram } from "../support/program";
import { packageSchema } from "../../provider/schema";
import { PACKAGE_RESOURCES } from "../../components/packageResources";

const SQL_SERVER = "kubedb-mssql:index:SqlServer";

describe("index.ts: one SqlServer of the package, built by the plugin", () => {
    it("registers the SqlServer with the config as the user wrote it, secrets secret, and nothing else of the database", async () => {
        const run = await runProgram({
            remote: true,
            config: {
                acceptEula: true,
                namespace: "db",
                tls: { rotation: { generation: 1 }, ca: { algorithm: "RSA" } },
                rotation: { generation: 2 },
                storage: { size: "20Gi" },
                saPassword: "Str0ng!Passw0rd-For-Sa",
            },
        });
        const sqlServer = run.one(SQL_SERVER);
        assert.deepEqual(sqlServer.inputs.tls, { rotation: { generation: 1 }, ca: { algorithm: "RSA" } }, "no output of the same name hides an arg");
        assert.deepEqual(sqlServer.inputs.rotation, { generation: 2 });
        assert.deepEqual(sqlServer.inputs.storage, { size: "20Gi" });
        assert.equal(sqlServer.inputs.adoptStackRoot, true);
        assert.deepEqual(sqlServer.secretPaths, ["saPassword"]);
        assert.match(
            sqlServer.provider,
            /::pulumi:providers:kubedb-mssql::kubedb-mssql::/,
            "an explicit provider: the stack config is not the default provider's config",
        );
        assert.deepEqual(run.registrations.map((r) => r.type).sort(), ["pulumi:providers:kubedb-mssql", SQL_SERVER].sort());
    });

    it("a bad config is refused before anything is registered", async () => {
        await assert.rejects(runProgram({ remote: true, config: { acceptEula: true, storage: { size: "10Gx" } } }), /"storage\.size"/);
    });
});

describe("the package schema", () => {
    const schema = packageSchema("1.2.3") as {
        resources: Record<string, { isComponent?: boolean; inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
    };

    it("has every custom resource of the package, with its former dynamic type as an alias (none for one new with the plugin)", () => {
        for (const { token, formerly } of Object.values(PACKAGE_RESOURCES)) {
            assert.ok(schema.resources[token], token);
            assert.deepEqual((schema.resources[token] as { aliases?: unknown }).aliases, formerly ? [{ type: formerly }] : undefined, token);
        }
        assert.equal(PACKAGE_RESOURCES.PasswordReference.formerly, undefined, "PasswordReference never was a dynamic resource");
        assert.ok(PACKAGE_RESOURCES.CredentialSecret.formerly, "the others keep their alias");
    });

    it("no component has an output of the same name as an arg of another shape (a remote registration would drop the arg)", () => {
        const shape = (p: unknown) => JSON.stringify({ ...(p as object), description: undefined, default: undefined });
        for (const [token, spec] of Object.entries(schema.resources).filter(([, s]) => s.isComponent)) {
            const clashes = Object.keys(spec.properties).filter(
                (k) => k in spec.inputProperties && shape(spec.properties[k]) !== shape(spec.inputProperties[k]),
            );
            assert.deepEqual(clashes, [], token);
        }
    });
});
