import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");

/** The binaries `npm run e2e` runs, each built (or taken from the cache) by tools/build.sh. */
export const BINARIES = ["pulumi", "pulumi-resource-kubernetes", "pulumi-analyzer-policy-nodejs", "etcd", "kube-apiserver", "kube-controller-manager"] as const;
export type Binary = (typeof BINARIES)[number];

/** Runs tools/build.sh (seconds when its cache is warm) and returns each binary's path and the directories for PATH. */
export function buildTools(): { dirs: string[]; bins: Record<Binary, string> } {
    const out = execFileSync("bash", [path.join(ROOT, "tools", "build.sh")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const dirs = out.split("\n").filter((line) => line.trim() !== "");
    const bins = Object.fromEntries(
        BINARIES.map((name) => {
            const dir = dirs.find((d) => fs.existsSync(path.join(d, name)));
            if (!dir) throw new Error(`tools/build.sh built no ${name} (directories: ${dirs.join(", ")})`);
            return [name, path.join(dir, name)];
        }),
    ) as Record<Binary, string>;
    return { dirs, bins };
}
