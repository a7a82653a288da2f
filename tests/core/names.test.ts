/**
 * Names: a retry's name, stable JSON and value fingerprints.
 */
import { strict as assert } from "assert";
import { retryRequestName, stableJson, valueFingerprint } from "../../components/core/names";

describe("ops edges: names", () => {
    it("a retry's name stays a DNS label: the end of a full-length base gives way to the suffix", () => {
        const base = `mssql-tls-${"a".repeat(53)}`;
        assert.equal(base.length, 63);
        assert.equal(retryRequestName(base, 1), base);
        assert.equal(retryRequestName(base, 2), `${base.slice(0, 60)}-r2`);
        assert.equal(retryRequestName(base, 12), `${base.slice(0, 59)}-r12`);
        assert.equal(retryRequestName("mssql-restart-0123456789", 3), "mssql-restart-0123456789-r3");
    });

    it("stable JSON sorts keys, drops undefined fields and keeps arrays in order", () => {
        assert.equal(stableJson({ b: 1, a: [2, 1], c: undefined, d: { z: null, y: "x" } }), '{"a":[2,1],"b":1,"d":{"y":"x","z":null}}');
        assert.equal(stableJson([{ b: 1, a: 2 }]), '[{"a":2,"b":1}]');
        assert.equal(valueFingerprint({ b: 1, a: 2 }), valueFingerprint({ a: 2, b: 1 }));
    });

    it("a value's fingerprint does not change between releases (request names already in stacks depend on it)", () => {
        // Computed once and pinned: a new key, algorithm or JSON form would rename every request.
        assert.equal(valueFingerprint({ a: 1, b: [1, "x"] }), "6019ed1bce");
    });
});
