/**
 * Assertions shared by the program tests: every emitted object valid against the upstream CRDs
 * and KubeDB's webhook rules, and no secret value anywhere it could leak.
 */
import { strict as assert } from "assert";
import { assertValid, hasSchemaFor } from "./crdSchema";
import { ProgramRun } from "./program";
import { webhookViolations } from "./webhookRules";

/** Validates every Kubernetes object the program sends; returns how many were checked against a CRD. */
export function assertAllObjectsValid(run: ProgramRun): number {
    let checked = 0;
    for (const object of run.kubernetesObjects()) {
        if (hasSchemaFor(object.apiVersion, object.kind)) {
            assertValid(object);
            checked++;
        }
        assert.deepEqual(webhookViolations(object), [], `${object.kind} ${object.metadata?.name} breaks a webhook rule`);
    }
    return checked;
}

function* strings(value: unknown, at = ""): Generator<[string, string]> {
    if (typeof value === "string") yield [at, value];
    else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, at ? `${at}.${k}` : k);
}

/**
 * Fails if `secret` appears in any registration input outside a secret-marked path, in a resource
 * or component name, or in a stack output.
 */
export function assertNeverLeaked(run: ProgramRun, secret: string): void {
    assert.ok(secret.length >= 8, "test secret too short to search for");
    for (const r of run.registrations) {
        assert.ok(!r.name.includes(secret), `secret in the name of ${r.type} ${r.name}`);
        for (const [path, text] of strings(r.inputs)) {
            if (!text.includes(secret)) continue;
            const covered = r.secretPaths.some((p) => p === "" || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
            assert.ok(covered, `secret in a plain input of ${r.type} ${r.name} at ${path}`);
        }
    }
    for (const [path, text] of strings(run.outputs)) assert.ok(!text.includes(secret), `secret in stack output ${path}`);
}
