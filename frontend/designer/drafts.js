// Drafts saved to the server as the designer works: a PUT of every file a couple of seconds after
// the last change, carrying the lock the server last gave; 200 gives the next lock, 409 means
// someone else saved in between (then nothing more is sent until the page is reloaded).

const RETRY_AFTER = [5000, 15000, 60000];

export class Drafts {
  /**
   * @param {object} options
   * @param {string} options.url the save URL (PUT JSON {files, lock})
   * @param {number} options.lock the lock the draft was loaded with
   * @param {number} options.delay milliseconds after the last change before saving
   * @param {() => Promise<Record<string, string>>} options.collect every file's current text
   * @param {(state: string, detail?: object) => void} options.report status changes
   */
  constructor({ url, lock, delay, collect, report }) {
    this.url = url;
    this.lock = lock;
    this.delay = delay;
    this.collect = collect;
    this.report = report;
    this.version = 0; // bumped on every change
    this.savedVersion = 0;
    this.timer = null;
    this.inFlight = null;
    this.failures = 0;
    this.conflict = false;
  }

  /** Whether a change is not on the server yet. */
  get dirty() {
    return this.version !== this.savedVersion;
  }

  /** A change happened: save after the quiet period. */
  changed() {
    if (this.conflict || !this.url) return;
    this.version += 1;
    this.report('dirty');
    this.schedule(this.delay);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  /** Save now (after any save in flight); resolves when the server answered. */
  async save() {
    clearTimeout(this.timer);
    if (this.inFlight) {
      await this.inFlight;
      if (this.dirty) this.schedule(0);
      return;
    }
    if (this.conflict || !this.dirty) return;
    this.inFlight = this.send().finally(() => {
      this.inFlight = null;
    });
    await this.inFlight;
  }

  async send() {
    const version = this.version;
    this.report('saving');
    let response;
    try {
      const files = await this.collect();
      response = await fetch(this.url, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-CSRF-Token': csrfToken(),
        },
        body: JSON.stringify({ files, lock: this.lock }),
      });
    } catch (error) {
      return this.failed(error.message || 'network');
    }
    if (response.status === 409) {
      this.conflict = true;
      this.report('conflict');
      return undefined;
    }
    if (!response.ok) return this.failed(`HTTP ${response.status}`);
    const body = await response.json().catch(() => ({}));
    if (typeof body.lock === 'number') this.lock = body.lock;
    this.failures = 0;
    this.savedVersion = version;
    this.report(this.dirty ? 'dirty' : 'saved', { at: new Date() });
    if (this.dirty) this.schedule(this.delay);
    return undefined;
  }

  failed(reason) {
    const wait = RETRY_AFTER[Math.min(this.failures, RETRY_AFTER.length - 1)];
    this.failures += 1;
    this.report('failed', { reason });
    this.schedule(wait);
  }
}

/** The page's CSRF token (<meta name="csrf-token" content="…">). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : '';
}
