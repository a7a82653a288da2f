/**
 * SaCredential: what it registers with only its required args, and its args refused by name.
 */
import { strict as assert } from "assert";
import { ConfigError } from "../../components/core/problems";
import { ANNOTATION_GENERATION, ANNOTATION_PERIOD } from "../../components/core/names";
import { credentialRotationInputs } from "../../components/credential/credentialRotation";
import { SaCredential, SaCredentialArgs, validateSaCredentialArgs } from "../../components/credential/saCredential";
import { eachArg, refusedKeys, registered, useMocks } from "../support/componentArgs";
import { T, library } from "../support/library";

describe("components as a library: SaCredential", () => {
    it('generates an unscheduled password (period "none"), keyed by generation 0, everything under the component', async () => {
        const run = await library(() => new SaCredential("sa", { database: "mssql", namespace: "db" }));
        const component = run.one(T.credential);
        const password = run.one(T.password);
        assert.deepEqual(password.inputs.keepers, { generation: "0", period: "none" });
        for (const r of [password, run.one(T.bytes), run.one(T.id)]) assert.equal(r.parent, component.urn, r.type);
        const secret = run.one(T.credentialSecret);
        assert.equal(secret.parent, component.urn);
        assert.deepEqual(secret.inputs.annotations, { [ANNOTATION_GENERATION]: "0", [ANNOTATION_PERIOD]: "none" });
        assert.deepEqual(
            [secret.inputs.resumeRetained, secret.inputs.passwordGiven, secret.inputs.kubeconfig],
            [true, false, undefined],
            "resumes by default; the ambient cluster",
        );
    });

    it("takes a given password as it is, generating none", async () => {
        const run = await library(() => new SaCredential("sa", { database: "mssql", namespace: "db", password: "Str0ng!Passw0rd" }));
        assert.deepEqual(run.ofType(T.password), []);
        assert.equal(run.one(T.credentialSecret).inputs.password, "Str0ng!Passw0rd");
        assert.equal(run.one(T.credentialSecret).inputs.passwordGiven, true);
        assert.ok(run.one(T.credentialSecret).secretPaths.includes("password"), "the password is sent as a secret");
    });
});

describe("validation: SaCredential args", () => {
    before(useMocks);

    it("checks a plain SaCredential password without echoing it, before creating anything", () => {
        registered.length = 0;
        const password = " Str0ng!Passw0rd";
        assert.throws(
            () => new SaCredential("bad", { database: "mssql", namespace: "db", password }),
            (e: Error) => e instanceof ConfigError && /"password": starts or ends with white space/.test(e.message) && !e.message.includes(password.trim()),
        );
        assert.throws(
            () => new SaCredential("bad2", { database: "mssql", namespace: "db", periodStart: "yesterday" }),
            /"periodStart": "yesterday" is not an RFC 3339 instant/,
        );
        assert.deepEqual(
            registered.filter((t) => !t.startsWith("kubedb-mssql:")),
            [],
        );
    });
});

eachArg<SaCredentialArgs>(
    "SaCredential",
    "SaCredential args",
    {
        database: "mssql",
        namespace: "db",
        password: "Str0ng!Passw0rd",
        generation: 1,
        periodStart: "2026-01-04T02:00:00Z",
        resumeRetained: false,
    },
    validateSaCredentialArgs,
    [
        ["a database name SQL Server refuses", { database: "1db" }, "database"],
        ["a namespace that is no DNS label", { namespace: "Bad_NS" }, "namespace"],
        ["a negative generation", { generation: -1 }, "generation"],
        ["a period start that is no instant", { periodStart: "monday" }, "periodStart"],
        ["a password against the policy", { password: "password" }, "password"],
        ["a resumeRetained that is no boolean", { resumeRetained: "yes" as unknown as boolean }, "resumeRetained"],
    ],
);

describe('SaCredential and CredentialRotation: "none" is the period of an unscheduled credential', () => {
    it("is accepted, not read as an instant", () => {
        assert.deepEqual(
            refusedKeys(() => validateSaCredentialArgs({ database: "mssql", namespace: "db", periodStart: "none" }), "SaCredential args"),
            [],
        );
        assert.deepEqual(
            refusedKeys(
                () => credentialRotationInputs({ database: "mssql", namespace: "db", secretName: "s", periodStart: "none" }),
                "CredentialRotation args",
            ),
            [],
        );
    });
});
