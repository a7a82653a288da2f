/**
 * DayTwoChanges args: the documented defaults, and every bad arg refused at once.
 */
import { strict as assert } from "assert";
import { dayTwoInputs } from "../../components/database/dayTwoChanges";

describe("ops edges: DayTwoChanges args", () => {
    const good = { namespace: "db", database: "mssql", version: "2022-cu22" };

    it("fills the documented defaults", () => {
        const inputs = dayTwoInputs(good);
        assert.deepEqual(
            { ...inputs, kubeconfig: undefined },
            {
                namespace: "db",
                database: "mssql",
                topology: "Standalone",
                version: "2022-cu22",
                replicas: 1,
                resources: {},
                storageSize: "10Gi",
                storageClass: "",
                expansionMode: "Online",
                mssqlConf: "",
                restartGeneration: 0,
                stepTimeout: "10m",
                timeoutSeconds: 1800,
                kubeconfig: undefined,
            },
        );
        const ag = dayTwoInputs({ ...good, availabilityGroup: true });
        assert.equal(ag.topology, "AvailabilityGroup");
        assert.equal(ag.replicas, 3);
    });

    it("refuses every bad arg at once, each under its own name, as DayTwoChanges args", () => {
        assert.throws(
            () =>
                dayTwoInputs({
                    namespace: "DB",
                    database: "1db",
                    version: "Latest!",
                    availabilityGroup: "yes" as never,
                    replicas: 2,
                    resources: { limits: { memory: "1Gi" } },
                    storage: { size: "1Mi", storageClass: "Fast_SSD", expansionMode: "Sometimes" as never },
                    mssqlConf: "limit = 1",
                    restartGeneration: -1,
                    stepTimeout: "30s",
                    timeoutMinutes: 0,
                }),
            (error: Error) => {
                assert.match(error.message, /^Invalid DayTwoChanges args \(nothing was created\):/);
                const keys = (error as unknown as { problems: string[] }).problems.map((p) => p.slice(1, p.indexOf('"', 1)));
                assert.deepEqual(keys, [
                    "database",
                    "namespace",
                    "availabilityGroup",
                    "version",
                    "resources.limits.memory",
                    "storage.size",
                    "storage.storageClass",
                    "storage.expansionMode",
                    "mssqlConf",
                    "restartGeneration",
                    "stepTimeout",
                    "timeoutMinutes",
                ]);
                return true;
            },
        );
        assert.throws(() => dayTwoInputs({ ...good, replicas: 2 }), /"replicas": is 2, but a Standalone server has exactly 1 replica/);
        assert.throws(() => dayTwoInputs({ ...good, availabilityGroup: true, replicas: 10 }), /"replicas": 10 is not allowed; use a whole number from 1 to 9/);
    });
});
