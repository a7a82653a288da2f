/**
 * The request-type table: which existing request is ours (intent), where each day-2 result lands on
 * the MSSQLServer, the order, the request names and KubeDB's steps.
 */
import { strict as assert } from "assert";
import { OPS_REQUEST_TYPES, OpsRequestType } from "../../components/api/kubedb";
import { names, retryRequestName } from "../../components/core/names";
import { DAY_TWO_ORDER, dayTwoRequestType, nextDayTwoStep } from "../../components/database/dayTwoPlan";
import { DAY_TWO_REQUEST_TYPES, DayTwoState, REQUEST_TYPES, sameIntent } from "../../components/ops/requestTypes";
import { checkDnsLabel } from "../../components/core/checks";
import { KubeApi, KubeObject } from "../../components/kube/client";

const spec = (type: OpsRequestType, extra: Record<string, unknown> = {}) => ({ type, databaseRef: { name: "mssql" }, ...extra }) as never;

describe("request types: which existing request is ours (sameIntent)", () => {
    it("compares what a request does, not what KubeDB's webhook fills in", () => {
        assert.ok(
            sameIntent(
                spec("Reconfigure", { configuration: { applyConfig: { "mssql.conf": "a" }, restart: "auto" }, timeout: "10m", apply: "IfReady" }),
                spec("Reconfigure", { configuration: { applyConfig: { "mssql.conf": "a" } } }),
            ),
        );
        assert.ok(
            sameIntent(
                spec("VerticalScaling", { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } }, mode: "x" } }),
                spec("VerticalScaling", { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } }),
            ),
        );
        assert.ok(sameIntent({ type: "Restart" } as never, { type: "Restart" } as never), "a spec without databaseRef is read, not a crash");
        assert.ok(sameIntent(spec("Restart", { restart: {} }), spec("Restart", { restart: {}, timeout: "5m" })));
        assert.ok(sameIntent(spec("ReconfigureTLS", { tls: { rotateCertificates: true } }), spec("ReconfigureTLS", { tls: { rotateCertificates: true } })));
        assert.ok(sameIntent(spec("RotateAuth", { authentication: {} }), spec("RotateAuth", {})), "a section the webhook left empty is read, not a crash");
        assert.ok(sameIntent(spec("VerticalScaling", { verticalScaling: {} }), spec("VerticalScaling", {})));
    });

    it("tells apart requests that do different things, type by type", () => {
        const differ: Array<[OpsRequestType, Record<string, unknown>, Record<string, unknown>]> = [
            ["ReconfigureTLS", { tls: { rotateCertificates: true } }, { tls: { issuerRef: { kind: "Issuer", name: "ca" } } }],
            ["ReconfigureTLS", { tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "Issuer", name: "other" } } }],
            ["ReconfigureTLS", { tls: { issuerRef: { kind: "Issuer", name: "ca" } } }, { tls: { issuerRef: { kind: "ClusterIssuer", name: "ca" } } }],
            [
                "ReconfigureTLS",
                { tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: true } },
                { tls: { issuerRef: { kind: "Issuer", name: "ca" }, clientTLS: false } },
            ],
            ["ReconfigureTLS", { tls: { certificates: [{ alias: "server" }] } }, { tls: { certificates: [{ alias: "client" }] } }],
            ["ReconfigureTLS", { tls: { rotateCertificates: true } }, {}],
            ["ReconfigureTLS", { tls: { rotateCertificates: true } }, { tls: { remove: true } }],
            ["ReconfigureTLS", { tls: { remove: true } }, { tls: {} }],
            ["VolumeExpansion", { volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } }],
            ["VolumeExpansion", { volumeExpansion: { mode: "Online", mssqlserver: "20Gi" } }, { volumeExpansion: { mode: "Online", mssqlserver: "30Gi" } }],
            ["Reconfigure", { configuration: { applyConfig: { "mssql.conf": "a" } } }, { configuration: { applyConfig: { "mssql.conf": "b" } } }],
            ["Reconfigure", { configuration: { removeCustomConfig: true } }, { configuration: { applyConfig: { "mssql.conf": "a" } } }],
            ["Reconfigure", { configuration: { removeCustomConfig: true } }, {}],
            ["Reconfigure", { configuration: { removeCustomConfig: true } }, { configuration: {} }],
            [
                "VerticalScaling",
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "1" } } } } },
                { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "2" } } } } },
            ],
            ["StorageMigration", { migration: { storageClassName: "fast" } }, { migration: { storageClassName: "slow" } }],
            ["UpdateVersion", { updateVersion: { targetVersion: "2022-cu16" } }, { updateVersion: { targetVersion: "2022-cu19" } }],
            ["HorizontalScaling", { horizontalScaling: { replicas: 3 } }, { horizontalScaling: { replicas: 5 } }],
            ["RotateAuth", { authentication: { secretRef: { name: "a" } } }, { authentication: { secretRef: { name: "b" } } }],
        ];
        for (const [type, a, b] of differ) {
            assert.ok(!sameIntent(spec(type, a), spec(type, b)), `${type}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
            assert.ok(!sameIntent(spec(type, b), spec(type, a)), `${type}: ${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
        }
        // Every type: another type, or another database, is never ours.
        for (const type of OPS_REQUEST_TYPES) {
            const other = OPS_REQUEST_TYPES.find((t) => t !== type)!;
            assert.ok(!sameIntent(spec(type), spec(other)), `${type} vs ${other}`);
            assert.ok(!sameIntent(spec(type), { ...(spec(type) as object), databaseRef: { name: "other" } } as never), `${type} of another database`);
            assert.ok(!sameIntent(undefined, spec(type)), `${type} vs nothing`);
        }
    });

    it("the planner's requests compare equal to themselves and to no other step's", () => {
        const from: DayTwoState = {
            version: "2022-cu16",
            replicas: 3,
            resources: {},
            storageSize: "10Gi",
            storageClass: "",
            mssqlConf: "",
            restartGeneration: 0,
        };
        const to: DayTwoState = {
            version: "2022-cu19",
            replicas: 5,
            resources: { limits: { memory: "8Gi" } },
            storageSize: "20Gi",
            storageClass: "fast",
            mssqlConf: "[memory]\nmemorylimitmb = 2048",
            restartGeneration: 1,
        };
        const settings = { topology: "AvailabilityGroup" as const, expansionMode: "Online" as const };
        const specs: unknown[] = [];
        let state = from;
        for (let step = nextDayTwoStep(state, to, settings); step; step = nextDayTwoStep(state, to, settings)) {
            specs.push({ type: step.type, databaseRef: { name: "mssql" }, ...step.section });
            state = step.after;
        }
        assert.equal(specs.length, DAY_TWO_ORDER.length);
        specs.forEach((a, i) => specs.forEach((b, j) => assert.equal(sameIntent(a as never, b as never), i === j, `${i} vs ${j}`)));
    });
});

describe("request types: the table", () => {
    it("has an entry for every KubeDB request type, and runs the day-2 ones in the documented order", () => {
        assert.deepEqual(Object.keys(REQUEST_TYPES).sort(), [...OPS_REQUEST_TYPES].sort());
        assert.deepEqual(DAY_TWO_ORDER, [
            "VolumeExpansion",
            "StorageMigration",
            "UpdateVersion",
            "HorizontalScaling",
            "VerticalScaling",
            "Reconfigure",
            "Restart",
        ]);
        for (const type of DAY_TWO_ORDER) assert.equal(REQUEST_TYPES[type], DAY_TWO_REQUEST_TYPES[type]);
    });

    it("gives each type its own word, and names that stay DNS labels for a 40-character database, retries included", () => {
        const words = Object.values(REQUEST_TYPES).map((t) => t.word);
        assert.equal(new Set(words).size, words.length);
        const database = "d".repeat(40);
        for (const [type, { word }] of Object.entries(REQUEST_TYPES)) {
            for (const attempt of [1, 2, 20]) {
                const name = retryRequestName(names.opsRequest(database, word, "0123456789"), attempt);
                assert.equal(checkDnsLabel(name), undefined, `${type} attempt ${attempt}: ${name}`);
            }
        }
        // Names pinned across releases: an upgraded stack must adopt the requests it sent before.
        assert.equal(names.opsRequest("mssql", REQUEST_TYPES.RotateAuth.word, "abc"), "mssql-rotate-auth-abc");
        assert.equal(names.opsRequest("mssql", REQUEST_TYPES.ReconfigureTLS.word, "abc"), "mssql-tls-abc");
        assert.deepEqual(
            DAY_TWO_ORDER.map((t) => REQUEST_TYPES[t].word),
            ["expand", "migrate", "update", "scale", "resize", "config", "restart"],
        );
    });

    it("lists KubeDB's steps: the pause first, the type's own step, then the pods", () => {
        for (const [type, { steps }] of Object.entries(REQUEST_TYPES)) {
            assert.equal(steps[0], "DatabasePauseSucceeded", type);
            assert.deepEqual(steps.slice(2), ["UpdatePetSets", "RestartNodes"], type);
        }
        assert.equal(REQUEST_TYPES.RotateAuth.steps[1], "UpdateCredential");
        assert.equal(REQUEST_TYPES.ReconfigureTLS.steps[1], "UpdateCertificates");
    });

    it("reads back from the MSSQLServer exactly what its request writes there (KubeDB's ops-manager, as the stand-ins play it)", () => {
        const db = () => ({
            metadata: { name: "mssql" },
            spec: {
                version: "2022-cu16",
                replicas: 3,
                storage: { storageClassName: "standard", resources: { requests: { storage: "10Gi" } } },
                podTemplate: { spec: { containers: [{ name: "mssql", resources: { limits: { memory: "4Gi" } } }, { name: "exporter" }] } },
                configuration: { inline: { "mssql.conf": "[sqlagent]\nenabled = true" } },
            },
        });
        const from: DayTwoState = {
            version: "2022-cu16",
            replicas: 3,
            resources: { limits: { memory: "4Gi" } },
            storageSize: "10Gi",
            storageClass: "standard",
            mssqlConf: "[sqlagent]\nenabled = true",
            restartGeneration: 0,
        };
        const cases: Array<[string, Partial<DayTwoState>, unknown]> = [
            ["VolumeExpansion", { storageSize: "20Gi" }, "20Gi"],
            ["StorageMigration", { storageClass: "fast" }, "fast"],
            ["UpdateVersion", { version: "2022-cu19" }, "2022-cu19"],
            ["HorizontalScaling", { replicas: 5 }, 5],
            ["VerticalScaling", { resources: { limits: { memory: "8Gi" } } }, { limits: { memory: "8Gi" } }],
            // KubeDB merges applyConfig into what the database has.
            [
                "Reconfigure",
                { mssqlConf: "[sqlagent]\nenabled = true\n[memory]\nmemorylimitmb = 2048" },
                "[sqlagent]\nenabled = true\n[memory]\nmemorylimitmb = 2048",
            ],
            ["Reconfigure", { mssqlConf: "" }, undefined],
        ];
        for (const [type, change, expected] of cases) {
            const step = nextDayTwoStep(from, { ...from, ...change }, { topology: "AvailabilityGroup", expansionMode: "Online" })!;
            assert.equal(step.type, type);
            const entry = dayTwoRequestType(step.type);
            const object = db();
            const before = entry.live!.read(object);
            entry.live!.write(object.spec, step.section);
            assert.deepEqual(entry.live!.read(object), expected, type);
            assert.notDeepEqual(before, expected, `${type} changed something`);
            // Nothing but its own field moved.
            for (const other of DAY_TWO_ORDER.filter((t) => dayTwoRequestType(t).field !== entry.field)) {
                const lens = dayTwoRequestType(other).live;
                if (lens) assert.deepEqual(lens.read(object), lens.read(db()), `${type} left ${other}'s field alone`);
            }
        }
        assert.equal(dayTwoRequestType("Restart").live, undefined, "a restart leaves no trace to read back");
    });
});

describe("request types: what each day-2 request sends", () => {
    const from: DayTwoState = {
        version: "2022-cu16",
        replicas: 3,
        resources: { limits: { memory: "4Gi" } },
        storageSize: "10Gi",
        storageClass: "standard",
        mssqlConf: "",
        restartGeneration: 0,
    };
    const AG = { topology: "AvailabilityGroup" as const, expansionMode: "Offline" as const };
    const T = DAY_TWO_REQUEST_TYPES;

    it("each type plans its own section, reason and value, and nothing when its field already agrees", () => {
        assert.deepEqual(T.VolumeExpansion.plan(from, { ...from, storageSize: "20Gi" }, AG), {
            section: { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } },
            reason: "storage.size 10Gi → 20Gi (Offline)",
            value: "20Gi",
        });
        assert.deepEqual(T.StorageMigration.plan(from, { ...from, storageClass: "fast" }, AG), {
            section: { migration: { storageClassName: "fast", oldPVReclaimPolicy: "Retain" } },
            reason: "storage.storageClass standard → fast",
            value: "fast",
        });
        assert.deepEqual(T.UpdateVersion.plan(from, { ...from, version: "2022-cu19" }, AG), {
            section: { updateVersion: { targetVersion: "2022-cu19" } },
            reason: "version 2022-cu16 → 2022-cu19",
            value: "2022-cu19",
        });
        assert.deepEqual(T.HorizontalScaling.plan(from, { ...from, replicas: 5 }, AG), {
            section: { horizontalScaling: { replicas: 5 } },
            reason: "replicas 3 → 5",
            value: 5,
        });
        assert.deepEqual(T.VerticalScaling.plan(from, { ...from, resources: { limits: { memory: "8Gi" } } }, AG), {
            section: { verticalScaling: { mssqlserver: { resources: { limits: { memory: "8Gi" } } } } },
            reason: 'resources {"limits":{"memory":"4Gi"}} → {"limits":{"memory":"8Gi"}}',
            value: { limits: { memory: "8Gi" } },
        });
        assert.deepEqual(T.Restart.plan(from, { ...from, restartGeneration: 2 }, AG), {
            section: { restart: {} },
            reason: "restart.generation 0 → 2",
            value: 2,
        });
        for (const type of DAY_TWO_ORDER) assert.equal(dayTwoRequestType(type).plan(from, { ...from }, AG), undefined, type);
    });

    it("a standalone database is never scaled horizontally", () => {
        assert.equal(T.HorizontalScaling.plan(from, { ...from, replicas: 5 }, { topology: "Standalone", expansionMode: "Online" }), undefined);
    });

    it("reads nothing, and does not crash, from an MSSQLServer without a spec, or without an mssql container", () => {
        for (const type of DAY_TWO_ORDER) {
            const live = dayTwoRequestType(type).live;
            if (live) assert.equal(live.read({ metadata: { name: "mssql" } }), undefined, type);
        }
        const noMssql = {
            metadata: { name: "mssql" },
            spec: { podTemplate: { spec: { containers: [{ name: "exporter", resources: { limits: { cpu: "1" } } }] } } },
        };
        assert.equal(T.VerticalScaling.live!.read(noMssql), undefined);
        T.VerticalScaling.live!.write(noMssql.spec, { verticalScaling: { mssqlserver: { resources: { limits: { cpu: "2" } } } } } as never);
        assert.deepEqual(noMssql.spec.podTemplate.spec.containers, [{ name: "exporter", resources: { limits: { cpu: "1" } } }]);
        assert.equal(T.VerticalScaling.live!.read({ metadata: { name: "mssql" }, spec: { podTemplate: {} } }), undefined);
    });

    it("a configuration kept in a Secret only is replaced by the request's text", () => {
        const spec: Record<string, unknown> = { configuration: { secretName: "mssql-conf" } };
        T.Reconfigure.live!.write(spec, { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } } } as never);
        assert.deepEqual(spec.configuration, { inline: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } });
    });

    it("mssqlConf: removed back to the defaults even when the old text had no settings; every dropped setting is named", () => {
        assert.deepEqual(T.Reconfigure.plan({ ...from, mssqlConf: "# tuned later" }, from, AG), {
            section: { configuration: { removeCustomConfig: true } },
            reason: "mssqlConf removed (back to SQL Server's defaults)",
            value: "",
        });
        const both = "[memory]\nmemorylimitmb = 4096\n[sqlagent]\nenabled = true\n[network]\ntlsprotocols = 1.2";
        assert.equal(
            T.Reconfigure.plan({ ...from, mssqlConf: both }, { ...from, mssqlConf: "[memory]\nmemorylimitmb = 2048" }, AG)!.reason,
            "mssqlConf drops sqlagent.enabled, network.tlsprotocols: custom configuration removed first, then the new text applied",
        );
    });

    it("a first custom configuration is written as the request's text", () => {
        const spec: Record<string, unknown> = { version: "2022-cu16" };
        T.Reconfigure.live!.write(spec, { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } } } as never);
        assert.deepEqual(T.Reconfigure.live!.read({ metadata: { name: "mssql" }, spec }), "[memory]\nmemorylimitmb = 2048");
    });

    it("what a failure message says the database has now, per type", () => {
        const db = (spec: Record<string, unknown>) => ({ metadata: { name: "mssql" }, spec });
        assert.equal(T.StorageMigration.now!({ storageClass: "fast" }, db({})), ", volumes on StorageClass fast");
        assert.equal(T.StorageMigration.now!({}, db({})), ", volumes on StorageClass (the cluster's default)");
        assert.equal(T.VerticalScaling.now!({ resources: { limits: { memory: "4Gi" } } }, db({})), ', mssql container resources {"limits":{"memory":"4Gi"}}');
        assert.equal(T.VerticalScaling.now!({}, db({})), ", mssql container resources {}");
        assert.equal(
            T.Reconfigure.now!({}, db({ configuration: { inline: { "mssql.conf": "x" }, secretName: "conf" } })),
            ", a custom configuration in spec.configuration (inline, secretName)",
        );
        assert.equal(T.Reconfigure.now!({}, db({})), ", no custom configuration in its spec");
        assert.equal(T.Reconfigure.now!({}, { metadata: { name: "mssql" } }), ", no custom configuration in its spec");
    });

    it("fields KubeDB reads as false when absent compare equal to absent; an unknown or missing type compares by type and database", () => {
        assert.ok(
            sameIntent(
                spec("Reconfigure", { configuration: { applyConfig: { "mssql.conf": "a" }, removeCustomConfig: false } }),
                spec("Reconfigure", { configuration: { applyConfig: { "mssql.conf": "a" } } }),
            ),
        );
        assert.ok(
            sameIntent(spec("ReconfigureTLS", { tls: { rotateCertificates: false, remove: false, certificates: [] } }), spec("ReconfigureTLS", { tls: {} })),
        );
        assert.ok(!sameIntent(spec("ReconfigureTLS", { tls: { remove: true } }), spec("ReconfigureTLS", { tls: { remove: "yes" } })));
        assert.ok(!sameIntent(spec("ReconfigureTLS", { tls: { rotateCertificates: true } }), spec("ReconfigureTLS", { tls: {} })));
        assert.ok(sameIntent(spec("Restart", { restart: {} }), spec("Restart", { restart: { x: 1 } })));
        assert.ok(sameIntent(spec("Unknown" as OpsRequestType, { a: 1 }), spec("Unknown" as OpsRequestType, { a: 2 })));
        assert.ok(sameIntent({ databaseRef: { name: "mssql" }, a: 1 } as never, { databaseRef: { name: "mssql" }, a: 2 } as never));
    });
});

describe("request types: preflight, what KubeDB would refuse or could not do", () => {
    const forbidden = () => Promise.reject(Object.assign(new Error("forbidden"), { code: 403 }));
    /** A cluster with these StorageClasses and catalog; `null` = not readable (no RBAC). */
    const cluster = (classes: KubeObject[] | null, catalog: KubeObject[] | null = []) =>
        ({
            getClusterObject: (_ref: unknown, name: string) => (classes ? Promise.resolve(classes.find((c) => c.metadata.name === name)) : forbidden()),
            listClusterObjects: (ref: { plural: string }) =>
                (ref.plural === "storageclasses" ? classes : catalog) ? Promise.resolve(ref.plural === "storageclasses" ? classes : catalog) : forbidden(),
        }) as unknown as KubeApi;
    const storageClass = (name: string, allowVolumeExpansion?: boolean, isDefault = false) => ({
        metadata: { name, ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
        ...(allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion }),
    });
    const T = DAY_TWO_REQUEST_TYPES;
    const change = <V>(value: V) => ({ section: {} as never, reason: "", value });

    it("storage.size: refuses a shrink and a class that does not allow expansion; a growth on a class that does, or an unknown one, is fine", async () => {
        const expandable = cluster([storageClass("fast", true), storageClass("standard", false, true), storageClass("plain")]);
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: expandable, live: { storageSize: "10Gi", storageClass: "fast" } }, change("20Gi")), []);
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: expandable, live: { storageSize: "10Gi", storageClass: "fast" } }, change("10240Mi")), []);
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: expandable, live: { storageSize: "20Gi", storageClass: "fast" } }, change("10Gi")), [
            "storage.size: the database's volumes have 20Gi; 10Gi would shrink them, which no request can do",
        ]);
        assert.deepEqual(
            await T.VolumeExpansion.preflight!({ api: expandable, live: { storageClass: "fast" } }, change("10Gi")),
            [],
            "no size known: no shrink",
        );
        const advice =
            "does not allow volume expansion (allowVolumeExpansion is not true); ask the cluster's administrator to allow it, or migrate to a class that does (storage.storageClass) before expanding";
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: expandable, live: { storageSize: "10Gi", storageClass: "plain" } }, change("20Gi")), [
            `storage.size: StorageClass plain ${advice}`,
        ]);
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: expandable, live: { storageSize: "10Gi" } }, change("20Gi")), [
            `storage.size: StorageClass standard (the cluster's default) ${advice}`,
        ]);
        assert.deepEqual(await T.VolumeExpansion.preflight!({ api: cluster(null), live: { storageSize: "10Gi", storageClass: "fast" } }, change("20Gi")), []);
    });

    it("storage.storageClass: refuses a class that does not exist, and leaves an unreadable one to KubeDB", async () => {
        assert.deepEqual(await T.StorageMigration.preflight!({ api: cluster([storageClass("fast", true)]), live: {} }, change("fast")), []);
        assert.deepEqual(await T.StorageMigration.preflight!({ api: cluster([storageClass("fast", true)]), live: {} }, change("slow")), [
            "storage.storageClass: StorageClass slow does not exist (`kubectl get storageclasses`)",
        ]);
        assert.deepEqual(await T.StorageMigration.preflight!({ api: cluster(null), live: {} }, change("slow")), []);
    });

    it("version: refuses what the cluster's catalog does not admit, and leaves an unreadable catalog to KubeDB", async () => {
        const version = (name: string, v: string) => ({ metadata: { name }, spec: { version: v } });
        const catalog = [version("2022-cu16", "2022-cu16"), version("2022-cu19", "2022-cu19")];
        assert.deepEqual(await T.UpdateVersion.preflight!({ api: cluster([], catalog), live: { version: "2022-cu16" } }, change("2022-cu19")), []);
        assert.deepEqual(await T.UpdateVersion.preflight!({ api: cluster([], catalog), live: { version: "2022-cu19" } }, change("2022-cu16")), [
            "version: 2022-cu16 is older than 2022-cu19, and KubeDB does not downgrade; no version is an allowed target from 2022-cu19",
        ]);
        assert.match(
            (await T.UpdateVersion.preflight!({ api: cluster([], catalog), live: {} }, change("2022-cu19")))[0],
            /^version: the database runs , which/,
        );
        assert.deepEqual(await T.UpdateVersion.preflight!({ api: cluster([], null), live: { version: "2022-cu19" } }, change("2022-cu16")), []);
    });
});
