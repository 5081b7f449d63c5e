// Two versions of a process side by side (admin/templates/staff/designer/process.html,
// #compare-view): the old version's diagram on the left (above, on a phone), the new one on the
// right, read-only, with elements added (green, in the new one), removed (red, in the old one),
// changed (amber, in both) and moved or re-drawn only (blue). Added, removed and changed come
// from the server's comparison (engine/workflow/diff.py), the one the page's tables list, so the
// colours match the rows; layout-only changes and sequence flows come from bpmn-js-differ, which
// compares the two models in the browser. Zoom and scroll move both diagrams together; a click on
// a row of the tables selects and centres its element in both.
//
// <div id="compare-view" data-src="…/compare.json?from=1&to=2" data-error="…" data-missing="…">
//   [data-compare=files] <select>, [data-compare=zoom-in|zoom-out|zoom-fit] buttons,
//   [data-compare=old] and [data-compare=new] canvases.  Rows: [data-compare-element][data-compare-file]
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff } from 'bpmn-js-differ';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './compare.css';

import { TEXT_RENDERER, fontsReady } from '../common/font.js';
import thaiText from '../common/thai-text.js';
import { readableZoom, zoomButtons } from '../common/zoom.js';

const MIN_ZOOM = 0.6;
const SIDES = ['old', 'new'];
const CONTAINERS = /^bpmn:(Participant|Lane|Process|Collaboration)$/;

function hook(root, name) {
  return root.querySelector(`[data-compare="${name}"]`);
}

function viewerIn(box) {
  return new NavigatedViewer({ container: box, textRenderer: TEXT_RENDERER, additionalModules: [thaiText] });
}

/** The marks of one file: {old: {id: kind}, new: {id: kind}}; the server's sets win. */
function marksFor(serverMarks, oldDefinitions, newDefinitions) {
  const marks = { old: {}, new: {} };
  const server = serverMarks || { added: [], removed: [], changed: [] };
  let found = { _added: {}, _removed: {}, _changed: {}, _layoutChanged: {} };
  if (oldDefinitions && newDefinitions) {
    try {
      found = diff(oldDefinitions, newDefinitions);
    } catch (error) {
      console.warn('[compare] bpmn-js-differ:', error);
    }
  }
  const isFlow = (model) => model && /SequenceFlow|MessageFlow/.test(model.$type || '');
  // Flows are not rows of their own on the server (a flow belongs to the element it leaves).
  Object.entries(found._added).forEach(([id, model]) => { if (isFlow(model)) marks.new[id] = 'added'; });
  Object.entries(found._removed).forEach(([id, model]) => { if (isFlow(model)) marks.old[id] = 'removed'; });
  Object.entries(found._changed).forEach(([id, change]) => {
    if (isFlow(change.model)) marks.old[id] = marks.new[id] = 'changed';
  });
  Object.keys(found._layoutChanged).forEach((id) => {
    marks.old[id] = marks.old[id] || 'layout';
    marks.new[id] = marks.new[id] || 'layout';
  });
  server.added.forEach((id) => { marks.new[id] = 'added'; });
  server.removed.forEach((id) => { marks.old[id] = 'removed'; });
  server.changed.forEach((id) => { marks.old[id] = marks.new[id] = 'changed'; });
  return marks;
}

/** Keep two canvases on the same view box (same diagram coordinates, both panes alike). */
function synchronise(viewers, present) {
  let busy = false;
  SIDES.forEach((side) => {
    const other = viewers[side === 'old' ? 'new' : 'old'];
    viewers[side].on('canvas.viewbox.changed', ({ viewbox }) => {
      if (busy || !present[side === 'old' ? 'new' : 'old']) return;
      busy = true;
      try {
        const { x, y, width, height } = viewbox;
        other.get('canvas').viewbox({ x, y, width, height });
      } finally {
        busy = false;
      }
    });
  });
}

function centre(canvas, element) {
  const box = canvas.viewbox();
  canvas.viewbox({
    x: element.x + (element.width || 0) / 2 - box.width / 2,
    y: element.y + (element.height || 0) / 2 - box.height / 2,
    width: box.width,
    height: box.height,
  });
}

export async function mount(root) {
  const [body] = await Promise.all([
    fetch(root.dataset.src, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    }),
    fontsReady(),
  ]);
  const boxes = { old: hook(root, 'old'), new: hook(root, 'new') };
  const viewers = { old: viewerIn(boxes.old), new: viewerIn(boxes.new) };
  const texts = { old: body.from.files, new: body.to.files };
  const present = { old: false, new: false }; // whether each side draws the file open now
  synchronise(viewers, present);
  let current = null;
  let marks = { old: {}, new: {} };

  async function open(file) {
    current = file;
    root.dataset.file = file;
    const definitions = {};
    for (const side of SIDES) {
      const box = boxes[side];
      const text = texts[side][file];
      box.dataset.missing = text ? 'false' : 'true';
      box.dataset.empty = root.dataset.missing || '';
      present[side] = false;
      if (text) {
        await viewers[side].importXML(text);
        definitions[side] = viewers[side].getDefinitions();
        present[side] = true;
      } else {
        viewers[side].clear();
      }
    }
    marks = marksFor((body.marks || {})[file], definitions.old, definitions.new);
    for (const side of SIDES) {
      if (!definitions[side]) continue;
      const canvas = viewers[side].get('canvas');
      const registry = viewers[side].get('elementRegistry');
      Object.entries(marks[side]).forEach(([id, kind]) => {
        const element = registry.get(id);
        // A pool or lane redrawn around a new task is noise: its contents carry the marks.
        if (!element || (kind === 'layout' && CONTAINERS.test(element.type))) return;
        canvas.addMarker(id, `diff-${kind}`);
      });
    }
    fit();
    if (fileSelect) fileSelect.value = file;
  }

  /** The first view: readable, centred on the first change in the new (or else the old) version. */
  function fit() {
    const side = present.new ? 'new' : 'old';
    const registry = viewers[side].get('elementRegistry');
    const order = ['added', 'removed', 'changed', 'layout'];
    const first = (which) => {
      const ids = Object.entries(marks[which]).sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1]));
      return ids.map(([id]) => viewers[which].get('elementRegistry').get(id)).find((e) => e && !e.waypoints);
    };
    const focus = first(side) || (side === 'new' && present.old ? first('old') : null);
    readableZoom(viewers[side].get('canvas'), { min: MIN_ZOOM, focus: focus || registry.find((e) => e.type === 'bpmn:StartEvent') });
  }

  /** Select an element in both diagrams and centre it (where the version has it). */
  async function focus(file, id) {
    if (file !== current && (texts.old[file] || texts.new[file])) await open(file);
    let centred = false;
    for (const side of ['new', 'old']) {
      if (!present[side]) continue;
      const element = viewers[side].get('elementRegistry').get(id);
      viewers[side].get('selection').select(element || null);
      if (element && !centred) {
        centre(viewers[side].get('canvas'), element);
        centred = true;
      }
    }
    return centred;
  }

  const fileSelect = hook(root, 'files');
  if (fileSelect && body.diagrams.length > 1) {
    body.diagrams.forEach((name) => fileSelect.append(new Option(name, name)));
    fileSelect.hidden = false;
    fileSelect.addEventListener('change', () => open(fileSelect.value));
  }
  const canvas = () => viewers[present.new ? 'new' : 'old'].get('canvas');
  const proxy = { zoom: (...args) => canvas().zoom(...args), viewbox: (...args) => canvas().viewbox(...args) };
  zoomButtons(proxy, { zoomIn: hook(root, 'zoom-in'), zoomOut: hook(root, 'zoom-out'), fit: hook(root, 'zoom-fit') }, fit);

  document.querySelectorAll('[data-compare-element]').forEach((row) => {
    row.classList.add('compare-row');
    const go = () => {
      root.scrollIntoView({ block: 'nearest' });
      focus(row.dataset.compareFile, row.dataset.compareElement);
    };
    row.addEventListener('click', go);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        go();
      }
    });
  });

  if (body.diagrams.length) await open(body.diagrams[0]);
  const api = { viewers, open, focus, marks: () => marks, currentFile: () => current };
  root.compare = api;
  root.dataset.ready = 'true';
  return api;
}

const root = document.getElementById('compare-view');
if (root) {
  mount(root).catch((error) => {
    console.error('[compare]', error);
    root.dataset.ready = 'error';
    const note = root.querySelector('[data-compare=error]');
    if (note) {
      note.hidden = false;
      note.textContent = root.dataset.error || String(error);
    }
  });
}
