/**
 * The fake API server exercised through @kubernetes/client-node 1.4.0 itself: if client-node can
 * read, write, patch and watch through it, the shapes are the real ones.
 */
import { strict as assert } from "assert";
import * as http from "http";
import * as net from "net";
import * as k8s from "@kubernetes/client-node";
import { FakeKubeApi, KubeObject } from "./fakeKubeApi";

const NS = "db";
const OPS = { group: "ops.kubedb.com", version: "v1alpha1", plural: "mssqlserveropsrequests" } as const;
const MSSQL = { group: "kubedb.com", version: "v1alpha2", plural: "mssqlservers" } as const;
const OPS_PATH = `/apis/${OPS.group}/${OPS.version}/namespaces/${NS}/${OPS.plural}`;

function opsRequest(name: string, labels: Record<string, string> = {}): KubeObject {
    return {
        apiVersion: `${OPS.group}/${OPS.version}`,
        kind: "MSSQLServerOpsRequest",
        metadata: { name, namespace: NS, labels },
        spec: { type: "RotateAuth", databaseRef: { name: "mssql" } },
    };
}

function mssql(name: string): KubeObject {
    return {
        apiVersion: `${MSSQL.group}/${MSSQL.version}`,
        kind: "MSSQLServer",
        metadata: { name, namespace: NS },
        spec: { version: "2022-cu16", replicas: 1, deletionPolicy: "Delete" },
    };
}

/** The ApiException client-node throws, or a failed assertion when the call succeeds or throws something else. */
async function apiError(p: Promise<unknown>): Promise<k8s.ApiException<string>> {
    try {
        await p;
    } catch (e) {
        if (e instanceof k8s.ApiException) return e as k8s.ApiException<string>;
        throw e;
    }
    return assert.fail("expected the call to throw an ApiException");
}

async function waitFor(what: string, cond: () => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
    }
}

interface WatchRun {
    events: Array<{ type: string; object: KubeObject }>;
    /** Resolves with what client-node passed to `done` (null or an error). */
    done: Promise<unknown>;
    finished: () => boolean;
    controller: AbortController;
}

describe("FakeKubeApi through @kubernetes/client-node 1.4.0", () => {
    let fake: FakeKubeApi;
    let kc: k8s.KubeConfig;
    let core: k8s.CoreV1Api;
    let custom: k8s.CustomObjectsApi;
    const controllers: AbortController[] = [];

    async function startWatch(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<WatchRun> {
        const events: WatchRun["events"] = [];
        let finished = false;
        let resolveDone!: (err: unknown) => void;
        const done = new Promise<unknown>((r) => (resolveDone = r));
        const controller = await new k8s.Watch(kc).watch(
            path,
            query,
            (type, object) => events.push({ type, object }),
            (err) => {
                finished = true;
                resolveDone(err);
            },
        );
        controllers.push(controller);
        return { events, done, finished: () => finished, controller };
    }

    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        kc = new k8s.KubeConfig();
        kc.loadFromString(fake.kubeconfig());
        core = kc.makeApiClient(k8s.CoreV1Api);
        custom = kc.makeApiClient(k8s.CustomObjectsApi);
    });

    afterEach(async () => {
        for (const c of controllers.splice(0)) c.abort();
        await fake.stop();
        assert.deepEqual(fake.hookErrors, []);
    });

    // ------------------------------------------------------------ the listener

    it("listens on 127.0.0.1 only, with an ephemeral port, and stop() frees it", async () => {
        const { address, port } = fake.address;
        assert.equal(address, "127.0.0.1");
        assert.ok(port > 0);
        assert.equal(fake.url, `http://127.0.0.1:${port}`);
        assert.equal(await connects("127.0.0.1", port), true);
        // Bound to 127.0.0.1, not 0.0.0.0 or ::: other loopback addresses are refused.
        assert.equal(await connects("127.0.0.2", port), false);
        assert.equal(await connects("::1", port), false);

        const watch = await startWatch(OPS_PATH);
        await waitFor("the watch to be open", () => fake.openWatches === 1);
        // An idle keep-alive connection must not hold stop() up either.
        const agent = new http.Agent({ keepAlive: true });
        const version = await new Promise<number | undefined>((resolve, reject) =>
            http
                .get(`${fake.url}/version`, { agent, headers: { authorization: "Bearer fake-token" } }, (res) =>
                    res.resume().on("end", () => resolve(res.statusCode)),
                )
                .on("error", reject),
        );
        assert.equal(version, 200);
        // ...nor a client stuck halfway through sending its request.
        const halfway = net.connect({ host: "127.0.0.1", port });
        await new Promise((r) => halfway.once("connect", r));
        halfway.write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        const halfwayClosed = new Promise((r) => halfway.once("close", r));
        halfway.on("error", () => undefined);
        const stopped = await Promise.race([fake.stop().then(() => "stopped"), new Promise((r) => setTimeout(r, 2000, "hung"))]);
        agent.destroy();
        halfway.destroy();
        assert.equal(stopped, "stopped");
        await halfwayClosed;
        await watch.done;
        assert.equal(await connects("127.0.0.1", port), false);
        // The port is really free again.
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
        await new Promise((r) => server.close(r));
    });

    it("rejects a request without the kubeconfig's token with 401", async () => {
        const other = new k8s.KubeConfig();
        other.loadFromString(fake.kubeconfig().replace("token: fake-token", "token: wrong"));
        const e = await apiError(other.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: "x", namespace: NS }));
        assert.equal(e.code, 401);
    });

    // ------------------------------------------------------------ core: secrets

    it("creates a Secret from stringData the way the API server does, and reads it back", async () => {
        const created = await core.createNamespacedSecret({
            namespace: NS,
            body: { metadata: { name: "admin", labels: { app: "mssql" } }, stringData: { password: "s3cret" }, data: { user: "c2E=" } },
        });
        assert.equal(created.metadata?.namespace, NS);
        assert.match(created.metadata?.uid ?? "", /^[0-9a-f-]{36}$/);
        assert.match(created.metadata?.resourceVersion ?? "", /^\d+$/);
        assert.ok(created.metadata?.creationTimestamp instanceof Date, "client-node parses creationTimestamp into a Date");

        const read = await core.readNamespacedSecret({ name: "admin", namespace: NS });
        assert.equal(read.kind, "Secret");
        assert.equal(read.apiVersion, "v1");
        assert.deepEqual(read.data, { user: "c2E=", password: Buffer.from("s3cret").toString("base64") });
        assert.equal(read.stringData, undefined);
        assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

        const list = await core.listNamespacedSecret({ namespace: NS, labelSelector: "app=mssql" });
        assert.deepEqual(
            list.items.map((s) => s.metadata?.name),
            ["admin"],
        );
        assert.equal(list.metadata?.resourceVersion, fake.resourceVersion);
        assert.equal((await core.listNamespacedSecret({ namespace: NS, labelSelector: "app=other" })).items.length, 0);
    });

    it("surfaces a missing object as ApiException code 404 whose body is the Status JSON text", async () => {
        const e = await apiError(core.readNamespacedSecret({ name: "nope", namespace: NS }));
        assert.equal(e.code, 404);
        assert.equal(typeof e.body, "string", "client-node 1.4.0 leaves the error body unparsed");
        const status = JSON.parse(e.body);
        assert.equal(status.kind, "Status");
        assert.equal(status.apiVersion, "v1");
        assert.equal(status.status, "Failure");
        assert.equal(status.reason, "NotFound");
        assert.equal(status.code, 404);
        assert.equal(status.message, 'secrets "nope" not found');
        assert.deepEqual(status.details, { name: "nope", kind: "secrets" });

        const e2 = await apiError(custom.getNamespacedCustomObject({ ...MSSQL, namespace: NS, name: "nope" }));
        assert.equal(e2.code, 404);
        assert.equal(JSON.parse(e2.body).message, 'mssqlservers.kubedb.com "nope" not found');
    });

    it("answers a second create with 409 AlreadyExists and rejects non-base64 data with 400", async () => {
        await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "a" }, data: { k: "dg==" } } });
        const e = await apiError(core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "a" } } }));
        assert.equal(e.code, 409);
        assert.equal(JSON.parse(e.body).reason, "AlreadyExists");

        const bad = await apiError(core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "b" }, data: { k: "not base64!" } } }));
        assert.equal(bad.code, 400);
    });

    it("merge-patches a Secret with setHeaderOptions('Content-Type', PatchStrategy.MergePatch)", async () => {
        await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "admin" }, data: { a: "YQ==", b: "Yg==" } } });
        const patched = await core.patchNamespacedSecret(
            { name: "admin", namespace: NS, body: { data: { a: null, c: "Yw==" }, metadata: { annotations: { rotated: "1" } } } },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
        assert.deepEqual(patched.data, { b: "Yg==", c: "Yw==" });
        assert.equal(patched.metadata?.annotations?.rotated, "1");
        const last = fake.requests[fake.requests.length - 1];
        assert.equal(last.method, "PATCH");
        assert.equal(last.contentType, "application/merge-patch+json");

        // stringData in a patch is folded into data too.
        const viaStringData = await core.patchNamespacedSecret(
            { name: "admin", namespace: NS, body: { stringData: { d: "dee" } } },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
        assert.equal(viaStringData.data?.d, Buffer.from("dee").toString("base64"));
        assert.equal(viaStringData.stringData, undefined);
    });

    it("takes a JSON patch by default (client-node's default patch content type) and fails a 'test' op with 422", async () => {
        await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "admin", labels: { v: "1" } }, data: { a: "YQ==" } } });
        const patched = await core.patchNamespacedSecret({
            name: "admin",
            namespace: NS,
            body: [
                { op: "test", path: "/metadata/labels/v", value: "1" },
                { op: "replace", path: "/metadata/labels/v", value: "2" },
                { op: "add", path: "/data/b", value: "Yg==" },
                { op: "remove", path: "/data/a" },
            ],
        });
        assert.equal(fake.requests[fake.requests.length - 1].contentType, "application/json-patch+json");
        assert.equal(patched.metadata?.labels?.v, "2");
        assert.deepEqual(patched.data, { b: "Yg==" });

        const e = await apiError(core.patchNamespacedSecret({ name: "admin", namespace: NS, body: [{ op: "test", path: "/metadata/labels/v", value: "1" }] }));
        assert.equal(e.code, 422);
        const missing = await apiError(core.patchNamespacedSecret({ name: "admin", namespace: NS, body: [{ op: "remove", path: "/data/zzz" }] }));
        assert.equal(missing.code, 422);
    });

    it("deletes a Secret (Status Success), then 404s", async () => {
        await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "gone" } } });
        const status = await core.deleteNamespacedSecret({ name: "gone", namespace: NS });
        assert.equal(status.status, "Success");
        assert.equal(status.details?.name, "gone");
        assert.equal(fake.get("v1", "Secret", NS, "gone"), undefined);
        const e = await apiError(core.deleteNamespacedSecret({ name: "gone", namespace: NS }));
        assert.equal(e.code, 404);
    });

    // ------------------------------------------------------------ custom objects

    it("creates, gets and lists custom objects with field and label selectors", async () => {
        const created = await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("rotate-1", { run: "a" }) });
        assert.equal(created.kind, "MSSQLServerOpsRequest");
        assert.equal(created.metadata.generation, 1);
        await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("rotate-2", { run: "b" }) });
        await custom.createNamespacedCustomObject({ ...OPS, namespace: "other", body: { ...opsRequest("rotate-3"), metadata: { name: "rotate-3" } } });

        const got = await custom.getNamespacedCustomObject({ ...OPS, namespace: NS, name: "rotate-1" });
        assert.equal(got.metadata.uid, created.metadata.uid);
        assert.equal(got.apiVersion, "ops.kubedb.com/v1alpha1");

        const all = await custom.listNamespacedCustomObject({ ...OPS, namespace: NS });
        assert.equal(all.kind, "MSSQLServerOpsRequestList");
        assert.equal(all.apiVersion, "ops.kubedb.com/v1alpha1");
        assert.equal(all.metadata.resourceVersion, fake.resourceVersion);
        assert.deepEqual(
            all.items.map((o: KubeObject) => o.metadata.name),
            ["rotate-1", "rotate-2"],
        );
        assert.equal(all.items[0].kind, "MSSQLServerOpsRequest", "custom resource list items keep their kind");

        const byName = await custom.listNamespacedCustomObject({ ...OPS, namespace: NS, fieldSelector: "metadata.name=rotate-2" });
        assert.deepEqual(
            byName.items.map((o: KubeObject) => o.metadata.name),
            ["rotate-2"],
        );
        const byLabel = await custom.listNamespacedCustomObject({ ...OPS, namespace: NS, labelSelector: "run in (a,c)" });
        assert.deepEqual(
            byLabel.items.map((o: KubeObject) => o.metadata.name),
            ["rotate-1"],
        );
        const everywhere = await custom.listClusterCustomObject({ ...OPS });
        assert.equal(everywhere.items.length, 3);

        const unsupported = await apiError(custom.listNamespacedCustomObject({ ...OPS, namespace: NS, fieldSelector: "status.phase=Successful" }));
        assert.equal(unsupported.code, 400);
    });

    it("rejects a custom object without a name (422) or without kind (400), and a create carrying resourceVersion (500)", async () => {
        const noName = await apiError(custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: { ...opsRequest("x"), metadata: {} } }));
        assert.equal(noName.code, 422);
        const status = JSON.parse(noName.body);
        assert.equal(status.reason, "Invalid");
        assert.equal(status.details.causes[0].field, "metadata.name");

        const { kind: _k, ...noKind } = opsRequest("y");
        assert.equal((await apiError(custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: noKind }))).code, 400);

        const withRv = opsRequest("z");
        withRv.metadata.resourceVersion = "12";
        assert.equal((await apiError(custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: withRv }))).code, 500);

        const generated = await custom.createNamespacedCustomObject({
            ...OPS,
            namespace: NS,
            body: { ...opsRequest("ignored"), metadata: { generateName: "rotate-" } },
        });
        assert.match(generated.metadata.name, /^rotate-[a-z0-9]{5}$/);
    });

    it("serves /status separately: main-resource writes keep status, generation moves only with spec", async () => {
        const created = await custom.createNamespacedCustomObject({ ...MSSQL, namespace: NS, body: { ...mssql("mssql"), status: { phase: "Ready" } } });
        assert.equal(created.status, undefined, "status is dropped on create for a resource with a status subresource");

        const withStatus = await custom.patchNamespacedCustomObjectStatus(
            { ...MSSQL, namespace: NS, name: "mssql", body: { status: { phase: "Provisioning" }, spec: { replicas: 9 } } },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
        assert.equal(withStatus.status.phase, "Provisioning");
        assert.equal(withStatus.spec.replicas, 1, "a /status patch does not touch spec");
        assert.equal(withStatus.metadata.generation, 1);
        assert.ok(Number(withStatus.metadata.resourceVersion) > Number(created.metadata.resourceVersion));

        const replaced = await custom.replaceNamespacedCustomObject({
            ...MSSQL,
            namespace: NS,
            name: "mssql",
            body: { ...withStatus, spec: { ...withStatus.spec, replicas: 3 }, status: { phase: "Hacked" } },
        });
        assert.equal(replaced.spec.replicas, 3);
        assert.equal(replaced.status.phase, "Provisioning", "PUT on the main resource ignores status");
        assert.equal(replaced.metadata.generation, 2);

        const statusRead = await custom.getNamespacedCustomObjectStatus({ ...MSSQL, namespace: NS, name: "mssql" });
        assert.equal(statusRead.status.phase, "Provisioning");

        // A stale resourceVersion is a 409 Conflict; a PUT without one is a 422 for custom resources.
        const stale = await apiError(custom.replaceNamespacedCustomObject({ ...MSSQL, namespace: NS, name: "mssql", body: withStatus }));
        assert.equal(stale.code, 409);
        assert.equal(JSON.parse(stale.body).reason, "Conflict");
        const noRv = { ...replaced, metadata: { ...replaced.metadata, resourceVersion: undefined } };
        assert.equal((await apiError(custom.replaceNamespacedCustomObject({ ...MSSQL, namespace: NS, name: "mssql", body: noRv }))).code, 422);

        // A no-op patch keeps the resourceVersion.
        const same = await custom.patchNamespacedCustomObject(
            { ...MSSQL, namespace: NS, name: "mssql", body: { spec: { replicas: 3 } } },
            k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        );
        assert.equal(same.metadata.resourceVersion, replaced.metadata.resourceVersion);
    });

    it("deletes a custom object (returns the object); finalizers defer the deletion", async () => {
        await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("plain") });
        const deleted = await custom.deleteNamespacedCustomObject({ ...OPS, namespace: NS, name: "plain" });
        assert.equal(deleted.metadata.name, "plain");
        assert.equal(fake.get("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest", NS, "plain"), undefined);

        const held = mssql("held");
        held.metadata.finalizers = ["kubedb.com"];
        await custom.createNamespacedCustomObject({ ...MSSQL, namespace: NS, body: held });
        const marked = await custom.deleteNamespacedCustomObject({ ...MSSQL, namespace: NS, name: "held" });
        assert.ok(marked.metadata.deletionTimestamp);
        assert.ok(fake.get("kubedb.com/v1alpha2", "mssqlservers", NS, "held"));
        fake.patch("kubedb.com/v1alpha2", "MSSQLServer", NS, "held", { metadata: { finalizers: null } });
        assert.equal(fake.get("kubedb.com/v1alpha2", "mssqlservers", NS, "held"), undefined);
    });

    it("server-side apply (apply-patch+yaml with a JSON body) creates, then merges; CRDs refuse strategic merge (415)", async () => {
        const ssa = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply);
        const ref = { ...MSSQL, namespace: NS, name: "applied", fieldManager: "pulumi", force: true };
        const created = await custom.patchNamespacedCustomObject({ ...ref, body: mssql("applied") }, ssa);
        assert.equal(created.metadata.generation, 1);
        const updated = await custom.patchNamespacedCustomObject({ ...ref, body: { ...mssql("applied"), spec: { replicas: 3 } } }, ssa);
        assert.equal(updated.spec.replicas, 3);
        assert.equal(updated.spec.version, "2022-cu16");
        assert.equal(updated.metadata.uid, created.metadata.uid);
        assert.equal(fake.requests[fake.requests.length - 1].contentType, "application/apply-patch+yaml");

        const noManager = await apiError(
            custom.patchNamespacedCustomObject({ ...ref, fieldManager: undefined, force: undefined, body: mssql("applied") }, ssa),
        );
        assert.equal(noManager.code, 422);
        const strategic = await apiError(
            custom.patchNamespacedCustomObject(
                { ...MSSQL, namespace: NS, name: "applied", body: { spec: { replicas: 1 } } },
                k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch),
            ),
        );
        assert.equal(strategic.code, 415);
    });

    it("serves discovery, so KubernetesObjectApi can map apiVersion/kind to a path", async () => {
        const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        const issuer = { apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "ca", namespace: NS }, spec: { selfSigned: {} } };
        await objects.create(issuer);
        const cluster = { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "root" }, spec: { selfSigned: {} } };
        await objects.create(cluster);
        const read = await objects.read({ apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "ca", namespace: NS } });
        assert.equal(read.metadata?.namespace, NS);
        assert.ok(fake.get("cert-manager.io/v1", "clusterissuers", undefined, "root"));
        assert.equal(fake.countRequests({ path: `/apis/cert-manager.io/v1/namespaces/${NS}/issuers` }), 1);
        assert.equal(fake.countRequests({ path: "/apis/cert-manager.io/v1/clusterissuers" }), 1);
        await objects.delete({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "root" } });
        assert.equal(fake.get("cert-manager.io/v1", "ClusterIssuer", undefined, "root"), undefined);
    });

    // ------------------------------------------------------------ fault injection

    it("injects failures with failNext and onRequest, and logs every request", async () => {
        await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: "s" } } });
        fake.failNext(2, 500);
        assert.equal((await apiError(core.readNamespacedSecret({ name: "s", namespace: NS }))).code, 500);
        assert.equal((await apiError(core.readNamespacedSecret({ name: "s", namespace: NS }))).code, 500);
        assert.equal((await core.readNamespacedSecret({ name: "s", namespace: NS })).metadata?.name, "s");

        const webhook =
            'admission webhook "mssqlserveropsrequestwebhook.validators.ops.kubedb.com" denied the request: spec.type RotateAuth is not allowed while the database is not Ready';
        const off = fake.onRequest((req) =>
            req.method === "POST" && req.path === OPS_PATH && (req.body as KubeObject).spec?.type === "RotateAuth"
                ? { code: 422, message: webhook }
                : undefined,
        );
        const e = await apiError(custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("r") }));
        assert.equal(e.code, 422);
        assert.equal(JSON.parse(e.body).message, webhook);
        assert.equal(JSON.parse(e.body).reason, "Invalid");
        off();
        await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("r") });

        fake.failNext(1, 403, { reason: "Forbidden", filter: { method: "GET", path: /\/secrets\/s$/ } });
        await custom.getNamespacedCustomObject({ ...OPS, namespace: NS, name: "r" }); // not matched by the filter
        assert.equal((await apiError(core.readNamespacedSecret({ name: "s", namespace: NS }))).code, 403);

        assert.equal(fake.countRequests({ method: "POST" }), 3);
        assert.equal(fake.countRequests({ method: "GET", path: `/api/v1/namespaces/${NS}/secrets/s` }), 4);
        assert.equal(
            fake.countRequests((r) => r.watch),
            0,
        );
        assert.equal(fake.countRequests(), fake.requests.length);
    });

    // ------------------------------------------------------------ watch

    it("list then watch from the list's resourceVersion sees an operator's status changes in order", async () => {
        fake.onCreate("mssqlserveropsrequests", (obj) => {
            const { name, namespace } = obj.metadata;
            fake.schedule(20, () => {
                fake.patchStatus(obj.apiVersion, obj.kind, namespace, name, { phase: "Progressing" });
                fake.schedule(20, () => {
                    fake.patchStatus(obj.apiVersion, obj.kind, namespace, name, {
                        phase: "Successful",
                        conditions: [
                            { type: "Successful", status: "True", reason: "OpsRequestProcessedSuccessfully", lastTransitionTime: new Date().toISOString() },
                        ],
                    });
                });
            });
        });
        await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("before") });
        const list = await custom.listNamespacedCustomObject({ ...OPS, namespace: NS });
        const watch = await startWatch(OPS_PATH, { resourceVersion: list.metadata.resourceVersion, fieldSelector: "metadata.name=rotate" });
        await custom.createNamespacedCustomObject({ ...OPS, namespace: NS, body: opsRequest("rotate") });

        await waitFor("Successful", () => watch.events.some((e) => e.object.status?.phase === "Successful"));
        assert.deepEqual(
            watch.events.map((e) => [e.type, e.object.metadata.name, e.object.status?.phase]),
            [
                ["ADDED", "rotate", undefined],
                ["MODIFIED", "rotate", "Progressing"],
                ["MODIFIED", "rotate", "Successful"],
            ],
        );
        const rvs = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
        assert.ok(
            rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]),
            `resourceVersions increase: ${rvs}`,
        );
        assert.ok(rvs[0] > Number(list.metadata.resourceVersion));
        assert.equal(watch.events[2].object.status.conditions[0].type, "Successful");
        assert.equal(fake.countRequests({ watch: true }), 1);
        assert.equal(fake.requests.find((r) => r.watch)?.query.resourceVersion, list.metadata.resourceVersion);
    });

    it("replays events after the given resourceVersion and sends synthetic ADDED when it is unset", async () => {
        fake.put(opsRequest("a"));
        const rvAfterA = fake.resourceVersion;
        fake.put(opsRequest("b"));
        fake.patchStatus("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest", NS, "a", { phase: "Failed" });

        const resumed = await startWatch(OPS_PATH, { resourceVersion: rvAfterA });
        const fresh = await startWatch(OPS_PATH);
        await waitFor("replay", () => resumed.events.length === 2 && fresh.events.length === 2);
        assert.deepEqual(
            resumed.events.map((e) => [e.type, e.object.metadata.name]),
            [
                ["ADDED", "b"],
                ["MODIFIED", "a"],
            ],
        );
        assert.deepEqual(
            fresh.events.map((e) => [e.type, e.object.metadata.name, e.object.status?.phase]),
            [
                ["ADDED", "a", "Failed"],
                ["ADDED", "b", undefined],
            ],
        );

        fake.remove("ops.kubedb.com/v1alpha1", "mssqlserveropsrequests", NS, "b");
        await waitFor("DELETED", () => fresh.events.length === 3);
        assert.equal(fresh.events[2].type, "DELETED");
        assert.equal(fresh.events[2].object.metadata.name, "b");
    });

    it("turns label-selector transitions into ADDED / DELETED for the watcher", async () => {
        fake.put(opsRequest("x", { stage: "new" }));
        const watch = await startWatch(OPS_PATH, { resourceVersion: fake.resourceVersion, labelSelector: "stage=active" });
        fake.patch("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest", NS, "x", { metadata: { labels: { stage: "active" } } });
        fake.patchStatus("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest", NS, "x", { phase: "Progressing" });
        fake.patch("ops.kubedb.com/v1alpha1", "MSSQLServerOpsRequest", NS, "x", { metadata: { labels: { stage: "done" } } });
        await waitFor("three events", () => watch.events.length === 3);
        assert.deepEqual(
            watch.events.map((e) => e.type),
            ["ADDED", "MODIFIED", "DELETED"],
        );
    });

    it("answers a watch from an expired resourceVersion with one ERROR 410 Expired event, then ends (done(null))", async () => {
        fake.put(opsRequest("a"));
        const old = fake.resourceVersion;
        fake.put(opsRequest("b"));
        fake.expireHistory();
        const watch = await startWatch(OPS_PATH, { resourceVersion: old });
        const err = await watch.done;
        assert.equal(err, null, "client-node reports the 410 as an event, not as an error");
        assert.equal(watch.events.length, 1);
        const [{ type, object }] = watch.events;
        assert.equal(type, "ERROR");
        assert.equal(object.kind, "Status");
        assert.equal(object.code, 410);
        assert.equal(object.reason, "Expired");
        assert.match(object.message, /^too old resource version: \d+ \(\d+\)$/);

        // The current resourceVersion is still fine after expiry.
        const ok = await startWatch(OPS_PATH, { resourceVersion: fake.resourceVersion });
        fake.put(opsRequest("c"));
        await waitFor("ADDED c", () => ok.events.length === 1);
        assert.equal(ok.events[0].type, "ADDED");
    });

    it("expires resourceVersions that fell out of the bounded history", async () => {
        await fake.stop();
        fake = await FakeKubeApi.start({ historyLimit: 2 });
        kc.loadFromString(fake.kubeconfig());
        fake.put(opsRequest("a"));
        const rvA = fake.resourceVersion;
        fake.put(opsRequest("b"));
        fake.put(opsRequest("c"));
        fake.put(opsRequest("d"));
        const watch = await startWatch(OPS_PATH, { resourceVersion: rvA });
        await watch.done;
        assert.deepEqual(
            watch.events.map((e) => [e.type, e.object.code]),
            [["ERROR", 410]],
        );
    });

    it("a dropped watch connection calls done with an error", async () => {
        const watch = await startWatch(OPS_PATH, { resourceVersion: fake.resourceVersion });
        await waitFor("the watch to be open", () => fake.openWatches === 1);
        fake.put(opsRequest("a"));
        await waitFor("ADDED", () => watch.events.length === 1);
        fake.dropWatches();
        const err = await watch.done;
        assert.ok(err instanceof Error, `done got ${String(err)}`);
        assert.equal((err as NodeJS.ErrnoException).code, "ERR_STREAM_PREMATURE_CLOSE", "node-fetch's 'Premature close'");
        assert.equal(fake.openWatches, 0);
    });

    it("a watch the server ends cleanly (endWatches / timeoutSeconds) calls done(null)", async () => {
        const ended = await startWatch(OPS_PATH);
        await waitFor("the watch to be open", () => fake.openWatches === 1);
        fake.endWatches();
        assert.equal(await ended.done, null);

        const timed = await startWatch(OPS_PATH, { timeoutSeconds: 1 });
        const started = Date.now();
        assert.equal(await timed.done, null);
        assert.ok(Date.now() - started >= 900, "closed by timeoutSeconds, not earlier");
    });

    it("a watch answered with an HTTP error calls done with an Error carrying statusCode", async () => {
        fake.failNext(1, 403, { filter: { watch: true } });
        const watch = await startWatch(OPS_PATH);
        const err = (await watch.done) as Error & { statusCode?: number };
        assert.ok(err instanceof Error);
        assert.equal(err.statusCode, 403);
        assert.equal(err.message, "Forbidden");
        assert.equal(watch.events.length, 0);
    });

    it("drives client-node's informer: relist after 410, but a dropped connection stops it with an error", async () => {
        fake.put(opsRequest("a"));
        const listFn = () => custom.listNamespacedCustomObject({ ...OPS, namespace: NS });
        const informer = k8s.makeInformer(kc, OPS_PATH, listFn);
        const added: string[] = [];
        const errors: unknown[] = [];
        informer.on("add", (o) => added.push(o.metadata?.name ?? ""));
        informer.on("error", (e) => errors.push(e));
        await informer.start();
        await waitFor("the first watch", () => fake.openWatches === 1 && added.length === 1);

        // When the informer re-watches, something changes and history is compacted under it: 410.
        let armed = true;
        fake.onRequest((req) => {
            if (req.watch && armed) {
                armed = false;
                fake.put(opsRequest("z"));
                fake.expireHistory();
            }
            return undefined;
        });
        fake.endWatches();
        await waitFor("relist and a third watch", () => fake.countRequests({ watch: true }) === 3 && fake.openWatches === 1);
        assert.deepEqual(added, ["a", "z"]);
        assert.equal(fake.countRequests({ method: "GET", path: OPS_PATH, watch: false }), 2, "listed again after the 410");
        assert.deepEqual(errors, []);

        fake.dropWatches();
        await waitFor("the informer's error", () => errors.length === 1);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(fake.countRequests({ watch: true }), 3, "client-node's informer does not reconnect after an error");
        await informer.stop();
    });

    it("sends BOOKMARK events only to watches that asked for them", async () => {
        const withBookmarks = await startWatch(OPS_PATH, { allowWatchBookmarks: true });
        const without = await startWatch(OPS_PATH);
        await waitFor("both watches open", () => fake.openWatches === 2);
        fake.put(opsRequest("a"));
        fake.sendBookmarks();
        fake.put(opsRequest("b"));
        await waitFor("events", () => withBookmarks.events.length === 3 && without.events.length === 2);
        assert.deepEqual(
            withBookmarks.events.map((e) => e.type),
            ["ADDED", "BOOKMARK", "ADDED"],
        );
        assert.equal(withBookmarks.events[1].object.metadata.resourceVersion, withBookmarks.events[0].object.metadata.resourceVersion);
        assert.deepEqual(
            without.events.map((e) => e.type),
            ["ADDED", "ADDED"],
        );
    });
});

function connects(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}
