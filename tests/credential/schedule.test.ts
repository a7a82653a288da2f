/**
 * The rotation schedule: a period that cannot be counted is refused, not thrown as a RangeError.
 */
import { strict as assert } from "assert";
import { ConfigError } from "../../components/core/problems";
import { currentPeriod } from "../../components/credential/schedule";

describe("validation: rotation schedules", () => {
    it("refuses a schedule that cannot be counted instead of throwing a RangeError", () => {
        assert.throws(
            () => currentPeriod("99999999999999999999w", "1970-01-01T00:00:00Z", Date.now()),
            (e: Error) => e instanceof ConfigError && /"rotation.interval": .*too long/.test(e.message),
        );
        assert.throws(
            () => currentPeriod("1w", "2026-02-30T00:00:00Z", Date.now()),
            /"rotation.anchor": "2026-02-30T00:00:00Z" is not an RFC 3339 instant with a real date/,
        );
        assert.deepEqual(currentPeriod("1d", "2026-01-04t02:00:00z", Date.UTC(2026, 0, 10, 12)), {
            start: "2026-01-10T02:00:00.000Z",
            next: "2026-01-11T02:00:00.000Z",
        });
    });
});
