// Bundles the staff web's BPMN front-end at install time (make install): node frontend/build.mjs
//
//   frontend/designer/index.js → admin/static/build/designer.js + designer.css (the modeler)
//   frontend/viewer/index.js   → admin/static/build/viewer.js + viewer.css     (the case diagram)
//   frontend/compare/index.js  → admin/static/build/compare.js + compare.css   (two versions side by side)
//   frontend/dmn/index.js      → admin/static/build/dmn.js + dmn.css           (decision tables; the
//                                designer loads it only when a .dmn file is opened)
//
// bpmn-js and its extensions are ES modules; the browser gets one minified file each, served by
// the staff blueprint's static route (no CDN, no eval: the staff pages' CSP forbids it).
// bpmnlint's rules are compiled in here: a `.bpmnlintrc` import becomes a module that imports
// every enabled rule, because the browser can neither `require` rule files nor eval them.
// `--dev` keeps the output readable and adds source maps; `--analyze` lists what weighs what.
import { createRequire } from 'node:module';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const compileConfig = require('bpmnlint/lib/support/compile-config');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'admin', 'static', 'build');
const dev = process.argv.includes('--dev');

/** `import config from './.bpmnlintrc'`: the config with its rules bundled (bpmn-js-bpmnlint's format). */
const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /\.bpmnlintrc$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path),
      namespace: 'bpmnlint-config',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, async (args) => {
      const config = JSON.parse(await readFile(args.path, 'utf8'));
      return {
        contents: await compileConfig(config),
        loader: 'js',
        resolveDir: ROOT, // the generated `import … from 'bpmnlint/rules/…'` resolve from node_modules
        watchFiles: [args.path],
      };
    });
  },
};

/** bpmn-font's Internet Explorer face stays a plain URL nobody fetches (the others are data: URLs). */
const oldFonts = {
  name: 'old-fonts',
  setup(build) {
    build.onResolve({ filter: /\.eot([?#].*)?$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Tree shaking for the properties panel: its one-file dist also holds the Camunda and Zeebe
 * providers and the FEEL editor (with CodeMirror), kept alive only by top-level statements that
 * esbuild must treat as side effects: `ZeebePropertiesProvider.$inject = […]` (moved into the
 * class as `static $inject`) and `const X = factory(…)` (marked pure). Then what the BPMN provider
 * does not use is dropped. A future dist that does not match is bundled whole: bigger, not broken.
 */
const classInjects = {
  name: 'class-injects',
  setup(build) {
    const files = /[\\/]node_modules[\\/](bpmn-js-properties-panel|@bpmn-io[\\/]properties-panel)[\\/]dist[\\/]index\.esm\.js$/;
    build.onLoad({ filter: files }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      for (const [line, name, list] of [...text.matchAll(/^(\w+)\.\$inject = (\[[^\]]*\]);$/gm)]) {
        const head = new RegExp(`^class ${name} \\{$`, 'm');
        if (head.test(text)) {
          text = text.replace(line, '').replace(head, `class ${name} {\n  static $inject = ${list};`);
        }
      }
      // `const BpmnFeelEntry = withVariableContext(…)`, `createContext(…)`, `forwardRef(…)`: made
      // at the top level, used or not; all of them only build a value.
      text = text.replace(/^(const|let|var) ([\w$]+) = (?=[\w$.]+\()/gm, '$1 $2 = /* @__PURE__ */ ');
      text = text.replace(/\((with[A-Z]\w*)\(/g, '(/* @__PURE__ */ $1('); // withVariableContext(withTooltipContainer(…))
      return { contents: text, loader: 'js' };
    });
    // The FEEL editors set up prototypes at the top level: dropped whole when nothing uses them.
    build.onResolve({ filter: /^@bpmn-io\/(feel-editor|feelers-editor)$/ }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'resolved' });
      return found.errors.length ? found : { path: found.path, sideEffects: false };
    });
  },
};

const started = Date.now();
await rm(OUT, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: {
    designer: 'frontend/designer/index.js',
    viewer: 'frontend/viewer/index.js',
    compare: 'frontend/compare/index.js',
    dmn: 'frontend/dmn/index.js',
  },
  outdir: OUT,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  legalComments: dev ? 'inline' : 'eof',
  charset: 'utf8', // Thai strings stay readable in the bundle (and smaller than \u escapes)
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.svg': 'file' }, // bpmn-font's icons
  assetNames: '[name]-[hash]',
  logLevel: 'warning',
  metafile: true,
  plugins: [bpmnlintConfig, oldFonts, classInjects],
});

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, output]) => `${path.basename(file)} ${(output.bytes / 1024).toFixed(0)} KB`);
console.log(`frontend: ${sizes.join(', ')} in ${Date.now() - started} ms → ${path.relative(ROOT, OUT)}/`);

if (process.argv.includes('--analyze')) {
  // What each package adds to each output, biggest first.
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const by = {};
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const found = input.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
      const key = found ? found[1] : path.dirname(input);
      by[key] = (by[key] || 0) + bytesInOutput;
    }
    const top = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(`${path.basename(file)}:\n${top.map(([k, v]) => `  ${(v / 1024).toFixed(0).padStart(5)} KB ${k}`).join('\n')}`);
  }
}
