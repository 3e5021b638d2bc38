// The shadows page: #/shadows picks a thing, #/shadows/THING shows its
// classic shadow and lists its named ones, #/shadows/THING/NAME a named
// shadow. The document, the desired-state editor and the live deltas are
// in shadows-view.ts.
import './shadows.css'
import { ApiError, iot, iotdata } from './api'
import { field, h, showError } from './dom'
import { ShadowView } from './shadows-view'

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

export function shadowHash(thing: string, name = ''): string {
  return '#/shadows/' + encodeURIComponent(thing) + (name ? '/' + encodeURIComponent(name) : '')
}

// thingPicker is a name field (with the registry's things as suggestions)
// and, folded when a thing is open, the list of things as links.
function thingPicker(current: string): HTMLElement {
  const input = h('input', { type: 'text', value: current, list: 'sh-thing-options', autocomplete: 'off', spellcheck: 'false', required: true })
  const options = h('datalist', { id: 'sh-thing-options' })
  const list = h('ul', { class: 'sh-things' })
  const more = h('button', { type: 'button', class: 'small', hidden: true }, 'Show more things')
  const listError = h('p', { class: 'error', role: 'alert', hidden: true })
  const count = h('span', {}, 'Things in the registry')
  let next = ''
  const load = async (): Promise<void> => {
    more.disabled = true
    try {
      const q = '/things?maxResults=100' + (next ? '&nextToken=' + encodeURIComponent(next) : '')
      const r = await iot<{ things?: { thingName: string }[]; nextToken?: string }>('GET', q)
      for (const t of r.things ?? []) {
        options.append(h('option', { value: t.thingName }))
        const a = h('a', { href: shadowHash(t.thingName) }, t.thingName)
        if (t.thingName === current) a.setAttribute('aria-current', 'page')
        list.append(h('li', {}, a))
      }
      next = r.nextToken ?? ''
      more.hidden = !next
      count.textContent = `Things in the registry (${list.childElementCount}${next ? '+' : ''})`
      if (!list.childElementCount) list.append(h('li', { class: 'hint' }, 'No things yet.'))
    } catch (e) {
      listError.textContent = `Listing things failed: ${message(e)}`
      listError.hidden = false
    } finally {
      more.disabled = false
    }
  }
  more.addEventListener('click', () => void load())
  const form = h(
    'form',
    { class: 'card sh-picker', 'aria-label': 'Choose a thing', novalidate: true },
    h('div', { class: 'row' }, field('sh-thing', 'Thing name', input), h('button', { type: 'submit' }, 'Show shadows')),
    options,
    h('details', { open: !current }, h('summary', {}, count), list, more, listError),
  )
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const name = input.value.trim()
    showError('sh-thing', name ? null : 'Enter the name of a thing.')
    if (!name) input.focus()
    else location.hash = shadowHash(name)
  })
  void load()
  return form
}

// ShadowList lists the thing's classic and named shadows and opens one by
// name (a new named shadow is made by setting its state).
class ShadowList {
  private list = h('ul', { class: 'sh-list' })
  private error = h('p', { class: 'error', role: 'alert', hidden: true })
  private input = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  readonly element: HTMLElement

  constructor(
    private readonly thing: string,
    private readonly current: string,
  ) {
    const form = h(
      'form',
      { 'aria-label': 'Open a named shadow', novalidate: true },
      field('sh-open-name', 'Named shadow', this.input, 'A new name makes a new shadow once you set its state.'),
      h('button', { type: 'submit' }, 'Open'),
    )
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const name = this.input.value.trim()
      showError('sh-open-name', name ? null : 'Enter a shadow name.')
      if (name) location.hash = shadowHash(this.thing, name)
    })
    this.element = h(
      'nav',
      { class: 'card sh-nav', 'aria-labelledby': 'sh-nav-title' },
      h('h2', { id: 'sh-nav-title' }, 'Shadows of ', h('code', {}, thing)),
      this.list,
      this.error,
      form,
    )
  }

  async load(): Promise<void> {
    const names: string[] = []
    try {
      let next = ''
      do {
        const q = `/api/things/shadow/ListNamedShadowsForThing/${encodeURIComponent(this.thing)}?pageSize=100` +
          (next ? '&nextToken=' + encodeURIComponent(next) : '')
        const r = await iotdata<{ results?: string[]; nextToken?: string }>('GET', q)
        names.push(...(r.results ?? []))
        next = r.nextToken ?? ''
      } while (next && names.length < 1000)
      this.error.hidden = true
    } catch (e) {
      this.error.textContent = `Listing named shadows failed: ${message(e)}`
      this.error.hidden = false
    }
    if (this.current && !names.includes(this.current)) names.push(this.current)
    names.sort()
    this.list.replaceChildren(this.item('', 'Classic shadow'), ...names.map((n) => this.item(n, n)))
  }

  private item(name: string, label: string): HTMLLIElement {
    const a = h('a', { href: shadowHash(this.thing, name) }, label)
    if (name === this.current) a.setAttribute('aria-current', 'page')
    return h('li', {}, a)
  }
}

export function renderShadows(params: string[]): HTMLElement {
  const thing = params[0] ?? ''
  const name = params[1] ?? ''
  const root = h('div', { class: 'shadows' }, h('h1', {}, 'Shadows'), thingPicker(thing))
  if (!thing) {
    root.append(h('p', { class: 'hint' }, 'Choose a thing to see its classic and named shadows.'))
    return root
  }
  const nav = new ShadowList(thing, name)
  const view = new ShadowView(thing, name, () => void nav.load())
  root.append(h('div', { class: 'sh-layout' }, nav.element, view.element))
  void nav.load()
  view.start()
  return root
}
