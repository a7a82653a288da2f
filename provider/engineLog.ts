/**
 * Lines for the user, logged against a resource's URN through the engine's Log service, so that
 * `pulumi up` shows them on that resource's row. The SDK's own `pulumi.log` finds no engine outside
 * `construct` and `call`, so the plugin keeps a client of its own for the address the engine
 * passed it (its first argument).
 */
import { Reporter } from "../components/ops/report";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated gRPC modules have no typed ES exports */
const pulumiDir = require("path").dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineproto = require("@pulumi/pulumi/proto/engine_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface EngineLog {
    reporter(urn: string): Reporter;
    close(): void;
}

/** A log client for the engine at `address`; undefined when there is none (then lines go to stderr). */
export function engineLog(address: string | undefined): EngineLog | undefined {
    if (!address) return undefined;
    const client = new enginerpc.EngineClient(address, grpc.credentials.createInsecure());
    return {
        reporter: (urn) => (line, kind) => {
            const request = new engineproto.LogRequest();
            request.setSeverity(engineproto.LogSeverity.INFO);
            request.setMessage(line);
            request.setUrn(urn);
            // Progress shows on the row while the request runs; notices stay among the diagnostics.
            request.setEphemeral(kind === "progress");
            client.log(request, (error: Error | null) => {
                if (error) console.error(`[kubedb-mssql] ${line}`);
            });
        },
        close: () => client.close(),
    };
}

/** The engine's address among the plugin's arguments (flags such as --logtostderr, -v=N and --tracing X aside). */
export function engineAddress(args: readonly string[]): string | undefined {
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--tracing") i++;
        else if (!args[i].startsWith("-")) rest.push(args[i]);
    }
    return rest[0];
}
