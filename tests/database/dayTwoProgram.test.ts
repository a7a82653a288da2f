/**
 * Day-2 changes from stack config, at the level of the program (issue 10): each key reaches the
 * DayTwoChanges ledger and plans exactly its request (valid against the CRD and KubeDB's webhook
 * rules); the MSSQLServer is never patched on a request-owned field; the guard comes before
 * everything; bad values are refused before any resource exists.
 */
import { strict as assert } from "assert";
import { ChangeGuard, GuardedConfig, refusedConfigChanges } from "../../components/database/changeGuard";
import { REQUEST_OWNED_FIELDS } from "../../components/database/mssqlServer";
import { DayTwoInputs, desiredDayTwo, plannedRequests } from "../../components/database/dayTwoProvider";
import { ConfigError } from "../../components/core/problems";
import { assertAllObjectsValid } from "../support/checks";
import { assertValid } from "../support/crdSchema";
import { changes } from "../support/diff";
import { ProgramRun, runProgram } from "../support/program";
import { webhookViolations } from "../support/webhookRules";

const T = {
    db: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
    namespace: "kubernetes:core/v1:NamespacePatch",
    guard: "kubedb-mssql:database:GuardedConfig",
    dayTwo: "kubedb-mssql:database:DayTwoLedger",
    tls: "kubedb-mssql:tls:TlsLedger",
    rotation: "kubedb-mssql:credential:RotationLedger",
};
const base = { acceptEula: true, version: "2022-cu16" };
const ag = { ...base, availabilityGroup: { databases: ["app"] }, replicas: 3 };
const LEDGER = `${T.dayTwo}::day2-ledger`;
const DB = `${T.db}::database`;
const GUARD = `${T.guard}::guard-config`;

/** The ledger's inputs as the engine would hand them to the provider. */
const ledgerInputs = (run: ProgramRun) => run.one(T.dayTwo).inputs as unknown as DayTwoInputs;

/** What the provider would send for a change from `before` to `after` (the ledger settled on `before`). */
function requestsFor(before: ProgramRun, after: ProgramRun) {
    return plannedRequests(ledgerInputs(after), desiredDayTwo(ledgerInputs(before)));
}

/** Every changed input path of the database lies under a request-owned (ignored) field. */
function assertNoDirectPatch(before: ProgramRun, after: ProgramRun): void {
    const changed = changes(before, after)[DB] ?? [];
    const ignored = after.one(T.db).ignoreChanges;
    for (const path of changed) {
        assert.ok(
            ignored.some((field) => path === field || path.startsWith(`${field}.`)),
            `the MSSQLServer would be patched directly at ${path}`,
        );
    }
}

function assertRequestsValid(requests: ReturnType<typeof requestsFor>): void {
    for (const r of requests) {
        assertValid(r.manifest);
        assert.deepEqual(webhookViolations(r.manifest), [], `${r.manifest.spec.type} ${r.manifest.metadata.name} breaks a webhook rule`);
        assert.ok(r.manifest.metadata.name.length <= 63 - "-r20".length, "room for a retry suffix in a DNS label");
    }
}

describe("day-2 changes from config: each key makes its own request", () => {
    let standalone: ProgramRun;
    let group: ProgramRun;
    before(async () => {
        standalone = await runProgram({ config: base });
        group = await runProgram({ config: ag });
    });

    it("the ledger starts from what the database is created with, after it, before TLS and the rotation", () => {
        const ledger = standalone.one(T.dayTwo);
        const { __provider: _provider, kubeconfig: _kubeconfig, ...inputs } = ledger.inputs;
        assert.deepEqual(inputs, {
            namespace: "mssql",
            database: "mssql",
            topology: "Standalone",
            version: "2022-cu16",
            replicas: 1,
            resources: {},
            storageSize: "10Gi",
            storageClass: "",
            expansionMode: "Online",
            mssqlConf: "",
            restartGeneration: 0,
            stepTimeout: "10m",
            timeoutSeconds: 1800,
        });
        assert.ok(ledger.dependencies.includes(standalone.one(T.db).urn));
        assert.ok(standalone.one(T.tls).dependencies.includes(ledger.urn));
        assert.deepEqual(requestsFor(standalone, standalone), [], "the same config plans nothing");
    });

    const cases: Array<{
        title: string;
        from: () => ProgramRun;
        config: Record<string, unknown>;
        ledger: string[];
        type: string;
        section: Record<string, unknown>;
    }> = [
        {
            title: "version → UpdateVersion",
            from: () => standalone,
            config: { ...base, version: "2022-cu19" },
            ledger: ["version"],
            type: "UpdateVersion",
            section: { updateVersion: { targetVersion: "2022-cu19" } },
        },
        {
            title: "replicas of an availability group → HorizontalScaling",
            from: () => group,
            config: { ...ag, replicas: 5 },
            ledger: ["replicas"],
            type: "HorizontalScaling",
            section: { horizontalScaling: { replicas: 5 } },
        },
        {
            title: "resources → VerticalScaling",
            from: () => standalone,
            config: { ...base, resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } } },
            ledger: ["resources.limits", "resources.requests"],
            type: "VerticalScaling",
            section: { verticalScaling: { mssqlserver: { resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } } } } },
        },
        {
            title: "storage.size → VolumeExpansion, Online by default",
            from: () => standalone,
            config: { ...base, storage: { size: "20Gi" } },
            ledger: ["storageSize"],
            type: "VolumeExpansion",
            section: { volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } },
        },
        {
            title: "storage.size with expansionMode Offline → VolumeExpansion Offline",
            from: () => standalone,
            config: { ...base, storage: { size: "20Gi", expansionMode: "Offline" } },
            ledger: ["expansionMode", "storageSize"],
            type: "VolumeExpansion",
            section: { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } },
        },
        {
            title: "storage.storageClass → StorageMigration (old volumes retained)",
            from: () => standalone,
            config: { ...base, storage: { storageClass: "fast-ssd" } },
            ledger: ["storageClass"],
            type: "StorageMigration",
            section: { migration: { storageClassName: "fast-ssd", oldPVReclaimPolicy: "Retain" } },
        },
        {
            title: "mssqlConf set → Reconfigure with applyConfig",
            from: () => standalone,
            config: { ...base, mssqlConf: "[memory]\nmemorylimitmb = 4096" },
            ledger: ["mssqlConf"],
            type: "Reconfigure",
            section: { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 4096" } } },
        },
        {
            title: "restart.generation → Restart",
            from: () => standalone,
            config: { ...base, restart: { generation: 1 } },
            ledger: ["restartGeneration"],
            type: "Restart",
            section: { restart: {} },
        },
    ];
    for (const c of cases) {
        it(c.title, async () => {
            const after = await runProgram({ config: c.config });
            const diff = changes(c.from(), after);
            assert.deepEqual(diff[LEDGER], c.ledger, "the change reaches the ledger");
            // (A named class is one more permission the guard asks for: its input, not a change it makes.)
            const guardAsks = (k: string) => k.endsWith("::guard-config") && diff[k].every((path: string) => path.startsWith("permissions."));
            assert.deepEqual(
                Object.keys(diff).filter((k) => k !== LEDGER && k !== DB && !guardAsks(k)),
                [],
                "and nothing else but the database's ignored fields",
            );
            assertNoDirectPatch(c.from(), after);
            const requests = requestsFor(c.from(), after);
            assert.deepEqual(
                requests.map((r) => r.manifest.spec),
                [
                    {
                        type: c.type,
                        ...c.section,
                        databaseRef: { name: "mssql" },
                        timeout: "10m",
                        apply: "IfReady",
                    },
                ],
            );
            assert.match(requests[0].manifest.metadata.name, /^mssql-[a-z]+-[0-9a-f]{10}$/);
            assert.deepEqual(requests[0].manifest.metadata.labels, {
                "app.kubernetes.io/managed-by": "kubedb-mssql",
                "kubedb-mssql.io/database": "mssql",
                "kubedb-mssql.io/role": "ops-request",
            });
            assertRequestsValid(requests);
        });
    }

    it("mssqlConf removed → Reconfigure with removeCustomConfig", async () => {
        const withConf = await runProgram({ config: { ...base, mssqlConf: "[sqlagent]\nenabled = true" } });
        const requests = requestsFor(withConf, standalone);
        assert.deepEqual(
            requests.map((r) => r.manifest.spec.configuration),
            [{ removeCustomConfig: true }],
        );
        assertRequestsValid(requests);
    });

    it("several changes in one run: one request each, in the documented order", async () => {
        const after = await runProgram({
            config: {
                ...ag,
                version: "2025-cu0",
                replicas: 5,
                storage: { size: "50Gi" },
                resources: { limits: { memory: "8Gi" } },
                mssqlConf: "[memory]\nmemorylimitmb = 6144",
                restart: { generation: 2 },
            },
        });
        const requests = requestsFor(group, after);
        assert.deepEqual(
            requests.map((r) => r.manifest.spec.type),
            ["VolumeExpansion", "UpdateVersion", "HorizontalScaling", "VerticalScaling", "Reconfigure", "Restart"],
        );
        assert.equal(new Set(requests.map((r) => r.manifest.metadata.name)).size, requests.length, "distinct names");
        assertRequestsValid(requests);
        assertNoDirectPatch(group, after);
    });

    it("a change back to an earlier value is a new request, not the finished one", () => {
        const upgraded = ledgerInputs(standalone);
        const there = plannedRequests({ ...upgraded, version: "2022-cu19" }, desiredDayTwo(upgraded), 0)[0];
        const back = plannedRequests({ ...upgraded, version: "2022-cu19" }, desiredDayTwo(upgraded), 1)[0];
        assert.notEqual(there.manifest.metadata.name, back.manifest.metadata.name);
    });

    it("a Standalone database never plans HorizontalScaling", () => {
        const inputs = ledgerInputs(standalone);
        assert.deepEqual(plannedRequests(inputs, { ...desiredDayTwo(inputs), replicas: 3 }), []);
    });
});

describe("day-2: what the database is created with", () => {
    it("mssqlConf goes inline into the MSSQLServer at creation; autoOps stays disabled unless asked", async () => {
        const run = await runProgram({ config: { ...base, mssqlConf: "[memory]\nmemorylimitmb = 4096\n", autoOps: true } });
        const spec = run.one(T.db).inputs.spec;
        assert.deepEqual(spec.configuration, { inline: { "mssql.conf": "[memory]\nmemorylimitmb = 4096\n" } });
        assert.deepEqual(spec.autoOps, { disabled: false });
        assertAllObjectsValid(run);
        assert.equal((run.outputs.dayTwo as { autoOps: boolean }).autoOps, true);
    });

    it("the request-owned fields are exactly those the requests change, ignored after creation", () => {
        assert.deepEqual(
            [...REQUEST_OWNED_FIELDS],
            ["spec.authSecret", "spec.tls", "spec.version", "spec.replicas", "spec.storage", "spec.podTemplate", "spec.configuration"],
        );
    });

    it("a change of a field no request owns (deletionPolicy, autoOps) is a direct patch", async () => {
        const before = await runProgram({ config: base });
        const after = await runProgram({ config: { ...base, deletionPolicy: "Delete", autoOps: true } });
        assert.deepEqual(changes(before, after)[DB], ["spec.autoOps.disabled", "spec.deletionPolicy"]);
        const ignored = after.one(T.db).ignoreChanges;
        assert.ok(!ignored.some((f) => f === "spec.deletionPolicy" || f === "spec.autoOps"));
    });

    it("outputs: the version, replicas and storage size read back, and the last request", async () => {
        const run = await runProgram({ config: base });
        assert.deepEqual(run.outputs.dayTwo, {
            version: "2022-cu16",
            replicas: 1,
            storageSize: "10Gi",
            autoOps: false,
            lastRequest: "",
            lastPhase: "Initial",
            lastAction: "",
        });
    });
});

describe("day-2: the guard comes first", () => {
    it("is registered before the namespace, which depends on it (and so everything in the cluster)", async () => {
        const run = await runProgram({ config: base });
        const guard = run.one(T.guard);
        assert.ok(run.one(T.namespace).dependencies.includes(guard.urn));
        const { __provider, ...inputs } = guard.inputs;
        void __provider;
        assert.deepEqual(inputs, {
            name: "mssql",
            namespace: "mssql",
            topology: "Standalone",
            edition: "Developer",
            // What the guard asks the API server for first (rbac.ts).
            permissions: {
                namespace: "mssql",
                database: "mssql",
                clusterIssuers: false,
                bootstrapsClusterIssuer: false,
                clusterResourceNamespace: "cert-manager",
                namedStorageClass: false,
            },
        });
        const firstInCluster = run.registrations.findIndex((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"));
        assert.ok(run.registrations.indexOf(guard) < firstInCluster, "registered before any Kubernetes object");
    });

    const was: GuardedConfig = { name: "mssql", namespace: "mssql", topology: "Standalone", edition: "Developer" };
    const refusals: Array<[string, Partial<GuardedConfig>, string, RegExp]> = [
        ["a new name", { name: "orders" }, "name", /identity.*second, empty database.*new stack/],
        ["a new namespace", { namespace: "prod" }, "namespace", /cannot move between namespaces/],
        ["Standalone → availability group", { topology: "AvailabilityGroup" }, "availabilityGroup", /no request for that.*deliberately/],
        ["a new edition", { edition: "Enterprise" }, "edition", /fixed when the database is created/],
    ];
    for (const [title, change, key, message] of refusals) {
        it(`refuses ${title}, naming ${key} and saying how to do it deliberately`, () => {
            const refused = refusedConfigChanges(was, { ...was, ...change });
            assert.equal(refused.length, 1, JSON.stringify(refused));
            assert.equal(refused[0][0], key);
            assert.match(refused[0][1], message);
            assert.match(refused[0][1], /To do it deliberately: create the new database in a new stack/);
        });
    }

    it("guards only the identity: every request-backed setting (version, storage, resources, …) is outside it", async () => {
        assert.deepEqual(refusedConfigChanges(was, { ...was }), []);
        const before = await runProgram({ config: base });
        const after = await runProgram({
            config: { ...base, version: "2025-cu0", storage: { size: "20Gi" }, resources: { limits: { memory: "4Gi" } }, restart: { generation: 1 } },
        });
        assert.equal(
            changes(before, after)[GUARD],
            undefined,
            "a failed run can leave the config ahead of the database: those are checked against the live database instead",
        );
    });

    it("checks its own args", () => {
        assert.throws(
            () => new ChangeGuard("g", { name: "Bad_Name", namespace: "mssql" }),
            (e: ConfigError) => /"name"/.test(e.message),
        );
    });
});

describe("day-2: bad values are refused before any resource", () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ["an unknown expansion mode", { storage: { expansionMode: "Hot" } }, "storage.expansionMode", /one of "Online", "Offline".*Offline stops the pods/],
        ["mssql.conf without a section", { mssqlConf: "memorylimitmb = 4096" }, "mssqlConf", /before any \[section\]/],
        ["mssql.conf with a stray line", { mssqlConf: "[memory]\nmemorylimitmb 4096" }, "mssqlConf", /line 2 is neither/],
        ["an empty mssql.conf", { mssqlConf: " " }, "mssqlConf", /must be the text of mssql.conf/],
        ["a negative restart generation", { restart: { generation: -1 } }, "restart.generation", /whole number from 0 to 1000000/],
        ["an unknown restart field", { restart: { now: true } }, "restart.now", /unknown field; allowed: generation/],
        ["autoOps not a boolean", { autoOps: "yes" }, "autoOps", /true or false|boolean/],
    ];
    for (const [title, config, key, message] of cases) {
        it(title, async () => {
            let registered = -1;
            await assert.rejects(
                runProgram({ config: { ...base, ...config } }).then((r) => (registered = r.registrations.length)),
                (e: ConfigError) => {
                    const problem = e.problems?.find((p) => p.startsWith(`"${key}"`));
                    assert.ok(problem, `a problem names ${key}: ${e.message}`);
                    assert.match(problem!, message);
                    return true;
                },
            );
            assert.equal(registered, -1);
        });
    }
});
