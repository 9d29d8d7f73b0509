// Undo and redo as a list of workflow snapshots.
//
// Every settled edit records the whole workflow (a 300-node graph is ~100 KB of JSON, so a
// hundred steps stay small); undo loads the previous snapshot back onto the canvas. Pans
// and zooms are not steps: snapshots are compared without `ui.view`.

import { snapshotKey } from "./workflow.js";

export class History {
  constructor(limit = 100) {
    this.limit = limit;
    this.steps = [];
    this.index = -1;
  }

  /** Forget everything; `wf` becomes the only state. */
  reset(wf) {
    this.steps = [{ key: snapshotKey(wf), text: JSON.stringify(wf) }];
    this.index = 0;
  }

  /** Record `wf` if it differs from the current step. Returns true when a step was added. */
  record(wf) {
    const key = snapshotKey(wf);
    if (this.steps[this.index]?.key === key) return false;
    this.steps = this.steps.slice(0, this.index + 1);
    this.steps.push({ key, text: JSON.stringify(wf) });
    if (this.steps.length > this.limit) this.steps.shift();
    this.index = this.steps.length - 1;
    return true;
  }

  get canUndo() {
    return this.index > 0;
  }

  get canRedo() {
    return this.index < this.steps.length - 1;
  }

  undo() {
    if (!this.canUndo) return null;
    this.index -= 1;
    return JSON.parse(this.steps[this.index].text);
  }

  redo() {
    if (!this.canRedo) return null;
    this.index += 1;
    return JSON.parse(this.steps[this.index].text);
  }

  /** Key of the current step, to compare with the last saved one. */
  get currentKey() {
    return this.steps[this.index]?.key ?? null;
  }
}
