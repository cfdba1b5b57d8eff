// Checks every dashboard in a folder against Grafana's published schema, the TypeScript types of the
// @grafana/schema package: the dashboard model as a whole (Dashboard), and each panel's options and custom
// field config against its panel plugin's own types (Options, FieldConfig). Grafana fills what a panel leaves
// out with its defaults, so options may be partial; anything present must have the schema's name and type
// (a misspelt option, a wrong enum value or a string where a number belongs is an error).
//
// node check.mjs <dashboards folder> <work folder>
// The work folder receives this folder's package.json and package-lock.json, `npm ci` there when its
// node_modules do not match them, and the generated TypeScript. Exit 0: valid; 1: invalid (errors listed); 2: could not check.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [dashboards, work] = process.argv.slice(2).map((p) => resolve(p));
if (!dashboards || !work) {
  console.error('usage: node check.mjs <dashboards folder> <work folder>');
  process.exit(2);
}

// Dependencies, pinned by the lock file, installed once per lock.
mkdirSync(work, { recursive: true });
const lock = readFileSync(join(here, 'package-lock.json'), 'utf8');
const installed = join(work, 'node_modules', '.fusion-lock.json');
if (!existsSync(installed) || readFileSync(installed, 'utf8') !== lock) {
  copyFileSync(join(here, 'package.json'), join(work, 'package.json'));
  copyFileSync(join(here, 'package-lock.json'), join(work, 'package-lock.json'));
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    console.error(`npm ci in ${work} failed: ${e.message}`);
    process.exit(2);
  }
  writeFileSync(installed, lock);
}
const require = createRequire(join(work, 'package.json'));
const ts = require('typescript');
const schemaVersion = require('@grafana/schema/package.json').version;
const composable = join(work, 'node_modules', '@grafana', 'schema', 'dist', 'types', 'raw', 'composable');

// The published types use TypeScript enums; a dashboard file holds their values. Literal<T> accepts exactly
// those values (`${Enum}`), DeepPartial<T> also lets any property be left to Grafana's defaults.
const prelude = `
type Literal<T> = T extends string ? \`\${T}\` : T extends (infer U)[] ? Literal<U>[] : T extends object ? { [K in keyof T]: Literal<T[K]> } : T;
type DeepPartial<T> = T extends string ? \`\${T}\` : T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
`;

const generated = join(work, 'generated');
rmSync(generated, { recursive: true, force: true });
mkdirSync(generated, { recursive: true });
const files = new Map(); // generated file -> what it checks
const problems = [];

for (const name of readdirSync(dashboards).filter((f) => f.endsWith('.json')).sort()) {
  const model = JSON.parse(readFileSync(join(dashboards, name), 'utf8'));
  const base = name.replace(/\.json$/, '');
  const whole = join(generated, `${base}.ts`);
  writeFileSync(whole, `import type { Dashboard } from '@grafana/schema';\n${prelude}\nexport const dashboard = ${JSON.stringify(model, null, 2)} satisfies Literal<Dashboard>;\n`);
  files.set(whole, `${name} (dashboard model)`);
  const panels = (model.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  for (const panel of panels) {
    if (panel.type === 'row') continue;
    const where = `${name} panel ${panel.id} '${panel.title}' (${panel.type})`;
    const folder = join(composable, String(panel.type), 'panelcfg', 'x');
    const types = existsSync(folder) ? readdirSync(folder).find((f) => f.endsWith('.d.ts')) : undefined;
    if (!types) {
      problems.push(`${where}: @grafana/schema ${schemaVersion} publishes no schema for panel type '${panel.type}'`);
      continue;
    }
    const module = `@grafana/schema/dist/types/raw/composable/${panel.type}/panelcfg/x/${types.replace(/\.d\.ts$/, '')}`;
    const source = readFileSync(join(folder, types), 'utf8');
    const custom = /export interface FieldConfig\b/.test(source) ? 'DeepPartial<plugin.FieldConfig>' : 'Record<string, unknown>';
    const file = join(generated, `${base}.panel-${panel.id}.ts`);
    writeFileSync(file, `import type * as plugin from '${module}';\n${prelude}
export const options = ${JSON.stringify(panel.options ?? {}, null, 2)} satisfies DeepPartial<plugin.Options>;
export const custom = ${JSON.stringify(panel.fieldConfig?.defaults?.custom ?? {}, null, 2)} satisfies ${custom};
`);
    files.set(file, where);
  }
}

const program = ts.createProgram([...files.keys()], {
  strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [],
});
for (const d of ts.getPreEmitDiagnostics(program)) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  if (!d.file) {
    problems.push(message);
    continue;
  }
  const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
  const text = d.file.text.split('\n')[line].trim();
  problems.push(`${files.get(resolve(d.file.fileName)) ?? d.file.fileName}: ${message}\n    at: ${text}`);
}

if (problems.length > 0) {
  console.log(`${problems.length} problem(s) against @grafana/schema ${schemaVersion}:\n`);
  console.log(problems.join('\n\n'));
  process.exit(1);
}
console.log(`${files.size} checks passed against @grafana/schema ${schemaVersion} (dashboards and panel options in ${dashboards})`);
