import type { Command } from 'commander';
import { SPACES, createSpace, spaceOptionSpecs } from '../space/registry.js';
import { UsageError } from './errors.js';
import type { Space } from '../space/types.js';
import { printJson, printLine, type CliContext } from './context.js';

/** The contract's description of a space: size, unique size and its choices. */
export function spaceInfo(space: Space): { name: string; description: string; size: number | null; unique: number | null; choices: { label: string; kind: string; values: unknown[] }[] } {
  return {
    name: space.name,
    description: space.description,
    size: space.size(),
    unique: space.uniqueSize(),
    choices: space.leaves().map((leaf) => ({ label: leaf.label, kind: leaf.kind, values: [...leaf.grid()] })),
  };
}

/** `naskit space list` and `naskit space info NAME`. */
export function registerSpace(program: Command, context: CliContext): void {
  const space = program.command('space').description('list the search spaces and describe one');
  space
    .command('list')
    .description('list the search spaces')
    .option('--json', 'print one JSON document')
    .action((options: { json?: boolean }) => {
      const rows = Object.keys(SPACES).map((name) => {
        const s = createSpace(name);
        return { name, description: s.description, size: s.size(), unique: s.uniqueSize() };
      });
      if (options.json) return printJson(context, { spaces: rows });
      for (const row of rows) printLine(context, `${row.name.padEnd(12)} ${row.description}`);
    });
  space
    .command('info')
    .description('describe one space: size, unique architectures, choices')
    .argument('<name>', `space name (${Object.keys(SPACES).join(', ')})`)
    .option('--options <JSON>', 'the space\'s options, e.g. \'{"depth_mult": 0.5}\' for mbconv')
    .option('--json', 'print one JSON document')
    .action((name: string, options: { json?: boolean; options?: string }) => {
      let given: Record<string, unknown> = {};
      if (options.options !== undefined) {
        try {
          given = JSON.parse(options.options) as Record<string, unknown>;
        } catch {
          throw new UsageError(`--options must be a JSON object, got ${JSON.stringify(options.options)}`);
        }
      }
      const s = createSpace(name, given);
      // The space's options: each one's value here (defaults filled in) and what it means.
      const specs = spaceOptionSpecs(name);
      const info = { ...spaceInfo(s), options: Object.fromEntries(Object.entries(specs).map(([k, spec]) => [k, { value: s.options?.[k] ?? spec.default, default: spec.default, doc: spec.doc }])) };
      if (options.json) return printJson(context, info);
      printLine(context, `${info.name}: ${info.description}`);
      printLine(context, `size: ${info.size ?? 'unbounded'}   unique: ${info.unique ?? 'not defined'}`);
      for (const [k, o] of Object.entries(info.options)) printLine(context, `  option ${k} = ${JSON.stringify(o.value)} (default ${JSON.stringify(o.default)}): ${o.doc}`);
      for (const c of info.choices) printLine(context, `  ${c.label} (${c.kind}): ${c.values.map((v) => JSON.stringify(v)).join(' ')}`);
    });
}
