/**
 * How a custom resource of the package talks to the engine through the provider plugin: inputs
 * not known yet at preview, the kubeconfig kept out of outputs, and a failure that keeps the
 * resource ("created but failed to initialize") so that the next `pulumi up` updates it again.
 */

/** Pulumi's placeholder for an input not known yet (a preview), as a dynamic provider receives it. */
export function isUnknown(value: unknown): boolean {
    return value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
}

/** The inputs without the kubeconfig, fit to be stored as outputs. */
export function withoutKubeconfig<I extends { kubeconfig?: string }>(inputs: I): Omit<I, "kubeconfig"> {
    const copy: Partial<I> = { ...inputs };
    delete copy.kubeconfig;
    return copy as Omit<I, "kubeconfig">;
}

/**
 * An error the provider plugin reports as "created but failed to initialize": the resource is
 * kept with `properties` and updated again on the next `pulumi up`.
 */
export function initializationError(message: string, id: string, properties: object): Error {
    return Object.assign(new Error(message), { id, properties: { ...properties }, reasons: [message] });
}
