// The overview's "connect a device" part: hob's data endpoint
// (DescribeEndpoint), the CA download, and connection snippets with a copy
// button each.
import { ApiError, caURL, iot } from './api'
import { field, h, showError } from './dom'
import { snippets, type SnippetInput } from './overview-snippets'

// hob's default MQTT over TLS port (--mqtt-addr), shown until
// /console/overview tells the real one; the user can change it.
const defaultMQTTPort = '8883'

function validPort(v: string): boolean {
  return /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535
}

export class ConnectPanel {
  private endpoint = h('code', { id: 'ov-endpoint' }, 'loading…')
  private endpointError = h('p', { class: 'error', role: 'alert', hidden: true })
  private host = location.hostname
  private clientId = h('input', { type: 'text', value: 'elf-1', autocomplete: 'off', spellcheck: 'false' })
  private topic = h('input', { type: 'text', value: 'elf/hello', autocomplete: 'off', spellcheck: 'false' })
  private mqttPort = h('input', { type: 'text', value: defaultMQTTPort, inputmode: 'numeric', autocomplete: 'off' })
  private httpsPort = h('input', { type: 'text', value: location.port || '443', inputmode: 'numeric', autocomplete: 'off' })
  private list = h('div', { class: 'ov-snippets' })
  private copyStatus = h('p', { class: 'status', role: 'status' })

  readonly endpointCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'ov-endpoint-title' },
    h('h2', { id: 'ov-endpoint-title' }, 'Endpoint'),
    h(
      'dl',
      { class: 'ov-dl' },
      h('dt', {}, 'Data endpoint (iot:Data-ATS)'),
      h('dd', {}, this.endpoint),
      h('dt', {}, 'CA certificate'),
      h('dd', {}, h('a', { href: caURL, download: 'hob-ca.pem', id: 'ov-ca' }, 'Download hob-ca.pem')),
    ),
    this.endpointError,
    h('p', { class: 'hint' }, 'Devices trust hob-ca.pem in place of AmazonRootCA1.'),
  )

  readonly snippetsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'ov-snippets-title' },
    h('h2', { id: 'ov-snippets-title' }, 'Connect a device'),
    h('p', { class: 'hint' }, 'device.pem.crt and private.pem.key are the certificate and key saved when the device’s certificate was created. The snippets use these settings:'),
    h(
      'div',
      { class: 'row' },
      field('ov-client-id', 'Client id', this.clientId),
      field('ov-topic', 'Topic', this.topic),
      field('ov-mqtt-port', 'MQTT port (TLS)', this.mqttPort),
      field('ov-https-port', 'HTTPS port', this.httpsPort),
    ),
    this.list,
    this.copyStatus,
  )

  constructor() {
    for (const input of [this.clientId, this.topic, this.mqttPort, this.httpsPort]) {
      input.addEventListener('input', () => this.render())
    }
    this.mqttPort.addEventListener('input', () => (this.portEdited = true))
    this.render()
  }

  private portEdited = false

  // knownMQTTPort fills in the port hob listens on, unless the user has
  // typed one.
  knownMQTTPort(port: number | undefined): void {
    if (!port || this.portEdited || this.mqttPort.value === String(port)) return
    this.mqttPort.value = String(port)
    this.render()
  }

  async loadEndpoint(): Promise<void> {
    try {
      const r = await iot<{ endpointAddress: string }>('GET', '/endpoint?endpointType=iot:Data-ATS')
      this.host = r.endpointAddress
      this.endpoint.textContent = r.endpointAddress
      this.endpointError.hidden = true
    } catch (e) {
      this.endpoint.textContent = 'unknown'
      this.endpointError.textContent = `DescribeEndpoint failed: ${e instanceof ApiError || e instanceof Error ? e.message : String(e)}. The snippets use this page’s host instead.`
      this.endpointError.hidden = false
    }
    this.render()
  }

  private input(): SnippetInput | null {
    let ok = true
    for (const [id, el] of [['ov-mqtt-port', this.mqttPort], ['ov-https-port', this.httpsPort]] as const) {
      const bad = !validPort(el.value.trim())
      showError(id, bad ? 'Enter a port number from 1 to 65535.' : null)
      ok &&= !bad
    }
    for (const [id, el, what] of [['ov-client-id', this.clientId, 'a client id'], ['ov-topic', this.topic, 'a topic']] as const) {
      const bad = !el.value.trim()
      showError(id, bad ? `Enter ${what}.` : null)
      ok &&= !bad
    }
    if (!ok) return null
    return { host: this.host, mqttPort: this.mqttPort.value.trim(), httpsPort: this.httpsPort.value.trim(),
      clientId: this.clientId.value.trim(), topic: this.topic.value.trim() }
  }

  private render(): void {
    // The fields live in the document only once the page is shown; until
    // then showError finds nothing, which is fine for the defaults.
    const i = this.input()
    if (!i) return
    this.list.replaceChildren(
      ...snippets(i).map((s) => {
        const code = h('code', { id: `ov-snippet-${s.id}` }, s.text)
        const copy = h('button', { type: 'button', class: 'small', 'aria-label': `Copy ${s.title}` }, 'Copy')
        copy.addEventListener('click', () => void this.copy(s.title, code))
        return h(
          'div',
          { class: 'ov-snippet' },
          h('div', { class: 'ov-snippet-head' }, h('h3', { id: `ov-snippet-${s.id}-title` }, s.title), copy),
          h('pre', {}, code),
        )
      }),
    )
  }

  // copy puts the snippet on the clipboard; where the Clipboard API is
  // refused it selects the text so that Ctrl+C copies it.
  private async copy(title: string, code: HTMLElement): Promise<void> {
    const text = code.textContent ?? ''
    try {
      await navigator.clipboard.writeText(text)
      this.copyStatus.textContent = `Copied: ${title}.`
    } catch {
      const range = document.createRange()
      range.selectNodeContents(code)
      const sel = getSelection()
      sel?.removeAllRanges()
      sel?.addRange(range)
      this.copyStatus.textContent = `The browser refused the clipboard; the ${title} snippet is selected, press Ctrl+C to copy it.`
    }
  }
}
