/**
 * The small part of Kubernetes' object metadata this project writes and reads.
 * (Typed here rather than pulled from a client library so that the object builders stay
 * plain data with no runtime dependency.)
 */
export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
}

/** A status condition as KubeDB and cert-manager report them. */
export interface Condition {
    type: string;
    status: "True" | "False" | "Unknown" | string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
    observedGeneration?: number;
}

/** `kubernetes.io/basic-auth` Secret, the shape KubeDB expects for `sa` credentials. */
export interface BasicAuthSecret {
    apiVersion: "v1";
    kind: "Secret";
    metadata: ObjectMeta;
    type: "kubernetes.io/basic-auth";
    stringData?: { username: string; password: string };
    data?: Record<string, string>;
}
