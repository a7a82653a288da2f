/**
 * How bad input is reported: every problem of a config or of a component's args, together, each
 * naming its key and what is allowed, and never a secret's value.
 */
import { RunError } from "@pulumi/pulumi";

/**
 * Everything wrong with a config or a component's args, reported together, before anything is
 * created. A RunError: the CLI shows its message as a plain program error, without "unhandled
 * exception" and a stack trace, because it is the user's input that is wrong, not the program.
 */
export class ConfigError extends RunError {
    constructor(
        readonly problems: string[],
        context = "configuration",
    ) {
        super(`Invalid ${context} (nothing was created):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Collects problems as `"<key>": <what is wrong>` lines; `throwIfAny` raises one ConfigError. */
export class Problems {
    private readonly list: string[] = [];

    constructor(private readonly context: string = "configuration") {}

    add(key: string, problem: string | undefined): void {
        if (problem !== undefined) this.list.push(`"${key}": ${problem}`);
    }

    get count(): number {
        return this.list.length;
    }

    throwIfAny(): void {
        if (this.list.length > 0) throw new ConfigError(this.list, this.context);
    }
}

/** Shows a user's value in an error without risking a wall of text. Never call this with a password. */
export function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/**
 * A name read from config: `pulumi config set` hands a program `123` or `true` as a number or a
 * boolean, so a name that looks like one arrives as one. Returns its decimal text (the name the
 * user typed); anything else is returned unchanged for the checks to refuse.
 */
export function nameText(value: unknown): unknown {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
    if (typeof value === "boolean") return String(value);
    return value;
}
