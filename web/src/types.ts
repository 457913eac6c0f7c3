// The JSON documents of the dashboard's API (src/web/api.ts), as the browser receives them.

export type TrialState = 'queued' | 'running' | 'complete' | 'failed' | 'pruned';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface WorkerSeen {
  id: string;
  heartbeat: number | null;
  alive: boolean;
}

export interface Overview {
  name: string;
  kind: 'config' | 'study';
  direction: 'maximize' | 'minimize';
  status: string;
  created: number;
  space: string | null;
  strategy: string | null;
  estimator: string | null;
  budget: { trials?: number; seconds?: number; wall_seconds?: number } | null;
  counts: Record<TrialState, number>;
  total: number;
  best: number | null;
  cost_seconds: number;
  progress: number | null;
  workers_alive: number;
  workers: WorkerSeen[];
  now: number;
}

export interface TrialRow {
  number: number;
  state: TrialState;
  arch: string;
  choices: Record<string, Json>;
  value: number | null;
  values: number[] | null;
  fidelity: number | null;
  cost: number | null;
  worker: string | null;
  started: number | null;
  finished: number | null;
  error: string | null;
  curve: [number, number][];
}

export interface GraphNode {
  id: string;
  label: string;
  kind: 'input' | 'output' | 'node' | 'op';
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  muted?: boolean;
}

export interface GraphPart {
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface ArchGraph {
  layout: 'cell' | 'dag' | 'column';
  parts: GraphPart[];
}

export interface TrialDetail extends TrialRow {
  params: Record<string, Json>;
  user_attrs: Record<string, Json>;
  seed: number;
  attempts: number;
  graph: ArchGraph;
}

/** An axis of the choices chart: the values a choice takes, or a numeric range (log scale where `log`). */
export interface ChoiceAxis {
  label: string;
  values: Json[];
  range?: [number, number];
  log?: boolean;
}

export interface Detail {
  overview: Overview;
  config: Json;
  choices: ChoiceAxis[];
}

export interface TrialBatch {
  cursor: number;
  trials: TrialRow[];
}

export interface Pareto {
  points: { number: number; values: number[] }[];
  front: number[];
}
