/** The web dashboard: a read-only HTTP server over a `Store`, its JSON documents, and architecture graphs. */
export { archGraph, type ArchGraph, type GraphEdge, type GraphNode, type GraphPart } from './arch-graph.js';
export { CURSOR_OVERLAP_MS, DashboardApi, type ExperimentOverview, type TrialBatch, type TrialRow } from './api.js';
export { defaultAssetsDir, startDashboard, type Dashboard, type DashboardOptions } from './server.js';
