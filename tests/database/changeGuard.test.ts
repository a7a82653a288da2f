/**
 * The ChangeGuard provider as the engine calls it.
 */
import { strict as assert } from "assert";
import { GuardedConfig, changeGuardProvider, guardedConfig } from "../../components/database/changeGuard";
import { runProgram } from "../support/program";

describe("ops edges: the ChangeGuard provider", () => {
    const olds: GuardedConfig = { name: "mssql", namespace: "db", topology: "Standalone", edition: "Developer" };

    it("check lets a first deployment through, and refuses each identity change under its config key", async () => {
        assert.deepEqual(await changeGuardProvider.check!({}, olds), { inputs: olds, failures: [] });
        const toAg = await changeGuardProvider.check!(olds, { ...olds, topology: "AvailabilityGroup", edition: "Enterprise" });
        assert.deepEqual(
            toAg.failures!.map((f) => f.property),
            ["availabilityGroup", "edition"],
        );
        assert.match(
            toAg.failures![0].reason,
            /^turns a Standalone database into an availability group: KubeDB has no request for that\. To do it deliberately/,
        );
        const toStandalone = await changeGuardProvider.check!({ ...olds, topology: "AvailabilityGroup" }, olds);
        assert.match(toStandalone.failures![0].reason, /^turns a AvailabilityGroup database into a Standalone one:/);
    });

    it("diff sees a change of any guarded field, not a new provider; create and update keep the inputs", async () => {
        assert.equal(
            (await changeGuardProvider.diff!("db/mssql", { ...olds, __provider: "a" } as never, { ...olds, __provider: "b" } as never)).changes,
            false,
        );
        assert.equal((await changeGuardProvider.diff!("db/mssql", olds, { ...olds, edition: "Standard" })).changes, true);
        assert.deepEqual((await changeGuardProvider.diff!("db/mssql", olds, olds)).replaces, []);
        assert.deepEqual(await changeGuardProvider.create!(olds), { id: "db/mssql", outs: olds });
        assert.deepEqual(await changeGuardProvider.update!("db/mssql", olds, { ...olds, edition: "Standard" }), { outs: { ...olds, edition: "Standard" } });
    });

    it("its args are checked first, named as ChangeGuard args; the edition defaults to Developer", () => {
        assert.deepEqual(guardedConfig({ name: "mssql", namespace: "db" }), olds);
        assert.throws(
            () => guardedConfig({ name: "mssql", namespace: "DB" }),
            /^ConfigError: Invalid ChangeGuard args \(nothing was created\):\n {2}- "namespace": "DB" is not a DNS-1123 label/,
        );
    });

    it("its dynamic resource is a child of the component", async () => {
        const run = await runProgram({ config: { acceptEula: true } });
        const guard = run.registrations.find((r) => r.type === "kubedb-mssql:database:ChangeGuard")!;
        const resource = run.registrations.find((r) => r.name === `${guard.name}-config`)!;
        assert.equal(resource.parent, guard.urn);
    });
});
