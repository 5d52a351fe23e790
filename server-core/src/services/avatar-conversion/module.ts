/**
 * XEP-0398 User Avatar to vCard-Based Avatars Conversion: an avatar published through PEP
 * (XEP-0084 data, then metadata) becomes the PHOTO of the account's vCard, and a vCard set with
 * a PHOTO is published as the PEP avatar, so clients of either kind show the same picture.
 * Each side checks the image's SHA-1 first, so one conversion never sets off the other again.
 */
import { parseXml } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import { AVATAR_DATA, AVATAR_METADATA, VCARD_CONVERSION, avatarId, dataPayload, metadataPayload, photoOf, publishedInfo, withPhoto } from './avatar-vcard';

export default defineCoreModule({
  name: 'avatar-conversion',
  description: 'XEP-0398 PEP avatars and vCard photos kept the same',
  depends: ['pep', 'vcard'],
  start(ctx) {
    const pep = ctx.use('pep');
    const vcards = ctx.core.stores.vcards;
    const { limits } = ctx.core;
    const localOf = (owner: string): string => owner.slice(0, owner.indexOf('@'));

    // PEP to vCard: the metadata names the image, the data node holds it.
    ctx.onStop(
      pep.onPublished(async (owner, item) => {
        if (item.node !== AVATAR_METADATA) return;
        const stored = await vcards.get(localOf(owner));
        const vcard = stored ? parseXml(stored) : undefined;
        const current = vcard && photoOf(vcard);
        const info = publishedInfo(item.payload);
        if (!info) {
          // Empty metadata: the user turned the avatar off.
          if (current) await vcards.set(localOf(owner), withPhoto(vcard, undefined).toString());
          return;
        }
        if (current && avatarId(current) === info.id) return;
        const data = (await pep.items(owner, AVATAR_DATA))?.find((entry) => entry.id === info.id);
        if (!data) return void ctx.logger.debug({ owner, avatar: info.id }, 'avatar metadata names no published data; the vCard keeps its photo');
        const xml = withPhoto(vcard, { base64: data.payload.getText().replace(/\s+/g, ''), type: info.type }).toString();
        if (Buffer.byteLength(xml, 'utf8') > limits.maxVCardBytes) return void ctx.logger.debug({ owner, avatar: info.id }, 'the avatar does not fit in a vCard (limits.maxVCardBytes)');
        await vcards.set(localOf(owner), xml);
      }),
    );

    // vCard to PEP: data first, then the metadata that points at it (XEP-0084 section 4.1).
    ctx.onStop(
      ctx.use('vcard').onChanged(async (owner, vcard) => {
        const photo = photoOf(vcard);
        // A vCard without a photo leaves the PEP avatar as it is: many clients edit vCards without touching it.
        if (!photo) return;
        const published = await pep.item(owner, AVATAR_METADATA);
        if (published && publishedInfo(published.payload)?.id === avatarId(photo)) return;
        try {
          await pep.publish(owner, AVATAR_DATA, dataPayload(photo), avatarId(photo));
          await pep.publish(owner, AVATAR_METADATA, metadataPayload(photo), avatarId(photo));
        } catch (err) {
          // Mostly a photo over limits.maxPepItemBytes: the vCard keeps it, PEP clients do not see it.
          ctx.logger.debug({ owner, avatar: avatarId(photo), reason: err instanceof Error ? err.message : String(err) }, 'vCard photo not published as PEP avatar');
        }
      }),
    );

    ctx.core.disco.accountFeatures.add(VCARD_CONVERSION);
    ctx.onStop(() => ctx.core.disco.accountFeatures.delete(VCARD_CONVERSION));
  },
});
