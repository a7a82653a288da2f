/**
 * End to end, the password from a Secret and the connection details where the user wants them:
 * the real Pulumi CLI against a real kube-apiserver with the real cert-manager and KubeDB stood in
 * (standIns.ts), run as a ServiceAccount bound to exactly the shipped permissions for a stack with
 * a connection ConfigMap.
 *
 * The story: a Secret the user keeps (as External Secrets Operator would write it) is the password
 * the database is created with; the same Secret again changes nothing; a weak value is refused at
 * preview and at up, naming the Secret and key, with no request; an edited value is one RotateAuth,
 * after which the database and the connection Secret use it; then the connection Secret is renamed
 * with custom keys and a ConfigMap, the old one removed after the new one exists; the state holds
 * no password in the clear.
 */
import { strict as assert } from "assert";
import type * as k8sClient from "@kubernetes/client-node";
import { ControlPlane, DEPLOYER, clientNode } from "./support/controlPlane";
import { PermissionContext, rbacManifests } from "../../components/kube/rbac";
import { PulumiWorkspace } from "./support/pulumiCli";
import { ClusterReads } from "./support/clusterReads";
import { CLUSTER_RESOURCE_NAMESPACE } from "./support/standIns";
import { Story, createDeployer, deployerKubeconfig, startStory } from "./support/story";

const NS = "billing";
const DB = "invoices";
const USER_SECRET = "invoices-sa";
const V1 = "Store-Issued-Passw0rd-1!";
const V2 = "Store-Rotated-Passw0rd-2#";
const WEAK = "weakweakweak";

describe("end to end: the password from a Secret, the connection Secret shaped (real CLI, real API server)", function () {
    this.timeout(15 * 60_000);
    let story: Story;
    let cluster: ControlPlane;
    let stack: PulumiWorkspace;
    let core: k8sClient.CoreV1Api;
    let reads: ClusterReads;
    let deployerToken = "";
    const requests = () => reads.requests(NS);
    const database = () => reads.database(NS, DB);
    const secretData = (name: string) => reads.secretData(NS, name);
    const putUserSecret = async (password: string) => {
        const body = { metadata: { name: USER_SECRET, namespace: NS }, type: "Opaque", stringData: { password } };
        await core.replaceNamespacedSecret({ namespace: NS, name: USER_SECRET, body }).catch(() => core.createNamespacedSecret({ namespace: NS, body }));
    };
    const permissionContext: PermissionContext = {
        namespace: NS,
        database: DB,
        clusterIssuers: false,
        bootstrapsClusterIssuer: false,
        clusterResourceNamespace: CLUSTER_RESOURCE_NAMESPACE,
        connectionConfigMap: "invoices-config",
    };

    before(async function () {
        this.timeout(5 * 60_000);
        story = await startStory({ stack: "e2e-secret-source", namespace: NS, database: DB, ambient: "nowhere" });
        ({ cluster, stack, reads } = story);
        ({ core } = reads);
        await createDeployer(reads);
        await core.createNamespace({ body: { metadata: { name: NS } } });
        const k8s = clientNode();
        const kc = new k8s.KubeConfig();
        kc.loadFromString(cluster.kubeconfig);
        const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        for (const o of rbacManifests(permissionContext, "kubedb-mssql-deployer", { kind: "ServiceAccount", ...DEPLOYER }))
            await objects.create(JSON.parse(JSON.stringify(o)) as k8sClient.KubernetesObject);
        const deployer = await deployerKubeconfig(cluster, reads);
        deployerToken = deployer.token;
        await stack.config("kubeconfig", deployer.path);
        await stack.config("saPasswordSecret.name", USER_SECRET, { path: true });
        await stack.config("saPasswordSecret.key", "password", { path: true });
    });

    after(async function () {
        this.timeout(60_000);
        await story?.stop();
    });

    it("before the Secret exists: preview and up are refused naming it, and nothing is created", async () => {
        for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
            const result = await stack.run(args);
            const output = result.stdout + result.stderr;
            assert.notEqual(result.code, 0, output);
            assert.match(output, /saPasswordSecret \(Secret billing\/invoices-sa, key "password"\): the Secret does not exist in namespace billing/);
        }
        assert.deepEqual(
            (await core.listNamespacedSecret({ namespace: NS })).items.map((s) => s.metadata!.name),
            [],
            "no credential Secret",
        );
        await assert.rejects(database(), "no database");
        // The Secret a secret store's operator keeps (External Secrets Operator, say).
        await putUserSecret(V1);
    });

    it("first `pulumi up`: the database is created on the Secret's password, the connection Secret carries it, no request", async () => {
        await stack.ok(["up", "--yes", "--skip-preview"]);
        const db = await database();
        assert.equal(db.status.phase, "Ready");
        assert.equal((await secretData(db.spec.authSecret.name)).password, V1);
        assert.equal((await secretData(`${DB}-connection`)).password, V1);
        assert.deepEqual(await requests(), []);
    });

    it("the same Secret again: `pulumi preview --expect-no-changes`, `pulumi up` sends nothing", async () => {
        await stack.ok(["preview", "--expect-no-changes", "--diff"]);
        await stack.ok(["up", "--yes", "--expect-no-changes"]);
        assert.deepEqual(await requests(), []);
    });

    it("a weak value in the Secret: preview and up refuse it naming the Secret and key, never the value; nothing is sent", async () => {
        const authBefore = (await database()).spec.authSecret.name;
        await putUserSecret(WEAK);
        for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
            const result = await stack.run(args);
            const output = result.stdout + result.stderr;
            assert.notEqual(result.code, 0, output);
            assert.match(output, /saPasswordSecret \(Secret billing\/invoices-sa, key "password"\): the password it holds uses 1 of the 4 character classes/);
            assert.ok(!output.includes(WEAK), "never the value");
        }
        assert.deepEqual(await requests(), []);
        assert.equal((await database()).spec.authSecret.name, authBefore);
    });

    it("the Secret edited: the preview says a rotation is due, `pulumi up` sends exactly one RotateAuth; the database and the connection Secret move to it", async () => {
        await putUserSecret(V2);
        const preview = await stack.ok(["preview", "--diff"]);
        assert.match(preview.stdout, /password-reference/);
        assert.match(preview.stdout, /fingerprint/);
        assert.match(preview.stdout + preview.stderr, /the password changed since the last run/);
        assert.deepEqual(await requests(), [], "preview touches nothing");

        await stack.ok(["up", "--yes", "--skip-preview"]);
        const sent = await requests();
        assert.equal(sent.length, 1);
        assert.equal(sent[0].spec.type, "RotateAuth");
        assert.equal(sent[0].status.phase, "Successful");
        const db = await database();
        assert.equal(db.spec.authSecret.name, sent[0].spec.authentication.secretRef.name);
        assert.equal((await secretData(db.spec.authSecret.name)).password, V2);
        assert.equal((await secretData(`${DB}-connection`)).password, V2);
        await stack.ok(["up", "--yes", "--expect-no-changes"]);
        assert.equal((await requests()).length, 1, "the same value again sends nothing");
    });

    it("the connection Secret renamed with custom keys and a ConfigMap: the new one exists, the old one is gone, no request", async () => {
        await stack.config("connection.secretName", "invoices-app", { path: true });
        await stack.config("connection.keys.host", "DB_HOST", { path: true });
        await stack.config("connection.keys.password", "DB_PASSWORD", { path: true });
        await stack.config("connection.keys.odbcConnectionString", "ODBC", { path: true });
        await stack.config("connection.keys.caCrt", "ca.pem", { path: true });
        await stack.config("connection.configMap.name", "invoices-config", { path: true });
        await stack.ok(["up", "--yes", "--skip-preview"]);
        const app = await secretData("invoices-app");
        assert.deepEqual(Object.keys(app).sort(), ["DB_HOST", "DB_PASSWORD", "ODBC", "ca.pem"]);
        assert.equal(app.DB_HOST, `${DB}.${NS}.svc`);
        assert.equal(app.DB_PASSWORD, V2);
        assert.match(
            app.ODBC,
            /^Driver=\{ODBC Driver 18 for SQL Server\};Server=tcp:invoices\.billing\.svc,1433;.*Pwd=\{Store-Rotated-Passw0rd-2#\};Encrypt=yes;/,
        );
        assert.match(app["ca.pem"], /-----BEGIN CERTIFICATE-----/);
        await assert.rejects(core.readNamespacedSecret({ namespace: NS, name: `${DB}-connection` }), "the old connection Secret is removed");
        const configMap = await core.readNamespacedConfigMap({ namespace: NS, name: "invoices-config" });
        assert.deepEqual(Object.keys(configMap.data ?? {}).sort(), ["ca.crt", "host", "port", "username"]);
        assert.deepEqual([configMap.data!.host, configMap.data!.port, configMap.data!.username], [`${DB}.${NS}.svc`, "1433", "sa"]);
        assert.ok(!JSON.stringify(configMap).includes(V2), "no password in the ConfigMap");
        assert.equal((await stack.outputs()).connectionSecret, "invoices-app");
        assert.equal((await requests()).length, 1, "no request for a new shape");
        await stack.ok(["preview", "--expect-no-changes"]);
    });

    it("the passwords are only in the user's Secret, the credential Secrets and the connection Secret; nowhere in the state", async () => {
        const holders: string[] = [];
        for (const secret of (await core.listNamespacedSecret({ namespace: NS })).items) {
            const values = Object.values(secret.data ?? {}).map((v) => Buffer.from(v, "base64").toString("utf8"));
            if (values.some((v) => v.includes(V2))) holders.push(secret.metadata!.labels?.["kubedb-mssql.io/role"] ?? secret.metadata!.name!);
            assert.ok(!JSON.stringify(secret.metadata).includes(V2), "never in a name, label or annotation");
        }
        assert.deepEqual(holders.sort(), ["connection", "credential", USER_SECRET].sort());
        for (const o of [await database(), ...(await requests())]) assert.ok(!JSON.stringify(o).includes(V2), "not in the database or a request");
        const state = await stack.export();
        assert.ok(state.includes("kubedb-mssql:credential:PasswordReference"), "the reference is in the state");
        for (const value of [V1, V2]) assert.ok(!state.includes(value), "a password is in the exported state");
        assert.ok(!state.includes(deployerToken), "the stack's own token is not in the state in the clear");
    });
});
