import type { Element } from 'ltx';

/** Children serialised per event-loop turn: a few milliseconds of work between other users' stanzas. */
const CHILDREN_PER_TURN = 100;

/**
 * Already serialised XML held as one child of an ltx element and written out as is. The shape
 * (name, attrs, children) is what ltx's `clone` rebuilds, so a copy stays whole.
 */
class SerialisedChildren {
  readonly children: never[] = [];

  constructor(
    readonly name: string,
    readonly attrs: { xml: string },
  ) {}

  write(writer: (text: string) => void): void {
    writer(this.attrs.xml);
  }
}

/**
 * Appends one child per item to `parent`, serialising a slice of them per event-loop turn.
 * A list of tens of thousands of items (a roster, a blocklist) costs hundreds of milliseconds
 * to build and serialise at once, a stall every other user on the node would feel; in slices
 * the node answers others between them. The children are opaque afterwards: they are written,
 * not inspected.
 */
export async function appendChildrenInTurns<T>(parent: Element, items: readonly T[], toElement: (item: T) => Element): Promise<Element> {
  // Each slice is joined into one flat string at once: a string grown piece by piece across
  // turns is a rope of thousands of live fragments, which the garbage collector copies again
  // at every collection.
  const slices: string[] = [];
  for (let start = 0; start < items.length; start += CHILDREN_PER_TURN) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const parts: string[] = [];
    for (let i = start; i < Math.min(start + CHILDREN_PER_TURN, items.length); i++) parts.push(toElement(items[i]).toString());
    slices.push(parts.join(''));
  }
  if (slices.length > 0) parent.cnode(new SerialisedChildren('#serialised', { xml: slices.join('') }) as unknown as Element);
  return parent;
}
