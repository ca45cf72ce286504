/**
 * agent-estate: read this stack's configuration, validate it (every problem at once, before any
 * resource is declared), build the cell, and export what a user asks `pulumi stack output` for.
 */
import { Cell } from "./components/cell";
import { loadCellConfig } from "./config/load";

export = async () => {
    const config = loadCellConfig();
    const cell = new Cell(config.cell.name, { config });
    return {
        cell: config.cell.name,
        environment: config.cell.environment,
        namespaces: Object.keys(cell.namespaces),
    };
};
