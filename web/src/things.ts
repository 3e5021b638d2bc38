// The things page (#/things): create a thing with attributes, list things
// with paging and filters, delete. #/things/NAME is a thing's own page
// (things-detail.ts).
import { iot } from './api'
import { field, h, showError } from './dom'
import { renderThing } from './things-detail'
import { AttributeRows, Pager, attributeList, confirmDelete, row, say, seg, statusLine, table, text } from './things-shared'
import './things.css'

export interface ThingAttribute {
  thingName: string
  thingTypeName?: string
  thingArn: string
  attributes?: Record<string, string>
  version: number
}

interface ListThings {
  things: ThingAttribute[]
  nextToken?: string
}

const pageSize = 25

export function renderThings(params: string[]): HTMLElement {
  if (params[0]) return renderThing(params[0])
  const status = statusLine()
  const list = new ThingList(status)
  return h(
    'div',
    { class: 'things' },
    h('h1', {}, 'Things'),
    createForm(status, () => void list.reload()),
    list.element,
  )
}

// createForm creates a thing from a name and attribute rows.
function createForm(status: HTMLElement, created: (name: string) => void): HTMLElement {
  const name = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true })
  const attrs = new AttributeRows('new-thing-attr', 'Attributes', {}, true)
  const submit = h('button', { type: 'submit' }, 'Create thing')
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'thing-create-title', novalidate: true },
    h('h2', { id: 'thing-create-title' }, 'Create a thing'),
    h(
      'div',
      { class: 'row things-create' },
      field('new-thing-name', 'Thing name', name),
      attrs.addButton,
      submit,
    ),
    attrs.element,
    h('p', { id: 'new-thing-attrs-error', class: 'error', role: 'alert', hidden: true }),
  )
  name.addEventListener('input', () => showError('new-thing-name', null))
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    showError('new-thing-name', null)
    const attrError = form.querySelector<HTMLElement>('#new-thing-attrs-error')!
    attrError.hidden = true
    const thingName = name.value.trim()
    if (!thingName) {
      showError('new-thing-name', 'Enter a name for the thing.')
      name.focus()
      return
    }
    const attributes = attrs.values()
    if (typeof attributes === 'string') {
      attrError.textContent = attributes
      attrError.hidden = false
      return
    }
    submit.disabled = true
    try {
      const body = Object.keys(attributes).length ? { attributePayload: { attributes } } : {}
      await iot('POST', `/things/${seg(thingName)}`, body)
      name.value = ''
      attrs.clear()
      say(status, `Created thing ${thingName}. `)
      status.append(h('a', { href: `#/things/${seg(thingName)}` }, `Open ${thingName}`))
      created(thingName)
    } catch (e) {
      // hob's messages say what they are about: an attribute, or the name.
      const m = text(e)
      if (/attribute/i.test(m)) {
        attrError.textContent = m
        attrError.hidden = false
      } else {
        showError('new-thing-name', m)
        name.focus()
      }
    } finally {
      submit.disabled = false
    }
  })
  return form
}

// ThingList is the listing: a filter form (server-side attribute and
// thing-type filters, a name filter over the page shown), the table and
// the pager.
class ThingList {
  readonly element: HTMLElement
  private nameFilter = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  private attrName = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  private attrValue = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  private prefix = h('input', { type: 'checkbox', id: 'things-prefix' })
  private typeName = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' })
  private body = h('div', { 'aria-busy': 'false' })
  private loadError = h('p', { class: 'error', role: 'alert', hidden: true })
  private pager: Pager
  private shown: ThingAttribute[] = []

  constructor(private readonly status: HTMLElement) {
    this.pager = new Pager('things', (token) => this.load(token))
    const form = h(
      'form',
      { class: 'things-search', role: 'search', 'aria-label': 'Find things', novalidate: true },
      h(
        'div',
        { class: 'row' },
        field('things-name', 'Name contains', this.nameFilter),
        field('things-attr-name', 'Attribute name', this.attrName),
        field('things-attr-value', 'Attribute value', this.attrValue),
        field('things-type', 'Thing type', this.typeName),
      ),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field check' }, this.prefix, h('label', { for: 'things-prefix' }, 'Value is a prefix')),
        h('button', { type: 'submit' }, 'Search'),
        h('button', { type: 'button', class: 'small', id: 'things-clear' }, 'Clear filters'),
      ),
      h(
        'p',
        { class: 'hint', id: 'things-search-hint' },
        'Name contains filters the page shown; the attribute and thing type filters search all things.',
      ),
    )
    this.nameFilter.setAttribute('aria-describedby', `${this.nameFilter.getAttribute('aria-describedby')} things-search-hint`)
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      void this.pager.first()
    })
    form.querySelector('#things-clear')!.addEventListener('click', () => {
      for (const i of [this.nameFilter, this.attrName, this.attrValue, this.typeName]) i.value = ''
      this.prefix.checked = false
      void this.pager.first()
    })
    this.nameFilter.addEventListener('input', () => this.draw())
    this.element = h(
      'section',
      { class: 'card', 'aria-labelledby': 'things-list-title' },
      h('h2', { id: 'things-list-title' }, 'All things'),
      form,
      status,
      this.loadError,
      this.body,
      this.pager.element,
    )
    void this.pager.first()
  }

  reload(): Promise<void> {
    return this.pager.reload()
  }

  private query(token: string): string {
    const q = new URLSearchParams({ maxResults: String(pageSize) })
    if (token) q.set('nextToken', token)
    const an = this.attrName.value.trim()
    const av = this.attrValue.value
    if (an) q.set('attributeName', an)
    if (an && av) q.set('attributeValue', av)
    if (an && av && this.prefix.checked) q.set('usePrefixAttributeValue', 'true')
    const tn = this.typeName.value.trim()
    if (tn) q.set('thingTypeName', tn)
    return q.toString()
  }

  private async load(token: string): Promise<string | undefined> {
    for (const id of ['things-attr-name', 'things-attr-value', 'things-type']) showError(id, null)
    if (this.attrValue.value && !this.attrName.value.trim()) {
      showError('things-attr-value', 'A value needs an attribute name.')
      throw new Error('no attribute name')
    }
    this.body.setAttribute('aria-busy', 'true')
    try {
      const out = await iot<ListThings>('GET', `/things?${this.query(token)}`)
      this.loadError.hidden = true
      this.shown = out.things ?? []
      this.draw()
      return out.nextToken
    } catch (e) {
      // The filters are the likely cause; the message goes beside them.
      const id = this.typeName.value.trim() ? 'things-type' : this.attrName.value.trim() ? 'things-attr-name' : ''
      if (id) {
        showError(id, text(e))
        this.loadError.hidden = true
      } else {
        this.loadError.textContent = text(e)
        this.loadError.hidden = false
      }
      throw e
    } finally {
      this.body.setAttribute('aria-busy', 'false')
    }
  }

  private draw(): void {
    const needle = this.nameFilter.value.trim().toLowerCase()
    const things = needle ? this.shown.filter((t) => t.thingName.toLowerCase().includes(needle)) : this.shown
    const rows = things.map((t) =>
      row(
        h('a', { href: `#/things/${seg(t.thingName)}` }, t.thingName),
        t.thingTypeName ?? '',
        attributeList(t.attributes),
        String(t.version),
        confirmDelete(`thing ${t.thingName}`, async () => {
          await iot('DELETE', `/things/${seg(t.thingName)}`)
          say(this.status, `Deleted thing ${t.thingName}.`)
          await this.pager.reload()
        }),
      ),
    )
    const empty = this.shown.length === 0 ? 'No things match.' : 'No thing on this page has a name containing that text.'
    this.body.replaceChildren(table('Things', ['Name', 'Type', 'Attributes', 'Version', 'Actions'], rows, empty))
  }
}
