import type { AsteriskImRuntime } from '../runtime';

/**
 * `GET /status`: the live view: each AMI link with its state and the node holding
 * it, each mapped device with its phone state, and each user with a device,
 * whether they are on the phone and their calls. Read from the replicated state,
 * so any node answers the same.
 */
export function registerStatusRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store, links, phoneState } = runtime;
  ctx.admin.route('GET', '/status', () => {
    const states = new Map(phoneState.deviceStates().map((d) => [d.device, d.state]));
    const devices = store.devices.list().map((d) => ({
      device: d.device,
      user: d.user,
      server: d.server,
      extension: d.extension,
      primary: d.primary,
      monitored: d.monitored,
      state: states.get(d.device) ?? 'idle',
    }));
    const users = [...new Set(devices.map((d) => d.user))].sort().map((user) => {
      const state = phoneState.userState(user);
      return { user, onPhone: state?.onPhone ?? false, state: state?.state ?? (state?.onPhone ? 'on-call' : 'idle'), calls: state?.calls ?? [] };
    });
    return { senior: ctx.cluster.seniorId(), links: links.status(), devices, users };
  });
}
