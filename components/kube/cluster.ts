/**
 * One Kubernetes cluster, from one place: the Kubernetes provider that creates the resources and
 * the kubeconfig the request waiters (CredentialRotation, TlsLifecycle) connect with come from the
 * same `KubernetesCluster`, so a waiter can never act on another cluster than the resources it
 * waits for.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readKubeconfig } from "./kubeconfig";
import { Problems } from "../core/problems";

export interface KubernetesClusterArgs {
    /** Kubeconfig text or a file path (kept secret; checked when given as a plain string). Default: the ambient kubeconfig (`KUBECONFIG`, `~/.kube/config`), for both. */
    kubeconfig?: pulumi.Input<string>;
}

export interface KubernetesCluster {
    /** The provider for every Kubernetes resource of the stack (Secrets updated in place). */
    readonly provider: k8s.Provider;
    /** What the request waiters connect with: the provider's own kubeconfig, or undefined for the ambient one. */
    readonly kubeconfig?: pulumi.Output<string>;
}

/**
 * Makes the provider (logical name `name`, at the top of the stack) and the waiters' connection
 * from one kubeconfig. Secrets are mutable in place so that the connection Secret is never absent.
 */
export function kubernetesCluster(name: string, args: KubernetesClusterArgs = {}, opts?: pulumi.CustomResourceOptions): KubernetesCluster {
    const p = new Problems("kubernetesCluster args");
    // A path, as the Kubernetes provider also takes, is read once, so provider and waiters share the text.
    const given = typeof args.kubeconfig === "string" ? readKubeconfig(p, "kubeconfig", args.kubeconfig) : args.kubeconfig;
    p.throwIfAny();
    const kubeconfig = given === undefined ? undefined : pulumi.secret(given);
    const provider = new k8s.Provider(name, { enableSecretMutable: true, ...(kubeconfig ? { kubeconfig } : {}) }, opts);
    return { provider, kubeconfig };
}

/**
 * The kubeconfig a waiter inside `component` must use. Refuses a Kubernetes provider that reaches
 * the component (through `provider`/`providers` or a parent) other than `cluster`'s: its
 * kubeconfig cannot be read back, so the waiter would silently act on the ambient cluster.
 */
export function waiterKubeconfig(
    component: pulumi.ComponentResource,
    type: string,
    name: string,
    cluster: KubernetesCluster | undefined,
): pulumi.Output<string> | undefined {
    const reaching = component.getProvider("kubernetes::");
    if (reaching !== undefined && reaching !== cluster?.provider) {
        throw new Error(
            `${type} "${name}": a Kubernetes provider reaches it (through \`provider\`/\`providers\` or a parent), ` +
                `but the request waiter inside cannot read that provider's kubeconfig and would act on the ambient cluster instead. ` +
                `Make the provider with \`kubernetesCluster(name, { kubeconfig })\` and pass it as the \`cluster\` arg (and its \`provider\` in opts, if you like), ` +
                `so the resources and the waiter use the same cluster.`,
        );
    }
    if (reaching === undefined && cluster === undefined) {
        // Pulumi's default Kubernetes provider would honour these; the waiter's ambient kubeconfig would not.
        const defaults = new pulumi.Config("kubernetes");
        const set = ["kubeconfig", "context", "cluster"].filter((key) => defaults.get(key) !== undefined);
        if (set.length > 0) {
            throw new Error(
                `${type} "${name}": the stack config sets ${set.map((k) => `kubernetes:${k}`).join(", ")}, which Pulumi's default Kubernetes provider ` +
                    `uses but the request waiter inside does not, so it could act on another cluster than the resources. ` +
                    `Pass \`cluster: kubernetesCluster(name, { kubeconfig })\` (and its \`provider\` to the other components), or remove those keys.`,
            );
        }
    }
    return cluster?.kubeconfig;
}
