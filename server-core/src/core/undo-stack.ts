/** Collects the undo of every registration a module makes, so disposing runs them all, newest first. */
export class UndoStack {
  private undos: Array<() => void> = [];

  add(undo: () => void): void {
    this.undos.push(undo);
  }

  run(): void {
    const undos = this.undos.reverse();
    this.undos = [];
    for (const undo of undos) undo();
  }
}
