/**
 * The version catalog: the update paths KubeDB's webhook admits, and the ranges of its constraints.
 */
import { strict as assert } from "assert";
import { MSSQLServerVersion } from "../../components/api/kubedb";
import { admittedTargets, checkUpgrade, toSemver, toSemverRange } from "../../components/database/versionCatalog";

describe("day-2 catalog: update paths as KubeDB's webhook admits them", () => {
    const entry = (name: string, allowlist: string[] = [], extra: Partial<MSSQLServerVersion["spec"]> = {}): MSSQLServerVersion => ({
        apiVersion: "catalog.kubedb.com/v1alpha1",
        kind: "MSSQLServerVersion",
        metadata: { name },
        spec: { version: name, updateConstraints: { allowlist }, ...extra },
    });
    const catalog = [
        entry("2022-cu12", [">= 2022-cu12, < 2025-cu1"]),
        entry("2022-cu16", [">= 2022-cu16, < 2025-cu1"]),
        entry("2022-cu19", [">= 2022-cu19, < 2025-cu1"]),
        entry("2022-cu22", [">= 2022-cu22, < 2025-cu1"]),
        entry("2025-cu0", [">= 2025-cu0, < 2025-cu1"]),
    ];

    it("reads KubeDB's versions and ranges as semver", () => {
        assert.equal(toSemver("2022-cu16"), "2022.0.0-cu16");
        assert.equal(toSemver("1.2"), "1.2.0");
        assert.equal(toSemver("latest"), undefined);
        assert.equal(toSemverRange(">= 2022-cu16, < 2025-cu1"), ">=2022.0.0-cu16 <2025.0.0-cu1");
        assert.equal(toSemverRange(">= 1.0 || < 0.5"), ">=1.0.0 || <0.5.0");
        assert.equal(toSemverRange("!= 1.0"), undefined, "Masterminds' != has no counterpart: unreadable, never guessed");
    });

    it("lists the later versions a version's allowlist admits, oldest first", () => {
        assert.deepEqual(admittedTargets(catalog[1], catalog), ["2022-cu19", "2022-cu22", "2025-cu0"]);
        assert.deepEqual(admittedTargets(catalog[4], catalog), []);
    });

    it("admits an allowed target and refuses the rest, listing the allowed ones", () => {
        assert.equal(checkUpgrade("2022-cu16", "2022-cu22", catalog).problem, undefined);
        assert.match(
            checkUpgrade("2022-cu16", "2022-cu12", catalog).problem!,
            /older than 2022-cu16, and KubeDB does not downgrade; allowed targets from 2022-cu16: 2022-cu19, 2022-cu22, 2025-cu0/,
        );
        assert.match(
            checkUpgrade("2022-cu16", "2022-cu99", catalog).problem!,
            /2022-cu99 is not in the cluster's MSSQLServerVersion catalog.*allowed targets from 2022-cu16: 2022-cu19/,
        );
        assert.match(checkUpgrade("2025-cu0", "2022-cu22", catalog).problem!, /does not downgrade; no version is an allowed target from 2025-cu0/);
        assert.match(checkUpgrade("2019-cu1", "2022-cu22", catalog).problem!, /runs 2019-cu1, which the cluster's MSSQLServerVersion catalog does not have/);
    });

    it("refuses a deprecated target and honours the denylist", () => {
        const withDeprecated = [...catalog.slice(0, 2), entry("2022-cu19", [], { deprecated: true }), ...catalog.slice(3)];
        assert.match(checkUpgrade("2022-cu16", "2022-cu19", withDeprecated).problem!, /deprecated/);
        const denying = [entry("2022-cu16", [], { updateConstraints: { denylist: ["2022-cu22"] } }), catalog[3], catalog[4]];
        assert.deepEqual(admittedTargets(denying[0], denying), ["2025-cu0"], "an empty allowlist admits all but the denylist");
        assert.match(checkUpgrade("2022-cu16", "2022-cu22", denying).problem!, /does not support an update from 2022-cu16 to 2022-cu22/);
    });
});

describe("ops edges: the catalog's ranges", () => {
    const entry = (name: string, allowlist: string[] = [], extra: Partial<MSSQLServerVersion["spec"]> = {}, version = name): MSSQLServerVersion => ({
        apiVersion: "catalog.kubedb.com/v1alpha1",
        kind: "MSSQLServerVersion",
        metadata: { name },
        spec: { version, updateConstraints: { allowlist }, ...extra },
    });

    it("reads a range term by term: a bare version is equality, empty terms are skipped, anything unreadable makes the range unreadable", () => {
        assert.equal(toSemver(" 2022-cu16 "), "2022.0.0-cu16");
        assert.equal(toSemverRange("2022-cu16"), "=2022.0.0-cu16");
        assert.equal(toSemverRange(">= 2022-cu16,, < 2025-cu1"), ">=2022.0.0-cu16 <2025.0.0-cu1");
        for (const unreadable of ["", ",", ">= 2022-cu16 2025", ">= 2022-cu16, != 2022-cu19", "2022-cu16 || != 1.0", "2022-cu16 - 2022-cu19"]) {
            assert.equal(toSemverRange(unreadable), undefined, JSON.stringify(unreadable));
        }
    });

    it("an open-ended allowlist admits every later version, across years (prerelease parts included)", () => {
        const catalog = [entry("2022-cu16", [">= 2022-cu16"]), entry("2022-cu19"), entry("2025-cu0")];
        assert.deepEqual(admittedTargets(catalog[0], catalog), ["2022-cu19", "2025-cu0"]);
    });

    it("an allowlist that stops short leaves the later versions out", () => {
        const catalog = [entry("2022-cu16", [">= 2022-cu16, < 2025-cu0"]), entry("2022-cu19"), entry("2025-cu0")];
        assert.deepEqual(admittedTargets(catalog[0], catalog), ["2022-cu19"]);
        assert.match(
            checkUpgrade("2022-cu16", "2025-cu0", catalog).problem!,
            /does not support an update from 2022-cu16 to 2025-cu0.*allowed targets from 2022-cu16: 2022-cu19$/,
        );
    });

    it("without constraints: later versions only, oldest first, ties by name, entries without a version skipped", () => {
        const catalog = [
            entry("2025-cu0"),
            entry("2022-cu22"),
            entry("2022-cu16", []),
            entry("2022-cu12"),
            entry("2022-cu22-ubi", [], {}, "2022-cu22"),
            entry("latest", [], {}, "latest"),
            entry("2022-cu19", [], { deprecated: true }),
        ];
        assert.deepEqual(admittedTargets(catalog[2], catalog), ["2022-cu22", "2022-cu22-ubi", "2025-cu0"]);
    });

    it("names constraints it cannot read instead of guessing, and lists nothing for a version it does not know", () => {
        const catalog = [entry("2022-cu16", ["!= 2022-cu19"]), entry("2022-cu19"), entry("2022-cu22")];
        assert.match(checkUpgrade("2022-cu16", "2022-cu22", catalog).problem!, /^the update constraints of 2022-cu16 cannot be read \(!= 2022-cu19\); /);
        assert.deepEqual(checkUpgrade("2019-cu1", "2022-cu22", catalog).allowed, []);
    });
});
