/**
 * The credential rotation provider against a Kubernetes-shaped API server with a scripted KubeDB
 * operator: what a rotation creates and changes, what it must leave alone, failures, retries,
 * adoption, one request at a time. (The serialized provider in Pulumi's host: providerHost.test.ts.)
 */
import { strict as assert } from "assert";
import {
    CredentialRotationInputs,
    CredentialRotationOutputs,
    credentialRotationLedger,
    credentialRotationProvider,
    rotateCredential,
} from "../../components/credential/credentialRotationProvider";
import { mustRun } from "../../components/ops/ledger";
import { rotateAuthRequestManifest } from "../../components/ops/manifests";
import { labelsFor } from "../../components/core/names";
import { assertValid } from "../support/crdSchema";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { DB, NS, OPS, installOperator, putDatabase, putRequest, putSecret, condition } from "../support/fakeKubeDb";
import { webhookViolations } from "../support/webhookRules";
import { CredentialRotationArgs, credentialRotationInputs } from "../../components/credential/credentialRotation";
import { assertArgRefused, eachArg, useMocks } from "../support/componentArgs";

const OLD = "mssql-auth-0000000000";
const NEW = "mssql-auth-1111111111";

function inputs(kubeconfig: string, overrides: Partial<CredentialRotationInputs> = {}): CredentialRotationInputs {
    const secretName = overrides.secretName ?? NEW;
    return {
        namespace: NS,
        database: "mssql",
        secretName,
        request: rotateAuthRequestManifest({
            name: `mssql-rotate-auth-${secretName.slice("mssql-auth-".length)}`,
            namespace: NS,
            database: "mssql",
            stepTimeout: "10m",
            secretName,
        }),
        generation: 1,
        periodStart: "none",
        stepTimeout: "10m",
        timeoutSeconds: 30,
        kubeconfig,
        ...overrides,
    };
}

const settledOld: Partial<CredentialRotationOutputs> = {
    namespace: NS,
    database: "mssql",
    secretName: OLD,
    appliedSecretName: OLD,
    activeSecretName: OLD,
    lastPhase: "Initial",
};

describe("credential rotation provider", () => {
    let fake: FakeKubeApi;
    let kubeconfig: string;
    const requests = () => fake.list(OPS, "mssqlserveropsrequests", NS);

    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        kubeconfig = fake.kubeconfig();
        putDatabase(fake, "mssql", OLD);
        putSecret(fake, OLD, "Old-Passw0rd!", labelsFor("mssql", "credential"));
        putSecret(fake, NEW, "New-Passw0rd!", labelsFor("mssql", "credential"));
        fake.put({
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/tls",
            metadata: { name: "mssql-server-cert", namespace: NS },
            stringData: { "ca.crt": "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n" },
        });
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("on first deployment (the database already uses the Secret) creates no request", async () => {
        const outs = await rotateCredential(inputs(kubeconfig, { secretName: OLD }), {});
        assert.equal(outs.lastPhase, "Initial");
        assert.equal(outs.lastRequest, "");
        assert.equal(outs.activeSecretName, OLD);
        assert.equal(requests().length, 0);
        assert.equal(fake.countRequests({ method: "POST" }), 0);
        assert.equal((outs as unknown as Record<string, unknown>).kubeconfig, undefined, "the kubeconfig never lands in the state");
    });

    it("created for a database that uses another Secret (e.g. the ledger's state was lost), it rotates rather than trusting the new one", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const outs = await rotateCredential(inputs(kubeconfig), {});
        assert.equal(requests().length, 1);
        assert.equal(outs.lastPhase, "Successful");
        assert.equal(outs.activeSecretName, NEW);
    });

    it("rotates with exactly one valid RotateAuth request, reads back the Secret in use, and removes the superseded one", async () => {
        const operator = installOperator(fake, { outcomes: ["Successful"] });
        putSecret(fake, "someone-elses-secret", "Unrelated-1!"); // not ours: must survive
        const outs = await rotateCredential(inputs(kubeconfig), settledOld);

        assert.deepEqual(operator.created, ["mssql-rotate-auth-1111111111"]);
        const [request] = requests();
        const sent = {
            apiVersion: request.apiVersion,
            kind: request.kind,
            metadata: { name: request.metadata.name, namespace: request.metadata.namespace, labels: request.metadata.labels },
            spec: request.spec,
        };
        assert.deepEqual(sent.spec, {
            type: "RotateAuth",
            authentication: { secretRef: { kind: "Secret", name: NEW } },
            databaseRef: { name: "mssql" },
            timeout: "10m",
            apply: "IfReady",
        });
        assertValid(sent);
        assert.deepEqual(webhookViolations(sent), []);
        assert.equal(request.metadata.ownerReferences[0].kind, "MSSQLServer", "requests go with their database");

        assert.equal(outs.lastPhase, "Successful");
        assert.equal(outs.lastRequest, "mssql-rotate-auth-1111111111");
        assert.equal(outs.appliedSecretName, NEW);
        assert.equal(outs.activeSecretName, NEW);
        assert.deepEqual(outs.removedSecrets, [OLD]);
        assert.equal(fake.get("v1", "secrets", NS, OLD), undefined);
        assert.ok(fake.get("v1", "secrets", NS, NEW));
        assert.ok(fake.get("v1", "secrets", NS, "someone-elses-secret"));
    });

    it("touches nothing in the database spec but what the operator changes", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const before = fake.get(DB, "mssqlservers", NS, "mssql")!;
        await rotateCredential(inputs(kubeconfig), settledOld);
        const after = fake.get(DB, "mssqlservers", NS, "mssql")!;
        assert.deepEqual({ ...after.spec, authSecret: undefined }, { ...before.spec, authSecret: undefined });
        assert.equal(
            fake.countRequests({ method: "PATCH", path: /mssqlservers/ }) + fake.countRequests({ method: "PUT", path: /mssqlservers/ }),
            0,
            "the provider never writes the database",
        );
    });

    it("keeps the old Secret when the operator did not switch the database to the new one", async () => {
        installOperator(fake, { outcomes: ["Successful"], switchAuthSecret: false });
        const outs = await rotateCredential(inputs(kubeconfig), settledOld);
        assert.equal(outs.activeSecretName, OLD);
        assert.deepEqual(outs.removedSecrets, []);
        assert.ok(fake.get("v1", "secrets", NS, OLD), "still referenced by the database: never removed");
    });

    for (const outcome of ["Failed", "Denied", "Skipped"] as const) {
        it(`on ${outcome} fails fast with KubeDB's reason, keeps the previous state for a retry, and loses nothing`, async () => {
            installOperator(fake, { outcomes: [outcome] });
            const started = Date.now();
            const error = await rotateCredential(inputs(kubeconfig), settledOld).then(
                () => assert.fail("should fail"),
                (e) => e,
            );
            assert.ok(Date.now() - started < 3000);
            assert.match(error.message, new RegExp(`MSSQLServerOpsRequest db/mssql-rotate-auth-1111111111 is ${outcome}`));
            assert.match(
                error.message,
                /The database still references Secret mssql-auth-0000000000 \(KubeDB did not switch it\)\..* The connection Secret is unchanged/,
            );
            assert.match(error.message, /run `pulumi up` again: it retries with a new request for the same Secret/);
            // An initialization error: Pulumi keeps the resource with these properties and retries on the next update.
            assert.equal(error.id, "db/mssql");
            assert.equal(error.properties.appliedSecretName, OLD);
            assert.equal(error.properties.activeSecretName, OLD);
            assert.equal(error.properties.lastPhase, outcome);
            assert.equal(error.properties.kubeconfig, undefined);
            assert.deepEqual(error.reasons, [error.message]);
            assert.ok(fake.get("v1", "secrets", NS, OLD), "the working credential stays");
            assert.equal(fake.get(DB, "mssqlservers", NS, "mssql")!.spec.authSecret.name, OLD);
        });
    }

    it("after a failure past UpdateCredential says the rotation is half done: the database is on the new Secret, the connection Secret is not", async () => {
        const failing = installOperator(fake, {
            outcomes: ["Failed"],
            failAt: "RestartNodes",
            failureMessage: "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget",
        });
        const error = await rotateCredential(inputs(kubeconfig), settledOld).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        assert.equal(
            error.message.split("\n")[0],
            "RotateAuth for db/mssql did not succeed: MSSQLServerOpsRequest db/mssql-rotate-auth-1111111111 is Failed: " +
                "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget [Failed=True, reason Failed]",
        );
        assert.match(error.message, /half done: KubeDB has switched the database to the new Secret mssql-auth-1111111111, but the request did not finish/);
        assert.match(error.message, /KubeDB reports its UpdateCredential step done/);
        assert.match(error.message, /connection Secret still holds the previous password \(from mssql-auth-0000000000\) and was not moved/);
        assert.doesNotMatch(error.message, /still references/);
        assert.equal(error.properties.activeSecretName, NEW, "what the database references now, read back");
        assert.equal(error.properties.appliedSecretName, OLD, "the last confirmed rotation");
        assert.equal(error.properties.lastPhase, "Failed");
        assert.ok(fake.get("v1", "secrets", NS, OLD) && fake.get("v1", "secrets", NS, NEW), "no credential Secret removed after a failure");
        // A second failure still tells the truth; then the retry completes the rotation with a new request.
        const again = await credentialRotationProvider.update!("db/mssql", error.properties, inputs(kubeconfig)).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        assert.match(again.message, /mssql-rotate-auth-1111111111-r2 is Failed/);
        assert.match(again.message, /half done: KubeDB has switched the database to the new Secret mssql-auth-1111111111/);
        assert.equal(again.properties.appliedSecretName, OLD);
        failing.uninstall();
        installOperator(fake, { outcomes: ["Successful"] });
        const retried = await credentialRotationProvider.update!("db/mssql", again.properties, inputs(kubeconfig));
        assert.equal(retried.outs.lastRequest, "mssql-rotate-auth-1111111111-r3");
        assert.equal(retried.outs.activeSecretName, NEW);
        assert.deepEqual(retried.outs.removedSecrets, [OLD]);
    });

    it("on timeout says the request is still running, and the next update waits for that same request", async () => {
        installOperator(fake, { outcomes: ["Hang"] });
        const error = await rotateCredential(inputs(kubeconfig, { timeoutSeconds: 1 }), settledOld).then(
            () => assert.fail("should time out"),
            (e) => e,
        );
        assert.match(error.message, /not finished after 1s/);
        assert.match(
            error.message,
            /still running in the cluster\. The database references Secret mssql-auth-0000000000 for now; the connection Secret is unchanged\. Run `pulumi up` again to keep waiting/,
        );
        assert.match(error.properties.lastPhase, /\(still running\)$/);
        // KubeDB finishes meanwhile; the retry adopts the request instead of starting another rotation.
        fake.patch("kubedb.com/v1alpha2", "mssqlservers", NS, "mssql", { spec: { authSecret: { kind: "Secret", name: NEW } } });
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-1111111111", { phase: "Successful" });
        const retried = await credentialRotationProvider.update!("db/mssql", error.properties, inputs(kubeconfig));
        assert.equal(retried.outs.lastPhase, "Successful");
        assert.equal(retried.outs.lastRequest, "mssql-rotate-auth-1111111111");
        assert.equal(fake.countRequests({ method: "POST", path: /mssqlserveropsrequests/ }), 1);
    });

    it("names the request that blocks it when another one of the database never finishes", async () => {
        putRequest(fake, "pending-approval", { phase: "WaitingForApproval" });
        await assert.rejects(
            rotateCredential(inputs(kubeconfig, { timeoutSeconds: 1 }), settledOld),
            /mssql-rotate-auth-1111111111 was not started: MSSQLServerOpsRequest db\/pending-approval of the same database is still WaitingForApproval/,
        );
        assert.equal(fake.countRequests({ method: "POST" }), 0);
    });

    it("a failed read-back after success is still a success (no second rotation), and removes nothing", async () => {
        installOperator(fake, { outcomes: ["Successful"] });
        const succeeded = () => fake.get(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-1111111111")?.status?.phase === "Successful";
        fake.onRequest((req) =>
            succeeded() && req.method === "GET" && /mssqlservers\/mssql$/.test(req.path) ? { code: 503, message: "apiserver overloaded" } : undefined,
        );
        const outs = await rotateCredential(inputs(kubeconfig), settledOld);
        assert.equal(outs.lastPhase, "Successful");
        assert.equal(outs.appliedSecretName, NEW);
        assert.equal(outs.activeSecretName, "", "unknown, not assumed");
        assert.deepEqual(outs.removedSecrets, []);
        assert.ok(fake.get("v1", "secrets", NS, OLD));
    });

    it("retries a failed rotation with a new request on the next update, and then succeeds", async () => {
        installOperator(fake, { outcomes: ["Failed", "Successful"] });
        const failure = await rotateCredential(inputs(kubeconfig), settledOld).then(
            () => assert.fail("should fail"),
            (e) => e,
        );
        const retried = await credentialRotationProvider.update!("db/mssql", failure.properties, inputs(kubeconfig));
        assert.equal(retried.outs.lastPhase, "Successful");
        assert.equal(retried.outs.lastRequest, "mssql-rotate-auth-1111111111-r2");
        assert.deepEqual(
            requests()
                .map((r) => r.metadata.name)
                .sort(),
            ["mssql-rotate-auth-1111111111", "mssql-rotate-auth-1111111111-r2"],
        );
    });

    it("adopts a request an interrupted run left running instead of starting a second rotation", async () => {
        putRequest(fake, "mssql-rotate-auth-1111111111", { phase: "Progressing" }, "mssql", NEW);
        fake.schedule(100, () => {
            fake.patch(DB, "mssqlservers", NS, "mssql", { spec: { authSecret: { kind: "Secret", name: NEW } } });
            fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "mssql-rotate-auth-1111111111", {
                phase: "Successful",
                conditions: [condition("Successful", "True", "Successful")],
            });
        });
        const outs = await rotateCredential(inputs(kubeconfig), settledOld);
        assert.equal(outs.lastPhase, "Successful");
        assert.equal(fake.countRequests({ method: "POST", path: /mssqlserveropsrequests/ }), 0);
    });

    it("does not adopt a request of the same name that asks for something else", async () => {
        const operator = installOperator(fake, { outcomes: ["Successful"] });
        putRequest(fake, "mssql-rotate-auth-1111111111", { phase: "Successful" }, "mssql", "some-other-secret");
        const outs = await rotateCredential(inputs(kubeconfig), settledOld);
        assert.deepEqual(operator.created, ["mssql-rotate-auth-1111111111-r2"]);
        assert.equal(outs.lastRequest, "mssql-rotate-auth-1111111111-r2");
    });

    it("never runs two requests for one database at once: waits for an unfinished one first", async () => {
        const operator = installOperator(fake, { outcomes: ["Successful"] });
        putRequest(fake, "someone-elses-restart", { phase: "Progressing" });
        let otherFinishedAt = 0;
        fake.schedule(200, () => {
            otherFinishedAt = Date.now();
            fake.patchStatus(OPS, "mssqlserveropsrequests", NS, "someone-elses-restart", { phase: "Successful" });
        });
        let createdAt = 0;
        fake.onCreate("mssqlserveropsrequests", () => {
            createdAt = Date.now();
        });
        await rotateCredential(inputs(kubeconfig), settledOld);
        assert.deepEqual(operator.created, ["mssql-rotate-auth-1111111111"]);
        assert.ok(otherFinishedAt > 0 && createdAt >= otherFinishedAt, "created only after the other request finished");
    });

    it("refuses to start when the new Secret does not exist (KubeDB's webhook requires it first)", async () => {
        await assert.rejects(
            rotateCredential(inputs(kubeconfig, { secretName: "mssql-auth-nope" }), settledOld),
            /credential Secret db\/mssql-auth-nope does not exist/,
        );
        assert.equal(requests().length, 0);
    });

    it("refuses a request that does not point at the Secret it is to make current", async () => {
        await assert.rejects(
            rotateCredential({ ...inputs(kubeconfig), request: inputs(kubeconfig, { secretName: OLD }).request }, settledOld),
            /does not point at Secret mssql-auth-1111111111/,
        );
        const good = inputs(kubeconfig).request;
        for (const request of [
            { ...good, spec: { ...good.spec, type: "Restart" } },
            { ...good, spec: { ...good.spec, databaseRef: { name: "other" } } },
            { ...good, spec: { ...good.spec, authentication: undefined } },
            { ...good, spec: undefined },
            undefined,
        ]) {
            await assert.rejects(
                rotateCredential({ ...inputs(kubeconfig), request: request as never }, settledOld),
                /the RotateAuth request given for db\/mssql does not point at Secret mssql-auth-1111111111/,
            );
        }
        assert.equal(requests().length, 0);
    });

    it("an update with the same Secret makes no API call at all", async () => {
        const before = fake.requests.length;
        const result = await credentialRotationProvider.update!(
            "db/mssql",
            { ...settledOld, secretName: NEW, appliedSecretName: NEW, lastPhase: "Successful" },
            inputs(kubeconfig),
        );
        assert.equal(result.outs.appliedSecretName, NEW);
        assert.equal(fake.requests.length, before);
    });

    it("reports KubeDB's webhook refusal of the request with its message", async () => {
        fake.onRequest((req) =>
            req.method === "POST" && /mssqlserveropsrequests/.test(req.path)
                ? {
                      code: 422,
                      reason: "Invalid",
                      message:
                          'admission webhook "mssqlserveropsrequestwebhook.validators.ops.kubedb.com" denied the request: database username cannot be changed',
                  }
                : undefined,
        );
        await assert.rejects(
            rotateCredential(inputs(kubeconfig), settledOld),
            /the API server refused to create RotateAuth request db\/mssql-rotate-auth-1111111111: admission webhook .*denied the request: database username cannot be changed \(HTTP 422\)/,
        );
    });
});

describe("credential rotation diff (what preview shows, without calling the cluster)", () => {
    const news = inputs("kubeconfig-a");
    const olds: Partial<CredentialRotationOutputs> = {
        ...news,
        kubeconfig: undefined,
        appliedSecretName: NEW,
        activeSecretName: NEW,
        lastPhase: "Successful",
    } as Partial<CredentialRotationOutputs>;

    it("sees no change for the same inputs, even with another kubeconfig", async () => {
        assert.deepEqual(await credentialRotationProvider.diff!("db/mssql", olds, { ...news, kubeconfig: "kubeconfig-b" }), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });
    it("sees a change (a rotation) for a new Secret", async () => {
        assert.equal((await credentialRotationProvider.diff!("db/mssql", olds, { ...news, secretName: "mssql-auth-2222222222" })).changes, true);
    });
    it("sees a change after a failed attempt, so the next `pulumi up` retries", async () => {
        assert.equal((await credentialRotationProvider.diff!("db/mssql", { ...olds, lastPhase: "Failed" }, news)).changes, true);
    });
    it("replaces for another database", async () => {
        assert.deepEqual((await credentialRotationProvider.diff!("db/mssql", olds, { ...news, database: "other" })).replaces, ["database"]);
    });
    it("an update runs a request for a new Secret or after an unsettled attempt, and only then", () => {
        assert.equal(mustRun(credentialRotationLedger, olds, news), false, "the same Secret, settled: nothing to send");
        assert.equal(mustRun(credentialRotationLedger, olds, { ...news, secretName: "mssql-auth-2222222222" }), true);
        for (const lastPhase of ["Failed", "Denied", "NotStarted", "Progressing (still running)"])
            assert.equal(mustRun(credentialRotationLedger, { ...olds, lastPhase }, news), true, lastPhase);
        for (const lastPhase of ["Initial", "Successful"]) assert.equal(mustRun(credentialRotationLedger, { ...olds, lastPhase }, news), false, lastPhase);
    });
});

describe("components as a library: CredentialRotation", () => {
    it("CredentialRotation: unscheduled, generation 0, 10m steps, 30 minutes", () => {
        const inputs = credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "mssql-auth-1" });
        assert.deepEqual(
            { generation: inputs.generation, periodStart: inputs.periodStart, stepTimeout: inputs.stepTimeout, timeoutSeconds: inputs.timeoutSeconds },
            { generation: 0, periodStart: "none", stepTimeout: "10m", timeoutSeconds: 1800 },
        );
        const given = credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "mssql-auth-1", timeoutMinutes: 7, stepTimeout: "3m" });
        assert.deepEqual([given.timeoutSeconds, given.stepTimeout], [420, "3m"]);
    });
});

describe("validation: CredentialRotation args", () => {
    before(useMocks);

    it("checks CredentialRotation's schedule period and Secret name", () => {
        const rotation = { database: "mssql", namespace: "db", secretName: "mssql-auth-1" };
        assertArgRefused(
            () => credentialRotationInputs({ ...rotation, periodStart: "2026-02-30T00:00:00Z" }),
            "CredentialRotation args",
            "periodStart",
            /not an RFC 3339 instant/,
        );
        assertArgRefused(
            () => credentialRotationInputs({ ...rotation, secretName: "Bad Name" }),
            "CredentialRotation args",
            "secretName",
            /not a DNS-1123 subdomain/,
        );
    });
});

eachArg<CredentialRotationArgs>(
    "CredentialRotation",
    "CredentialRotation args",
    {
        database: "mssql",
        namespace: "db",
        secretName: "mssql-auth-1",
        generation: 3,
        periodStart: "2026-01-04T02:00:00Z",
        stepTimeout: "5m",
        timeoutMinutes: 20,
    },
    (a) => credentialRotationInputs(a),
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a Secret name that is no DNS subdomain", { secretName: "Bad Name" }, "secretName"],
        ["a period start that is no instant", { periodStart: "monday" }, "periodStart"],
        ["a step timeout that is no duration", { stepTimeout: "5 minutes" }, "stepTimeout"],
        ["a zero timeout", { timeoutMinutes: 0 }, "timeoutMinutes"],
        ["a negative generation", { generation: -1 }, "generation"],
    ],
);
