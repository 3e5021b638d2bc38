// Copy-paste connection snippets for the overview: the same publish from
// mosquitto_pub, the aws CLI, Python paho and the AWS IoT Device SDK v2,
// filled with hob's endpoint and ports.

export interface SnippetInput {
  host: string
  mqttPort: string
  httpsPort: string
  clientId: string
  topic: string
}

export interface Snippet {
  id: string
  title: string
  text: string
}

// Files the snippets name: the CA from the overview's download link, and
// the certificate and key saved when the device's certificate was made.
const caFile = 'hob-ca.pem'
const certFile = 'device.pem.crt'
const keyFile = 'private.pem.key'
const payload = '{"hello": "hob"}'

// sh quotes s for a POSIX shell.
function sh(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

// py quotes s as a Python string literal: in single quotes when that
// needs no escapes, else as JSON (JSON strings are valid Python literals).
function py(s: string): string {
  return /^[^'\\\n\r]*$/.test(s) ? `'${s}'` : JSON.stringify(s)
}

function httpsURL(i: SnippetInput): string {
  const host = i.host.includes(':') ? `[${i.host}]` : i.host
  return i.httpsPort === '443' ? `https://${host}` : `https://${host}:${i.httpsPort}`
}

export function snippets(i: SnippetInput): Snippet[] {
  return [
    {
      id: 'mosquitto',
      title: 'mosquitto_pub (MQTT over TLS with a device certificate)',
      text: [
        `mosquitto_pub -h ${sh(i.host)} -p ${i.mqttPort} \\`,
        `  --cafile ${caFile} --cert ${certFile} --key ${keyFile} \\`,
        `  -i ${sh(i.clientId)} -q 1 -t ${sh(i.topic)} -m ${sh(payload)}`,
      ].join('\n'),
    },
    {
      id: 'awscli',
      title: 'aws CLI (HTTPS publish, signed with an access key)',
      text: [
        `aws iot-data publish --endpoint-url ${httpsURL(i)} --ca-bundle ${caFile} \\`,
        `  --topic ${sh(i.topic)} --qos 1 --cli-binary-format raw-in-base64-out \\`,
        `  --payload ${sh(payload)}`,
      ].join('\n'),
    },
    {
      id: 'paho',
      title: 'Python, paho-mqtt 2',
      text: [
        'import paho.mqtt.client as mqtt',
        '',
        `client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=${py(i.clientId)})`,
        `client.tls_set(ca_certs=${py(caFile)}, certfile=${py(certFile)}, keyfile=${py(keyFile)})`,
        `client.connect(${py(i.host)}, ${i.mqttPort})`,
        'client.loop_start()',
        `client.publish(${py(i.topic)}, ${py(payload)}, qos=1).wait_for_publish()`,
        'client.loop_stop()',
        'client.disconnect()',
      ].join('\n'),
    },
    {
      id: 'sdk',
      title: 'Python, AWS IoT Device SDK v2',
      text: [
        'from awscrt import mqtt',
        'from awsiot import mqtt_connection_builder',
        '',
        'conn = mqtt_connection_builder.mtls_from_path(',
        `    endpoint=${py(i.host)}, port=${i.mqttPort}, client_id=${py(i.clientId)},`,
        `    cert_filepath=${py(certFile)}, pri_key_filepath=${py(keyFile)}, ca_filepath=${py(caFile)})`,
        'conn.connect().result()',
        `published, _ = conn.publish(topic=${py(i.topic)}, payload=${py(payload)}, qos=mqtt.QoS.AT_LEAST_ONCE)`,
        'published.result()',
        'conn.disconnect().result()',
      ].join('\n'),
    },
  ]
}
