/**
 * Mocha root hooks: the providers print request progress to stderr (the `pulumi up` console in
 * real runs); in tests that is noise, so lines tagged [kubedb-mssql] are kept out of the report.
 * Tests that check progress use waitForOpsRequest's onProgress, not the console.
 */
const original = console.error;

export const mochaHooks = {
    beforeAll(): void {
        console.error = (...args: unknown[]) => {
            if (typeof args[0] === "string" && args[0].startsWith("[kubedb-mssql] ")) return;
            original(...args);
        };
    },
    afterAll(): void {
        console.error = original;
    },
};
