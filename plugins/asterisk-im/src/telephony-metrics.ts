import type { PluginMetrics } from '@asterisk-im/server-core';

/**
 * Metrics of the phone data path, declared in one place so their names and meaning are
 * documented together. Registered at start so dashboards find the series before the first
 * AMI event; they leave `/metrics` when the plugin stops.
 */
export function registerTelephonyMetrics(metrics: PluginMetrics) {
  return {
    /** AMI events received, by Asterisk server name. rate() gives events per second. */
    amiEvents: metrics.counter({ name: 'aim_ami_events_total', help: 'AMI events received from Asterisk', labelNames: ['server'] as const }),
    /** 1 while this node holds an authenticated AMI link to the server, else 0. */
    amiLinkUp: metrics.gauge({ name: 'aim_ami_link_up', help: 'AMI link to the Asterisk server is up on this node (1) or not (0)', labelNames: ['server'] as const }),
    /** Seconds the senior takes from an AMI event to publishing the user's new phone state (which every node then applies to its sessions). */
    phonePresenceLatency: metrics.histogram({
      name: 'aim_phone_presence_latency_seconds',
      help: 'Time on the senior from an AMI event to the user phone state being published',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    /** Calls written to the call log by this node (the senior), by outcome; a call a previous senior wrote already does not count. */
    callLogRows: metrics.counter({ name: 'aim_call_log_rows_written_total', help: 'Calls written to the call log', labelNames: ['outcome'] as const }),
    /** Voicemail counts of a user that changed and were published, by what told the senior (event or resync). */
    mwiUpdates: metrics.counter({ name: 'aim_mwi_updates_total', help: 'Voicemail message counts of users published', labelNames: ['source'] as const }),
  };
}

export type TelephonyMetrics = ReturnType<typeof registerTelephonyMetrics>;
