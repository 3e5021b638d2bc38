// The console's MQTT connections, over WebSocket with a presigned URL.

import mqtt, { type MqttClient } from 'mqtt'

// connectPresigned opens an MQTT 3.1.1 clean session as clientId at url,
// a presigned wss:// URL from mqttURL. There is no automatic reconnect:
// the URL is valid for five minutes, so the caller asks for a fresh one.
// Native timers, because MQTT.js's worker timers need blob: workers,
// which the console's CSP forbids.
export function connectPresigned(url: string, clientId: string): MqttClient {
  return mqtt.connect(url, {
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    timerVariant: 'native',
    transformWsUrl: () => url,
  })
}
