import { z } from 'zod';
import { normaliseDeviceName } from '../calls';
import type { AsteriskImRuntime } from '../runtime';
import { deviceFields } from '../store/validation';
import { notFound, parseBody, storeChange } from './admin-errors';

const newDeviceBody = z
  .object({
    device: deviceFields.device,
    user: deviceFields.user,
    server: deviceFields.server,
    extension: deviceFields.extension,
    callerId: deviceFields.callerId.optional(),
    primary: deviceFields.primary.optional(),
    monitored: deviceFields.monitored.optional(),
    mailbox: deviceFields.mailbox.optional(),
  })
  .strict();
const deviceUpdateBody = newDeviceBody.omit({ device: true }).partial().strict();

/**
 * Device mappings (a phone of Asterisk to a chat user). A device is addressed by its
 * name as two path segments, `/devices/PJSIP/1001` (the admin API decodes `%2F`
 * before matching, so the encoded form reaches the same route).
 */
export function registerDeviceRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store } = runtime;
  const nameOf = (params: Record<string, string>): string => `${params.tech}/${params.name}`;
  const existing = (device: string) => {
    const found = store.devices.get(normaliseDeviceName(device));
    if (!found) throw notFound(`device: ${device} is not mapped`);
    return found;
  };

  ctx.admin.route('GET', '/devices', ({ query }) => {
    const user = query.get('user');
    const devices = user ? store.devices.ofUser(user.toLowerCase()) : store.devices.list();
    return { devices: devices };
  });

  ctx.admin.route('GET', '/devices/:tech/:name', ({ params }) => existing(nameOf(params)));

  ctx.admin.route('POST', '/devices', async ({ body }) => {
    const input = parseBody(newDeviceBody, body);
    const saved = await storeChange(() => store.devices.add(input));
    return { status: 201, body: saved };
  });

  ctx.admin.route('PUT', '/devices/:tech/:name', async ({ params, body }) => {
    const { primary, ...patch } = parseBody(deviceUpdateBody, body);
    const device = existing(nameOf(params)).device;
    // The patch and the primary flag are two store writes; the patch is validated first so a
    // refused body changes nothing, and making a device primary cannot fail once it exists.
    let saved = Object.keys(patch).length > 0 ? await storeChange(() => store.devices.update(device, patch)) : existing(device);
    if (primary === true && !saved.primary) saved = await storeChange(() => store.devices.setPrimary(device));
    return saved;
  });

  ctx.admin.route('DELETE', '/devices/:tech/:name', async ({ params }) => {
    const device = normaliseDeviceName(nameOf(params));
    if (!(await storeChange(() => store.devices.remove(device)))) throw notFound(`device: ${device} is not mapped`);
  });
}
