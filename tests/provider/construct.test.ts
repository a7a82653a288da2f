/**
 * Components built by the plugin (`construct`), as the engine asks for them from a YAML, Python or
 * TypeScript program: the plugin's executable over gRPC, its children registered with a resource
 * monitor on 127.0.0.1 (a preview: nothing reaches a cluster).
 */
import { strict as assert } from "assert";
import { FakeEngine, Registered } from "../support/fakeEngine";
import { ProviderHost, markedSecret } from "../support/providerHost";
import { PACKAGE_RESOURCES } from "../../components/packageResources";
import { COMPONENT_OUTPUTS } from "../../provider/schema";

const SQL_SERVER = "kubedb-mssql:index:SqlServer";
const STACK_URN = "urn:pulumi:test::kubedb-mssql::pulumi:pulumi:Stack::kubedb-mssql-test";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("components through the plugin's Construct", function () {
    this.timeout(120_000);
    let engine: FakeEngine;
    let host: ProviderHost;

    beforeEach(async () => {
        engine = await FakeEngine.start("kubedb-mssql", "test");
        host = await ProviderHost.start({}, engine.address);
        await host.configure();
    });
    afterEach(async () => {
        await host.stop();
        await engine.stop();
    });

    const ofType = (type: string): Registered[] => engine.registered.filter((r) => r.type === type);
    const one = (type: string): Registered => {
        const found = ofType(type);
        assert.equal(found.length, 1, `one ${type}: ${found.map((r) => r.name).join(", ")}`);
        return found[0];
    };

    it("SqlServer: the whole database under it, secrets secret, the outputs of the schema", async () => {
        const built = await host.construct(engine.address, SQL_SERVER, "orders", {
            acceptEula: true,
            namespace: "db",
            name: "orders",
            storage: { size: "20Gi" },
            saPassword: markedSecret("Str0ng!Passw0rd-For-Sa"),
            kubeconfig: markedSecret(KUBECONFIG),
        });
        assert.ok(built.ok, !built.ok ? built.error.message : "");
        assert.equal(built.value.urn, `urn:pulumi:test::kubedb-mssql::${SQL_SERVER}::orders`);
        assert.deepEqual(Object.keys(built.value.state).sort(), Object.keys(COMPONENT_OUTPUTS[SQL_SERVER]).sort());

        const component = one(SQL_SERVER);
        const direct = engine.registered
            .filter((r) => r.parent === component.urn)
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.deepEqual(
            direct,
            [
                "kubedb-mssql:credential:ConnectionSecret orders-connection",
                "kubedb-mssql:credential:CredentialRotation orders-rotation",
                "kubedb-mssql:credential:SaCredential orders-sa",
                "kubedb-mssql:database:ChangeGuard orders-guard",
                "kubedb-mssql:database:DayTwoChanges orders-day2",
                "kubedb-mssql:database:MssqlServer orders-database",
                "kubedb-mssql:tls:CaIssuer orders-ca",
                "kubedb-mssql:tls:TlsLifecycle orders-tls",
                "kubernetes:core/v1:NamespacePatch orders-namespace",
                "pulumi:providers:kubernetes orders-kubernetes",
            ].sort(),
            "every child under the SqlServer, named after it",
        );
        assert.ok(
            engine.registered.every((r) => r === component || r.parent !== STACK_URN),
            "nothing at the top of the stack",
        );
        for (const { token } of Object.values(PACKAGE_RESOURCES))
            assert.equal(ofType(token).length, token === PACKAGE_RESOURCES.PasswordReference.token ? 0 : 1, token);

        const credential = one(PACKAGE_RESOURCES.CredentialSecret.token);
        assert.deepEqual(credential.inputs.password, markedSecret("Str0ng!Passw0rd-For-Sa"), "the password stays secret");
        assert.deepEqual(credential.inputs.kubeconfig, markedSecret(KUBECONFIG));
        assert.deepEqual(one("pulumi:providers:kubernetes").inputs.kubeconfig, markedSecret(KUBECONFIG), "resources and waiters share one kubeconfig");
        const db = one("kubernetes:kubedb.com/v1alpha2:MSSQLServer").inputs as { spec: { storage: { resources: { requests: { storage: string } } } } };
        assert.equal(db.spec.storage.resources.requests.storage, "20Gi");
        const texts = JSON.stringify(engine.registered.map((r) => ({ ...r, inputs: r.type === PACKAGE_RESOURCES.CredentialSecret.token ? {} : r.inputs })));
        assert.ok(!texts.includes("Str0ng!Passw0rd-For-Sa"), "the password is nowhere else");
    });

    it("SqlServer with saPasswordSecret and connection (as from YAML): the reference under it with the kubeconfig secret and no password; refusals by name with nothing registered", async () => {
        const built = await host.construct(engine.address, SQL_SERVER, "orders", {
            acceptEula: true,
            namespace: "db",
            name: "orders",
            saPasswordSecret: { name: "orders-sa", key: "password" },
            connection: { secretName: "orders-app", configMap: { name: "orders-config" } },
            kubeconfig: markedSecret(KUBECONFIG),
        });
        assert.ok(built.ok, !built.ok ? built.error.message : "");
        const component = one(SQL_SERVER);
        const reference = one(PACKAGE_RESOURCES.PasswordReference.token);
        assert.equal(reference.parent, component.urn);
        assert.equal(reference.name, "orders-password-reference");
        assert.deepEqual([reference.inputs.namespace, reference.inputs.name, reference.inputs.key], ["db", "orders-sa", "password"]);
        assert.deepEqual(reference.inputs.kubeconfig, markedSecret(KUBECONFIG));
        assert.equal(reference.inputs.password, undefined, "the value is read by the plugin at Check, never sent by the program");
        assert.equal(ofType("random:index/randomPassword:RandomPassword").length, 0, "no generated password");
        assert.equal(built.value.state.connectionSecret, "orders-app");
        assert.equal(ofType("kubernetes:core/v1:ConfigMap").length, 1);

        const before = engine.registered.length;
        const refused = await host.construct(engine.address, SQL_SERVER, "bad", {
            acceptEula: true,
            saPasswordSecret: { name: "orders-sa", key: "password" },
            saPassword: markedSecret("Str0ng!Passw0rd-For-Sa"),
            connection: { keys: { pwd: "P" } },
        });
        assert.ok(!refused.ok);
        assert.match(refused.error.message, /"saPassword": cannot be used with "saPasswordSecret"/);
        assert.match(refused.error.message, /"connection\.keys\.pwd": unknown value/);
        assert.ok(!refused.error.message.includes("Str0ng!Passw0rd-For-Sa"));
        assert.equal(engine.registered.length, before, "nothing registered");
    });

    it("SqlServer with adoptStackRoot: its children keep their names and answer to their old place at the top of the stack", async () => {
        const built = await host.construct(engine.address, SQL_SERVER, "mssql", { acceptEula: true, adoptStackRoot: true });
        assert.ok(built.ok, !built.ok ? built.error.message : "");
        const component = one(SQL_SERVER);
        const direct = engine.registered.filter((r) => r.parent === component.urn);
        assert.deepEqual(direct.map((r) => r.name).sort(), [
            "ca",
            "connection",
            "database",
            "day2",
            "guard",
            "kubernetes",
            "namespace",
            "rotation",
            "sa",
            "tls",
        ]);
        for (const child of direct)
            assert.match(
                JSON.stringify(child.aliases),
                new RegExp(STACK_URN.replace(/[$.*+?^()|[\]\\]/g, "\\$&")),
                `${child.name} is aliased to the stack root`,
            );
    });

    it("bad args: every problem named, nothing registered", async () => {
        const built = await host.construct(engine.address, SQL_SERVER, "orders", { acceptEula: false, storage: { size: "10Gx" }, rotaton: { generation: 1 } });
        assert.ok(!built.ok);
        assert.match(built.error.message, /"acceptEula"/);
        assert.match(built.error.message, /"storage\.size": .*10Gx/);
        assert.match(built.error.message, /"rotaton": unknown argument/);
        assert.deepEqual(engine.registered, [], "not even the component");
    });

    it("a secret saPassword against SQL Server's policy: refused by name before anything is registered, never quoted", async () => {
        const built = await host.construct(engine.address, SQL_SERVER, "orders", { acceptEula: true, saPassword: markedSecret("weakpassword") });
        assert.ok(!built.ok);
        assert.match(built.error.message, /"saPassword"/);
        assert.doesNotMatch(built.error.message, /weakpassword/);
        assert.deepEqual(engine.registered, []);
        assert.ok(!JSON.stringify(engine.logged).includes("weakpassword"));
    });

    it("an arg not known at preview is refused by name; a secret where none may be, too", async () => {
        const unknown = await host.construct(engine.address, SQL_SERVER, "orders", { acceptEula: true, version: UNKNOWN });
        assert.ok(!unknown.ok);
        assert.match(unknown.error.message, /"version": is not known yet/);
        const secret = await host.construct(engine.address, SQL_SERVER, "orders", { acceptEula: true, name: markedSecret("orders") });
        assert.ok(!secret.ok);
        assert.match(secret.error.message, /"name": is a secret/);
    });

    it("a building block with `kubeconfig`: the plugin's own Kubernetes provider, and the waiter's kubeconfig secret", async () => {
        const built = await host.construct(engine.address, "kubedb-mssql:credential:CredentialRotation", "rotation", {
            database: "orders",
            namespace: "db",
            secretName: "orders-auth-0123456789",
            kubeconfig: markedSecret(KUBECONFIG),
        });
        assert.ok(built.ok, !built.ok ? built.error.message : "");
        assert.deepEqual(Object.keys(built.value.state).sort(), Object.keys(COMPONENT_OUTPUTS["kubedb-mssql:credential:CredentialRotation"]).sort());
        const ledger = one(PACKAGE_RESOURCES.RotationLedger.token);
        assert.deepEqual(ledger.inputs.kubeconfig, markedSecret(KUBECONFIG));
        assert.deepEqual(one("pulumi:providers:kubernetes").inputs.kubeconfig, markedSecret(KUBECONFIG));
    });

    it("an unknown type is refused, naming what the package has", async () => {
        const built = await host.construct(engine.address, "kubedb-mssql:index:Database", "x", {});
        assert.ok(!built.ok);
        assert.match(built.error.message, /no component of type kubedb-mssql:index:Database; it has kubedb-mssql:index:SqlServer/);
    });
});
