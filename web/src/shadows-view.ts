// One shadow on the shadows page: its document (desired, reported, delta,
// metadata, version), an editor for the desired (or reported) state, delete
// with confirmation, and the deltas arriving live over MQTT.
import { ApiError, iotdata } from './api'
import { field, h, showError } from './dom'
import { LiveShadow, shadowTopic } from './shadows-live'

interface ShadowDoc {
  state?: { desired?: unknown; reported?: unknown; delta?: unknown }
  metadata?: unknown
  version?: number
  timestamp?: number
}

type Section = 'desired' | 'reported'

// At most this many deltas are listed.
const maxDeltas = 100

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

function pretty(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v, null, 2)
}

function epochTime(seconds: number | undefined): HTMLElement | string {
  if (typeof seconds !== 'number') return '–'
  const d = new Date(seconds * 1000)
  return h('time', { datetime: d.toISOString() }, d.toLocaleString())
}

function stateHint(section: string): string {
  return `Sent as {"state": {"${section}": …}}. A key set to null is removed.`
}

export class ShadowView {
  readonly element: HTMLElement
  private doc: ShadowDoc | null = null
  private loaded = false
  private dirty = false
  private refreshing: Promise<void> | null = null
  private again = false
  private live: LiveShadow

  private docStatus = h('p', { class: 'status', role: 'status', id: 'sh-doc-status' }, 'Loading…')
  private docError = h('p', { class: 'error', role: 'alert', hidden: true })
  private panes = {
    desired: h('pre', { id: 'sh-desired', class: 'sh-json' }),
    reported: h('pre', { id: 'sh-reported', class: 'sh-json' }),
    delta: h('pre', { id: 'sh-delta', class: 'sh-json' }),
  }
  private metadata = h('pre', { id: 'sh-metadata', class: 'sh-json' })
  private deleteButton = h('button', { type: 'button', class: 'sh-delete' }, 'Delete shadow')
  private confirmBox = h('div', { class: 'sh-confirm', hidden: true, role: 'group', 'aria-labelledby': 'sh-confirm-text' })

  private section = h('select', {}, h('option', { value: 'desired' }, 'desired'), h('option', { value: 'reported' }, 'reported'))
  private editor = h('textarea', { rows: '9', spellcheck: 'false' })
  private useVersion = h('input', { type: 'checkbox', id: 'sh-use-version' })
  private versionLabel = h('label', { for: 'sh-use-version' }, 'Only if the shadow is still at this version')
  private submit = h('button', { type: 'submit' }, 'Update shadow')
  private editStatus = h('p', { class: 'status', role: 'status' })

  private liveStatus = h('p', { class: 'status', role: 'status', id: 'sh-live-status' }, 'Not connected.')
  private reconnect = h('button', { type: 'button', class: 'small', hidden: true }, 'Reconnect')
  private deltas = h('ol', { class: 'sh-deltas', id: 'sh-deltas', 'aria-label': 'Deltas received, newest first' })
  private deltaHint = h('p', { class: 'hint' }, 'No deltas yet: they arrive when the desired state differs from the reported one.')

  constructor(
    private readonly thing: string,
    private readonly name: string,
    private readonly existenceChanged: () => void,
  ) {
    const title = name ? h('span', {}, 'Named shadow ', h('code', {}, name)) : 'Classic shadow'
    const docCard = h(
      'section',
      { class: 'card', 'aria-labelledby': 'sh-doc-title' },
      h('div', { class: 'sh-head' }, h('h2', { id: 'sh-doc-title' }, title, ' of ', h('code', {}, thing)), this.buttons()),
      this.docStatus,
      this.docError,
      this.confirmBox,
      h('div', { class: 'sh-panes' }, this.pane('Desired', this.panes.desired), this.pane('Reported', this.panes.reported), this.pane('Delta', this.panes.delta)),
      h('details', {}, h('summary', {}, 'Metadata (when each value was last updated)'), this.metadata),
    )
    this.live = new LiveShadow(docCard, shadowTopic(thing, name), {
      message: (kind, payload) => this.received(kind, payload),
      status: (text, state) => {
        this.liveStatus.textContent = text
        this.liveStatus.classList.toggle('error', state === 'error')
        this.reconnect.hidden = state !== 'error' && state !== 'closed'
      },
    })
    this.reconnect.addEventListener('click', () => void this.live.start())
    this.element = h('div', { class: 'sh-main' }, docCard, h('div', { class: 'sh-cols' }, this.editorCard(), this.liveCard()))
  }

  start(): void {
    void this.refresh()
    // A name with MQTT wildcards or levels would subscribe to other
    // shadows' topics; the API refuses such names anyway.
    if (/^[a-zA-Z0-9:_-]+$/.test(this.thing) && /^[$a-zA-Z0-9:_-]*$/.test(this.name)) void this.live.start()
    else this.liveStatus.textContent = 'No live updates: this is not a valid thing or shadow name.'
  }

  private get path(): string {
    return `/things/${encodeURIComponent(this.thing)}/shadow` + (this.name ? `?name=${encodeURIComponent(this.name)}` : '')
  }

  private pane(label: string, pre: HTMLElement): HTMLElement {
    return h('section', { 'aria-label': label }, h('h3', {}, label), pre)
  }

  private buttons(): HTMLElement {
    const refresh = h('button', { type: 'button', class: 'small' }, 'Refresh')
    refresh.addEventListener('click', () => void this.refresh())
    this.deleteButton.addEventListener('click', () => this.askDelete())
    return h('div', { class: 'sh-buttons' }, refresh, this.deleteButton)
  }

  // refresh reads the document again; calls made while one runs are
  // folded into one more read.
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true
      return this.refreshing
    }
    this.refreshing = this.load()
    try {
      await this.refreshing
    } finally {
      this.refreshing = null
    }
    if (this.again) {
      this.again = false
      await this.refresh()
    }
  }

  private async load(): Promise<void> {
    const existed = this.doc !== null
    try {
      this.doc = await iotdata<ShadowDoc>('GET', this.path)
      this.docError.hidden = true
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) {
        this.docError.textContent = message(e)
        this.docError.hidden = false
        return
      }
      this.doc = null
      this.docError.hidden = true
    }
    this.show()
    if (this.loaded && existed !== (this.doc !== null)) this.existenceChanged()
    this.loaded = true
  }

  private show(): void {
    const d = this.doc
    this.deleteButton.disabled = !d
    if (!d) {
      this.docStatus.textContent = 'This shadow does not exist yet: set a desired or reported state below to create it.'
      for (const pre of [...Object.values(this.panes), this.metadata]) pre.textContent = ''
    } else {
      this.docStatus.replaceChildren(`Version ${d.version ?? '–'}, last updated `, epochTime(d.timestamp), '.')
      this.panes.desired.textContent = pretty(d.state?.desired) || '(none)'
      this.panes.reported.textContent = pretty(d.state?.reported) || '(none)'
      this.panes.delta.textContent = pretty(d.state?.delta) || '(none: reported matches desired)'
      this.metadata.textContent = pretty(d.metadata) || '(none)'
    }
    this.versionLabel.textContent = d?.version !== undefined
      ? `Only if the shadow is still at version ${d.version}`
      : 'Only if the shadow is still at this version'
    this.useVersion.disabled = d?.version === undefined
    if (!this.dirty) this.fillEditor()
  }

  private fillEditor(): void {
    const v = this.doc?.state?.[this.section.value as Section]
    this.editor.value = v === undefined ? '{\n  \n}' : pretty(v)
    this.dirty = false
  }

  private editorCard(): HTMLElement {
    const reload = h('button', { type: 'button', class: 'small' }, 'Load current value')
    reload.addEventListener('click', () => this.fillEditor())
    this.section.addEventListener('change', () => {
      if (!this.dirty) this.fillEditor()
      const hint = document.getElementById('sh-state-hint')
      if (hint) hint.textContent = stateHint(this.section.value)
    })
    this.editor.addEventListener('input', () => {
      this.dirty = true
      showError('sh-state', null)
    })
    const form = h(
      'form',
      { class: 'card', 'aria-labelledby': 'sh-edit-title', novalidate: true },
      h('h2', { id: 'sh-edit-title' }, 'Edit state'),
      h('div', { class: 'row' }, field('sh-section', 'State section', this.section), reload),
      field('sh-state', 'State (JSON object)', this.editor, stateHint('desired')),
      h('div', { class: 'field check' }, this.useVersion, this.versionLabel),
      h('div', { class: 'row' }, this.submit),
      this.editStatus,
    )
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.update()
    })
    return form
  }

  private async update(): Promise<void> {
    showError('sh-state', null)
    this.editStatus.textContent = ''
    const section = this.section.value as Section
    let value: unknown
    try {
      value = JSON.parse(this.editor.value)
    } catch (e) {
      showError('sh-state', `This is not valid JSON: ${message(e)}`)
      this.editor.focus()
      return
    }
    const body: Record<string, unknown> = { state: { [section]: value } }
    if (this.useVersion.checked && this.doc?.version !== undefined) body.version = this.doc.version
    this.submit.disabled = true
    try {
      const r = await iotdata<ShadowDoc>('POST', this.path, body)
      this.dirty = false
      this.editStatus.textContent = `Updated the ${section} state: the shadow is at version ${r?.version ?? '?'}.`
      await this.refresh()
    } catch (e) {
      showError('sh-state', message(e))
      this.editor.focus()
    } finally {
      this.submit.disabled = false
    }
  }

  private askDelete(): void {
    const what = this.name ? `the shadow ${this.name}` : 'the classic shadow'
    const yes = h('button', { type: 'button', class: 'sh-danger' }, 'Delete')
    const no = h('button', { type: 'button', class: 'small' }, 'Cancel')
    const err = h('p', { class: 'error', role: 'alert', hidden: true })
    const close = (): void => {
      this.confirmBox.hidden = true
      this.confirmBox.replaceChildren()
      this.deleteButton.focus()
    }
    no.addEventListener('click', close)
    yes.addEventListener('click', async () => {
      yes.disabled = true
      try {
        await iotdata('DELETE', this.path)
        close()
        this.dirty = false
        this.docStatus.textContent = 'Deleted.'
        await this.refresh()
      } catch (e) {
        yes.disabled = false
        err.textContent = message(e)
        err.hidden = false
      }
    })
    this.confirmBox.replaceChildren(
      h('p', { id: 'sh-confirm-text' }, `Delete ${what} of ${this.thing}? Its desired and reported state are lost.`),
      h('div', { class: 'sh-buttons' }, yes, no),
      err,
    )
    this.confirmBox.hidden = false
    no.focus()
  }

  private liveCard(): HTMLElement {
    const clear = h('button', { type: 'button', class: 'small' }, 'Clear')
    clear.addEventListener('click', () => {
      this.deltas.replaceChildren()
      this.deltaHint.hidden = false
    })
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'sh-live-title' },
      h('div', { class: 'sh-head' }, h('h2', { id: 'sh-live-title' }, 'Live deltas'), h('div', { class: 'sh-buttons' }, this.reconnect, clear)),
      this.liveStatus,
      this.deltaHint,
      this.deltas,
    )
  }

  private received(kind: 'delta' | 'documents', payload: unknown): void {
    if (kind === 'delta') this.addDelta(payload)
    void this.refresh()
  }

  private addDelta(payload: unknown): void {
    const p: Record<string, unknown> = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {}
    const now = new Date()
    this.deltaHint.hidden = true
    this.deltas.prepend(
      h(
        'li',
        {},
        h(
          'div',
          { class: 'meta' },
          h('time', { datetime: now.toISOString() }, now.toLocaleTimeString()),
          h('span', { class: 'sh-version' }, `version ${typeof p.version === 'number' ? p.version : '?'}`),
        ),
        h('pre', { class: 'sh-json' }, pretty('state' in p ? p.state : payload)),
      ),
    )
    while (this.deltas.childElementCount > maxDeltas) this.deltas.lastElementChild?.remove()
  }
}
