/**
 * Go durations, rotation intervals and RFC 3339 instants, at their edges.
 */
import { strict as assert } from "assert";
import { checkCertificateDurations, checkGoDuration, checkInterval, checkRfc3339, parseGoDuration, parseRfc3339 } from "../../components/core/durations";
import { problemsFrom } from "../support/problems";

describe("validation: Go durations and RFC 3339 instants", () => {
    it("parses Go durations as cert-manager does", () => {
        assert.equal(parseGoDuration("1h30m"), 5400);
        assert.equal(parseGoDuration("1.5h"), 5400);
        assert.equal(parseGoDuration("2h45m30.5s"), 9930.5);
        assert.equal(parseGoDuration("300000ms"), 300);
        assert.equal(parseGoDuration("3600000000000ns"), 3600);
        for (const bad of ["90d", "1h 30m", "h", "1", "1hh"]) assert.equal(parseGoDuration(bad), undefined, bad);
    });

    it("reads RFC 3339 instants strictly", () => {
        assert.equal(parseRfc3339("2026-01-04T02:00:00Z"), Date.UTC(2026, 0, 4, 2));
        assert.equal(parseRfc3339("2026-01-04t03:00:00+01:00"), Date.UTC(2026, 0, 4, 2));
        assert.equal(parseRfc3339("2026-01-04T02:00:00.5z"), Date.UTC(2026, 0, 4, 2) + 500);
        assert.equal(new Date(parseRfc3339("0099-12-31T23:59:59Z")!).getUTCFullYear(), 99, "a two-digit year is not 19xx");
        for (const bad of ["2026-02-30T00:00:00Z", "2026-01-04 02:00:00Z", "2026-01-04T02:00:00", "next monday"])
            assert.equal(parseRfc3339(bad), undefined, bad);
    });
});

describe("validation edges: durations, intervals and instants", () => {
    it("parses Go durations with a sign, a leading dot and a bare zero; an empty text is none", () => {
        assert.equal(parseGoDuration("-1h"), -3600);
        assert.equal(parseGoDuration("+1h"), 3600);
        assert.equal(parseGoDuration(".5h"), 1800);
        assert.equal(parseGoDuration(".25h"), 900);
        assert.equal(parseGoDuration("0"), 0);
        assert.equal(parseGoDuration("-0"), 0);
        assert.equal(parseGoDuration(""), undefined);
        assert.equal(parseGoDuration("1"), undefined);
        assert.equal(parseGoDuration("1h-5m"), undefined, "a sign only leads");
        assert.equal(parseGoDuration("--1h"), undefined);
    });

    it("a minimum is inclusive and named in its own unit", () => {
        assert.equal(checkGoDuration("1h", 3600), undefined);
        assert.equal(checkGoDuration("59m", 3600), '"59m" is too short; the minimum is "1h"');
        assert.equal(checkGoDuration("4m", 300), '"4m" is too short; the minimum is "5m"');
        assert.equal(checkGoDuration("0s"), '"0s" is too short; the minimum is "1s"');
        assert.equal(checkGoDuration("2562047h"), undefined);
        assert.match(checkGoDuration("2562048h")!, /is too long; a Go duration holds at most "2562047h"/);
    });

    it("a certificate's own renewBefore is held to cert-manager's 5-minute minimum", () => {
        assert.deepEqual(
            problemsFrom((p) => checkCertificateDurations(p, "c", undefined, "4m")),
            ['"c.renewBefore": "4m" is too short; the minimum is "5m"'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkCertificateDurations(p, "c", undefined, "5m")),
            [],
        );
    });

    it("a rotation interval is a whole number and a unit, nothing around it, at least one hour", () => {
        for (const ok of ["1h", "60m", "30d", "2w", "3650d"]) assert.equal(checkInterval(ok), undefined, ok);
        for (const bad of ["x30d", "30dx", "30 d", "1.5d"]) assert.match(checkInterval(bad)!, /is not an interval/, bad);
        assert.match(checkInterval("59m")!, /shorter than one hour/);
    });

    it("an RFC 3339 instant names a real month, day, time and offset; its offset is applied with its sign", () => {
        const utc = Date.UTC(2026, 0, 4, 2, 0, 0);
        assert.equal(parseRfc3339("2026-01-04T02:00:00Z"), utc);
        assert.equal(parseRfc3339("2026-01-04T03:00:00+01:00"), utc);
        assert.equal(parseRfc3339("2026-01-04T01:00:00-01:00"), utc);
        assert.equal(parseRfc3339("2026-01-04T03:30:00+01:30"), utc);
        assert.equal(parseRfc3339("2026-01-04T02:00:00.250Z"), utc + 250);
        assert.equal(parseRfc3339("2026-01-05T01:59:00+23:59"), utc);
        for (const bad of [
            "2026-00-10T00:00:00Z",
            "2026-13-10T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-01-32T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-04T24:00:00Z",
            "2026-01-04T23:60:00Z",
            "2026-01-04T23:59:60Z",
            "2026-01-04T02:00:00+24:00",
            "2026-01-04T02:00:00+00:60",
            "2026-01-04 02:00:00Z",
        ]) {
            assert.equal(parseRfc3339(bad), undefined, bad);
            assert.match(checkRfc3339(bad)!, /is not an RFC 3339 instant with a real date and time/, bad);
        }
    });

    it("February 29 exists in leap years only: every fourth year, not centuries, but every fourth century", () => {
        for (const year of [2024, 2000, 2400]) assert.notEqual(parseRfc3339(`${year}-02-29T00:00:00Z`), undefined, String(year));
        for (const year of [2023, 2100, 1900]) assert.equal(parseRfc3339(`${year}-02-29T00:00:00Z`), undefined, String(year));
        assert.notEqual(parseRfc3339("2023-02-28T00:00:00Z"), undefined);
    });
});
