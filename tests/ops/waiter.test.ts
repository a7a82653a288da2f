/**
 * waitForOpsRequest against a Kubernetes-shaped API server on 127.0.0.1, through the real
 * @kubernetes/client-node: list + watch, resourceVersions, dropped and expired watches, a missing
 * object, every terminal phase, timeout, and how many API requests a wait costs.
 */
import { strict as assert } from "assert";
import {
    OpsRequestError,
    OpsRequestProgress,
    describeCondition,
    failureCondition,
    opsRequestError,
    opsRequestFailure,
    progressCondition,
    waitForOpsRequest,
} from "../../components/ops/waiter";
import { FakeKubeApi } from "../support/fakeKubeApi";
import { NS, OPS, condition, putRequest } from "../support/fakeKubeDb";
import { unsettledPhase } from "../../components/ops/ledger";

describe("waitForOpsRequest", () => {
    let fake: FakeKubeApi;
    let kubeconfig: string;
    const setPhase = (name: string, phase: string, conditions: object[] = []) =>
        fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, { phase, conditions });
    const lists = () => fake.countRequests({ method: "GET", path: /mssqlserveropsrequests$/, watch: false });
    const watches = () => fake.countRequests({ watch: true });

    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        kubeconfig = fake.kubeconfig();
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("resolves on Successful, reporting each condition once and in order, with one list and one watch", async () => {
        putRequest(fake, "r1", { phase: "Pending" });
        const progress: OpsRequestProgress[] = [];
        const wait = waitForOpsRequest({ namespace: NS, name: "r1", kubeconfig, onProgress: (p) => progress.push(p) });
        fake.schedule(30, () => void setPhase("r1", "Progressing", [condition("DatabasePauseSucceeded", "True", "DatabasePauseSucceeded")]));
        fake.schedule(
            60,
            () =>
                void setPhase("r1", "Progressing", [
                    condition("DatabasePauseSucceeded", "True", "DatabasePauseSucceeded"),
                    condition("UpdateCredential", "True", "UpdateCredential"),
                ]),
        );
        fake.schedule(
            90,
            () =>
                void setPhase("r1", "Successful", [
                    condition("DatabasePauseSucceeded", "True", "DatabasePauseSucceeded"),
                    condition("UpdateCredential", "True", "UpdateCredential"),
                    condition("Successful", "True", "Successful"),
                ]),
        );
        const result = await wait;
        assert.equal(result.phase, "Successful");
        assert.equal(result.name, "r1");
        assert.deepEqual(
            progress.filter((p) => p.condition).map((p) => p.condition!.type),
            ["DatabasePauseSucceeded", "UpdateCredential", "Successful"],
        );
        assert.deepEqual(
            progress.filter((p) => !p.condition).map((p) => p.phase),
            ["Pending", "Progressing", "Successful"],
        );
        assert.equal(lists(), 1);
        assert.equal(watches(), 1);
    });

    for (const [phase, reason, message] of [
        ["Failed", "Failed", "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget"],
        ["Denied", "OpsRequestDenied", "denied by approval policy"],
        ["Skipped", "NewerOpsRequestExists", "a newer RotateAuth exists"],
    ] as const) {
        it(`rejects within a second of ${phase}, naming the request, the phase and KubeDB's reason`, async () => {
            putRequest(fake, "r2", { phase: "Progressing" });
            const wait = waitForOpsRequest({ namespace: NS, name: "r2", kubeconfig, timeoutSeconds: 60 });
            let changedAt = 0;
            fake.schedule(50, () => {
                changedAt = Date.now();
                setPhase("r2", phase, [
                    condition("DatabasePauseSucceeded", "True", "DatabasePauseSucceeded", "", Date.now() - 1000),
                    // A step condition left False: never the reason by itself.
                    condition("EvictPod--mssql-0", "False", "EvictPod--mssql-0", "evict pod; ConditionStatus:False"),
                    condition(phase === "Failed" ? "RotateAuth" : phase, phase === "Failed" ? "False" : "True", reason, message, Date.now() - 10),
                ]);
            });
            const error: OpsRequestError = await wait.then(
                () => assert.fail("should reject"),
                (e) => e,
            );
            const latency = Date.now() - changedAt;
            assert.ok(error instanceof Error);
            const failure = opsRequestFailure(error)!;
            assert.equal(failure.outcome, "Finished");
            assert.equal(failure.phase, phase);
            assert.equal(failure.condition?.reason, reason);
            assert.equal(
                error.message,
                `MSSQLServerOpsRequest db/r2 is ${phase}: ${message} [${phase === "Failed" ? "RotateAuth=False" : `${phase}=True`}, reason ${reason}]`,
            );
            assert.ok(latency < 1000, `took ${latency} ms`);
        });
    }

    it("rejects at once when the request had already failed before the wait began", async () => {
        putRequest(fake, "r3", { phase: "Failed", conditions: [condition("Failed", "True", "Failed", "it broke")] });
        await assert.rejects(waitForOpsRequest({ namespace: NS, name: "r3", kubeconfig }), /is Failed: it broke \[Failed=True, reason Failed\]/);
        assert.equal(watches(), 0, "no watch is needed for a request that is already finished");
    });

    it("resumes a dropped watch from the last resourceVersion without re-listing", async () => {
        putRequest(fake, "r4", { phase: "Progressing" });
        const wait = waitForOpsRequest({ namespace: NS, name: "r4", kubeconfig });
        fake.schedule(50, () => void setPhase("r4", "Progressing", [condition("UpdatePetSets", "True", "UpdatePetSets")]));
        fake.schedule(100, () => fake.dropWatches());
        fake.schedule(150, () => void setPhase("r4", "Successful", [condition("Successful", "True", "Successful")]));
        assert.equal((await wait).phase, "Successful");
        assert.equal(lists(), 1);
        assert.equal(watches(), 2);
        const resumed = fake.requests.filter((r) => r.watch)[1];
        assert.ok(
            Number(resumed.query.resourceVersion) > Number(fake.requests.filter((r) => r.watch)[0].query.resourceVersion),
            "resumed from a newer resourceVersion",
        );
    });

    it("re-lists after a 410 Expired and still sees the outcome", async () => {
        putRequest(fake, "r5", { phase: "Progressing" });
        fake.expireHistory();
        // The request finishes while no watch is open: only the re-list can see it.
        let first = true;
        fake.onRequest((req) => {
            if (req.watch && first) {
                first = false;
                setPhase("r5", "Successful", [condition("Successful", "True", "Successful")]);
                fake.expireHistory();
            }
            return undefined;
        });
        assert.equal((await waitForOpsRequest({ namespace: NS, name: "r5", kubeconfig })).phase, "Successful");
        assert.ok(lists() >= 2, "listed again after the 410");
    });

    it("waits for a request that appears shortly after, and gives up on one that never does", async () => {
        const appearing = waitForOpsRequest({ namespace: NS, name: "late", kubeconfig, notFoundGraceSeconds: 5 });
        fake.schedule(100, () => void putRequest(fake, "late", { phase: "Successful" }));
        assert.equal((await appearing).phase, "Successful");

        const started = Date.now();
        await assert.rejects(
            waitForOpsRequest({ namespace: NS, name: "missing", kubeconfig, notFoundGraceSeconds: 0.3 }),
            (e: Error) => opsRequestFailure(e)?.outcome === "NotFound" && /db\/missing: did not appear within 0.3s/.test(e.message),
        );
        assert.ok(Date.now() - started < 2000);
    });

    it("rejects when the request is deleted before it finishes", async () => {
        putRequest(fake, "r6", { phase: "Progressing" });
        const wait = waitForOpsRequest({ namespace: NS, name: "r6", kubeconfig });
        fake.schedule(50, () => void fake.remove(OPS, "mssqlserveropsrequests", NS, "r6"));
        await assert.rejects(
            wait,
            (e: Error) => opsRequestFailure(e)?.outcome === "Deleted" && /was deleted before it finished \(last phase: Progressing/.test(e.message),
        );
    });

    it("rejects on timeout with the last phase and condition it saw", async () => {
        putRequest(fake, "r7", { phase: "Progressing", conditions: [condition("RestartNodes", "True", "RestartNodes", "restarting mssql-0")] });
        await assert.rejects(
            waitForOpsRequest({ namespace: NS, name: "r7", kubeconfig, timeoutSeconds: 0.4 }),
            (e: Error) =>
                opsRequestFailure(e)?.outcome === "Timeout" &&
                /not finished after 0.4s \(last phase: Progressing; last condition: restarting mssql-0 \[RestartNodes=True, reason RestartNodes\]\)/.test(
                    e.message,
                ),
        );
    });

    it("retries server errors and fails fast when access is refused", async () => {
        putRequest(fake, "r8", { phase: "Successful" });
        fake.failNext(2, 500);
        assert.equal((await waitForOpsRequest({ namespace: NS, name: "r8", kubeconfig })).phase, "Successful");
        fake.failNext(1, 403, { message: 'mssqlserveropsrequests is forbidden: User "ci" cannot list' });
        await assert.rejects(waitForOpsRequest({ namespace: NS, name: "r8", kubeconfig }), /refused access \(403\): mssqlserveropsrequests is forbidden/);
    });
});

describe("the reason reported for a request that did not succeed", () => {
    const at = (seconds: number) => Date.parse("2026-11-25T10:00:00Z") + seconds * 1000;
    // What KubeDB leaves behind in most requests: steps done, and step conditions left False.
    const steps = [
        condition("DatabasePauseSucceeded", "True", "DatabasePauseSucceeded", "Successfully paused database", at(1)),
        condition("UpdateCredential", "True", "UpdateCredential", "Successfully updated credential", at(2)),
        condition("EvictPod--mssql-0", "False", "EvictPod--mssql-0", "evict pod; ConditionStatus:False", at(3)),
        condition("CheckPodRunning--mssql-0", "False", "CheckPodRunning--mssql-0", "check pod running; ConditionStatus:False", at(4)),
    ];
    const evictionFailure = "failed to evict pod mssql-0: Cannot evict pod as it would violate the pod's disruption budget";

    it("is the `reason: Failed` condition with KubeDB's message, even when step conditions are later and False", () => {
        const failed = condition("Failed", "True", "Failed", evictionFailure, at(3.5));
        assert.equal(failureCondition([...steps, failed], "RotateAuth", "Failed"), failed);
    });
    it("is a condition of the request's own type when KubeDB records the failure there", () => {
        const own = condition("RotateAuth", "False", "RotateAuthFailed", evictionFailure, at(2.5));
        assert.equal(failureCondition([...steps, own], "RotateAuth", "Failed"), own);
    });
    it("prefers `reason: Failed` over a condition of the request's type", () => {
        const own = condition("ReconfigureTLS", "False", "ReconfigureTLS", "reconfiguring", at(5));
        const failed = condition("IssueCertificatesSucceeded", "False", "Failed", "issuer mssql-ca not found", at(4.5));
        assert.equal(failureCondition([own, failed], "ReconfigureTLS", "Failed"), failed);
    });
    it("is the phase's own condition for Denied and Skipped", () => {
        const denied = condition("Denied", "True", "OpsRequestDenied", "denied by the approval policy", at(1));
        assert.equal(failureCondition([denied, condition("Progressing", "True", "Progressing", "started", at(2))], "RotateAuth", "Denied"), denied);
    });
    it("is the failing step's own False condition when KubeDB records no `reason: Failed`, never the True start condition of the request's type", () => {
        // As KubeDB's RotateAuth leaves it: "has started to rotate auth" True, the step that failed False with the error.
        const started = condition("RotateAuth", "True", "RotateAuth", "MSSQLServer ops-request has started to rotate auth for mssqlserver nodes", at(0));
        const failing = condition("UpdateCredential", "False", "UpdateCredentialFailed", "failed to update credential: Login failed for user 'sa'", at(2));
        assert.equal(failureCondition([started, steps[0], failing], "RotateAuth", "Failed"), failing);
        // Stale per-pod step conditions later in time, in KubeDB's generic wording, do not take its place.
        assert.equal(failureCondition([started, failing, steps[2], steps[3]], "RotateAuth", "Failed"), failing);
    });
    it("tells a stale False step condition from the failing one by reason, then by transition time", () => {
        const stale = condition("EvictPod--mssql-0", "False", "EvictPod--mssql-0", "evict pod; ConditionStatus:False", at(6));
        const failing = condition("UpdatePetSets", "False", "UpdatePetSets", "petset mssql: the object has been modified", at(5));
        assert.equal(failureCondition([failing, stale], "UpdateVersion", "Failed"), failing, "an error of its own beats KubeDB's generic step wording");
        const earlier = condition("RestartNodes", "False", "RestartNodesFailed", "pod mssql-0 did not become ready", at(3));
        const later = condition("CheckPodRunning--mssql-0", "False", "CheckPodRunningFailed", "pod mssql-0 is CrashLoopBackOff", at(7));
        assert.equal(failureCondition([later, earlier, failing], "UpdateVersion", "Failed"), later, "a failure-named reason first; the latest of those");
    });
    it("a pod's name in a per-pod reason is no evidence (a database named failover)", () => {
        const stale = condition("EvictPod--failover-0", "False", "EvictPod--failover-0", "evict pod; ConditionStatus:False", at(6));
        const failing = condition("UpdatePetSets", "False", "UpdatePetSets", "petset failover: the object has been modified", at(5));
        assert.equal(failureCondition([failing, stale], "UpdateVersion", "Failed"), failing);
    });
    it("a request that did not finish is described by where it got to, not by a stale False step or its start condition", () => {
        const started = condition("Progressing", "True", "Progressing", "Operation has started", at(0));
        const stale = condition("EvictPod--mssql-0", "False", "EvictPod--mssql-0", "evict pod; ConditionStatus:False", at(1));
        const latest = condition("RestartNodes", "True", "RestartNodes", "Successfully restarted", at(2));
        assert.equal(progressCondition([started, stale, latest], "Progressing"), latest);
        const failing = condition("UpdatePetSets", "False", "UpdatePetSetsFailed", "quota exceeded", at(1.5));
        assert.equal(progressCondition([started, failing, latest], "Progressing"), failing, "an explicit failure is named even while it runs");
    });
    it("is no condition at all when every condition is True and none names a failure", () => {
        const started = condition("Restart", "True", "Restart", "MSSQLServer ops-request has started to restart mssqlserver nodes", at(1));
        assert.equal(
            failureCondition([started, condition("RestartNodes", "True", "RestartNodes", "Successfully restarted", at(9))], "Restart", "Failed"),
            undefined,
        );
        assert.equal(failureCondition([], "Restart", "Failed"), undefined);
    });
    it("reads as KubeDB's message first, then the condition's facts", () => {
        assert.equal(describeCondition(condition("Failed", "True", "Failed", evictionFailure)), `${evictionFailure} [Failed=True, reason Failed]`);
        assert.equal(describeCondition({ type: "Ready", status: "False" }), "Ready=False");
        assert.equal(describeCondition(undefined), "no condition reported");
    });
});

describe("waitForOpsRequest: absence and API errors", () => {
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
    });
    afterEach(async () => {
        await fake.stop();
    });

    it("reports a request that never appeared within a short timeout as NotFound, not as a timeout", async () => {
        await assert.rejects(
            waitForOpsRequest({ namespace: NS, name: "ghost", kubeconfig: fake.kubeconfig(), timeoutSeconds: 0.5 }),
            (e: Error) => opsRequestFailure(e)?.outcome === "NotFound" && /db\/ghost: did not appear within 0.5s \(last phase: none/.test(e.message),
        );
    });
    it("re-opens a watch the server ended normally without calling it an API error", async () => {
        putRequest(fake, "r10", { phase: "Progressing" });
        const wait = waitForOpsRequest({ namespace: NS, name: "r10", kubeconfig: fake.kubeconfig(), timeoutSeconds: 1.5 });
        fake.schedule(200, () => fake.endWatches());
        await assert.rejects(wait, (e: Error) => opsRequestFailure(e)?.outcome === "Timeout" && !/API error/.test(e.message) && !/null/.test(e.message));
        assert.ok(fake.countRequests({ watch: true }) >= 2, "the watch was re-opened");
        assert.equal(fake.countRequests({ method: "GET", path: /mssqlserveropsrequests$/, watch: false }), 1, "from its resourceVersion, without a new list");
    });

    it("reports a request that was seen and then vanished during a re-list as deleted, not as never appeared", async () => {
        putRequest(fake, "r11", { phase: "Progressing" });
        let watches = 0;
        fake.onRequest((req) => {
            if (req.watch && ++watches === 1) {
                // Gone while no watch is open, and the history expired: only a re-list can tell.
                fake.remove(OPS, "mssqlserveropsrequests", NS, "r11");
                fake.expireHistory();
            }
            return undefined;
        });
        await assert.rejects(
            waitForOpsRequest({ namespace: NS, name: "r11", kubeconfig: fake.kubeconfig(), timeoutSeconds: 10 }),
            (e: Error) => opsRequestFailure(e)?.outcome === "Deleted" && /r11: was deleted before it finished \(last phase: Progressing/.test(e.message),
        );
    });

    it("backs off between reconnects after server errors: 250 ms, then twice as long each time", async () => {
        putRequest(fake, "r12", { phase: "Successful" });
        const listedAt: number[] = [];
        fake.onRequest((req) => void (req.method === "GET" && !req.watch && /mssqlserveropsrequests$/.test(req.path) && listedAt.push(Date.now())));
        fake.failNext(4, 500);
        assert.equal((await waitForOpsRequest({ namespace: NS, name: "r12", kubeconfig: fake.kubeconfig() })).phase, "Successful");
        const gaps = listedAt.slice(1).map((t, i) => t - listedAt[i]);
        assert.equal(gaps.length, 4, "four failed lists, then the one that answered");
        [250, 500, 1000, 2000].forEach((expected, i) => {
            // Not a performance bound: a wrong backoff is off by a factor of two or more.
            assert.ok(gaps[i] >= expected - 20 && gaps[i] < expected * 1.6 + 400, `retry ${i + 1} after ${gaps[i]} ms, expected about ${expected} ms`);
        });
    });

    it("re-opens watches the server keeps ending at most once a second, from the same resourceVersion", async () => {
        putRequest(fake, "r13", { phase: "Progressing" });
        const openedAt: number[] = [];
        fake.onRequest((req) => {
            if (!req.watch) return undefined;
            openedAt.push(Date.now());
            fake.schedule(20, () => fake.endWatches());
            return undefined;
        });
        await assert.rejects(
            waitForOpsRequest({ namespace: NS, name: "r13", kubeconfig: fake.kubeconfig(), timeoutSeconds: 2.5 }),
            (e: Error) => opsRequestFailure(e)?.outcome === "Timeout",
        );
        const gaps = openedAt.slice(1).map((t, i) => t - openedAt[i]);
        assert.ok(gaps.length >= 1 && gaps.length <= 2, `${openedAt.length} watches in 2.5 s`);
        assert.ok(
            gaps.every((gap) => gap >= 980 && gap < 1600),
            `re-opened after ${gaps.join(", ")} ms`,
        );
        assert.equal(fake.countRequests({ method: "GET", path: /mssqlserveropsrequests$/, watch: false }), 1, "no new list");
    });

    it("names the last API error when server errors outlast the timeout", async () => {
        putRequest(fake, "r9", { phase: "Progressing" });
        fake.failNext(1000, 500, { message: "etcdserver: request timed out" });
        await assert.rejects(waitForOpsRequest({ namespace: NS, name: "r9", kubeconfig: fake.kubeconfig(), timeoutSeconds: 0.6 }), (e: Error) =>
            /did not appear within 0.6s .*last API error: .*etcdserver: request timed out.*\(HTTP 500\)/.test(e.message),
        );
    });
});

describe("ops edges: which condition explains a failure", () => {
    const c = (type: string, status: string, reason: string, message: string, at: number) => ({
        type,
        status,
        reason,
        message,
        lastTransitionTime: new Date(Date.UTC(2026, 0, 1, 0, at)).toISOString(),
    });

    it("a step of the request's own type that went False with a message beats a later True one and a later bare one", () => {
        const conditions = [
            c("VerticalScaling", "False", "VerticalScalingFailed", "not enough memory on any node", 1),
            c("VerticalScaling", "True", "Progressing", "retrying", 2),
            c("Failed", "False", "Whatever", "", 3),
        ];
        assert.equal(failureCondition(conditions, "VerticalScaling", "Failed")?.message, "not enough memory on any node");
    });

    it("the phase names its own condition (Denied, Skipped); a Failed reason without a message still beats the latest condition", () => {
        const denied = [c("Denied", "True", "Denied", "an ops request of the database is running", 1), c("Progressing", "True", "Started", "started", 2)];
        assert.equal(failureCondition(denied, "Restart", "Denied")?.type, "Denied");
        const bare = [c("UpdatePetSets", "False", "Failed", "", 1), c("RestartNodes", "True", "Restarted", "", 2)];
        assert.equal(failureCondition(bare, "Restart", "Failed")?.type, "UpdatePetSets");
        assert.equal(
            failureCondition([c("RestartNodes", "True", "Restarted", "", 2), c("Other", "True", "Done", "", 1)], "Restart", "Failed"),
            undefined,
            "a True condition is never why",
        );
        assert.equal(
            failureCondition([c("Failed", "True", "Failed", "", 1), c("RestartNodes", "True", "Restarted", "done", 2)], "Restart", "Failed")?.type,
            "Failed",
            "a bare failure condition still beats a True step",
        );
        assert.equal(failureCondition([]), undefined);
        const typedFailed = [c("Failed", "False", "OpsRequestFailed", "the upgrade failed", 1), c("Progressing", "True", "Started", "started", 2)];
        assert.equal(
            failureCondition(typedFailed, "UpdateVersion")?.message,
            "the upgrade failed",
            "a condition of type Failed explains the failure, whatever the request's type",
        );
    });

    it("conditions without a time count as the earliest, and equal times keep the list order", () => {
        const untimed = { type: "Restart", status: "False", reason: "RestartFailed", message: "old" };
        assert.equal(failureCondition([c("Restart", "False", "RestartFailed", "new", 1), untimed], "Restart")?.message, "new");
        assert.equal(
            failureCondition([c("Restart", "False", "RestartFailed", "first", 1), c("Restart", "False", "RestartFailed", "second", 1)], "Restart")?.message,
            "second",
        );
    });

    it("an error carries its failure only in the documented shape, under its own name", () => {
        const error = opsRequestError({ request: "db/r", outcome: "Finished", phase: "Failed", conditions: [] }, "failed");
        assert.equal(error.name, "OpsRequestError");
        assert.equal(unsettledPhase(Object.assign(new Error("x"), { opsRequest: { request: 5, outcome: "Finished" } })), "NotStarted");
        assert.equal(unsettledPhase(Object.assign(new Error("x"), { opsRequest: { request: "db/r", outcome: 5 } })), "NotStarted");
    });
});
