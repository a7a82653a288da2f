/**
 * Resuming a database re-created after `pulumi destroy`. With deletionPolicy Halt the data volumes
 * and this project's credential Secrets stay, and the data keeps the `sa` password it had; KubeDB
 * resumes such a database when it is created again with that credential. Which retained Secret it
 * is: the only one, or the one this project last saw the database reference (annotation
 * {@link ANNOTATION_REFERENCED_AT}, written whenever the rotation ledger reads the database). Several
 * without a way to tell them apart are refused: guessing could lock the data out.
 */
import { KubeApi, KubeObject, MSSQL_SERVERS } from "../kube/client";
import { ANNOTATION_REFERENCED_AT, isOwn, selectorFor } from "../core/names";

export interface RetainedSecret {
    name: string;
    /** {@link ANNOTATION_REFERENCED_AT}, when this project wrote it. */
    referencedAt?: string;
    /** When the Secret was created (RFC 3339). */
    createdAt?: string;
}

export type RetainedChoice = { kind: "none"; why: string } | { kind: "resume"; secret: string; why: string } | { kind: "ambiguous"; secrets: string[] };

/** Which retained credential Secret a database created now must use, if any. Pure. */
export function chooseRetainedCredential(a: { databaseExists: boolean; secrets: RetainedSecret[]; exclude?: string }): RetainedChoice {
    if (a.databaseExists) return { kind: "none", why: "the database exists" };
    const candidates = a.secrets.filter((s) => s.name !== a.exclude);
    if (candidates.length === 0) return { kind: "none", why: "no credential Secret of this database was retained" };
    if (candidates.length === 1) return { kind: "resume", secret: candidates[0].name, why: "the only credential Secret retained" };
    const time = (s: RetainedSecret) => Date.parse(s.referencedAt ?? "");
    const marked = candidates.filter((s) => !Number.isNaN(time(s))).sort((x, y) => time(x) - time(y));
    const latest = marked[marked.length - 1];
    // A Secret made after the last mark may be one a rotation switched to unseen (its read failed).
    const newer = latest && candidates.some((s) => Number.isNaN(time(s)) && Date.parse(s.createdAt ?? "") >= time(latest));
    if (latest && !newer && (marked.length === 1 || time(marked[marked.length - 2]) < time(latest))) {
        return { kind: "resume", secret: latest.name, why: `the credential Secret the database last referenced (at ${latest.referencedAt})` };
    }
    return { kind: "ambiguous", secrets: candidates.map((s) => s.name).sort() };
}

/** Reads what the choice needs: whether the database exists, and this project's credential Secrets of it. */
export async function findRetainedCredential(api: KubeApi, namespace: string, database: string, exclude?: string): Promise<RetainedChoice> {
    const existing = await api.getObject(MSSQL_SERVERS, namespace, database);
    if (existing) return { kind: "none", why: "the database exists" };
    const secrets = (await api.listSecrets(namespace, selectorFor(database, "credential"))).map((s: KubeObject) => ({
        name: s.metadata.name,
        referencedAt: s.metadata.annotations?.[ANNOTATION_REFERENCED_AT],
        createdAt: s.metadata.creationTimestamp,
    }));
    return chooseRetainedCredential({ databaseExists: false, secrets, exclude });
}

/** The refusal of an ambiguous choice: what was found, why it is refused, and how to decide. */
export function ambiguousRetainedCredential(namespace: string, database: string, secrets: string[]): string {
    return (
        `MSSQLServer ${namespace}/${database} does not exist, and ${secrets.length} credential Secrets of it were retained ` +
        `(${secrets.join(", ")}) with no record of which one the database used last; its data knows only one of these passwords, ` +
        "so nothing was created. Keep the one the data knows and delete the others " +
        `(\`kubectl delete secret -n ${namespace} <name>\`), or mark it with \`kubectl annotate secret -n ${namespace} <name> ${ANNOTATION_REFERENCED_AT}=$(date -u +%FT%TZ)\`, ` +
        "then run `pulumi up` again: the database is re-created on that credential"
    );
}

/**
 * Records that the database references `secret` now (best effort: a failure must not fail the
 * request that was read). Only this project's credential Secrets are marked.
 */
export async function markReferenced(api: KubeApi, namespace: string, database: string, secret: string, at = new Date()): Promise<void> {
    try {
        const found = await api.getSecret(namespace, secret);
        if (!isOwn(found, database, "credential")) return;
        await api.patchSecretAnnotations(namespace, secret, { [ANNOTATION_REFERENCED_AT]: at.toISOString() });
    } catch {
        /* the mark only helps a later re-creation choose; the rotation's outcome stands */
    }
}
