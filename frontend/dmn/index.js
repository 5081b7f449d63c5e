// Decision tables in the designer (frontend/designer opens a draft's .dmn file here): dmn-js's
// Modeler, decision table first (the DRD and literal expressions come with it), in Thai, cells and
// labels in the served Thai font. A separate bundle (build/dmn.js + dmn.css), loaded by the
// designer page only when a .dmn file is opened: it sets `window.DamrongDmn`.
//
//   const editor = await window.DamrongDmn.edit(container, {lang: 'th', onChange});
//   await editor.open(xml)   // shows the first decision table
//   (await editor.saveXML()).xml
import DmnModeler from 'dmn-js/lib/Modeler';
import { StyleModule } from 'style-mod';

import 'dmn-js/dist/assets/diagram-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression-controls.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn.css';
import './dmn.css';

import { TEXT_RENDERER, fontsReady } from '../common/font.js';
import th from './th.js';

const VIEWS = ['drd', 'decisionTable', 'literalExpression', 'boxedExpression'];

/**
 * The FEEL cell editor (CodeMirror) writes its styles into a <style> element, which the staff
 * CSP refuses without the page's nonce: the first mount on the document makes that element, so
 * mount nothing first with the nonce of the page's own script tag (modeler.html gives it one).
 */
function allowEditorStyles() {
  const tagged = document.querySelector('script[nonce], style[nonce]');
  if (tagged && tagged.nonce) StyleModule.mount(document, [], { nonce: tagged.nonce });
}

/** A translate function for `lang` (English: dmn-js's own text); it remembers what it lacked. */
export function translator(lang) {
  const missing = new Set();
  function translate(template, replacements) {
    let text = template;
    if (lang === 'th') {
      if (Object.prototype.hasOwnProperty.call(th, template)) text = th[template];
      else missing.add(template);
    }
    const values = replacements || {};
    return text.replace(/{([^}]+)}/g, (match, key) => (key in values ? String(values[key]) : match));
  }
  translate.missing = missing;
  return translate;
}

/** A dmn-js Modeler in `container`; `onChange` is called after each edit (not on import). */
export async function edit(container, { lang = 'th', onChange = () => {} } = {}) {
  await fontsReady();
  allowEditorStyles();
  const translate = translator(lang);
  const translateModule = { translate: ['value', translate] };
  const options = { container };
  VIEWS.forEach((view) => {
    options[view] = { additionalModules: [translateModule] };
  });
  options.drd.textRenderer = TEXT_RENDERER;
  const modeler = new DmnModeler(options);
  const watched = new WeakSet();
  let importing = false;

  function watch() {
    const viewer = modeler.getActiveViewer();
    if (!viewer || watched.has(viewer)) return;
    watched.add(viewer);
    viewer.get('eventBus').on('commandStack.changed', () => {
      if (!importing) onChange();
    });
  }
  modeler.on('views.changed', watch);

  return {
    modeler,
    /** Import a DMN text and show its first decision table (else the first view). */
    async open(xml) {
      importing = true;
      try {
        const result = await modeler.importXML(xml);
        const table = modeler.getViews().find((v) => v.type === 'decisionTable');
        if (table) await modeler.open(table);
        watch();
        return result;
      } finally {
        importing = false;
      }
    },
    saveXML: () => modeler.saveXML({ format: true }),
    missingStrings: () => Array.from(translate.missing).sort(),
  };
}

window.DamrongDmn = { edit, translator };
