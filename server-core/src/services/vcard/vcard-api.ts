import type { Element } from 'ltx';

export type VCardChangedListener = (owner: string, vcard: Element) => void | Promise<void>;

/** vCard-temp for the server's modules: who set a new vCard, after it is stored. */
export interface VCardEvents {
  /** Called after an account replaced its vCard through an IQ set on this node. A listener that throws is logged. */
  onChanged(listener: VCardChangedListener): () => void;
}
