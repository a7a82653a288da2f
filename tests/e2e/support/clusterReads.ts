/**
 * What the e2e stories read back from the cluster, as an admin: the database, its ops requests in
 * the order they were made, and a Secret's data decoded.
 */
import type * as k8sClient from "@kubernetes/client-node";
import { clientNode } from "./controlPlane";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON

export const OPS = { group: "ops.kubedb.com", version: "v1alpha1", plural: "mssqlserveropsrequests" };
export const MSSQL = { group: "kubedb.com", version: "v1alpha2", plural: "mssqlservers" };

export interface ClusterReads {
    custom: k8sClient.CustomObjectsApi;
    core: k8sClient.CoreV1Api;
    /** The namespace's ops requests, oldest first. */
    requests(namespace: string): Promise<Obj[]>;
    database(namespace: string, name: string): Promise<Obj>;
    secretData(namespace: string, name: string): Promise<Record<string, string>>;
    /** Every object of the namespace a replacement or deletion would change: kind/name → uid. */
    objectUids(namespace: string, database: string): Promise<Record<string, string>>;
}

export function clusterReads(kubeconfig: string): ClusterReads {
    const k8s = clientNode();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    return {
        custom,
        core,
        requests: async (namespace) =>
            ((await custom.listNamespacedCustomObject({ ...OPS, namespace })) as Obj).items.sort(
                (a: Obj, b: Obj) =>
                    Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name),
            ),
        database: async (namespace, name) => (await custom.getNamespacedCustomObject({ ...MSSQL, namespace, name })) as Obj,
        secretData: async (namespace, name) => {
            const secret = await core.readNamespacedSecret({ namespace, name });
            return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
        },
        objectUids: async (namespace, database) => {
            const out: Record<string, string> = {};
            out[`namespace/${namespace}`] = (await core.readNamespace({ name: namespace })).metadata!.uid!;
            for (const s of (await core.listNamespacedSecret({ namespace })).items) out[`secret/${s.metadata!.name}`] = s.metadata!.uid!;
            for (const c of (await core.listNamespacedConfigMap({ namespace })).items) out[`configmap/${c.metadata!.name}`] = c.metadata!.uid!;
            out[`mssqlserver/${database}`] = ((await custom.getNamespacedCustomObject({ ...MSSQL, namespace, name: database })) as Obj).metadata.uid;
            for (const plural of ["issuers", "certificates"]) {
                for (const o of ((await custom.listNamespacedCustomObject({ group: "cert-manager.io", version: "v1", plural, namespace })) as Obj).items) {
                    out[`${plural}/${o.metadata.name}`] = o.metadata.uid;
                }
            }
            return out;
        },
    };
}
