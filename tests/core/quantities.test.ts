/**
 * Kubernetes quantities: every form parsed exactly, the limits of each check, resources and hugepages.
 */
import { strict as assert } from "assert";
import { checkResourceQuantity, checkResources, checkStorageQuantity, compareQuantities, parseQuantity, quantityText } from "../../components/core/quantities";
import { shown } from "../../components/core/problems";
import { problemsFrom } from "../support/problems";

describe("validation: Kubernetes quantities", () => {
    it("parses every quantity form exactly", () => {
        const bytes = (text: string | number) => {
            const q = parseQuantity(text)!;
            return Number(q.num) / Number(q.den);
        };
        assert.equal(bytes("10Gi"), 10 * 2 ** 30);
        assert.equal(bytes("10737418240"), 10 * 2 ** 30);
        assert.equal(bytes(10737418240), 10 * 2 ** 30);
        assert.equal(bytes("1e10"), 1e10);
        assert.equal(bytes("10E9"), 1e10);
        assert.equal(bytes("2E"), 2e18);
        assert.equal(bytes("1.5k"), 1500);
        assert.equal(bytes("250m"), 0.25);
        assert.equal(bytes("+.5Mi"), 2 ** 19);
        assert.equal(bytes("1e-3"), 0.001);
        for (const bad of ["10GB", "1e", "Gi", "1.2.3", "1 Gi", "ten", "", "0x10"]) assert.equal(parseQuantity(bad), undefined, bad);
        assert.equal(compareQuantities(parseQuantity("0.3")!, parseQuantity("300m")!), 0);
        assert.equal(compareQuantities(parseQuantity("1Gi")!, parseQuantity("1G")!), 1);
    });
});

describe("validation edges: quantities and resources", () => {
    it("reads a quantity from text or a finite number only", () => {
        assert.equal(quantityText("10Gi"), "10Gi");
        assert.equal(quantityText(10737418240), "10737418240");
        assert.equal(quantityText(Infinity), undefined);
        assert.equal(quantityText(NaN), undefined);
        assert.equal(quantityText(true), undefined);
        assert.deepEqual(parseQuantity("-1"), { num: -1n, den: 1n });
        assert.deepEqual(parseQuantity(".5"), { num: 5n, den: 10n });
        assert.deepEqual(parseQuantity("1.5k"), { num: 15000n, den: 10n });
    });

    it("zero is not a quantity SQL Server can use; 2^63-1 is the largest Kubernetes keeps", () => {
        assert.match(checkResourceQuantity("0")!, /"0" is not a positive Kubernetes quantity/);
        assert.equal(checkResourceQuantity("9223372036854775807"), undefined);
        assert.match(checkResourceQuantity("9223372036854775808")!, /larger than a Kubernetes quantity can hold \(2\^63-1\)/);
        assert.match(checkResourceQuantity("lots")!, /e\.g\. "500m", "2", "4Gi" or "4294967296"$/);
        assert.match(checkStorageQuantity("lots")!, /e\.g\. "10Gi", "500G", "1Ti", "10737418240" or "1e10"$/);
    });

    it("a data volume of exactly 1Gi is enough; one byte less is not", () => {
        assert.equal(checkStorageQuantity("1Gi"), undefined);
        assert.equal(checkStorageQuantity(1073741824), undefined);
        assert.match(checkStorageQuantity("1073741823")!, /is too small; SQL Server needs at least "1Gi"/);
    });

    it("names a resources block that is not an object, and a value that is not a quantity, without throwing", () => {
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "resources", "2", undefined)),
            ['"resources.requests": must be an object with fields cpu, memory, ephemeral-storage or hugepages-<size>, got "2"'],
        );
        for (const name of ["memory", "hugepages-2Mi"]) {
            const problems = problemsFrom((p) => checkResources(p, "resources", { cpu: "1" }, { cpu: "1", [name]: "abc" }));
            assert.equal(problems.length, 1, problems.join(" | "));
            assert.match(problems[0], new RegExp(`^"resources\\.limits\\.${name}": "abc" is not a positive Kubernetes quantity`));
        }
    });

    it("hugepages: a real page size, a whole number of pages in any spelling, requested exactly as limited", () => {
        for (const size of ["0", "abc", "1.5"]) {
            const problems = problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", [`hugepages-${size}`]: "1Gi" }));
            assert.deepEqual(problems, [`"r.limits.hugepages-${size}": ${shown(size)} is not a page size; use e.g. hugepages-2Mi or hugepages-1Gi`]);
        }
        const whole = { memory: "4Gi", "hugepages-2Mi": "1.5Gi", "hugepages-2.0Mi": "1Gi" };
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", whole, whole)),
            [],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", "hugepages-2Mi": "3Mi" })),
            ['"r.limits.hugepages-2Mi": "3Mi" is not a whole number of 2Mi pages'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", { memory: "4Gi", "hugepages-2Mi": "1Gi" }, { memory: "4Gi", "hugepages-2Mi": "2Gi" })),
            ['"r.requests.hugepages-2Mi": "1Gi" must equal the limit "2Gi"; Kubernetes does not overcommit hugepages'],
        );
    });

    it("hugepages need cpu or memory beside them; either one is enough", () => {
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { "hugepages-2Mi": "1Gi" })),
            ['"r": requests hugepages without cpu or memory; Kubernetes requires one of them beside hugepages'],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { cpu: "1", "hugepages-2Mi": "1Gi" })),
            [],
        );
        assert.deepEqual(
            problemsFrom((p) => checkResources(p, "r", undefined, { memory: "4Gi", "hugepages-2Mi": "1Gi" })),
            [],
        );
    });
});
