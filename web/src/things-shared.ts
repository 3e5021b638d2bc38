// Pieces the things, certificates and policies pages share: error slots
// beside a control, inline delete confirmation, paged lists, tables, file
// downloads, attribute rows and the principal calls.
import { iot } from './api'
import { field, h, showError } from './dom'
import './things-shared.css'

// text is an error's message: the server's own for an ApiError.
export function text(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

// seg percent-encodes one path segment (names, ARNs).
export const seg = encodeURIComponent

// iotPrincipal calls a thing↔principal operation (AttachThingPrincipal,
// DetachThingPrincipal, ListPrincipalThings), which names the principal
// in the x-amzn-principal header (AWS's REST shape); the console's proxy
// passes it on.
export function iotPrincipal<T>(method: string, path: string, principal: string): Promise<T> {
  return iot<T>(method, path, undefined, { 'x-amzn-principal': principal })
}

// Slot is an error message shown beside a control (role=alert), which the
// control names in aria-describedby.
export interface Slot {
  el: HTMLParagraphElement
  show(message: string | null): void
}

let slotCount = 0

export function errorSlot(...controls: HTMLElement[]): Slot {
  const id = `hob-err-${++slotCount}`
  const el = h('p', { id, class: 'error', role: 'alert', hidden: true })
  for (const c of controls) describe(c, id)
  return {
    el,
    show(message) {
      el.textContent = message ?? ''
      el.hidden = !message
    },
  }
}

function describe(control: HTMLElement, id: string): void {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean)
  if (!ids.includes(id)) control.setAttribute('aria-describedby', [...ids, id].join(' '))
}

// statusLine is a polite live region for "Created …", "Deleted …".
export function statusLine(): HTMLParagraphElement {
  return h('p', { class: 'status', role: 'status' })
}

export function say(el: HTMLElement, message: string): void {
  el.textContent = message
}

// button makes a type=button button running f on click; while f runs the
// button is disabled.
export function button(label: string, f: () => Promise<void> | void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label)
  b.addEventListener('click', async () => {
    b.disabled = true
    try {
      await f()
    } finally {
      b.disabled = false
    }
  })
  return b
}

// confirmDelete is a delete button that asks "Delete X?" in place, with
// Yes and Cancel buttons; run's error is shown in the slot beside it and
// nothing changes. Inside another .hob-actions row its parts join that
// row.
export function confirmDelete(what: string, run: () => Promise<void>, label = 'Delete'): HTMLElement {
  const box = h('div', { class: 'hob-actions hob-confirm' })
  const del = h('button', { type: 'button', class: 'small danger', 'aria-label': `${label} ${what}` }, label)
  const slot = errorSlot(del)
  const ask = (): void => {
    const yes = h('button', { type: 'button', class: 'small danger' }, `Yes, ${label.toLowerCase()}`)
    const no = h('button', { type: 'button', class: 'small' }, 'Cancel')
    const q = h('span', { class: 'hob-question' }, `${label} ${what}?`)
    describe(yes, slot.el.id)
    const cancel = (): void => {
      box.replaceChildren(del, slot.el)
      del.focus()
    }
    box.replaceChildren(q, yes, no, slot.el)
    yes.focus()
    no.addEventListener('click', cancel)
    for (const b of [yes, no]) {
      b.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape') cancel()
      })
    }
    yes.addEventListener('click', async () => {
      yes.disabled = no.disabled = true
      slot.show(null)
      try {
        await run()
      } catch (e) {
        box.replaceChildren(del, slot.el)
        slot.show(text(e))
        del.focus()
      }
    })
  }
  del.addEventListener('click', () => {
    slot.show(null)
    ask()
  })
  box.append(del, slot.el)
  return box
}

// table is a data table with a caption; empty is said when rows is empty.
export function table(caption: string, head: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'hint' }, empty)
  return h(
    'div',
    { class: 'hob-table' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows),
    ),
  )
}

export function row(...cells: (Node | string | null)[]): HTMLTableRowElement {
  return h('tr', {}, ...cells.map((c) => h('td', {}, c)))
}

// Pager pages a listing by continuation tokens (nextToken or marker):
// Previous and Next, remembering the tokens of the pages seen.
export class Pager {
  readonly element: HTMLElement
  private tokens = ['']
  private index = 0
  private next: string | undefined
  private prevButton = h('button', { type: 'button', class: 'small' }, 'Previous')
  private nextButton = h('button', { type: 'button', class: 'small' }, 'Next')
  private label = h('span', { class: 'hint' })

  // load shows the page at token ('' is the first) and answers the next
  // page's token, if any, or throws. errors, when given, shows why a page
  // could not be loaded (the server's message) and is cleared by the next
  // page that loads; without it, load shows its errors itself.
  constructor(
    what: string,
    private readonly load: (token: string) => Promise<string | undefined>,
    private readonly errors?: Slot,
  ) {
    this.element = h('nav', { class: 'hob-pager', 'aria-label': `Pages of ${what}` }, this.prevButton, this.label, this.nextButton)
    this.prevButton.addEventListener('click', () => void this.go(this.index - 1))
    this.nextButton.addEventListener('click', () => void this.go(this.index + 1))
    this.update()
  }

  // first shows the first page (after a new search, a create or a delete
  // that empties the page).
  first(): Promise<void> {
    this.tokens = ['']
    return this.go(0)
  }

  // reload shows the current page again.
  reload(): Promise<void> {
    return this.go(this.index)
  }

  private async go(i: number): Promise<void> {
    if (i > 0 && i === this.tokens.length) {
      if (!this.next) return
      this.tokens.push(this.next)
    }
    this.prevButton.disabled = this.nextButton.disabled = true
    try {
      this.next = await this.load(this.tokens[i] ?? '')
      this.index = i
      this.tokens.length = i + 1
      this.errors?.show(null)
    } catch (e) {
      // The page shown stays as it was.
      this.errors?.show(text(e))
      this.tokens.length = Math.max(this.index + 1, 1)
    } finally {
      this.update()
    }
  }

  private update(): void {
    this.prevButton.disabled = this.index === 0
    this.nextButton.disabled = !this.next
    this.label.textContent = `Page ${this.index + 1}`
    this.element.hidden = this.index === 0 && !this.next
  }
}

// download offers text as a file.
export function download(filename: string, body: string, type = 'application/x-pem-file'): void {
  const blob = new Blob([body], { type })
  const a = h('a', { href: URL.createObjectURL(blob), download: filename })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

// accountPrefix is "arn:aws:iot:REGION:ACCOUNT:" from any of hob's ARNs.
export function accountPrefix(arn: string): string {
  const parts = arn.split(':')
  return parts.length >= 6 ? parts.slice(0, 5).join(':') + ':' : ''
}

// certificateId is the id at the end of a certificate ARN, or ''.
export function certificateId(arn: string): string {
  const m = /:cert\/([0-9a-fA-F]+)$/.exec(arn)
  return m ? m[1] : ''
}

// certificateLink links a principal to its certificate page when it is a
// certificate ARN.
export function certificateLink(arn: string): Node {
  const id = certificateId(arn)
  return id ? h('a', { href: `#/certificates/${id}` }, h('code', {}, arn)) : h('code', {}, arn)
}

// when formats AWS's epoch seconds.
export function when(epochSeconds: number | undefined): Node | string {
  if (epochSeconds === undefined) return ''
  const d = new Date(epochSeconds * 1000)
  return h('time', { datetime: d.toISOString() }, d.toLocaleString())
}

// AttributeRows edits a thing's attributes: name and value rows with a
// Remove button each, and Add attribute.
export class AttributeRows {
  readonly element: HTMLFieldSetElement
  readonly addButton = h('button', { type: 'button', class: 'small' }, 'Add attribute')
  private rows = h('div', { class: 'hob-attrs' })
  private count = 0

  // With compact, the fieldset shows only while it has rows and the
  // caller places addButton.
  constructor(
    private readonly prefix: string,
    legend: string,
    initial: Record<string, string> = {},
    private readonly compact = false,
  ) {
    this.element = h('fieldset', { class: 'hob-fieldset' }, h('legend', {}, legend), this.rows, compact ? null : this.addButton)
    this.addButton.addEventListener('click', () => this.add('', '', true))
    for (const [k, v] of Object.entries(initial)) this.add(k, v, false)
    this.update()
  }

  private update(): void {
    if (this.compact) this.element.hidden = this.rows.childElementCount === 0
  }

  add(name: string, value: string, focus: boolean): void {
    const n = ++this.count
    const k = h('input', { type: 'text', value: name, autocomplete: 'off', spellcheck: 'false' })
    const v = h('input', { type: 'text', value, autocomplete: 'off', spellcheck: 'false' })
    const remove = h('button', { type: 'button', class: 'small', 'aria-label': `Remove attribute ${n}` }, 'Remove')
    const r = h(
      'div',
      { class: 'hob-attr' },
      shortLabel(field(`${this.prefix}-name-${n}`, '', k), 'Name', ` of attribute ${n}`),
      shortLabel(field(`${this.prefix}-value-${n}`, '', v), 'Value', ` of attribute ${n}`),
      remove,
    )
    remove.addEventListener('click', () => {
      r.remove()
      this.update()
      this.addButton.focus()
    })
    this.rows.append(r)
    this.update()
    if (focus) k.focus()
  }

  // values answers the attributes, or the first problem (an empty or
  // repeated name).
  values(): Record<string, string> | string {
    const out: Record<string, string> = {}
    for (const r of this.rows.querySelectorAll('.hob-attr')) {
      const [k, v] = [...r.querySelectorAll('input')].map((i) => i.value)
      const name = (k ?? '').trim()
      if (!name && !v) continue
      if (!name) return 'Every attribute needs a name.'
      if (Object.hasOwn(out, name)) return `The attribute ${name} is given twice.`
      out[name] = v ?? ''
    }
    return out
  }

  clear(): void {
    this.rows.replaceChildren()
    this.count = 0
    this.update()
  }
}

// shortLabel labels a field with text on screen and more for screen
// readers ("Name" + " of attribute 2").
function shortLabel(f: HTMLDivElement, shown: string, more: string): HTMLDivElement {
  f.querySelector('label')?.replaceChildren(shown, h('span', { class: 'hob-sr' }, more))
  return f
}

// attributeList shows attributes as "name = value" lines.
export function attributeList(attrs: Record<string, string> | undefined): Node {
  const entries = Object.entries(attrs ?? {})
  if (entries.length === 0) return h('span', { class: 'hint' }, 'none')
  return h(
    'ul',
    { class: 'hob-kv' },
    ...entries.map(([k, v]) => h('li', {}, h('code', {}, k), ' = ', h('code', {}, v))),
  )
}

// Certificates for pickers: a datalist of certificate ARNs (the first
// 250), filled in when it arrives.
export function certificateChoices(id: string): HTMLDataListElement {
  const list = h('datalist', { id })
  void iot<{ certificates: { certificateArn: string; certificateId: string; status: string }[] }>(
    'GET',
    '/certificates?pageSize=250',
  )
    .then((out) => {
      list.replaceChildren(
        ...out.certificates.map((c) => h('option', { value: c.certificateArn }, `${c.certificateId.slice(0, 12)}… ${c.status}`)),
      )
    })
    .catch(() => {
      // Only suggestions; the field still takes a pasted ARN.
    })
  return list
}

// AttachForm describes the form under a list of attachments: one control
// (a text input or a select), its submit button, the message shown when it
// is empty, and the call that attaches, which returns what to announce.
export interface AttachForm {
  id: string
  label: string
  control: HTMLInputElement | HTMLSelectElement
  button: string
  empty: string
  hint?: string
  extra?: Node // e.g. the control's datalist
  rowClass?: string // default 'row'
  status: HTMLElement
  attach: (value: string) => Promise<string>
  after: () => Promise<void> // reload the list
}

// attachForm builds an AttachForm: the server's message goes next to the
// control, and a failed attach changes nothing on the page.
export function attachForm(f: AttachForm): HTMLFormElement {
  const submit = h('button', { type: 'submit' }, f.button)
  const form = h(
    'form',
    { novalidate: true },
    h('div', { class: f.rowClass ?? 'row' }, field(f.id, f.label, f.control, f.hint), submit),
    f.extra ?? null,
  )
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    showError(f.id, null)
    const value = f.control.value.trim()
    if (!value) {
      showError(f.id, f.empty)
      f.control.focus()
      return
    }
    submit.disabled = true
    try {
      const said = await f.attach(value)
      f.control.value = ''
      say(f.status, said)
      await f.after()
    } catch (e) {
      showError(f.id, text(e))
      f.control.focus()
    } finally {
      submit.disabled = false
    }
  })
  return form
}

// Back names a detail page's list: where its back link goes.
export interface Back {
  hash: string
  label: string
}

export function backLink(b: Back): HTMLAnchorElement {
  return h('a', { href: b.hash, class: 'hob-back' }, b.label)
}

// detailShell is a detail page (#/things/NAME, #/policies/NAME,
// #/certificates/ID) while it loads: its back link, its title and
// "Loading…", which fetchDetail replaces.
export function detailShell(cls: string, back: Back, title: string): HTMLElement {
  return h('div', { class: cls }, backLink(back), h('h1', {}, title), h('p', { class: 'status', role: 'status' }, 'Loading…'))
}

// fetchDetail answers what fetch gets, or undefined after putting the
// server's message where the shell says "Loading…".
export async function fetchDetail<T>(page: HTMLElement, fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch()
  } catch (e) {
    page.lastElementChild?.replaceWith(h('p', { class: 'error', role: 'alert' }, text(e)))
    return undefined
  }
}

// detailHeading is a detail page's title with its delete button: once
// remove has succeeded, the page goes back to its list.
export function detailHeading(title: string, what: string, back: Back, remove: () => Promise<unknown>): HTMLElement {
  return h(
    'div',
    { class: 'hob-heading' },
    h('h1', {}, title),
    confirmDelete(what, async () => {
      await remove()
      location.hash = back.hash
    }),
  )
}

// detachRow is a table row of link and a Detach button (asking "Detach
// what?"): detach runs, status says done, and pager reloads its first page.
export function detachRow(
  link: Node,
  what: string,
  detach: () => Promise<unknown>,
  done: string,
  status: HTMLElement,
  pager: Pager,
): HTMLTableRowElement {
  return row(
    link,
    confirmDelete(
      what,
      async () => {
        await detach()
        say(status, done)
        await pager.first()
      },
      'Detach',
    ),
  )
}
