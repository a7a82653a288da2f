/**
 * Each day-2 change and the one request it must send, shared by the in-process provider tests
 * (database/dayTwoProvider.test.ts) and the same provider in Pulumi's host (providerHost.test.ts).
 */
import { DayTwoInputs } from "../../components/database/dayTwoProvider";
import { FakeKubeApi, KubeObject } from "./fakeKubeApi";
import { DB, NS, putStorageClass } from "./fakeKubeDb";

export interface DayTwoChangeCase {
    title: string;
    /** The config change, on top of `before`. */
    change: Partial<DayTwoInputs>;
    /** What differs from the default first deployment (Standalone 2022-cu22, 10Gi, no resources). */
    before?: Partial<DayTwoInputs>;
    /** The cluster beyond the seeded database and catalog. */
    arrange?: () => void;
    /** The request's spec without type, databaseRef, timeout and apply. */
    spec: object;
    readBack: (database: KubeObject) => unknown;
    expected: unknown;
}

/** `fake()`: the test's API server, read when a case is arranged. */
export function dayTwoChangeCases(fake: () => FakeKubeApi): DayTwoChangeCase[] {
    return [
        {
            title: "version: one UpdateVersion",
            change: { version: "2025-cu0" },
            spec: { updateVersion: { targetVersion: "2025-cu0" } },
            readBack: (d) => d.spec.version,
            expected: "2025-cu0",
        },
        {
            title: "replicas of an availability group: one HorizontalScaling",
            before: { topology: "AvailabilityGroup", replicas: 3 },
            change: { replicas: 5 },
            arrange: () => fake().patch(DB, "mssqlservers", NS, "mssql", { spec: { replicas: 3, topology: { mode: "AvailabilityGroup" } } }),
            spec: { horizontalScaling: { replicas: 5 } },
            readBack: (d) => d.spec.replicas,
            expected: 5,
        },
        {
            title: "resources: one VerticalScaling",
            change: { resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8Gi" } } },
            spec: { verticalScaling: { mssqlserver: { resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { memory: "8Gi" } } } } },
            readBack: (d) => d.spec.podTemplate.spec.containers[0].resources.limits.memory,
            expected: "8Gi",
        },
        {
            title: "storage.size: one VolumeExpansion (the class allows it)",
            change: { storageSize: "20Gi", expansionMode: "Offline" },
            arrange: () => putStorageClass(fake(), "standard", true, true),
            spec: { volumeExpansion: { mode: "Offline", mssqlserver: "20Gi" } },
            readBack: (d) => d.spec.storage.resources.requests.storage,
            expected: "20Gi",
        },
        {
            title: "storage.storageClass: one StorageMigration",
            change: { storageClass: "fast" },
            arrange: () => putStorageClass(fake(), "fast", true),
            spec: { migration: { storageClassName: "fast", oldPVReclaimPolicy: "Retain" } },
            readBack: (d) => d.spec.storage.storageClassName,
            expected: "fast",
        },
        {
            title: "mssqlConf: one Reconfigure",
            change: { mssqlConf: "[memory]\nmemorylimitmb = 4096" },
            spec: { configuration: { applyConfig: { "mssql.conf": "[memory]\nmemorylimitmb = 4096" } } },
            readBack: (d) => d.spec.configuration?.inline?.["mssql.conf"],
            expected: "[memory]\nmemorylimitmb = 4096",
        },
        {
            title: "mssqlConf removed: one Reconfigure with removeCustomConfig",
            before: { mssqlConf: "[memory]\nmemorylimitmb = 4096" },
            change: { mssqlConf: "" },
            arrange: () =>
                fake().patch(DB, "mssqlservers", NS, "mssql", { spec: { configuration: { inline: { "mssql.conf": "[memory]\nmemorylimitmb = 4096" } } } }),
            spec: { configuration: { removeCustomConfig: true } },
            readBack: (d) => d.spec.configuration,
            expected: undefined,
        },
        {
            title: "restart.generation: one Restart",
            change: { restartGeneration: 1 },
            spec: { restart: {} },
            readBack: (d) => d.spec.version,
            expected: "2022-cu22",
        },
    ];
}
