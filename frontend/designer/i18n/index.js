// The `translate` service of diagram-js (bpmn-js, the properties panel, the minimap, bpmnlint's
// overlays all call it) for the page's language; English is the libraries' own text.
import th from './th.js';

const TABLES = { th };

/** A translate function for `lang`; it remembers the strings it had no translation for. */
export function translator(lang) {
  const table = TABLES[lang];
  const missing = new Set();

  function translate(template, replacements) {
    let text = template;
    if (table) {
      if (Object.prototype.hasOwnProperty.call(table, template)) {
        text = table[template];
      } else {
        missing.add(template);
      }
    }
    const values = replacements || {};
    return text.replace(/{([^}]+)}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  translate.missing = missing;
  return translate;
}

/** The diagram-js module that puts a translator in place of the default `translate`. */
export function translateModule(translate) {
  return { translate: ['value', translate] };
}
