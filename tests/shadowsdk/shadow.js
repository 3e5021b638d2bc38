// A Device Shadow app written against the AWS IoT Device SDK for
// JavaScript (npm aws-iot-device-sdk, its thingShadow class), as it would
// be for AWS IoT Core: only the host, port and certificate paths differ,
// and those come from the command line. hob's test
// internal/app/shadow_sdk_test.go runs it.
//
// The app is a device that keeps its shadow in sync:
//   1. connect (MQTT over TLS, client id = thing name) and register the
//      thing's shadow;
//   2. report its state, {"color":"green","mode":"eco"};
//   3. wait for a delta (someone else sets desired state) and apply it by
//      reporting the desired values back;
//   4. get the shadow and print it.
// It prints one JSON object per line for each step, and exits 0 when the
// shadow it gets back has no delta left, 1 otherwise.
//
// usage: node shadow.js --host localhost --port 8883 --ca ca.pem \
//          --cert dev.crt --key dev.key --thing NAME [--timeout ms]
'use strict';

const awsIot = require('aws-iot-device-sdk');
const { parseArgs } = require('node:util');

const { values: args } = parseArgs({
  options: Object.fromEntries(['host', 'port', 'ca', 'cert', 'key', 'thing', 'timeout']
    .map((k) => [k, { type: 'string' }])),
});

const thing = args.thing;
const say = (event, fields) => console.log(JSON.stringify(Object.assign({ event }, fields)));
const fail = (why) => {
  say('error', { error: String(why) });
  process.exit(1);
};
setTimeout(() => fail('timed out'), Number(args.timeout || 20000)).unref();

const shadows = awsIot.thingShadow({
  host: args.host,
  port: Number(args.port),
  protocol: 'mqtts',
  caPath: args.ca,
  certPath: args.cert,
  keyPath: args.key,
  clientId: thing,
});

// pending maps the clientToken of each request to what it was for.
const pending = {};
let registered = false;

function request(what, token) {
  if (token === null) {
    fail(what + ': the SDK refused the operation');
  }
  pending[token] = what;
}

shadows.on('connect', () => {
  say('connected');
  if (registered) {
    return;
  }
  registered = true;
  shadows.register(thing, { persistentSubscribe: true }, (err, failed) => {
    if (err || failed) {
      fail('register: ' + (err || JSON.stringify(failed)));
    }
    say('registered');
    request('report', shadows.update(thing, { state: { reported: { color: 'green', mode: 'eco' } } }));
  });
});

shadows.on('status', (name, stat, token, doc) => {
  const what = pending[token];
  delete pending[token];
  say('status', { what, stat, version: doc.version });
  if (stat !== 'accepted') {
    fail(what + ' was ' + stat + ': ' + JSON.stringify(doc));
  }
  switch (what) {
    case 'report':
      say('reported'); // the test now sets desired state
      break;
    case 'apply':
      request('get', shadows.get(thing));
      break;
    case 'get':
      say('got', { state: doc.state, version: doc.version });
      shadows.end(false, () => process.exit(doc.state.delta ? 1 : 0));
      break;
  }
});

shadows.on('delta', (name, doc) => {
  say('delta', { state: doc.state, version: doc.version });
  request('apply', shadows.update(thing, { state: { reported: doc.state } }));
});

shadows.on('timeout', (name, token) => fail('no answer to ' + pending[token]));
shadows.on('error', (err) => fail(err && err.message ? err.message : err));
