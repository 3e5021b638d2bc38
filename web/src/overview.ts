// The overview page: live connections and message rates (polled every two
// seconds while shown), the newest lifecycle events, hob's endpoint, the
// CA download and copy-paste connection snippets.
import './overview.css'
import { ApiError, overview, type Overview, type Session } from './api'
import { h, whileShown } from './dom'
import { RateChart, formatRate, maxPoints, type RatePoint } from './overview-chart'
import { ConnectPanel } from './overview-connect'

const pollMs = 2000

type LifecycleEvent = Overview['events'][number]

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

// LivePanel shows the connection count and the message-rate chart.
class LivePanel {
  readonly connections = h('p', { class: 'ov-big', id: 'ov-connections' }, '–')
  readonly totals = h('p', { class: 'hint' }, 'Waiting for the first figures…')
  readonly rateIn = h('span', { id: 'ov-rate-in' }, '–')
  readonly rateOut = h('span', { id: 'ov-rate-out' }, '–')
  readonly error = h('p', { class: 'error', role: 'alert', hidden: true })
  readonly chart = new RateChart()
  private points: RatePoint[] = []
  private prev: { t: number; in: number; out: number } | null = null

  element(): HTMLElement {
    return h(
      'div',
      { class: 'ov-live' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-conn-title' },
        h('h2', { id: 'ov-conn-title' }, 'Connections now'),
        this.connections,
        h('p', { class: 'hint' }, 'MQTT clients connected to hob: over TLS, WebSocket and, with --dev, plain MQTT.'),
        this.totals,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-rate-title' },
        h('h2', { id: 'ov-rate-title' }, 'Messages per second'),
        h(
          'p',
          { class: 'ov-legend' },
          h('span', { class: 'ov-swatch ov-in', 'aria-hidden': 'true' }),
          'In: ',
          this.rateIn,
          '/s ',
          h('span', { class: 'ov-swatch ov-out', 'aria-hidden': 'true' }),
          'Out: ',
          this.rateOut,
          '/s',
        ),
        this.chart.element,
        this.error,
      ),
    )
  }

  update(o: Overview): void {
    this.connections.textContent = String(o.connections)
    this.totals.textContent = `Since hob started: ${o.messagesIn} messages in, ${o.messagesOut} out.`
    const t = Date.parse(o.time)
    const p = this.prev
    this.prev = { t, in: o.messagesIn, out: o.messagesOut }
    if (!p || !(t > p.t) || o.messagesIn < p.in || o.messagesOut < p.out) return
    const dt = (t - p.t) / 1000
    const point = { t, in: (o.messagesIn - p.in) / dt, out: (o.messagesOut - p.out) / dt }
    this.points.push(point)
    if (this.points.length > maxPoints) this.points.shift()
    this.rateIn.textContent = formatRate(point.in)
    this.rateOut.textContent = formatRate(point.out)
    this.chart.draw(this.points)
  }

  showError(msg: string | null): void {
    const text = msg ? `Live figures unavailable: ${msg}` : ''
    if (this.error.textContent !== text) this.error.textContent = text
    this.error.hidden = !msg
  }
}

// EventsTable lists the newest lifecycle events.
class EventsTable {
  private body = h('tbody')
  private last = ''
  readonly element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'ov-events-title' },
    h('h2', { id: 'ov-events-title' }, 'Recent lifecycle events'),
    h(
      'div',
      { class: 'ov-scroll', tabindex: '0', role: 'region', 'aria-label': 'Lifecycle events, scrollable' },
      h(
        'table',
        { class: 'ov-events' },
        h('caption', {}, 'Lifecycle events, newest first (at most 50)'),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Client id'), h('th', { scope: 'col' }, 'Details')),
        ),
        this.body,
      ),
    ),
  )

  constructor() {
    this.body.append(this.placeholder('Loading…'))
  }

  private placeholder(text: string): HTMLTableRowElement {
    return h('tr', {}, h('td', { colspan: '4', class: 'hint' }, text))
  }

  update(events: LifecycleEvent[]): void {
    const key = JSON.stringify(events)
    if (key === this.last) return
    this.last = key
    this.body.replaceChildren(...(events.length ? events.map(eventRow) : [this.placeholder('No lifecycle events yet.')]))
  }
}

// eventRow reads AWS's lifecycle event JSON (falling back on the topic:
// $aws/events/presence/connected/CLIENT, .../subscriptions/subscribed/CLIENT).
function eventRow(e: LifecycleEvent): HTMLTableRowElement {
  const p = e.payload && typeof e.payload === 'object' ? (e.payload as Record<string, unknown>) : {}
  const parts = e.topic.split('/')
  const type = typeof p.eventType === 'string' ? p.eventType : (parts[3] ?? e.topic)
  const client = typeof p.clientId === 'string' ? p.clientId : parts.slice(4).join('/')
  const when = typeof p.timestamp === 'number' ? new Date(p.timestamp) : null
  const details: string[] = []
  if (Array.isArray(p.topics)) details.push(p.topics.join(', '))
  if (typeof p.disconnectReason === 'string' && p.disconnectReason) details.push(p.disconnectReason)
  if (typeof p.ipAddress === 'string' && p.ipAddress) details.push(`from ${p.ipAddress}`)
  return h(
    'tr',
    {},
    h('td', {}, when ? h('time', { datetime: when.toISOString() }, when.toLocaleTimeString()) : '–'),
    h('td', {}, h('span', { class: `ov-event ov-event-${type.replace(/[^a-z]/g, '')}` }, type)),
    h('td', {}, h('code', {}, client)),
    h('td', {}, details.join('; ')),
  )
}

export function renderOverview(s: Session): HTMLElement {
  const expires = new Date(s.expiresAt)
  const live = new LivePanel()
  const events = new EventsTable()
  const connect = new ConnectPanel()
  const root = h(
    'div',
    { class: 'overview' },
    h('h1', {}, 'Overview'),
    h(
      'p',
      { class: 'hint' },
      `Signed in as ${s.name ? `${s.name} (${s.accessKeyId})` : s.accessKeyId}; the session ends at `,
      h('time', { datetime: expires.toISOString() }, expires.toLocaleString()),
      '.',
    ),
    live.element(),
    h('div', { class: 'ov-pair' }, events.element, connect.endpointCard),
    connect.snippetsCard,
  )
  whileShown(root, pollMs, async () => {
    try {
      const o = await overview()
      live.update(o)
      events.update(o.events)
      connect.knownMQTTPort(o.mqttPort)
      live.showError(null)
    } catch (e) {
      live.showError(message(e))
    }
  })
  void connect.loadEndpoint()
  return root
}
