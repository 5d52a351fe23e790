import { createHash } from 'node:crypto';
import { Element, clone } from 'ltx';
import { NS } from '../../xml';

export const AVATAR_DATA = 'urn:xmpp:avatar:data';
export const AVATAR_METADATA = 'urn:xmpp:avatar:metadata';
export const VCARD_CONVERSION = 'urn:xmpp:pep-vcard-conversion:0';

/** An image as both formats carry it: base64 without white space, and its MIME type. */
export interface Photo {
  base64: string;
  type: string;
}

/** The vCard's embedded PHOTO (TYPE and BINVAL), or undefined (none, or only an EXTVAL link). */
export function photoOf(vcard: Element): Photo | undefined {
  const photo = vcard.getChild('PHOTO');
  const base64 = photo?.getChildText('BINVAL')?.replace(/\s+/g, '');
  if (!photo || !base64) return undefined;
  return { base64, type: photo.getChildText('TYPE')?.trim() || 'image/png' };
}

/** A copy of the vCard (or a new one) whose PHOTO is `photo`, or has none. */
export function withPhoto(vcard: Element | undefined, photo: Photo | undefined): Element {
  const out = vcard ? clone(vcard) : new Element('vCard', { xmlns: NS.VCARD });
  out.children = out.children.filter((child) => !(child instanceof Element && child.name === 'PHOTO'));
  if (photo) {
    const element = out.c('PHOTO');
    element.c('TYPE').t(photo.type);
    element.c('BINVAL').t(photo.base64);
  }
  return out;
}

/** XEP-0084 section 4.2: an avatar's id is the SHA-1 of its bytes, in hex. */
export function avatarId(photo: Photo): string {
  return createHash('sha1').update(Buffer.from(photo.base64, 'base64')).digest('hex');
}

/** The `<info/>` of a metadata item that describes image bytes in the data node (no url), or undefined: no avatar. */
export function publishedInfo(metadata: Element): { id: string; type: string } | undefined {
  const info = metadata.getChildren('info').find((entry) => !entry.attrs.url && entry.attrs.id);
  return info ? { id: String(info.attrs.id), type: String(info.attrs.type ?? 'image/png') } : undefined;
}

export const dataPayload = (photo: Photo): Element => new Element('data', { xmlns: AVATAR_DATA }).t(photo.base64);

export function metadataPayload(photo: Photo): Element {
  const metadata = new Element('metadata', { xmlns: AVATAR_METADATA });
  metadata.c('info', { id: avatarId(photo), type: photo.type, bytes: String(Buffer.from(photo.base64, 'base64').length) });
  return metadata;
}
