/**
 * The few API-server calls the waiters make, through @kubernetes/client-node (auth plugins, exec
 * credentials, in-cluster config and TLS all come with it).
 *
 * client-node is required at call time, not at load: the stack program and the components that
 * never call the cluster do not pay for loading it.
 */
import type * as k8sClient from "@kubernetes/client-node";

export interface ResourceRef {
    group: string;
    version: string;
    plural: string;
}

export const OPS_REQUESTS: ResourceRef = { group: "ops.kubedb.com", version: "v1alpha1", plural: "mssqlserveropsrequests" };
export const MSSQL_SERVERS: ResourceRef = { group: "kubedb.com", version: "v1alpha2", plural: "mssqlservers" };
export const ISSUERS: ResourceRef = { group: "cert-manager.io", version: "v1", plural: "issuers" };
export const CLUSTER_ISSUERS: ResourceRef = { group: "cert-manager.io", version: "v1", plural: "clusterissuers" };
export const MSSQL_SERVER_VERSIONS: ResourceRef = { group: "catalog.kubedb.com", version: "v1alpha1", plural: "mssqlserverversions" };
export const STORAGE_CLASSES: ResourceRef = { group: "storage.k8s.io", version: "v1", plural: "storageclasses" };

/** A minimal Kubernetes object as the API returns it. */
export interface KubeObject {
    apiVersion?: string;
    kind?: string;
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        resourceVersion?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        creationTimestamp?: string;
    };
    spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each kind has its own spec and status
    status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each kind has its own spec and status
    data?: Record<string, string>;
}

export function clientNode(): typeof k8sClient {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- client-node is loaded at the first call, not when the module is
    return require("@kubernetes/client-node");
}

/** Kubeconfig text (as the Kubernetes provider takes it), or the ambient kubeconfig when absent. */
export function loadKubeConfig(kubeconfig?: string): k8sClient.KubeConfig {
    const kc = new (clientNode().KubeConfig)();
    if (kubeconfig && kubeconfig.trim() !== "") kc.loadFromString(kubeconfig);
    else kc.loadFromDefault();
    return kc;
}

/** HTTP status of an error thrown by client-node (ApiException.code), or undefined. */
export function statusCode(error: unknown): number | undefined {
    const e = error as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } };
    for (const candidate of [e?.code, e?.statusCode, e?.response?.statusCode]) {
        if (typeof candidate === "number") return candidate;
    }
    return undefined;
}

/** The message of a Kubernetes `Status` carried by a client-node error, or the error's own message. */
export function apiErrorMessage(error: unknown): string {
    const e = error as { body?: unknown; message?: string };
    let body = e?.body;
    if (typeof body === "string") {
        try {
            body = JSON.parse(body);
        } catch {
            /* keep text */
        }
    }
    const message = (body as { message?: string } | undefined)?.message;
    return message ?? (typeof e?.body === "string" && e.body ? e.body : (e?.message ?? String(error)));
}

/** An API error for a person: the server's message and the HTTP status. */
export function describeApiError(error: unknown): string {
    const code = statusCode(error);
    return `${apiErrorMessage(error)}${code ? ` (HTTP ${code})` : ""}`;
}

export interface KubeApi {
    getObject(ref: ResourceRef, namespace: string, name: string): Promise<KubeObject | undefined>;
    getClusterObject(ref: ResourceRef, name: string): Promise<KubeObject | undefined>;
    listObjects(
        ref: ResourceRef,
        namespace: string,
        options?: { fieldSelector?: string; labelSelector?: string },
    ): Promise<{ items: KubeObject[]; resourceVersion: string }>;
    listClusterObjects(ref: ResourceRef): Promise<KubeObject[]>;
    createObject(ref: ResourceRef, namespace: string, body: object): Promise<KubeObject>;
    getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
    listSecrets(namespace: string, labelSelector: string): Promise<KubeObject[]>;
    deleteSecret(namespace: string, name: string): Promise<void>;
    /** JSON merge patch of a Secret's `data` (values base64). */
    patchSecretData(namespace: string, name: string, data: Record<string, string>): Promise<void>;
    getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined>;
    /** JSON merge patch of a ConfigMap's `data` (plain text values). */
    patchConfigMapData(namespace: string, name: string, data: Record<string, string>): Promise<void>;
    /** Creates a Secret; a 409 leaves as an error with `code` 409 for the caller to decide. */
    createSecret(namespace: string, body: object): Promise<KubeObject>;
    /** Whether the current identity may do this (a SelfSubjectAccessReview, which every identity may ask). */
    reviewAccess(attributes: { group: string; resource: string; verb: string; namespace?: string; name?: string }): Promise<boolean>;
    /** JSON merge patch of a Secret's annotations (a value of null removes one). */
    patchSecretAnnotations(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void>;
    /** Watch one named object of a collection; resolves to a handle that stops the watch. */
    watchObject(
        ref: ResourceRef,
        namespace: string,
        name: string,
        resourceVersion: string,
        onEvent: (type: string, object: KubeObject) => void,
        onDone: (error: unknown) => void,
    ): Promise<{ abort(): void }>;
}

/** The API calls used by the waiters, bound to one kubeconfig. */
export function kubeApi(kubeconfig?: string): KubeApi {
    const k8s = clientNode();
    const kc = loadKubeConfig(kubeconfig);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const watcher = new k8s.Watch(kc);
    const authorization = kc.makeApiClient(k8s.AuthorizationV1Api);
    // Errors leave as plain Errors that say what was asked and what the server answered, keeping
    // the HTTP status (`code`) and the server's Status (`body`) for the callers' decisions.
    const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
        try {
            return await run();
        } catch (e) {
            throw Object.assign(new Error(`${what}: ${describeApiError(e)}`), { code: statusCode(e), body: (e as { body?: unknown }).body });
        }
    };
    const orUndefinedOn404 = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
        try {
            return await call(what, run);
        } catch (e) {
            if (statusCode(e) === 404) return undefined;
            throw e;
        }
    };
    const collectionPath = (ref: ResourceRef, namespace: string) => `/apis/${ref.group}/${ref.version}/namespaces/${namespace}/${ref.plural}`;
    const asObject = (o: unknown) => o as KubeObject;
    // A list always carries items and a resourceVersion (the API server never leaves them out).
    return {
        getObject: (ref, namespace, name) =>
            orUndefinedOn404(`reading ${ref.plural} ${namespace}/${name}`, async () =>
                asObject(await custom.getNamespacedCustomObject({ ...ref, namespace, name })),
            ),
        getClusterObject: (ref, name) =>
            orUndefinedOn404(`reading ${ref.plural} ${name}`, async () => asObject(await custom.getClusterCustomObject({ ...ref, name }))),
        listObjects: (ref, namespace, options = {}) =>
            call(`listing ${ref.plural} in ${namespace}`, async () => {
                const list = (await custom.listNamespacedCustomObject({ ...ref, namespace, ...options })) as {
                    items: KubeObject[];
                    metadata: { resourceVersion: string };
                };
                return { items: list.items, resourceVersion: list.metadata.resourceVersion };
            }),
        listClusterObjects: (ref) =>
            call(`listing ${ref.plural}`, async () => ((await custom.listClusterCustomObject({ ...ref })) as { items: KubeObject[] }).items),
        createObject: (ref, namespace, body) =>
            call(`creating ${ref.plural} in ${namespace}`, async () => asObject(await custom.createNamespacedCustomObject({ ...ref, namespace, body }))),
        getSecret: (namespace, name) =>
            orUndefinedOn404(`reading Secret ${namespace}/${name}`, async () => asObject(await core.readNamespacedSecret({ namespace, name }))),
        listSecrets: (namespace, labelSelector) =>
            call(`listing Secrets in ${namespace}`, async () => (await core.listNamespacedSecret({ namespace, labelSelector })).items.map(asObject)),
        deleteSecret: async (namespace, name) => {
            await orUndefinedOn404(`deleting Secret ${namespace}/${name}`, () => core.deleteNamespacedSecret({ namespace, name }));
        },
        patchSecretData: async (namespace, name, data) => {
            await call(`patching Secret ${namespace}/${name}`, () =>
                core.patchNamespacedSecret({ namespace, name, body: { data } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch)),
            );
        },
        getConfigMap: (namespace, name) =>
            orUndefinedOn404(`reading ConfigMap ${namespace}/${name}`, async () => asObject(await core.readNamespacedConfigMap({ namespace, name }))),
        patchConfigMapData: async (namespace, name, data) => {
            await call(`patching ConfigMap ${namespace}/${name}`, () =>
                core.patchNamespacedConfigMap({ namespace, name, body: { data } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch)),
            );
        },
        createSecret: (namespace, body) =>
            call(`creating Secret in ${namespace}`, async () => asObject(await core.createNamespacedSecret({ namespace, body: body as k8sClient.V1Secret }))),
        reviewAccess: (attributes) =>
            call(
                `asking whether it may ${attributes.verb} ${attributes.resource}`,
                async () =>
                    (await authorization.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attributes } } })).status?.allowed === true,
            ),
        patchSecretAnnotations: async (namespace, name, annotations) => {
            await call(`patching Secret ${namespace}/${name}`, () =>
                core.patchNamespacedSecret(
                    { namespace, name, body: { metadata: { annotations } } },
                    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
                ),
            );
        },
        watchObject: async (ref, namespace, name, resourceVersion, onEvent, onDone) => {
            const controller = await watcher.watch(
                collectionPath(ref, namespace),
                { resourceVersion, fieldSelector: `metadata.name=${name}`, allowWatchBookmarks: true, timeoutSeconds: 300 },
                (type: string, object: unknown) => onEvent(type, asObject(object)),
                onDone,
            );
            return { abort: () => controller.abort() };
        },
    };
}
