/**
 * Problems: one ConfigError for every problem, and how values are shown in it.
 */
import { strict as assert } from "assert";
import { ConfigError, Problems, nameText, shown } from "../../components/core/problems";

describe("validation edges: errors and shown values", () => {
    it("one ConfigError lists every problem under its key and says nothing was created", () => {
        const problems = new Problems();
        problems.add("a", "is wrong");
        problems.add("b", undefined);
        problems.add("c", "is also wrong");
        assert.equal(problems.count, 2);
        assert.throws(
            () => problems.throwIfAny(),
            (error: Error) => {
                assert.ok(error instanceof ConfigError);
                assert.equal(error.name, "ConfigError");
                assert.equal(error.message, 'Invalid configuration (nothing was created):\n  - "a": is wrong\n  - "c": is also wrong');
                return true;
            },
        );
        assert.match(new ConfigError(["x"]).message, /^Invalid configuration \(nothing was created\):\n {2}- x$/);
        assert.match(new ConfigError(["x"], "Certificate args").message, /^Invalid Certificate args \(nothing was created\)/);
        assert.doesNotThrow(() => new Problems().throwIfAny());
    });

    it("shows a value as JSON, an absent one as undefined, and cuts a long one at 80 characters", () => {
        assert.equal(shown("10Gi"), '"10Gi"');
        assert.equal(shown(5), "5");
        assert.equal(shown({ a: 1 }), '{"a":1}');
        assert.equal(shown(undefined), "undefined");
        assert.equal(shown("x".repeat(78)), `"${"x".repeat(78)}"`, "80 characters are shown whole");
        const long = shown("x".repeat(79));
        assert.equal(long.length, 80);
        assert.ok(long.endsWith("x..."));
    });

    it("reads a name that config stored as a number or boolean as its text, and leaves anything else for the checks", () => {
        assert.equal(nameText(0), "0");
        assert.equal(nameText(123), "123");
        assert.equal(nameText(true), "true");
        assert.equal(nameText(-1), -1);
        assert.equal(nameText(1.5), 1.5);
        assert.equal(nameText("db"), "db");
    });
});
