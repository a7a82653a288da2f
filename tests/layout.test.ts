/**
 * The layout's rules, held by a test rather than by memory: the library never imports the stack
 * config or the program, the request path does not depend on the components that use it, and the
 * tests mirror the source folders.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");

function sourceFiles(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => path.join(dir, f));
}

/** Every relative module a file imports or requires, resolved to a path under the project. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:from|require\(|import\()\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

const relative = (p: string) => path.relative(ROOT, p);

describe("layout", () => {
    it("the library (components/) imports neither the stack config (stack/) nor the program (index.ts)", () => {
        const offending = sourceFiles(COMPONENTS).flatMap((file) =>
            importsOf(file)
                .filter((target) => relative(target).startsWith("stack") || relative(target) === "index")
                .map((target) => `${relative(file)} → ${relative(target)}`),
        );
        assert.deepEqual(offending, []);
    });

    it("the request path (components/ops/) uses no component: the components use it", () => {
        const components = ["credential", "tls"].map((folder) => path.join(COMPONENTS, folder));
        const offending = sourceFiles(path.join(COMPONENTS, "ops")).flatMap((file) =>
            importsOf(file)
                .filter((target) => components.some((folder) => target.startsWith(folder + path.sep)))
                .map((target) => `${relative(file)} → ${relative(target)}`),
        );
        assert.deepEqual(offending, []);
        // From database/ only the pure pieces a request type needs: the catalog's update paths and mssql.conf.
        const database = sourceFiles(path.join(COMPONENTS, "ops"))
            .flatMap(importsOf)
            .filter((target) => target.startsWith(path.join(COMPONENTS, "database") + path.sep))
            .map(relative);
        assert.deepEqual([...new Set(database)].sort(), ["components/database/mssqlConf", "components/database/versionCatalog"]);
    });

    it("tests mirror the source folders", () => {
        const folders = (dir: string) =>
            fs
                .readdirSync(dir, { withFileTypes: true })
                .filter((e) => e.isDirectory())
                .map((e) => e.name);
        const tests = new Set(folders(path.join(ROOT, "tests")));
        const missing = [...folders(COMPONENTS).map((f) => f), "provider", "stack"].filter((folder) => !tests.has(folder));
        assert.deepEqual(missing, [], "every source folder has its tests/<folder>");
        const loose = fs.readdirSync(path.join(ROOT, "tests")).filter((f) => f.endsWith(".test.ts"));
        assert.deepEqual(loose, ["layout.test.ts", "readme.test.ts"], "tests of a module live in its folder; only the project-wide ones at the top");
    });
});
