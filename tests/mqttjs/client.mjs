// client.mjs drives MQTT.js (npm `mqtt`) against hob for the interop tests
// in internal/app/interop_mqttjs_test.go. It connects once, does one thing
// and prints a single JSON object on stdout describing what happened:
//
//   {"connected":true,"connack":{...},"granted":[1],"puback":0,
//    "received":[{"topic":"t","payload":"p","qos":1,"retain":false}],
//    "closed":false,"error":null}
//
// Modes:
//   sub        subscribe to --topic at --qos, wait for --count messages
//   pub        publish --message to --topic at --qos (--retain)
//   roundtrip  subscribe to --topic, publish --message to it, wait for it back
//
// The exit code is 0 when the mode finished, 1 when the connection, the
// subscribe or the publish failed or the server closed the connection, and
// 2 when --timeout ms passed first. It talks only to --url, or with
// --wsurl to that wss:// URL (e.g. a SigV4 presigned one, query included).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    id: { type: 'string', default: '' },
    mode: { type: 'string', default: 'roundtrip' },
    topic: { type: 'string' },
    qos: { type: 'string', default: '1' },
    version: { type: 'string', default: '4' },
    alpn: { type: 'string' },
    wsurl: { type: 'string' },
    message: { type: 'string', default: 'hello from MQTT.js' },
    retain: { type: 'boolean', default: false },
    count: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10000' },
  },
});

const result = { connected: false, connack: null, granted: null, puback: null, received: [], closed: false, error: null };
let finished = false;

function finish(code) {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  client.end(true, () => process.exit(code));
  setTimeout(() => process.exit(code), 1000).unref();
}

function fail(err) {
  result.error = err && err.message ? err.message : String(err);
  finish(1);
}

const options = {
  clientId: opt.id,
  protocolVersion: Number(opt.version),
  clean: true,
  reconnectPeriod: 0,
  connectTimeout: Number(opt.timeout),
  rejectUnauthorized: true,
  servername: 'localhost',
};
if (opt.ca) options.ca = fs.readFileSync(opt.ca);
if (opt.cert) options.cert = fs.readFileSync(opt.cert);
if (opt.key) options.key = fs.readFileSync(opt.key);
if (opt.alpn) options.ALPNProtocols = [opt.alpn];
if (opt.wsurl) {
  // MQTT.js drops the query string from the URL it is given; the AWS
  // SDKs hand it the presigned URL through transformWsUrl.
  const u = new URL(opt.wsurl);
  opt.url = `${u.protocol}//${u.host}${u.pathname}`;
  options.transformWsUrl = () => opt.wsurl;
}

const qos = Number(opt.qos);
const want = opt.mode === 'pub' ? 0 : Number(opt.count);
const client = mqtt.connect(opt.url, options);

setTimeout(() => {
  result.error = result.error ?? 'timeout';
  finish(2);
}, Number(opt.timeout)).unref();

client.on('error', fail);
client.on('close', () => {
  result.closed = true;
  if (!finished) fail(result.error ?? 'connection closed by the server');
});
client.on('disconnect', (packet) => {
  result.error = `server sent DISCONNECT reason ${packet.reasonCode}`;
});
client.on('message', (topic, payload, packet) => {
  result.received.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
  if (result.received.length >= want) finish(0);
});
client.on('connect', (connack) => {
  result.connected = true;
  result.connack = { sessionPresent: connack.sessionPresent, reasonCode: connack.reasonCode ?? connack.returnCode ?? 0 };
  if (opt.mode === 'pub') return publish();
  client.subscribe(opt.topic, { qos }, (err, granted, packet) => {
    result.granted = packet ? packet.granted : (granted || []).map((g) => g.qos);
    if (err) return fail(err);
    if (opt.mode === 'roundtrip') publish();
  });
});

function publish() {
  client.publish(opt.topic, opt.message, { qos, retain: opt.retain }, (err, packet) => {
    result.puback = err && err.code !== undefined ? err.code : (packet && packet.reasonCode) || 0;
    if (err) return fail(err);
    if (opt.mode === 'pub') finish(0);
  });
}
