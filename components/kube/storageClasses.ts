/**
 * Reads the cluster-scoped objects a day-2 check looks at. A program without the RBAC to read them
 * is not refused for it: the answer is "unknown", and KubeDB's webhook decides instead.
 */
import { KubeApi, KubeObject, STORAGE_CLASSES, statusCode } from "./client";

/** The object, null when it does not exist, undefined when it cannot be read (403). */
export async function readOrUnknown<T>(read: () => Promise<T | undefined>): Promise<T | null | undefined> {
    try {
        return (await read()) ?? null;
    } catch (error) {
        if (statusCode(error) === 403) return undefined;
        throw error;
    }
}

export type StorageClass = KubeObject & { allowVolumeExpansion?: boolean };

/** The database's StorageClass: the named one, else the cluster's default; undefined when unknown. */
export async function storageClassOf(api: KubeApi, name: string | undefined): Promise<{ object: StorageClass; isDefault: boolean } | undefined> {
    if (name) {
        const object = await readOrUnknown(() => api.getClusterObject(STORAGE_CLASSES, name));
        return object ? { object, isDefault: false } : undefined;
    }
    const all = await readOrUnknown(() => api.listClusterObjects(STORAGE_CLASSES));
    const defaults = (all ?? []).filter(
        (c) => (c.metadata as { annotations?: Record<string, string> }).annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
    );
    return defaults.length === 1 ? { object: defaults[0], isDefault: true } : undefined;
}
