// The case workspace's BPMN diagrams (admin/templates/staff/case.html, #diagram): each process the
// case runs, drawn read-only with done / active / waiting marks, labels in the Thai web font,
// zoom buttons, and a readable first zoom centred on the active step.
//
// <div class="diagrams" data-src="…/diagram.json" data-error="…" data-zoom-in="…" data-zoom-out="…"
//      data-zoom-fit="…">  (the button titles come from the page, in its language)
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './viewer.css';

import { TEXT_RENDERER, fontsReady } from '../common/font.js';
import thaiText from '../common/thai-text.js';
import { readableZoom, zoomButtons } from '../common/zoom.js';

const MARKS = { completed: 'done', active: 'active', waiting: 'waiting' };
const MIN_ZOOM = 0.75; // 11 px labels: below this, Thai is a grey smudge

function button(holder, name, text) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `secondary zoom-${name}`;
  element.dataset.zoom = name;
  element.title = holder.dataset[`zoom${name[0].toUpperCase()}${name.slice(1)}`] || name;
  element.setAttribute('aria-label', element.title);
  element.textContent = text;
  return element;
}

function draw(holder, diagram) {
  const box = document.createElement('div');
  box.className = 'diagram';
  box.dataset.process = diagram.process_id;
  const tools = document.createElement('div');
  tools.className = 'diagram-zoom';
  const zoomOut = button(holder, 'out', '−');
  const fit = button(holder, 'fit', '⤢');
  const zoomIn = button(holder, 'in', '+');
  tools.append(zoomOut, fit, zoomIn);
  const canvasBox = document.createElement('div');
  canvasBox.className = 'diagram-canvas';
  box.append(tools, canvasBox);
  holder.appendChild(box);

  const viewer = new NavigatedViewer({
    container: canvasBox,
    textRenderer: TEXT_RENDERER,
    additionalModules: [thaiText],
  });
  return viewer.importXML(diagram.xml).then(() => {
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    Object.keys(MARKS).forEach((state) => {
      (diagram[state] || []).forEach((id) => {
        if (registry.get(id)) canvas.addMarker(id, MARKS[state]);
      });
    });
    const focusId = (diagram.active || []).concat(diagram.waiting || []).find((id) => registry.get(id));
    const focus = focusId ? registry.get(focusId) : null;
    const initial = () => readableZoom(canvas, { min: MIN_ZOOM, focus });
    initial();
    zoomButtons(canvas, { zoomIn, zoomOut, fit }, initial);
    box.viewer = viewer;
    box.dataset.ready = 'true';
  });
}

function start() {
  const holder = document.querySelector('.diagrams[data-src]');
  if (!holder) return;
  Promise.all([
    fetch(holder.dataset.src, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }),
    fontsReady(),
  ])
    .then(([body]) => Promise.all(body.diagrams.map((diagram) => draw(holder, diagram))))
    .catch(() => {
      holder.textContent = holder.dataset.error;
    });
}

start();
