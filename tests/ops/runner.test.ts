/**
 * The runner: the attempts of one request against the loopback API server, and which existing request is ours.
 */
import { strict as assert } from "assert";
import { kubeApi } from "../../components/kube/client";
import { retryRequestName } from "../../components/core/names";
import { dayTwoRequestManifest } from "../../components/ops/manifests";
import { MAX_ATTEMPTS, runOpsRequest, sameIntent } from "../../components/ops/runner";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putDatabase } from "../support/fakeKubeDb";

describe("ops edges: attempts of one request", () => {
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        putDatabase(fake, "mssql", "mssql-auth-1");
    });
    afterEach(() => fake.stop());
    const manifest = () =>
        dayTwoRequestManifest({
            name: "mssql-restart-0123456789",
            namespace: NS,
            database: "mssql",
            stepTimeout: "10m",
            type: "Restart",
            section: { restart: {} } as never,
        });
    const failedAttempt = (attempt: number) =>
        fake.put({ ...manifest(), metadata: { name: retryRequestName("mssql-restart-0123456789", attempt), namespace: NS }, status: { phase: "Failed" } });

    it("uses the last of its attempt names, then refuses to send more, naming the first and the last", async () => {
        for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) failedAttempt(attempt);
        installOperator(fake, { outcomes: ["Successful"] });
        const result = await runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 });
        assert.equal(result.attempt, MAX_ATTEMPTS);
        assert.equal(result.name, `mssql-restart-0123456789-r${MAX_ATTEMPTS}`);
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, `mssql-restart-0123456789-r${MAX_ATTEMPTS}`, { phase: "Failed" });
        await assert.rejects(runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 }), {
            message: `Restart for db/mssql failed ${MAX_ATTEMPTS} times (mssql-restart-0123456789 … mssql-restart-0123456789-r${MAX_ATTEMPTS}); inspect them with \`kubectl describe mssqlserveropsrequests.ops.kubedb.com -n db\``,
        });
    });

    it("adopts an attempt someone created between its read and its create (409)", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        let raced = false;
        fake.onRequest((req) => {
            if (raced || req.method !== "POST" || !/mssqlserveropsrequests$/.test(req.path)) return undefined;
            raced = true;
            fake.put({ ...manifest(), status: { phase: "Successful" } });
            return { code: 409, reason: "AlreadyExists", message: 'mssqlserveropsrequests.ops.kubedb.com "mssql-restart-0123456789" already exists' };
        });
        const result = await runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 });
        assert.deepEqual([result.attempt, result.phase], [1, "Successful"]);
    });

    it("names a database that does not exist", async () => {
        fake.remove(DB, "mssqlservers", NS, "mssql");
        await assert.rejects(runOpsRequest({ api: kubeApi(fake.kubeconfig()), manifest: manifest(), timeoutSeconds: 10 }), {
            message: "MSSQLServer db/mssql does not exist; cannot run Restart",
        });
    });
});

describe("ops edges: which existing request is ours (sameIntent)", () => {
    const spec = (extra: Record<string, unknown>) => ({ type: "ReconfigureTLS", databaseRef: { name: "mssql" }, ...extra }) as never;

    it("compares what a request does, not what KubeDB's webhook fills in", () => {
        assert.ok(
            sameIntent(
                spec({ configuration: { applyConfig: { "mssql.conf": "a" }, restart: "auto" }, timeout: "10m" }),
                spec({ configuration: { applyConfig: { "mssql.conf": "a" } } }),
            ),
        );
        assert.ok(
            sameIntent(
                spec({ verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } }, mode: "x" } }),
                spec({ verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } }),
            ),
        );
        assert.ok(sameIntent({ type: "Restart" } as never, { type: "Restart" } as never), "a spec without databaseRef or authentication is read, not a crash");
        assert.ok(sameIntent(spec({ tls: { rotateCertificates: true } }), spec({ tls: { rotateCertificates: true } })));
        assert.ok(sameIntent(spec({ authentication: {}, verticalScaling: {} }), spec({})), "sections the webhook left empty are read, not a crash");
    });

    it("tells apart requests that do different things", () => {
        const differ: Array<[Record<string, unknown>, Record<string, unknown>]> = [
            [{ tls: { rotateCertificates: true } }, { tls: { issuerRef: { kind: "Issuer", name: "ca" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "Issuer", name: "other" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "ClusterIssuer", name: "ca" } } }],
            [{ tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: true } }, { tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: false } }],
            [{ tls: { certificates: [{ alias: "server" }] } }, { tls: { certificates: [{ alias: "client" }] } }],
            [{ tls: { rotateCertificates: true } }, {}],
            [{ volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } }],
            [{ volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Online", mssqlserver: "30Gi" } }],
            [{ configuration: { applyConfig: { "mssql.conf": "a" } } }, { configuration: { applyConfig: { "mssql.conf": "b" } } }],
            [{ configuration: { removeCustomConfig: true } }, { configuration: { applyConfig: { "mssql.conf": "a" } } }],
            [{ configuration: { removeCustomConfig: true } }, {}],
            [
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } },
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "2" } } } } },
            ],
            [{ migration: { storageClassName: "fast" } }, { migration: { storageClassName: "slow" } }],
            [{ authentication: { secretRef: { name: "a" } } }, { authentication: { secretRef: { name: "b" } } }],
            [{ tls: { rotateCertificates: true } }, { tls: { remove: true } }],
            [{ configuration: { removeCustomConfig: true } }, { configuration: {} }],
        ];
        for (const [a, b] of differ) assert.ok(!sameIntent(spec(a), spec(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        assert.ok(!sameIntent(spec({}), { ...(spec({}) as object), databaseRef: { name: "other" } } as never));
        assert.ok(!sameIntent(undefined, spec({})));
    });
});
