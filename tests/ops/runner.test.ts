/**
 * The runner: the attempts of one request against the loopback API server.
 */
import { strict as assert } from "assert";
import { kubeApi } from "../../components/kube/client";
import { retryRequestName } from "../../components/core/names";
import { dayTwoRequestManifest } from "../../components/ops/manifests";
import { MAX_ATTEMPTS, runOpsRequest } from "../../components/ops/runner";
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
