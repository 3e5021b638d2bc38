// The MQTT test client: connect over WebSocket with a URL hob presigns for
// the signed-in user (POST /console/mqtt-url), subscribe, publish, and a
// message log with pause, clear and export.
import { type MqttClient } from 'mqtt'
import { ApiError, mqttURL } from './api'
import { connectPresigned } from './console-mqtt'
import { field, h, showError } from './dom'

type QoS = 0 | 1 | 2

interface Message {
  topic: string
  time: string // ISO 8601
  qos: QoS
  retain: boolean
  payload: string // text, or base64 when the payload is not UTF-8
  encoding: 'utf8' | 'base64'
}

// At most this many messages are kept (the oldest are dropped).
const maxMessages = 1000

function qosSelect(): HTMLSelectElement {
  return h('select', {}, h('option', { value: '0' }, '0 – at most once'), h('option', { value: '1' }, '1 – at least once'))
}

function decode(payload: Uint8Array): Pick<Message, 'payload' | 'encoding'> {
  try {
    return { payload: new TextDecoder('utf-8', { fatal: true }).decode(payload), encoding: 'utf8' }
  } catch {
    let bin = ''
    for (const b of payload) bin += String.fromCharCode(b)
    return { payload: btoa(bin), encoding: 'base64' }
  }
}

// pretty indents JSON payloads and leaves others as they are.
function pretty(m: Message): string {
  if (m.encoding !== 'utf8') return `(binary, base64) ${m.payload}`
  try {
    return JSON.stringify(JSON.parse(m.payload), null, 2)
  } catch {
    return m.payload
  }
}

export class MQTTClientPage {
  readonly element: HTMLElement
  private client: MqttClient | null = null
  private subscriptions = new Map<string, QoS>()
  private messages: Message[] = []
  private held: Message[] = []
  private paused = false

  private clientId = h('input', { type: 'text', value: 'web-elf', autocomplete: 'off', spellcheck: 'false' })
  private connectButton = h('button', { type: 'button' }, 'Connect')
  private status = h('p', { class: 'status', role: 'status' }, 'Disconnected.')
  private filter = h('input', { type: 'text', value: 'elf/#', autocomplete: 'off', spellcheck: 'false' })
  private subQos = qosSelect()
  private subscribeButton = h('button', { type: 'submit', disabled: true }, 'Subscribe')
  private subList = h('ul', { class: 'subs', 'aria-label': 'Subscriptions' })
  private pubTopic = h('input', { type: 'text', value: 'elf/console', autocomplete: 'off', spellcheck: 'false' })
  private pubQos = qosSelect()
  private pubRetain = h('input', { type: 'checkbox', id: 'pub-retain' })
  private pubPayload = h('textarea', { rows: '5', spellcheck: 'false' })
  private publishButton = h('button', { type: 'submit', disabled: true }, 'Publish')
  private pauseButton = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause')
  private clearButton = h('button', { type: 'button' }, 'Clear')
  private exportButton = h('button', { type: 'button' }, 'Export JSON')
  private logCount = h('p', { class: 'hint', 'aria-live': 'polite' }, 'No messages yet.')
  private log = h('ol', { class: 'log', 'aria-label': 'Messages, newest first' })

  constructor(private readonly sessionLost: (message: string) => void) {
    this.pubPayload.value = JSON.stringify({ message: 'Hello from the hob console' }, null, 2)
    const subForm = h(
      'form',
      { class: 'row', 'aria-label': 'Subscribe' },
      field('sub-filter', 'Topic filter', this.filter),
      field('sub-qos', 'QoS', this.subQos),
      this.subscribeButton,
    )
    const pubForm = h(
      'form',
      { 'aria-label': 'Publish' },
      h(
        'div',
        { class: 'row' },
        field('pub-topic', 'Topic', this.pubTopic),
        field('pub-qos', 'QoS', this.pubQos),
        h('div', { class: 'field check' }, this.pubRetain, h('label', { for: 'pub-retain' }, 'Retain')),
      ),
      field('pub-payload', 'Payload', this.pubPayload, 'Sent as typed; JSON is usual.'),
      this.publishButton,
    )
    this.element = h(
      'div',
      { class: 'mqtt' },
      h('h1', {}, 'MQTT test client'),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'conn-title' },
        h('h2', { id: 'conn-title' }, 'Connection'),
        h('div', { class: 'row' }, field('client-id', 'Client id', this.clientId), this.connectButton),
        this.status,
      ),
      h('div', { class: 'cols' },
        h('section', { class: 'card', 'aria-labelledby': 'sub-title' }, h('h2', { id: 'sub-title' }, 'Subscribe'), subForm, this.subList),
        h('section', { class: 'card', 'aria-labelledby': 'pub-title' }, h('h2', { id: 'pub-title' }, 'Publish'), pubForm),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'log-title' },
        h('h2', { id: 'log-title' }, 'Messages'),
        h('div', { class: 'row' }, this.pauseButton, this.clearButton, this.exportButton),
        this.logCount,
        this.log,
      ),
    )
    this.connectButton.addEventListener('click', () => (this.client ? this.disconnect() : void this.connect()))
    subForm.addEventListener('submit', (ev) => {
      ev.preventDefault()
      this.subscribe(this.filter.value.trim(), Number(this.subQos.value) as QoS)
    })
    pubForm.addEventListener('submit', (ev) => {
      ev.preventDefault()
      this.publish()
    })
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused))
    this.clearButton.addEventListener('click', () => {
      this.messages = []
      this.held = []
      this.log.replaceChildren()
      this.updateCount()
    })
    this.exportButton.addEventListener('click', () => this.export())
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text
    this.status.classList.toggle('error', error)
  }

  private setConnected(connected: boolean): void {
    this.connectButton.textContent = this.client ? 'Disconnect' : 'Connect'
    this.clientId.disabled = !!this.client
    this.subscribeButton.disabled = !connected
    this.publishButton.disabled = !connected
    for (const b of this.subList.querySelectorAll('button')) b.disabled = !connected
  }

  private async connect(): Promise<void> {
    showError('client-id', null)
    const clientId = this.clientId.value.trim()
    if (!clientId) {
      showError('client-id', 'Enter a client id.')
      this.clientId.focus()
      return
    }
    this.connectButton.disabled = true
    this.setStatus('Getting a signed URL…')
    let url: string
    try {
      url = (await mqttURL()).url
    } catch (e) {
      this.connectButton.disabled = false
      if (e instanceof ApiError && e.status === 401) {
        this.sessionLost(e.message)
        return
      }
      this.setStatus(e instanceof Error ? e.message : String(e), true)
      return
    } finally {
      this.connectButton.disabled = false
    }
    this.setStatus(`Connecting as ${clientId}…`)
    const client = connectPresigned(url, clientId) // Connect asks for a fresh URL
    this.client = client
    this.setConnected(false)
    client.on('connect', () => {
      this.setStatus(`Connected as ${clientId}.`)
      this.setConnected(true)
      for (const [f, qos] of this.subscriptions) this.subscribe(f, qos)
    })
    client.on('message', (topic, payload, packet) => {
      this.receive({ topic, time: new Date().toISOString(), qos: packet.qos as QoS, retain: packet.retain, ...decode(payload) })
    })
    client.on('error', (err) => this.setStatus(`Error: ${err.message}`, true))
    client.on('close', () => {
      if (this.client !== client) return
      this.client = null
      client.end(true)
      if (!this.status.classList.contains('error')) this.setStatus('Disconnected.')
      this.setConnected(false)
    })
  }

  private disconnect(): void {
    const c = this.client
    this.client = null
    c?.end()
    this.setStatus('Disconnected.')
    this.setConnected(false)
  }

  // close ends the connection for good (sign-out).
  close(): void {
    this.disconnect()
  }

  private subscribe(filter: string, qos: QoS): void {
    showError('sub-filter', null)
    if (!filter) {
      showError('sub-filter', 'Enter a topic filter, for example elf/#.')
      return
    }
    const c = this.client
    if (!c?.connected) return
    c.subscribe(filter, { qos }, (err, granted) => {
      const g = granted?.[0]
      if (err || !g || g.qos === 128) {
        showError('sub-filter', err ? err.message : `hob refused the subscription to ${filter}.`)
        this.subscriptions.delete(filter)
      } else {
        this.subscriptions.set(filter, qos)
      }
      this.renderSubs()
    })
  }

  private renderSubs(): void {
    const connected = !!this.client?.connected
    this.subList.replaceChildren(
      ...[...this.subscriptions].map(([f, qos]) => {
        const b = h('button', { type: 'button', class: 'small', 'aria-label': `Unsubscribe from ${f}`, disabled: !connected }, 'Unsubscribe')
        b.addEventListener('click', () => {
          this.client?.unsubscribe(f)
          this.subscriptions.delete(f)
          this.renderSubs()
        })
        return h('li', {}, h('code', {}, f), ` QoS ${qos} `, b)
      }),
    )
  }

  private publish(): void {
    showError('pub-topic', null)
    const topic = this.pubTopic.value.trim()
    if (!topic || topic.includes('#') || topic.includes('+')) {
      showError('pub-topic', 'Enter a topic without wildcards (+ or #).')
      this.pubTopic.focus()
      return
    }
    const c = this.client
    if (!c?.connected) return
    const qos = Number(this.pubQos.value) as QoS
    c.publish(topic, this.pubPayload.value, { qos, retain: this.pubRetain.checked }, (err) => {
      if (err) showError('pub-topic', err.message)
      else this.setStatus(`Published to ${topic}.`)
    })
  }

  private receive(m: Message): void {
    if (this.paused) {
      this.held.push(m)
      if (this.held.length > maxMessages) this.held.shift()
      this.updateCount()
      return
    }
    this.add(m)
    this.updateCount()
  }

  private add(m: Message): void {
    this.messages.push(m)
    const t = new Date(m.time)
    this.log.prepend(
      h(
        'li',
        {},
        h(
          'div',
          { class: 'meta' },
          h('code', { class: 'topic' }, m.topic),
          h('time', { datetime: m.time }, t.toLocaleTimeString()),
          h('span', {}, `QoS ${m.qos}`),
          m.retain ? h('span', { class: 'tag' }, 'retained') : null,
        ),
        h('pre', {}, pretty(m)),
      ),
    )
    if (this.messages.length > maxMessages) {
      this.messages.shift()
      this.log.lastElementChild?.remove()
    }
  }

  private setPaused(paused: boolean): void {
    this.paused = paused
    this.pauseButton.textContent = paused ? 'Resume' : 'Pause'
    this.pauseButton.setAttribute('aria-pressed', String(paused))
    if (!paused) {
      const held = this.held
      this.held = []
      for (const m of held) this.add(m)
    }
    this.updateCount()
  }

  private updateCount(): void {
    const n = this.messages.length
    let text = n === 0 ? 'No messages yet.' : `${n} message${n === 1 ? '' : 's'}.`
    if (this.paused) text += ` Paused: ${this.held.length} held.`
    this.logCount.textContent = text
  }

  private export(): void {
    const blob = new Blob([JSON.stringify(this.messages, null, 2) + '\n'], { type: 'application/json' })
    const a = h('a', { href: URL.createObjectURL(blob), download: `hob-mqtt-${new Date().toISOString().replace(/[:.]/g, '-')}.json` })
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  }
}
