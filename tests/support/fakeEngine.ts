/* eslint-disable @typescript-eslint/no-explicit-any -- generated gRPC messages and servers are untyped */
/**
 * The engine's side of `construct`, on 127.0.0.1: the ResourceMonitor a component built in the
 * plugin registers its children with, and the Engine service the plugin logs to. Records every
 * registration (type, name, parent, inputs with secrets marked) and every log line, and answers
 * as a preview does: outputs are the inputs.
 */
const pulumiDir = require("path").dirname(require.resolve("@pulumi/pulumi/package.json")); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] })); // eslint-disable-line @typescript-eslint/no-require-imports -- the generated gRPC modules are untyped CommonJS, resolved as the SDK resolves them
const grpc = fromPulumi("@grpc/grpc-js");
const emptyproto = fromPulumi("google-protobuf/google/protobuf/empty_pb");
/* eslint-disable @typescript-eslint/no-require-imports -- generated gRPC modules */
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const enginerpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineproto = require("@pulumi/pulumi/proto/engine_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Registered {
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    /** As sent: secrets still marked. */
    inputs: Record<string, unknown>;
    urn: string;
    aliases: unknown[];
    provider: string;
}

export interface Logged {
    urn: string;
    message: string;
    ephemeral: boolean;
}

/** Features the engine of the CLI this project tests with supports, as far as construct asks. */
const SUPPORTED = new Set(["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"]);

export class FakeEngine {
    readonly registered: Registered[] = [];
    readonly logged: Logged[] = [];
    readonly outputs = new Map<string, Record<string, unknown>>();

    private constructor(
        private readonly server: any,
        readonly address: string,
    ) {}

    static async start(project: string, stack: string): Promise<FakeEngine> {
        const server = new grpc.Server();
        // eslint-disable-next-line prefer-const -- made once the server is bound; the handlers above read it at call time
        let engine: FakeEngine | undefined;
        const unary = (handler: (req: any) => unknown) => (call: { request: unknown }, callback: (err: unknown, res?: unknown) => void) => {
            try {
                callback(null, handler(call.request));
            } catch (error) {
                callback(error);
            }
        };
        server.addService(resrpc.ResourceMonitorService, {
            supportsFeature: unary((req) => new resproto.SupportsFeatureResponse().setHassupport(SUPPORTED.has(req.getId()))),
            registerResource: unary((req) => {
                const type: string = req.getType();
                const parent: string = req.getParent();
                const parentType = parent ? parent.split("::")[2] : "";
                const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
                const urn = `urn:pulumi:${stack}::${project}::${qualified}::${req.getName()}`;
                const inputs = req.getObject()?.toJavaScript() ?? {};
                engine!.registered.push({
                    type,
                    name: req.getName(),
                    parent,
                    custom: req.getCustom(),
                    inputs,
                    urn,
                    aliases: req.getAliasesList().map((a: any) => a.toObject()),
                    provider: req.getProvider(),
                });
                const res = new resproto.RegisterResourceResponse();
                res.setUrn(urn);
                if (req.getCustom()) res.setId(type.startsWith("pulumi:providers:") ? "provider-id" : `${req.getName()}-id`);
                res.setObject(req.getObject());
                return res;
            }),
            registerResourceOutputs: unary((req) => {
                engine!.outputs.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
                return new emptyproto.Empty();
            }),
            invoke: unary(() => {
                throw new Error("the fake engine has no invokes");
            }),
            registerPackage: unary(() => new resproto.RegisterPackageResponse().setRef("")),
            signalAndWaitForShutdown: unary(() => new emptyproto.Empty()),
        });
        server.addService(enginerpc.EngineService, {
            log: unary((req) => {
                engine!.logged.push({ urn: req.getUrn(), message: req.getMessage(), ephemeral: req.getEphemeral() });
                return new emptyproto.Empty();
            }),
            getRootResource: unary(() =>
                new engineproto.GetRootResourceResponse().setUrn(`urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`),
            ),
            setRootResource: unary(() => new engineproto.SetRootResourceResponse()),
        });
        const port: number = await new Promise((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, p: number) => (err ? reject(err) : resolve(p))),
        );
        engine = new FakeEngine(server, `127.0.0.1:${port}`);
        return engine;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
    }
}
