// Tailscale auth keys join machines to the tailnet: they must be short-lived, tagged (so ACLs,
// not a user's identity, decide access) and ephemeral (so a dead pod's node disappears).
import { resourcePolicy } from "../define";

export const tailnetKey = resourcePolicy<{ maxExpirySeconds: number }>({
    name: "tailscale-key-hygiene",
    description: "Tailscale auth keys are ephemeral, tagged, and expire within maxExpirySeconds.",
    remediationSteps: "Set ephemeral: true, tags: [\"tag:<role>\"] and an explicit expiry (seconds) no longer than allowed.",
    configSchema: {
        properties: {
            maxExpirySeconds: { type: "integer", minimum: 1, default: 7_776_000, description: "Longest allowed key lifetime (Tailscale's own maximum is 90 days)." },
        },
    },
    applies: type => type === "tailscale:index/tailnetKey:TailnetKey",
    check: (props, report, { maxExpirySeconds }) => {
        if (props.ephemeral !== true) report("is not ephemeral");
        if (!Array.isArray(props.tags) || props.tags.length === 0) report("has no tags");
        const expiry = props.expiry;
        if (typeof expiry !== "number" || expiry <= 0) report("does not declare an expiry");
        else if (expiry > maxExpirySeconds) report(`expires after ${expiry}s, beyond ${maxExpirySeconds}s`);
    },
});

export const tailscale = [tailnetKey];
