/** The plugin's own XML namespaces (besides Spark's phone namespace), advertised on `phone.<domain>`. */
export const CALL_LOG_NS = 'urn:asterisk-im:call-log:0';
export const VOICEMAIL_NS = 'urn:asterisk-im:voicemail:0';
export const PRIVACY_NS = 'urn:asterisk-im:privacy:0';
