/**
 * kube.ts, the waiters' only door to the cluster, against the loopback Kubernetes-shaped server:
 * what each call asks, what it answers for a missing object, and the error a person reads when
 * the server refuses (what was asked, the server's message, the HTTP status).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CLUSTER_ISSUERS,
    KubeApi,
    KubeObject,
    MSSQL_SERVERS,
    OPS_REQUESTS,
    STORAGE_CLASSES,
    describeApiError,
    kubeApi,
    loadKubeConfig,
} from "../../components/kube/client";
import { FakeKubeApi } from "../support/fakeKubeApi";

const NS = "db";
const server = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: "kubedb.com/v1alpha2",
    kind: "MSSQLServer",
    metadata: { name, namespace: NS, labels },
    spec: { version: "2022-cu22" },
});
const secret = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: NS, labels },
    data: { password: Buffer.from("x").toString("base64") },
});

describe("kubeApi against the loopback API server", () => {
    let fake: FakeKubeApi;
    let api: KubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        api = kubeApi(fake.kubeconfig());
    });
    afterEach(() => fake.stop());

    const calls: Array<[string, (api: KubeApi) => Promise<unknown>]> = [
        ["reading mssqlservers db/mssql", (a) => a.getObject(MSSQL_SERVERS, NS, "mssql")],
        ["reading clusterissuers corp", (a) => a.getClusterObject(CLUSTER_ISSUERS, "corp")],
        ["listing mssqlservers in db", (a) => a.listObjects(MSSQL_SERVERS, NS)],
        ["listing storageclasses", (a) => a.listClusterObjects(STORAGE_CLASSES)],
        [
            "creating mssqlserveropsrequests in db",
            (a) => a.createObject(OPS_REQUESTS, NS, { apiVersion: "ops.kubedb.com/v1alpha1", kind: "MSSQLServerOpsRequest", metadata: { name: "r" } }),
        ],
        ["reading Secret db/s", (a) => a.getSecret(NS, "s")],
        ["listing Secrets in db", (a) => a.listSecrets(NS, "app=x")],
        ["deleting Secret db/s", (a) => a.deleteSecret(NS, "s")],
        ["patching Secret db/s", (a) => a.patchSecretData(NS, "s", { password: "eA==" })],
        ["reading ConfigMap db/c", (a) => a.getConfigMap(NS, "c")],
        ["patching ConfigMap db/c", (a) => a.patchConfigMapData(NS, "c", { "ca.crt": "x" })],
    ];
    for (const [what, call] of calls) {
        it(`a refusal of "${what}" says so, with the server's message and status`, async () => {
            fake.failNext(1, 403, { message: "forbidden by policy", reason: "Forbidden" });
            await assert.rejects(call(api), (e: Error & { code?: number; body?: unknown }) => {
                assert.equal(e.message, `${what}: forbidden by policy (HTTP 403)`);
                assert.equal(e.code, 403);
                assert.match(String(e.body), /"reason":"Forbidden"/);
                return true;
            });
        });
    }

    it("answers undefined for a missing object or Secret, and deleting a missing Secret is done", async () => {
        assert.equal(await api.getObject(MSSQL_SERVERS, NS, "gone"), undefined);
        assert.equal(await api.getClusterObject(CLUSTER_ISSUERS, "gone"), undefined);
        assert.equal(await api.getSecret(NS, "gone"), undefined);
        await api.deleteSecret(NS, "gone");
    });

    it("reads, lists (with selectors and the list's resourceVersion), creates, patches and deletes", async () => {
        fake.put(server("a", { tier: "x" }));
        fake.put(server("b"));
        fake.put(secret("s1", { app: "x" }));
        fake.put(secret("s2"));
        assert.equal((await api.getObject(MSSQL_SERVERS, NS, "a"))?.spec.version, "2022-cu22");
        const all = await api.listObjects(MSSQL_SERVERS, NS);
        assert.deepEqual(all.items.map((o) => o.metadata.name).sort(), ["a", "b"]);
        assert.equal(all.resourceVersion, fake.resourceVersion);
        assert.deepEqual(
            (await api.listObjects(MSSQL_SERVERS, NS, { labelSelector: "tier=x" })).items.map((o) => o.metadata.name),
            ["a"],
        );
        assert.deepEqual(
            (await api.listObjects(MSSQL_SERVERS, NS, { fieldSelector: "metadata.name=b" })).items.map((o) => o.metadata.name),
            ["b"],
        );
        assert.deepEqual(await api.listClusterObjects(STORAGE_CLASSES), []);
        assert.deepEqual(
            (await api.listSecrets(NS, "app=x")).map((o) => o.metadata.name),
            ["s1"],
        );
        const created = await api.createObject(OPS_REQUESTS, NS, {
            apiVersion: "ops.kubedb.com/v1alpha1",
            kind: "MSSQLServerOpsRequest",
            metadata: { name: "r" },
            spec: {},
        });
        assert.equal(created.metadata.namespace, NS);
        await api.patchSecretData(NS, "s1", { password: Buffer.from("new").toString("base64") });
        assert.equal(Buffer.from((await api.getSecret(NS, "s1"))!.data!.password, "base64").toString(), "new");
        assert.equal(fake.requests.find((r) => r.method === "PATCH")?.contentType, "application/merge-patch+json");
        await api.deleteSecret(NS, "s1");
        assert.equal(await api.getSecret(NS, "s1"), undefined);
    });

    it("watches one named object from a resourceVersion, with bookmarks, until aborted", async () => {
        fake.put(server("a"));
        fake.put(server("b"));
        const { resourceVersion } = await api.listObjects(MSSQL_SERVERS, NS);
        const events: Array<[string, string]> = [];
        let done: unknown = "not yet";
        const watch = await api.watchObject(
            MSSQL_SERVERS,
            NS,
            "a",
            resourceVersion,
            (type, object: KubeObject) => events.push([type, object.metadata?.name ?? ""]),
            (error) => {
                done = error;
            },
        );
        fake.patch("kubedb.com/v1alpha2", "mssqlservers", NS, "b", { spec: { version: "2022-cu23" } });
        fake.patch("kubedb.com/v1alpha2", "mssqlservers", NS, "a", { spec: { version: "2022-cu23" } });
        fake.sendBookmarks();
        const until = Date.now() + 5000;
        while (events.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(events, [
            ["MODIFIED", "a"],
            ["BOOKMARK", ""],
        ]);
        const request = fake.requests.find((r) => r.watch)!;
        assert.deepEqual(
            [request.query.fieldSelector, request.query.resourceVersion, request.query.allowWatchBookmarks, request.query.timeoutSeconds],
            ["metadata.name=a", resourceVersion, "true", "300"],
        );
        watch.abort();
        while (fake.openWatches > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        assert.equal(fake.openWatches, 0, "abort closes the watch");
        assert.notEqual(done, "not yet");
    });
});

describe("kube.ts helpers", () => {
    it("loads the given kubeconfig text, and the ambient one for none or blank text", () => {
        const ambient =
            "apiVersion: v1\nkind: Config\nclusters:\n- name: ambient\n  cluster:\n    server: https://ambient.example:6443\n" +
            "users:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: c\n  context:\n    cluster: ambient\n    user: u\ncurrent-context: c\n";
        const given = ambient.replace(/ambient/g, "given");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kc-"));
        const realKubeconfig = process.env.KUBECONFIG;
        process.env.KUBECONFIG = path.join(dir, "config");
        fs.writeFileSync(process.env.KUBECONFIG, ambient);
        try {
            assert.equal(loadKubeConfig(given).getCurrentCluster()?.server, "https://given.example:6443");
            assert.equal(loadKubeConfig(undefined).getCurrentCluster()?.server, "https://ambient.example:6443");
            assert.equal(loadKubeConfig(" \n").getCurrentCluster()?.server, "https://ambient.example:6443");
        } finally {
            if (realKubeconfig === undefined) delete process.env.KUBECONFIG;
            else process.env.KUBECONFIG = realKubeconfig;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("describes an error without an HTTP status by its message alone", () => {
        assert.equal(describeApiError(new Error("socket hang up")), "socket hang up");
        assert.equal(describeApiError(Object.assign(new Error("x"), { code: 409, body: '{"message":"already exists"}' })), "already exists (HTTP 409)");
    });
});
