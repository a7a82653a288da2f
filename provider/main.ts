/**
 * The kubedb-mssql provider plugin's entry point: `pulumi-resource-kubedb-mssql` (provider/bin)
 * starts this compiled file; the engine passes its own address first.
 */
import { main } from "@pulumi/pulumi/provider";
import { engineAddress, engineLog } from "./engineLog";
import { KubedbMssqlProvider } from "./provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside rootDir
const { version } = require("../../package.json") as { version: string };

const args = process.argv.slice(2);
void main(new KubedbMssqlProvider(version, engineLog(engineAddress(args))), args);
