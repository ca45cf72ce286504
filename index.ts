/**
 * agent-estate: read this stack's configuration, validate it (every problem at once, before any
 * resource is declared), build the cell, and export what a user asks `pulumi stack output` for.
 * The one stack with `agent-estate:delivery` builds the delivery program instead (deployment
 * settings and repositories for the cell stacks; the README's "Delivery" section).
 */
import { Cell } from "./components/cell";
import { adoptExisting } from "./components/imports";
import { isDeliveryStack, parseDeliveryConfig } from "./config/delivery";
import { readStackConfig } from "./config/load";
import { parseCellConfig } from "./config/parse";

export = async () => {
    const raw = readStackConfig();
    // A stack with `agent-estate:delivery` is the delivery stack: deployment settings and repositories, no cell.
    if (isDeliveryStack(raw)) {
        const config = parseDeliveryConfig(raw);
        adoptExisting(config.imports);
        // Loaded here: a cell never loads the delivery program, nor the GitHub and Pulumi Cloud SDKs it uses.
        const { DeliveryStack } = await import("./components/delivery/delivery-stack");
        const delivery = new DeliveryStack(raw.stack, { config });
        return {
            deployedStacks: Object.keys(delivery.deployments),
            repositories: Object.keys(delivery.repositories),
            agentPoolTokens: Object.fromEntries(Object.entries(delivery.agentPools).map(([pool, p]) => [pool, p.tokenValue])),
        };
    }
    const config = parseCellConfig(raw);
    adoptExisting(config.imports);
    return new Cell(config.cell.name, { config }).stackOutputs();
};
