// The findings panel: bpmnlint's (run on every change in the browser) and the server's (the
// Validate button), each a button that opens its file, selects its element and scrolls to it;
// the elements carry a marker (finding-error / finding-warning) while a finding names them.
import { csrfToken } from './drafts.js';

const SEVERITY = { error: 'error', warn: 'warning', warning: 'warning', info: 'info' };

export class Findings {
  /**
   * @param {object} options
   * @param {HTMLElement | null} options.list the <ul> the findings are listed in
   * @param {(template: string, values?: object) => string} options.translate
   * @param {() => object} options.modeler the current bpmn-js modeler
   * @param {() => string} options.currentFile the file shown now
   * @param {(file: string) => Promise<void>} options.open shows another file
   */
  constructor({ list, translate, modeler, currentFile, open }) {
    this.list = list;
    this.t = translate;
    this.modeler = modeler;
    this.currentFile = currentFile;
    this.open = open;
    this.lint = [];
    this.server = null; // null: not checked yet
    this.serverState = null; // 'checking' | {error}
    this.marked = [];
  }

  /** bpmn-js-bpmnlint's `linting.completed` issues ({elementId: [report]}) for the current file. */
  setLint(issues) {
    const registry = this.modeler().get('elementRegistry');
    this.lint = [];
    for (const [id, reports] of Object.entries(issues || {})) {
      for (const report of reports) {
        const element = registry.get(id);
        this.lint.push({
          source: 'lint',
          file: this.currentFile(),
          element: id,
          name: nameOf(element) || report.actualElementId || id,
          severity: SEVERITY[report.category] || 'warning',
          code: report.rule,
          message: this.t(report.message),
        });
      }
    }
    this.render();
  }

  /** POST the files to the validate URL and list what it finds. */
  async validate(url, files, lock) {
    this.serverState = 'checking';
    this.render();
    try {
      const response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-CSRF-Token': csrfToken(),
        },
        body: JSON.stringify({ files, lock }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      this.server = (body.findings || []).map((finding) => ({
        ...finding,
        source: 'server',
        severity: SEVERITY[finding.severity] || 'warning',
      }));
      this.serverState = null;
    } catch (error) {
      this.serverState = { error: error.message || 'network' };
    }
    this.render();
  }

  /** Redraw the list and the markers (after a change, a check, or another file shown). */
  render() {
    this.mark();
    if (!this.list) return;
    const list = this.list;
    list.replaceChildren();
    list.append(this.heading(this.t('Drawing checks (bpmnlint)')));
    if (!this.lint.length) list.append(this.note(this.t('No problems found.')));
    this.lint.forEach((finding) => list.append(this.item(finding)));
    if (this.server === null && !this.serverState) return;
    list.append(this.heading(this.t('Server checks (Validate)')));
    if (this.serverState === 'checking') list.append(this.note(this.t('Checking…')));
    else if (this.serverState && this.serverState.error) {
      list.append(this.note(this.t('The check could not run: {reason}', { reason: this.serverState.error }), 'error'));
    } else if (!this.server.length) list.append(this.note(this.t('No problems found.')));
    else this.server.forEach((finding) => list.append(this.item(finding)));
  }

  heading(text) {
    const li = document.createElement('li');
    li.className = 'findings-heading';
    li.textContent = text;
    return li;
  }

  note(text, kind) {
    const li = document.createElement('li');
    li.className = `findings-note${kind ? ` ${kind}` : ''}`;
    li.textContent = text;
    return li;
  }

  item(finding) {
    const li = document.createElement('li');
    li.className = `finding finding-${finding.severity}`;
    li.dataset.source = finding.source;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'finding-go';
    if (finding.element) button.dataset.element = finding.element;
    if (finding.file) button.dataset.file = finding.file;
    const badge = document.createElement('span');
    badge.className = 'finding-severity';
    badge.textContent = this.t(finding.severity);
    const where = document.createElement('strong');
    where.className = 'finding-where';
    where.textContent = finding.name || finding.element || finding.file || '';
    const message = document.createElement('span');
    message.className = 'finding-message';
    message.textContent = finding.message || finding.code || '';
    button.append(badge, where, message);
    const details = [];
    if (finding.file && finding.source === 'server') details.push(finding.file);
    if (finding.line) details.push(this.t('line {line}', { line: finding.line }));
    if (finding.code) details.push(finding.code);
    if (details.length) {
      const small = document.createElement('small');
      small.className = 'finding-detail';
      small.textContent = details.join(' · ');
      button.append(small);
    }
    if (finding.rewrite) {
      const fix = document.createElement('small');
      fix.className = 'finding-rewrite';
      fix.textContent = this.t('Suggested fix: {rewrite}', { rewrite: String(finding.rewrite) });
      button.append(fix);
    }
    button.addEventListener('click', () => this.show(finding));
    li.append(button);
    return li;
  }

  /** Open the finding's file, select its element and scroll it into view. */
  async show(finding) {
    if (finding.file && finding.file !== this.currentFile() && /\.(bpmn|dmn)$/i.test(finding.file)) {
      await this.open(finding.file);
    }
    if (/\.dmn$/i.test(this.currentFile() || '')) return; // a decision table: its file is shown
    const element = this.elementOf(finding.element);
    if (!element) return;
    const modeler = this.modeler();
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element, { top: 120, bottom: 120, left: 160, right: 160 });
  }

  /** The diagram element a finding names: itself, or the pool of the process it names. */
  elementOf(id) {
    if (!id) return null;
    const registry = this.modeler().get('elementRegistry');
    const element = registry.get(id);
    if (element && element.type !== 'label') return element;
    const pool = registry.find(
      (e) => e.type === 'bpmn:Participant' && e.businessObject.processRef && e.businessObject.processRef.id === id,
    );
    return pool || null;
  }

  mark() {
    const canvas = this.modeler().get('canvas');
    for (const [id, marker] of this.marked) {
      if (this.modeler().get('elementRegistry').get(id)) canvas.removeMarker(id, marker);
    }
    this.marked = [];
    const file = this.currentFile();
    const here = this.lint.concat((this.server || []).filter((f) => !f.file || f.file === file));
    for (const finding of here) {
      const element = this.elementOf(finding.element);
      if (!element || element === canvas.getRootElement()) continue;
      const marker = finding.severity === 'error' ? 'finding-error' : 'finding-warning';
      canvas.addMarker(element, marker);
      this.marked.push([element.id, marker]);
    }
  }
}

function nameOf(element) {
  const bo = element && element.businessObject;
  return bo && bo.name ? bo.name : '';
}
