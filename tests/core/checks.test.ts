/**
 * The pure checks at their edges: names, labels, numbers and passwords.
 */
import { strict as assert } from "assert";
import { checkDnsLabel, checkDnsName, checkDnsSubdomain, checkInteger, checkIpAddress, checkLabels, checkSaPassword } from "../../components/core/checks";
import { problemsFrom } from "../support/problems";

describe("validation edges: names", () => {
    it("a DNS label has at most 63 characters; a shorter limit is honoured and named", () => {
        assert.equal(checkDnsLabel("a".repeat(63)), undefined);
        assert.match(checkDnsLabel("a".repeat(64))!, /is not a DNS-1123 label: use at most 63 /);
        assert.equal(checkDnsLabel("a".repeat(40), 40), undefined);
        assert.match(checkDnsLabel("a".repeat(41), 40)!, /at most 40 /);
        assert.equal(checkDnsLabel(""), 'must be a non-empty string, got ""');
    });

    it("a DNS subdomain has at most 253 characters, and an empty one is named as empty", () => {
        const label = "a".repeat(63);
        const exactly253 = [label, label, label, "a".repeat(61)].join(".");
        assert.equal(exactly253.length, 253);
        assert.equal(checkDnsSubdomain(exactly253), undefined);
        assert.match(checkDnsSubdomain(exactly253 + "a")!, /is not a DNS-1123 subdomain: .*at most 253 characters/);
        assert.equal(checkDnsSubdomain(""), 'must be a non-empty string, got ""');
        assert.equal(checkDnsSubdomain(7), "must be a non-empty string, got 7");
    });

    it("a certificate DNS name may be upper case or one wildcard label deep; each label has at most 63 characters", () => {
        for (const ok of ["a.example.com", "MSSQL.Example.com", "*.mssql.svc", "a"]) assert.equal(checkDnsName(ok), undefined, ok);
        assert.equal(checkDnsName(`${"a".repeat(63)}.com`), undefined);
        for (const bad of [`${"a".repeat(64)}.com`, "*.*.svc", "bad name", ".svc"]) {
            assert.match(checkDnsName(bad)!, /is not a valid DNS name/, bad);
        }
        assert.equal(checkDnsName(5), "must be a string, got 5");
        assert.equal(checkIpAddress(5), "must be a string, got 5");
    });

    it("labels: an optional DNS-subdomain prefix, a name of at most 63 characters, a value of at most 63 characters", () => {
        const ok = { a: "b", "example.com/app": "x", [`example.com/${"n".repeat(63)}`]: "v".repeat(63), tier: "", "app.kubernetes.io/name": "mssql_1.0" };
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", ok)),
            [],
        );
        const bad: Array<[string, unknown, RegExp]> = [
            ["Example.com/app", "x", /is not a label name/],
            ["/app", "x", /is not a label name/],
            ["n".repeat(64), "x", /is not a label name/],
            ["-app", "x", /is not a label name/],
            ["app", "v".repeat(64), /is not a label value/],
            ["app", "-x", /"-x" is not a label value/],
            ["app", 5, /^5 is not a label value/],
        ];
        for (const [name, value, pattern] of bad) {
            const problems = problemsFrom((p) => checkLabels(p, "labels", { [name]: value }));
            assert.equal(problems.length, 1, `${name}: ${problems}`);
            assert.ok(problems[0].startsWith(`"labels.${name}": `), problems[0]);
            assert.match(problems[0].slice(`"labels.${name}": `.length), pattern);
        }
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", ["a"])),
            ['"labels": must be an object of label names to values, got ["a"]'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", "app=db")),
            ['"labels": must be an object of label names to values, got "app=db"'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", null)),
            ['"labels": must be an object of label names to values, got null'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkLabels(p, "labels", undefined)),
            [],
        );
    });
});

describe("validation edges: numbers and passwords", () => {
    it("a whole-number range includes both ends", () => {
        assert.equal(checkInteger(0, 0, 10), undefined);
        assert.equal(checkInteger(10, 0, 10), undefined);
        assert.match(checkInteger(11, 0, 10)!, /11 is not allowed; use a whole number from 0 to 10/);
        assert.match(checkInteger(-1, 0, 10)!, /use a whole number from 0 to 10/);
    });

    it("a password has 8 to 128 characters, both ends included", () => {
        assert.equal(checkSaPassword("Abcdef1!"), undefined);
        assert.equal(checkSaPassword("Ab1!" + "x".repeat(124)), undefined);
        assert.match(checkSaPassword("Abcde1!")!, /^is too short;/);
        assert.match(checkSaPassword("Ab1!" + "x".repeat(125))!, /^is too long;/);
        assert.equal(checkSaPassword(12345678), "must be a string");
    });

    it("counts the character classes a password uses; exactly three are enough", () => {
        assert.match(checkSaPassword("abcdefgh")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("ABCDEFGH")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("12345678")!, /^uses 1 of the 4 character classes/);
        assert.match(checkSaPassword("!@#$%^&*")!, /^uses 1 of the 4 character classes/);
        for (const three of ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!"]) assert.equal(checkSaPassword(three), undefined, three);
    });

    it("refuses control characters and white space at the ends, without echoing the password", () => {
        for (const password of ["Abcdef1!\u0001x", "Abcdef1!\u007fx", "Abcdef1!\tx"]) {
            assert.equal(checkSaPassword(password), "contains control characters; use printable characters only");
        }
        assert.match(checkSaPassword(" Abcdef1!")!, /^starts or ends with white space/);
        assert.equal(checkSaPassword("Abc def1!"), undefined, "a space inside is fine");
    });
});
