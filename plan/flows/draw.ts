/**
 * Pictures of a cell's flows: Mermaid (for a pull request or the README) and a standalone SVG with a
 * simple layered layout. Workloads are grouped by namespace; names outside the pod network are
 * rounded; blocked flows are red. DNS, which every pod uses, is left out of the picture.
 */
import { Flow, FlowReport } from "./check";

interface Node {
    id: string;
    /** What the node is called in the flow table. */
    key: string;
    label: string;
    /** The namespace, or undefined outside the pod network. */
    namespace?: string;
}

const DRAWN = (f: Flow) => !f.why.every((w) => w === "DNS");

function nodesOf(flows: Flow[]): Map<string, Node> {
    const nodes = new Map<string, Node>();
    const add = (key: string) => {
        if (nodes.has(key)) return;
        const inCluster = /^([a-z0-9-]+)\/(.+)$/.exec(key);
        nodes.set(key, { id: `n${nodes.size}`, key, label: inCluster ? inCluster[2] : key, namespace: inCluster?.[1] });
    };
    for (const f of flows) {
        add(f.from);
        add(f.to);
    }
    return nodes;
}

const edgeLabel = (f: Flow) => `${f.port}/${f.protocol}${f.via === "cluster" ? "" : ` ${f.via}`}`;
const quote = (s: string) => s.replace(/"/g, "#quot;");

/** The flows as a Mermaid flowchart: one subgraph per namespace, blocked edges in red. */
export function flowsMermaid(report: FlowReport, title: string): string {
    const flows = report.flows.filter(DRAWN);
    const nodes = nodesOf(flows);
    const lines = ["flowchart LR", `  %% ${title}: ${flows.length} flows (DNS left out), ${flows.filter((f) => f.status === "blocked").length} blocked`];
    const byNamespace = new Map<string, Node[]>();
    for (const n of nodes.values()) {
        if (n.namespace === undefined) {
            lines.push(`  ${n.id}(["${quote(n.label)}"])`);
            continue;
        }
        byNamespace.set(n.namespace, [...(byNamespace.get(n.namespace) ?? []), n]);
    }
    for (const [ns, list] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  subgraph ns_${ns.replace(/[^a-zA-Z0-9_]/g, "_")}["namespace ${ns}"]`);
        for (const n of list) lines.push(`    ${n.id}["${quote(n.label)}"]`);
        lines.push("  end");
    }
    const red: number[] = [];
    flows.forEach((f, i) => {
        const label = quote(f.status === "allowed" ? edgeLabel(f) : `${edgeLabel(f)} ${f.status.toUpperCase()}`);
        const arrow = f.status === "allowed" ? "-->" : "-.->";
        lines.push(`  ${nodes.get(f.from)!.id} ${arrow}|"${label}"| ${nodes.get(f.to)!.id}`);
        if (f.status !== "allowed") red.push(i);
    });
    if (red.length > 0) lines.push(`  linkStyle ${red.join(",")} stroke:#d00,color:#d00`);
    return `${lines.join("\n")}\n`;
}

const PALETTE = ["#e3f2fd", "#e8f5e9", "#fff3e0", "#f3e5f5", "#e0f7fa", "#fce4ec", "#f1f8e9", "#ede7f6"];
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The flows as an SVG: each node's column is its longest path from a node nothing flows into, so
 * traffic reads left to right; nodes in a column are sorted by namespace, and filled by it.
 */
export function flowsSvg(report: FlowReport, title: string): string {
    const flows = report.flows.filter(DRAWN);
    const nodes = [...nodesOf(flows).values()];
    const layer = new Map<string, number>(nodes.map((n) => [n.key, 0]));
    // Longest path, bounded by the node count so a cycle cannot loop forever.
    for (let round = 0; round < nodes.length; round++) {
        let changed = false;
        for (const f of flows) {
            if (f.from === f.to) continue;
            const next = layer.get(f.from)! + 1;
            if (next > layer.get(f.to)! && next < nodes.length) {
                layer.set(f.to, next);
                changed = true;
            }
        }
        if (!changed) break;
    }
    const columns = new Map<number, Node[]>();
    for (const n of nodes) columns.set(layer.get(n.key)!, [...(columns.get(layer.get(n.key)!) ?? []), n]);
    const namespaces = [...new Set(nodes.flatMap((n) => (n.namespace ? [n.namespace] : [])))].sort();
    const fill = (n: Node) => (n.namespace ? PALETTE[namespaces.indexOf(n.namespace) % PALETTE.length] : "#ffffff");

    const W = 230, H = 44, GAPX = 140, GAPY = 26, TOP = 60, LEFT = 20;
    const pos = new Map<string, { x: number; y: number }>();
    const order = [...columns.keys()].sort((a, b) => a - b);
    let maxRows = 0;
    for (const c of order) {
        const list = columns.get(c)!.sort((a, b) => `${a.namespace ?? "~"} ${a.label}`.localeCompare(`${b.namespace ?? "~"} ${b.label}`));
        maxRows = Math.max(maxRows, list.length);
        list.forEach((n, row) => pos.set(n.key, { x: LEFT + order.indexOf(c) * (W + GAPX), y: TOP + row * (H + GAPY) }));
    }
    const width = LEFT * 2 + order.length * W + Math.max(0, order.length - 1) * GAPX;
    const legendY = TOP + maxRows * (H + GAPY) + 10;
    const height = legendY + 30 + Math.ceil((namespaces.length + 2) / 4) * 22;

    const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
        `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>`,
        `<marker id="arrow-red" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#d00"/></marker></defs>`,
        `<rect width="100%" height="100%" fill="#fafafa"/>`,
        `<text x="${LEFT}" y="28" font-size="16" font-weight="bold">${escape(title)}</text>`,
        `<text x="${LEFT}" y="46" fill="#555">${flows.length} flows (DNS left out), ${flows.filter((f) => f.status === "blocked").length} blocked, ${flows.filter((f) => f.status === "unresolved").length} unresolved</text>`,
    ];
    for (const f of flows) {
        const a = pos.get(f.from)!, b = pos.get(f.to)!;
        const bad = f.status !== "allowed";
        const [x1, y1] = [a.x + W, a.y + H / 2];
        const [x2, y2] = b.x > a.x ? [b.x, b.y + H / 2] : [b.x + W / 2, b.y + (b.y > a.y ? 0 : H)];
        const mid = (x1 + x2) / 2;
        const path = b.x > a.x ? `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` : `M${x1},${y1} C${x1 + 60},${y1} ${x2},${(y1 + y2) / 2} ${x2},${y2}`;
        out.push(`<path d="${path}" fill="none" stroke="${bad ? "#d00" : "#777"}" stroke-width="${bad ? 2 : 1.2}"${bad ? ' stroke-dasharray="6,4"' : ""} marker-end="url(#${bad ? "arrow-red" : "arrow"})"><title>${escape(`${f.from} → ${f.to}:${f.port}/${f.protocol} ${f.status} (${f.why.join(", ")})`)}</title></path>`);
        out.push(`<text x="${x2 - 8}" y="${y2 - 4}" text-anchor="end" font-size="10" fill="${bad ? "#d00" : "#555"}">${escape(edgeLabel(f))}</text>`);
    }
    for (const n of nodes) {
        const p = pos.get(n.key)!;
        const rx = n.namespace ? 4 : H / 2;
        out.push(`<rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="${rx}" fill="${fill(n)}" stroke="#444"/>`);
        out.push(`<text x="${p.x + W / 2}" y="${p.y + (n.namespace ? 18 : 26)}" text-anchor="middle" font-weight="bold">${escape(n.label)}</text>`);
        if (n.namespace) out.push(`<text x="${p.x + W / 2}" y="${p.y + 34}" text-anchor="middle" fill="#555" font-size="10">namespace ${escape(n.namespace)}</text>`);
    }
    const legend = [...namespaces.map((ns) => ({ text: `namespace ${ns}`, fill: PALETTE[namespaces.indexOf(ns) % PALETTE.length] })), { text: "outside the pod network", fill: "#ffffff" }];
    legend.forEach((l, i) => {
        const x = LEFT + (i % 4) * 220, y = legendY + Math.floor(i / 4) * 22;
        out.push(`<rect x="${x}" y="${y}" width="14" height="14" fill="${l.fill}" stroke="#444"/><text x="${x + 20}" y="${y + 11}">${escape(l.text)}</text>`);
    });
    const y = legendY + Math.ceil(legend.length / 4) * 22;
    out.push(`<line x1="${LEFT}" y1="${y + 7}" x2="${LEFT + 30}" y2="${y + 7}" stroke="#d00" stroke-width="2" stroke-dasharray="6,4"/><text x="${LEFT + 36}" y="${y + 11}">blocked or unresolved</text>`);
    out.push("</svg>");
    return `${out.join("\n")}\n`;
}

/** The flow table as a person reads it, then the unused rules. */
export function flowsTable(report: FlowReport): string {
    const rows = report.flows.map((f) => [f.status.toUpperCase(), f.from, `${f.to}:${f.port}/${f.protocol}${f.targetPort !== undefined ? ` (→${f.targetPort})` : ""}`, f.via, f.why.join(", ")]);
    const head = ["STATUS", "FROM", "TO", "VIA", "WHY"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`;
    const lines = [fmt(head), ...rows.map(fmt)];
    for (const f of report.flows) if (f.reason) lines.push(`  ${f.status}: ${f.reason}`);
    lines.push("", `Policy rules no flow uses: ${report.unusedRules.length}`);
    for (const u of report.unusedRules) lines.push(`  ${u.namespace}/${u.policy} ${u.direction}[${u.index}] ${u.rule}`);
    return `${lines.join("\n")}\n`;
}
