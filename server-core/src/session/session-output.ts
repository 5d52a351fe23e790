import type { Element } from 'ltx';

/**
 * A step stanzas for the client pass through after the outgoing interceptors, on their way to
 * the stream: client state indication (XEP-0352) holds some back while the client is
 * inactive, stream management (XEP-0198) counts and keeps what is written until it is acknowledged.
 */
export interface OutputStage {
  readonly name: string;
  /** Lower runs first: what holds stanzas back comes before what counts what is written. */
  readonly order: number;
  /** Passes `stanza` on with `next` (now, later, or not at all). */
  write(stanza: Element, next: (stanza: Element) => void): void;
}

export interface OutputStageHandle {
  /** Hands a stanza to the stages after this one (a stage flushing what it held). */
  forward(stanza: Element): void;
  remove(): void;
}

/** The ordered stages of one session; the last step writes to the session's stream. */
export class SessionOutput {
  private stages: OutputStage[] = [];

  constructor(private readonly terminal: (stanza: Element) => void) {}

  add(stage: OutputStage): OutputStageHandle {
    if (this.stages.some((existing) => existing.name === stage.name)) throw new Error(`an output stage named ${stage.name} exists already`);
    this.stages = [...this.stages, stage].sort((a, b) => a.order - b.order);
    return {
      forward: (stanza) => this.after(stage, stanza),
      remove: () => {
        this.stages = this.stages.filter((existing) => existing !== stage);
      },
    };
  }

  has(name: string): boolean {
    return this.stages.some((stage) => stage.name === name);
  }

  write(stanza: Element): void {
    this.from(0, stanza);
  }

  private after(stage: OutputStage, stanza: Element): void {
    const index = this.stages.indexOf(stage);
    // A stage removed meanwhile forwards straight to the stream's side of where it was.
    this.from(index < 0 ? this.stages.filter((s) => s.order <= stage.order).length : index + 1, stanza);
  }

  private from(index: number, stanza: Element): void {
    const stage = this.stages[index];
    if (!stage) return this.terminal(stanza);
    stage.write(stanza, (next) => this.from(index + 1, next));
  }
}
