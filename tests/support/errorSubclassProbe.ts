/** A captured Error subclass: what the serializer guard in providerHost.test.ts must catch. */
class ProbeError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProbeError";
    }
}

export const probe = { fail: (message: string) => new ProbeError(message) };
