/** XEP-0398 avatar conversion between PEP and vCards as a core module (see module.ts). */
export { default as avatarConversionModule } from './module';
export { VCARD_CONVERSION } from './avatar-vcard';
