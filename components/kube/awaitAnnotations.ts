/**
 * The Kubernetes provider's await annotations, in one place. They suit objects that only ever
 * become ready (certificates, issuers, the database); ops requests, which can fail, are waited on
 * by waitForOpsRequest instead, because `pulumi.com/waitFor` cannot fail fast.
 */
import { ObjectMeta } from "../api/meta";

export const WAIT_FOR = "pulumi.com/waitFor";
export const TIMEOUT_SECONDS = "pulumi.com/timeoutSeconds";

type WithMetadata = { metadata: ObjectMeta };

function annotate<T extends WithMetadata>(object: T, waitFor: string, timeoutMinutes: number): T {
    return {
        ...object,
        metadata: {
            ...object.metadata,
            annotations: { ...object.metadata.annotations, [WAIT_FOR]: waitFor, [TIMEOUT_SECONDS]: String(timeoutMinutes * 60) },
        },
    };
}

/** Wait until `status.conditions[type=<type>].status` is True. */
export function waitForCondition<T extends WithMetadata>(object: T, condition: string, timeoutMinutes: number): T {
    return annotate(object, `condition=${condition}`, timeoutMinutes);
}

/** Wait until `status.phase` has the given value. */
export function waitForPhase<T extends WithMetadata>(object: T, phase: string, timeoutMinutes: number): T {
    return annotate(object, `jsonpath={.status.phase}=${phase}`, timeoutMinutes);
}
