// The process designer (admin/templates/staff/designer/modeler.html): bpmn-js's modeler with the
// properties panel and Damrong's own group, bpmnlint on every change, the server's validation,
// drafts saved as the designer works, a minimap and zoom, in Thai first. The page contract (data
// attributes, URLs, JSON) is in frontend/designer/README.md.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import minimapModule from 'diagram-js-minimap';
import lintModule from 'bpmn-js-bpmnlint';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'diagram-js-minimap/assets/diagram-js-minimap.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import './designer.css';

import lintConfig from './.bpmnlintrc';
import spiffworkflow from './spiffworkflow.json';
import damrongProperties from './damrong-properties.js';
import { Drafts } from './drafts.js';
import { Findings } from './findings.js';
import { translateModule, translator } from './i18n/index.js';
import { TEXT_RENDERER, fontsReady } from '../common/font.js';
import thaiText from '../common/thai-text.js';
import { readableZoom, zoomButtons } from '../common/zoom.js';

const SAVE_DELAY = 2000;
const MIN_ZOOM = 0.8; // a designer edits labels: keep them near their real size

function hook(root, name) {
  return root.querySelector(`[data-designer="${name}"]`);
}

async function getJSON(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** The reference lists, or null (then the Damrong fields are free text). */
async function reference(url) {
  if (!url) return null;
  try {
    return await getJSON(url);
  } catch (error) {
    return null;
  }
}

function time(date, lang) {
  return date.toLocaleTimeString(lang === 'th' ? 'th-TH' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

function isDmn(name) {
  return /\.dmn$/i.test(name || '');
}

let dmnLoading = null;
/** build/dmn.js and dmn.css, added to the page once (same origin: the CSP's 'self'). */
function loadDmn(script, style) {
  if (!dmnLoading) {
    dmnLoading = new Promise((resolve, reject) => {
      if (style) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = style;
        document.head.append(link);
      }
      const tag = document.createElement('script');
      tag.src = script;
      tag.onload = () => (window.DamrongDmn ? resolve(window.DamrongDmn) : reject(new Error('dmn.js')));
      tag.onerror = () => {
        dmnLoading = null;
        reject(new Error(`${script} did not load`));
      };
      document.head.append(tag);
    });
  }
  return dmnLoading;
}

/** Mount the designer on its page element; resolves with its small API (also `root.designer`). */
export async function mount(root) {
  const data = root.dataset;
  const lang = data.lang === 'en' ? 'en' : 'th';
  const translate = translator(lang);
  const statusBox = hook(root, 'status');
  const status = (text, kind) => {
    if (!statusBox) return;
    statusBox.textContent = text;
    statusBox.dataset.state = kind || '';
  };
  status(translate('Loading the draft…'), 'loading');

  let draft;
  let lists;
  try {
    [draft, lists] = await Promise.all([getJSON(data.loadUrl), reference(data.referenceUrl), fontsReady()]);
  } catch (error) {
    status(translate('The draft could not be loaded.'), 'error');
    root.dataset.ready = 'error';
    throw error;
  }
  lists = { ...(lists || {}) };
  // The Form pick list: the library's and live versions' forms, and the draft's own (a form just
  // made in the form builder is picked here before the draft is ever deployed).
  const known = new Set((lists.forms || []).map((item) => (typeof item === 'string' ? item : item.code)));
  const own = Object.keys(draft.forms || {}).filter((name) => !known.has(name)).sort();
  if (own.length) lists.forms = [...(lists.forms || []), ...own];

  const files = { ...(draft.files || {}) };
  const diagrams = Object.keys(files).filter((name) => /\.bpmn$/i.test(name));
  const tables = Object.keys(files).filter((name) => isDmn(name)).sort();
  const preferred = `${draft.process_id}.bpmn`;
  let current = data.file && files[data.file] ? data.file : diagrams.includes(preferred) ? preferred : diagrams[0];

  const canvasBox = hook(root, 'canvas') || root.appendChild(document.createElement('div'));
  const panelBox = hook(root, 'properties');
  const modules = [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    damrongProperties,
    minimapModule,
    lintModule,
    thaiText,
    translateModule(translate),
  ];
  const modeler = new Modeler({
    container: canvasBox,
    textRenderer: TEXT_RENDERER,
    moddleExtensions: { spiffworkflow },
    propertiesPanel: panelBox
      ? { parent: panelBox, layout: { groups: { general: { open: true }, damrong: { open: true } } } }
      : undefined,
    minimap: { open: window.matchMedia('(min-width: 700px)').matches },
    linting: { bpmnlint: lintConfig, active: true },
    designerReference: { lists, lang },
    additionalModules: panelBox ? modules : modules.filter((m) => m !== BpmnPropertiesPanelModule),
  });
  const canvas = modeler.get('canvas');

  const drafts = new Drafts({
    url: data.saveUrl,
    lock: Number(draft.lock ?? data.lock ?? 0),
    delay: Number(data.saveDelay || SAVE_DELAY),
    collect: collectFiles,
    report: (state, detail) => {
      if (state === 'saving') status(translate('Saving…'), 'saving');
      else if (state === 'saved') status(translate('Draft saved at {time}', { time: time(detail.at, lang) }), 'saved');
      else if (state === 'dirty') status(translate('Not saved yet'), 'dirty');
      else if (state === 'failed') status(translate('Could not save the draft: {reason}. Retrying…', detail), 'error');
      else if (state === 'conflict') conflict();
    },
  });

  const findings = new Findings({
    list: hook(root, 'findings'),
    translate,
    modeler: () => modeler,
    currentFile: () => current,
    open: (file) => open(file),
  });

  // Decision tables: dmn-js, a bundle of its own loaded the first time a .dmn file is opened.
  let dmnEditor = null;
  let dmnShown = null; // the .dmn file in the editor now
  const dmnBox = hook(root, 'dmn');

  /** The text on screen of the file open now (the modeler's or the decision table editor's). */
  async function currentText() {
    if (dmnShown && dmnShown === current) return (await dmnEditor.saveXML()).xml;
    if (current && !isDmn(current) && modeler.getDefinitions()) return (await modeler.saveXML({ format: true })).xml;
    return null;
  }

  async function collectFiles() {
    const text = await currentText();
    if (text !== null) files[current] = text;
    return { ...files };
  }

  async function open(file) {
    if (file === current && (isDmn(file) ? dmnShown === file : modeler.getDefinitions())) return;
    const text = await currentText();
    if (text !== null) files[current] = text;
    current = file;
    if (isDmn(file)) await openTable();
    else await importCurrent();
  }

  async function openTable() {
    root.dataset.kind = 'dmn';
    if (fileSelect) fileSelect.value = current;
    status(translate('Opening the decision table…'), 'loading');
    try {
      if (!dmnEditor) {
        const dmn = await loadDmn(data.dmnScript, data.dmnStyle);
        dmnEditor = await dmn.edit(dmnBox, {
          lang,
          onChange: () => {
            if (!importing) drafts.changed();
          },
        });
      }
      importing = true;
      dmnShown = null;
      await dmnEditor.open(files[current]);
      dmnShown = current;
    } catch (error) {
      status(translate('The diagram could not be opened: {message}', { message: error.message }), 'error');
      throw error;
    } finally {
      importing = false;
    }
    status(drafts.dirty ? translate('Not saved yet') : translate('Draft saved'), drafts.dirty ? 'dirty' : 'saved');
  }

  let importing = false;
  async function importCurrent() {
    root.dataset.kind = 'bpmn';
    dmnShown = null;
    canvas.resized(); // the canvas was hidden while a decision table was open
    importing = true;
    try {
      const { warnings } = await modeler.importXML(files[current]);
      root.dataset.warnings = String(warnings.length);
    } catch (error) {
      status(translate('The diagram could not be opened: {message}', { message: error.message }), 'error');
      throw error;
    } finally {
      importing = false;
    }
    fit();
    if (fileSelect) fileSelect.value = current;
  }

  function fit() {
    const start = modeler.get('elementRegistry').find((e) => e.type === 'bpmn:StartEvent');
    const palette = root.querySelector('.djs-palette');
    const left = palette && palette.offsetWidth ? palette.offsetLeft + palette.offsetWidth : 0;
    readableZoom(canvas, { min: MIN_ZOOM, focus: start, left });
  }

  function conflict() {
    status(translate('Someone else changed this draft. Your last changes are not saved: reload to see their version.'), 'conflict');
    const notice = document.createElement('div');
    notice.className = 'designer-conflict';
    notice.setAttribute('role', 'alert');
    const th = document.createElement('p');
    th.lang = 'th';
    th.textContent = 'มีผู้อื่นแก้ไขร่างนี้แล้ว การแก้ไขล่าสุดของคุณยังไม่ได้บันทึก โปรดโหลดใหม่เพื่อดูฉบับล่าสุด';
    const en = document.createElement('p');
    en.lang = 'en';
    en.textContent = 'Someone else changed this draft. Your last changes are not saved: reload to see their version.';
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.className = 'primary';
    reload.textContent = translate('Reload');
    reload.addEventListener('click', () => window.location.reload());
    const download = document.createElement('a');
    download.className = 'button secondary';
    download.textContent = translate('Download my copy');
    download.download = current || 'diagram.bpmn';
    collectFiles().then((all) => {
      download.href = URL.createObjectURL(new Blob([all[current] || ''], { type: 'application/xml' }));
    });
    notice.append(th, en, reload, download);
    root.prepend(notice);
  }

  // Files: a pick list when the draft has more than one file: diagrams, then decision tables
  // (opened with dmn-js when the page has its bundle; otherwise they pass through as sent).
  const fileSelect = hook(root, 'files');
  const editable = data.dmnScript && dmnBox ? tables : [];
  if (fileSelect && diagrams.length + editable.length > 1) {
    for (const name of diagrams) fileSelect.append(new Option(name, name));
    for (const name of editable) fileSelect.append(new Option(`${name} (${translate('decision table')})`, name));
    fileSelect.hidden = false;
    fileSelect.addEventListener('change', () => open(fileSelect.value));
  }

  modeler.on('commandStack.changed', () => {
    if (!importing) drafts.changed();
  });
  modeler.on('linting.completed', ({ issues }) => findings.setLint(issues));
  zoomButtons(
    canvas,
    { zoomIn: hook(root, 'zoom-in'), zoomOut: hook(root, 'zoom-out'), fit: hook(root, 'zoom-fit') },
    fit,
  );
  const validate = hook(root, 'validate');
  if (validate && data.validateUrl) {
    validate.addEventListener('click', async () => {
      validate.disabled = true;
      try {
        await findings.validate(data.validateUrl, await collectFiles(), drafts.lock);
      } finally {
        validate.disabled = false;
      }
    });
  } else if (validate) validate.hidden = true;

  // Leaving with changes the server has not got: save now, and ask the browser to hold on.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && drafts.dirty) drafts.save();
  });
  window.addEventListener('beforeunload', (event) => {
    if (drafts.dirty && !drafts.conflict) event.preventDefault();
  });

  if (!current) {
    status(translate('The draft could not be loaded.'), 'error');
    root.dataset.ready = 'error';
    return null;
  }
  if (isDmn(current)) await openTable();
  else await importCurrent();
  status(drafts.url ? translate('Draft saved') : '', 'saved');

  const api = {
    modeler,
    drafts,
    findings,
    open,
    currentFile: () => current,
    files: collectFiles,
    /** dmn-js's editor once a .dmn file was opened ({modeler, open, saveXML, missingStrings}). */
    dmn: () => dmnEditor,
    /** English strings the page showed that th.js has no translation for. */
    missingStrings: () =>
      Array.from(new Set([...translate.missing, ...(dmnEditor ? dmnEditor.missingStrings() : [])])).sort(),
  };
  root.designer = api;
  root.dataset.readyMs = String(Math.round(performance.now())); // since navigation started
  root.dataset.ready = 'true';
  return api;
}

const root = document.getElementById('designer');
if (root) mount(root).catch((error) => console.error('[designer]', error));
