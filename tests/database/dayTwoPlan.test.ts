/**
 * The day-2 planner: the order of its steps, what each step sends and leaves, and what it refuses.
 */
import { strict as assert } from "assert";
import { DAY_TWO_ORDER, DayTwoState, nextDayTwoStep, planDayTwo, refusedDayTwoChanges } from "../../components/database/dayTwoPlan";
import { droppedSettings, mssqlConfSettings } from "../../components/database/mssqlConf";
import { sameResources } from "../../components/core/quantities";

const STATE: DayTwoState = { version: "2022-cu16", replicas: 3, resources: {}, storageSize: "10Gi", storageClass: "", mssqlConf: "", restartGeneration: 0 };
const AG = { topology: "AvailabilityGroup" as const, expansionMode: "Online" as const };

describe("day-2 plan: order and refusals", () => {
    it("plans nothing for the same state, or the same size in other units", () => {
        assert.deepEqual(planDayTwo(STATE, { ...STATE }, AG), []);
        assert.deepEqual(planDayTwo(STATE, { ...STATE, storageSize: "10240Mi" }, AG), []);
    });

    it("runs every change in the documented order, each step planned from the state the last one left", () => {
        const desired: DayTwoState = {
            version: "2025-cu0",
            replicas: 5,
            resources: { limits: { memory: "8Gi" } },
            storageSize: "20Gi",
            storageClass: "fast",
            mssqlConf: "[memory]\nmemorylimitmb = 4096",
            restartGeneration: 1,
        };
        const plan = planDayTwo(STATE, desired, AG);
        assert.deepEqual(
            plan.map((s) => s.type),
            ["VolumeExpansion", "StorageMigration", "UpdateVersion", "HorizontalScaling", "VerticalScaling", "Reconfigure", "Restart"],
        );
        assert.deepEqual(
            plan.map((s) => s.reason),
            [
                "storage.size 10Gi → 20Gi (Online)",
                "storage.storageClass (default) → fast",
                "version 2022-cu16 → 2025-cu0",
                "replicas 3 → 5",
                'resources KubeDB\'s defaults → {"limits":{"memory":"8Gi"}}',
                "mssqlConf set",
                "restart.generation 0 → 1",
            ],
        );
        assert.deepEqual(plan[plan.length - 1].after, desired);
        // Each step changes its own field only.
        assert.deepEqual(plan[2].after, { ...STATE, storageSize: "20Gi", storageClass: "fast", version: "2025-cu0" });
    });

    it("no opinion is no request: resources and storage class left unset", () => {
        assert.equal(nextDayTwoStep({ ...STATE, resources: { limits: { memory: "4Gi" } }, storageClass: "fast" }, STATE, AG), undefined);
    });

    it("compares resources by value", () => {
        assert.ok(sameResources({ limits: { memory: "4Gi" } }, { limits: { memory: "4096Mi" } }));
        assert.ok(!sameResources({ limits: { memory: "4Gi" } }, { limits: { memory: "4Gi", cpu: "1" } }));
    });

    it("mssqlConf: a text that drops a setting removes the custom configuration first; one that keeps every setting is one request", () => {
        const from = { ...STATE, mssqlConf: "[memory]\nmemorylimitmb = 4096\n[SQLAgent]\nEnabled = true" };
        assert.deepEqual(droppedSettings(from.mssqlConf, "[memory]\nmemorylimitmb = 2048"), ["sqlagent.enabled"]);
        assert.deepEqual(droppedSettings(from.mssqlConf, "[sqlagent]\nenabled=false\n[memory]\nmemorylimitmb = 2048"), [], "case and order do not matter");
        const drops = planDayTwo(from, { ...from, mssqlConf: "[memory]\nmemorylimitmb = 2048" }, AG);
        assert.deepEqual(
            drops.map((s) => s.section),
            [{ configuration: { removeCustomConfig: true } }, { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } } }],
        );
        assert.match(drops[0].reason, /mssqlConf drops sqlagent\.enabled/);
        const keeps = planDayTwo(from, { ...from, mssqlConf: "[memory]\nmemorylimitmb = 2048\n[sqlagent]\nenabled = false" }, AG);
        assert.equal(keeps.length, 1);
    });

    it("refuses a removed class and removed resources (a shrink is refused against the live volume)", () => {
        assert.deepEqual(refusedDayTwoChanges(STATE, { ...STATE, storageSize: "20Gi", storageClass: "fast", resources: { limits: { memory: "4Gi" } } }), []);
        assert.deepEqual(
            refusedDayTwoChanges({ ...STATE, storageClass: "fast" }, STATE).map(([k]) => k),
            ["storage.storageClass"],
        );
        assert.deepEqual(
            refusedDayTwoChanges({ ...STATE, resources: { limits: { memory: "4Gi" } } }, STATE).map(([k]) => k),
            ["resources"],
        );
    });
});

describe("ops edges: the day-2 planner", () => {
    const STATE: DayTwoState = { version: "2022-cu16", replicas: 3, resources: {}, storageSize: "10Gi", storageClass: "", mssqlConf: "", restartGeneration: 0 };
    const AG = { topology: "AvailabilityGroup" as const, expansionMode: "Online" as const };

    it("compares resources by value, and text it cannot read as text", () => {
        assert.ok(sameResources({ requests: { cpu: "x" } }, { requests: { cpu: "x" } }));
        assert.ok(!sameResources({ requests: { cpu: "x" } }, { requests: { cpu: "y" } }));
        assert.ok(!sameResources({ requests: { cpu: "1" } }, { requests: { memory: "1" } }));
        assert.ok(!sameResources({}, { limits: { cpu: "1" } }));
    });

    it("every step at once, with an mssql.conf that drops a setting, is eight requests in order", () => {
        const from = { ...STATE, mssqlConf: "[memory]\nmemorylimitmb = 4096\n[sqlagent]\nenabled = true" };
        const desired: DayTwoState = {
            version: "2025-cu0",
            replicas: 5,
            resources: { limits: { memory: "8Gi" } },
            storageSize: "20Gi",
            storageClass: "fast",
            mssqlConf: "[memory]\nmemorylimitmb = 8192",
            restartGeneration: 1,
        };
        const plan = planDayTwo(from, desired, AG);
        assert.equal(plan.length, DAY_TWO_ORDER.length + 1);
        assert.deepEqual(
            plan.map((s) => s.type),
            ["VolumeExpansion", "StorageMigration", "UpdateVersion", "HorizontalScaling", "VerticalScaling", "Reconfigure", "Reconfigure", "Restart"],
        );
        assert.equal(plan[5].reason, "mssqlConf drops sqlagent.enabled: custom configuration removed first, then the new text applied");
        assert.equal(plan[6].reason, "mssqlConf set");
        assert.deepEqual(plan[plan.length - 1].after, desired);
    });

    it("mssqlConf removed goes back to SQL Server's defaults in one request; a text that keeps every setting is 'changed'", () => {
        const from = { ...STATE, mssqlConf: "[memory]\nmemorylimitmb = 4096" };
        const removed = nextDayTwoStep(from, STATE, AG)!;
        assert.deepEqual(removed.section, { configuration: { removeCustomConfig: true } });
        assert.equal(removed.reason, "mssqlConf removed (back to SQL Server's defaults)");
        assert.equal(removed.after.mssqlConf, "");
        assert.deepEqual(planDayTwo(from, STATE, AG).length, 1);
        const changed = nextDayTwoStep(from, { ...from, mssqlConf: "[memory]\nmemorylimitmb = 2048" }, AG)!;
        assert.equal(changed.reason, "mssqlConf changed");
        assert.deepEqual(changed.section, { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 2048" } } });
    });

    it("reads mssql.conf settings as SQL Server does: indented lines, headers alone on their line, comments are not settings", () => {
        assert.deepEqual(
            [...mssqlConfSettings("  [Memory]  \n  MemoryLimitMB = 1\n# old = 2\nx[sqlagent]\nenabled = true")],
            ["memory.memorylimitmb", "memory.enabled"],
        );
        assert.deepEqual([...mssqlConfSettings("[memory] x\nlimit = 1")], [".limit"]);
    });

    it("a field that never settles (replicas NaN) is planned a bounded number of times, not forever", () => {
        const plan = planDayTwo(STATE, { ...STATE, replicas: NaN }, AG);
        assert.equal(plan.length, DAY_TWO_ORDER.length + 1);
        assert.ok(plan.every((s) => s.type === "HorizontalScaling"));
    });

    it("each step carries the request's section and leaves the state with its own field at the desired value", () => {
        const step = nextDayTwoStep(STATE, { ...STATE, version: "2022-cu19", restartGeneration: 1 }, AG)!;
        assert.deepEqual(step, {
            type: "UpdateVersion",
            section: { updateVersion: { targetVersion: "2022-cu19" } },
            reason: "version 2022-cu16 → 2022-cu19",
            after: { ...STATE, version: "2022-cu19" },
        });
    });

    it("no refusal when nothing was removed, and each refusal says what to do instead", () => {
        assert.deepEqual(refusedDayTwoChanges(STATE, STATE), []);
        assert.deepEqual(refusedDayTwoChanges({ ...STATE, storageClass: "fast" }, STATE), [
            ["storage.storageClass", 'was fast and is now unset: no request moves volumes back to "the default class". Name the class to migrate to'],
        ]);
    });
});

describe("ops edges: refusals with resources kept", () => {
    it("resources kept (in any spelling) are no refusal; only their removal is", () => {
        const state: DayTwoState = {
            version: "2022-cu16",
            replicas: 1,
            resources: { limits: { memory: "4Gi" } },
            storageSize: "10Gi",
            storageClass: "fast",
            mssqlConf: "",
            restartGeneration: 0,
        };
        assert.deepEqual(refusedDayTwoChanges(state, state), []);
        assert.deepEqual(refusedDayTwoChanges(state, { ...state, resources: { limits: { memory: "8Gi" } } }), []);
        assert.deepEqual(refusedDayTwoChanges(state, { ...state, resources: {} }), [
            ["resources", "was set and is now removed: no request goes back to KubeDB's defaults. State the requests and limits you want instead"],
        ]);
    });
});
