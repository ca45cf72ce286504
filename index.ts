/**
 * agent-estate: read this stack's configuration, validate it (every problem at once, before any
 * resource is declared), build the cell, and export what a user asks `pulumi stack output` for.
 * The one stack with `agent-estate:delivery` builds the delivery program instead (deployment
 * settings and repositories for the cell stacks; the README's "Delivery" section).
 */
import { Cell } from "./components/cell";
import { serviceHost } from "./components/naming";
import { DeliveryStack } from "./components/delivery/delivery-stack";
import { isDeliveryStack, parseDeliveryConfig } from "./config/delivery";
import { readStackConfig } from "./config/load";
import { parseCellConfig } from "./config/parse";

export = async () => {
    const raw = readStackConfig();
    // A stack with `agent-estate:delivery` is the delivery stack: deployment settings and repositories, no cell.
    if (isDeliveryStack(raw)) {
        const delivery = new DeliveryStack(raw.stack, { config: parseDeliveryConfig(raw) });
        return {
            deployedStacks: Object.keys(delivery.deployments),
            repositories: Object.keys(delivery.repositories),
            agentPoolTokens: Object.fromEntries(Object.entries(delivery.agentPools).map(([pool, p]) => [pool, p.tokenValue])),
        };
    }
    const config = parseCellConfig(raw);
    const cell = new Cell(config.cell.name, { config });
    return {
        cell: config.cell.name,
        environment: config.cell.environment,
        namespaces: Object.keys(cell.namespaces),
        // Each workload's in-cluster address.
        workloads: Object.fromEntries(Object.entries(cell.workloads).map(([w, wl]) => [w, `http://${serviceHost(w, wl.namespace)}:${wl.port}`])),
        vips: Object.values(cell.vips).flatMap((v) => v.endpoints),
        // Where the cell's credentials live and who gets them; names only, never a value.
        vault: cell.vault && { kvMount: cell.vault.kvMount, kubernetesAuthPath: cell.vault.authPath, policies: Object.keys(cell.vault.policies).sort() },
        externalSecrets: Object.keys(cell.externalSecrets?.externalSecrets ?? {}).sort(),
        tailnetNodes: Object.keys(cell.tailnetKeys?.tailnetKeys ?? {}).sort(),
        // Add-ons, storage and the database: what is installed and where to connect; no credential.
        addons: Object.entries(cell.addons).flatMap(([k, v]) => (v === undefined ? [] : [k])),
        otlpEndpoint: cell.addons.otelCollector?.otlpEndpoint,
        storageClass: cell.addons.longhorn?.storageClassName,
        postgres: cell.addons.postgres && { host: cell.addons.postgres.poolerHost, port: cell.addons.postgres.port, loginSecret: `${cell.addons.postgres.namespaceName}/${cell.addons.postgres.appSecretName}` },
    };
};
