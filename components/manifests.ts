/**
 * Every Kubernetes object the project sends, as pure builders, gathered from the folder of each
 * concern (the library's public `manifests` namespace). The tests check these exact objects against
 * the upstream CRDs and KubeDB's webhook rules.
 */
export * from "./database/manifests";
export * from "./tls/manifests";
export * from "./credential/manifests";
export * from "./ops/manifests";
