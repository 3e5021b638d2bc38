// A shadow's live MQTT feed for the shadows page: connect MQTT.js with a
// presigned URL (POST /console/mqtt-url) as web-shadow-<random>, subscribe
// to the shadow's update/delta and update/documents topics, and end the
// connection once the page element has left the document.
import { type MqttClient } from 'mqtt'
import { ApiError, mqttURL } from './api'
import { connectPresigned } from './console-mqtt'

export interface LiveHandlers {
  // message is called with each message's topic suffix ('delta' or
  // 'documents') and its parsed JSON (or the text when it is not JSON).
  message: (kind: 'delta' | 'documents', payload: unknown) => void
  // status reports the connection's state; listening is true once both
  // subscriptions are granted.
  status: (text: string, state: 'busy' | 'listening' | 'closed' | 'error') => void
}

// shadowTopic is the shadow's MQTT topic prefix: $aws/things/T/shadow, or
// $aws/things/T/shadow/name/N for a named shadow.
export function shadowTopic(thing: string, name: string): string {
  return `$aws/things/${thing}/shadow` + (name ? `/name/${name}` : '')
}

function randomSuffix(): string {
  const b = new Uint8Array(4)
  crypto.getRandomValues(b)
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
}

function parse(payload: Uint8Array): unknown {
  const text = new TextDecoder().decode(payload)
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export class LiveShadow {
  private client: MqttClient | null = null
  private watch: ReturnType<typeof setInterval> | undefined
  private stopped = false
  readonly clientId = `web-shadow-${randomSuffix()}`

  constructor(
    private readonly owner: HTMLElement,
    private readonly prefix: string,
    private readonly on: LiveHandlers,
  ) {}

  get topics(): string[] {
    return [`${this.prefix}/update/delta`, `${this.prefix}/update/documents`]
  }

  // start connects (again); it is a no-op while a connection is open.
  async start(): Promise<void> {
    if (this.client || this.stopped) return
    this.watchOwner()
    this.on.status('Getting a signed URL…', 'busy')
    let url: string
    try {
      url = (await mqttURL()).url
    } catch (e) {
      this.on.status(`Live updates unavailable: ${e instanceof ApiError || e instanceof Error ? e.message : String(e)}`, 'error')
      return
    }
    if (this.stopped || this.client) return
    this.on.status(`Connecting as ${this.clientId}…`, 'busy')
    const client = connectPresigned(url, this.clientId) // Reconnect asks for a fresh URL
    this.client = client
    client.on('connect', () => this.subscribe(client))
    client.on('message', (topic, payload) => {
      const kind = topic.endsWith('/update/delta') ? 'delta' : 'documents'
      this.on.message(kind, parse(payload))
    })
    client.on('error', (err) => this.on.status(`Live updates failed: ${err.message}`, 'error'))
    client.on('close', () => {
      if (this.client !== client) return
      this.client = null
      client.end(true)
      this.on.status('Live updates stopped: the connection closed.', 'closed')
    })
  }

  private subscribe(client: MqttClient): void {
    client.subscribe(this.topics, { qos: 1 }, (err, granted) => {
      if (err || !granted || granted.some((g) => g.qos === 128)) {
        this.on.status(`hob refused the subscription: ${err ? err.message : 'not authorized'}.`, 'error')
        return
      }
      this.on.status(`Listening on ${this.topics[0]}.`, 'listening')
    })
  }

  // stop ends the connection for good.
  stop(): void {
    this.stopped = true
    clearInterval(this.watch)
    this.watch = undefined
    const c = this.client
    this.client = null
    // A live connection says DISCONNECT; one still connecting is dropped.
    c?.end(!c.connected)
  }

  // watchOwner stops the feed once the owner element is out of the
  // document: checked first right after the page was rendered (the shell
  // attaches it synchronously after render returns), then twice a second.
  private watchOwner(): void {
    if (this.watch !== undefined) return
    const check = (): void => {
      if (!this.owner.isConnected) this.stop()
    }
    setTimeout(check, 0)
    this.watch = setInterval(check, 500)
  }
}
