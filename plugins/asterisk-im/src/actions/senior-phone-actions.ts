import { z } from 'zod';
import { AmiLinkError, type AmiLink } from '../ami';
import type { AsteriskImRuntime } from '../runtime';
import type { PhoneDevice } from '../store/types';
import { failure, type ActionOutcome } from './action-outcome';
import { findCallPeer, liveChannels } from './call-peer';
import { originateAction, redirectAction } from './originate-action';

/**
 * What the node that received the IQ asks the senior to do, sent as a cluster
 * task: `user` is the bare JID asking, `extension` is already normalised
 * (see dial-target.ts), `callId` is set for FORWARD.
 */
export const phoneActionTaskSchema = z.object({
  user: z.string().min(3).max(1023),
  type: z.enum(['DIAL', 'FORWARD']),
  extension: z.string().min(1).max(80),
  callId: z.string().min(1).max(150).optional(),
});

export type PhoneActionTask = z.infer<typeof phoneActionTaskSchema>;

/**
 * Runs on the senior, the only node that talks to Asterisk. Every answer is an
 * ActionOutcome; seniority is checked again right before each AMI action, since
 * it may have moved while the task travelled or while we listed channels.
 */
export class SeniorPhoneActions {
  constructor(private readonly runtime: AsteriskImRuntime) {}

  async run(task: PhoneActionTask): Promise<ActionOutcome> {
    try {
      return task.type === 'DIAL' ? await this.dial(task) : await this.forward(task);
    } catch (error) {
      return this.describeFailure(error);
    }
  }

  private async dial(task: PhoneActionTask): Promise<ActionOutcome> {
    const from = this.runtime.store.devices.primaryOf(task.user);
    if (!from) return failure('item-not-found', `${task.user} has no phone`);
    const link = this.connectedLink(from.server);
    if (!link) return this.noLink(from.server);
    if (!this.runtime.ctx.cluster.isSenior()) return this.notSenior();
    await link.action(originateAction(from, task.extension, this.runtime.settings()));
    this.runtime.ctx.logger.info({ user: task.user, device: from.device, extension: task.extension }, 'click-to-dial originated');
    return { ok: true };
  }

  private async forward(task: PhoneActionTask): Promise<ActionOutcome> {
    const devices = this.runtime.store.devices.ofUser(task.user);
    if (devices.length === 0) return failure('item-not-found', `${task.user} has no phone`);
    for (const server of new Set(devices.map((d) => d.server))) {
      const link = this.connectedLink(server);
      if (!link) return this.noLink(server);
      const outcome = await this.forwardOn(link, devices, task);
      if (outcome) return outcome;
    }
    return failure('item-not-found', `no call ${task.callId ?? ''} in progress`);
  }

  /** Forwards the call when it is on this server; undefined when the server does not know it. */
  private async forwardOn(link: AmiLink, devices: PhoneDevice[], task: PhoneActionTask): Promise<ActionOutcome | undefined> {
    const channels = liveChannels((await link.listAction({ Action: 'CoreShowChannels' })).items);
    const own = channels.find((c) => c.uniqueid === task.callId);
    if (!own) return undefined;
    if (!devices.some((d) => d.device === own.device)) return failure('not-authorized', 'that call is not on one of your phones');
    const peer = findCallPeer(channels, own);
    if (!peer) return failure('item-not-found', 'that call has no other party to forward');
    if (!this.runtime.ctx.cluster.isSenior()) return this.notSenior();
    await link.action(redirectAction(peer.channel, task.extension, this.runtime.settings()));
    this.runtime.ctx.logger.info({ user: task.user, channel: peer.channel, extension: task.extension }, 'call forwarded');
    return { ok: true };
  }

  private connectedLink(server: string): AmiLink | undefined {
    const link = this.runtime.links.linkFor(server);
    return link && link.state === 'connected' ? link : undefined;
  }

  private noLink(server: string): ActionOutcome {
    return failure('service-unavailable', `no connection to the Asterisk server ${server}`);
  }

  private notSenior(): ActionOutcome {
    return failure('service-unavailable', 'the node holding the Asterisk connection changed; try again');
  }

  private describeFailure(error: unknown): ActionOutcome {
    if (error instanceof AmiLinkError) {
      if (error.kind === 'disconnected') return failure('service-unavailable', 'the connection to Asterisk was lost');
      // Asterisk's own message ("Originate failed", "Permission denied") helps the user and holds no secret.
      return failure('undefined-condition', `Asterisk: ${error.message}`);
    }
    this.runtime.ctx.logger.warn({ err: error }, 'phone action failed');
    return failure('undefined-condition', 'the phone action failed');
  }
}
