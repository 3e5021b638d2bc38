// A tiny element builder: every text goes through textContent, never
// innerHTML, so nothing the server or a device sends can inject markup.

type Attrs = Record<string, string | boolean | undefined>
type Child = Node | string | null | undefined | false

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : v)
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.append(typeof c === 'string' ? document.createTextNode(c) : c)
  }
  return el
}

// field is a label and its control, with an error slot described by the
// control (aria-describedby) so screen readers read the message with it.
export function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  control.id = id
  const err = h('p', { id: `${id}-error`, class: 'error', role: 'alert', hidden: true })
  const described = [`${id}-error`]
  const hintEl = hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null
  if (hintEl) described.push(`${id}-hint`)
  control.setAttribute('aria-describedby', described.join(' '))
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl, err)
}

// showError puts message next to the control with id (or clears it).
export function showError(id: string, message: string | null): void {
  const control = document.getElementById(id)
  const err = document.getElementById(`${id}-error`)
  if (!control || !err) return
  if (message) {
    err.textContent = message
    err.hidden = false
    control.setAttribute('aria-invalid', 'true')
  } else {
    err.textContent = ''
    err.hidden = true
    control.removeAttribute('aria-invalid')
  }
}

// whileShown runs tick now and every intervalMs while el is in the
// document, and stops for good once el has left it (the user went to
// another page). Pages use it to poll.
export function whileShown(el: HTMLElement, intervalMs: number, tick: () => void | Promise<void>): void {
  let started = false
  const run = async (): Promise<void> => {
    if (started && !el.isConnected) return
    started = true
    try {
      await tick()
    } finally {
      if (el.isConnected) setTimeout(() => void run(), intervalMs)
    }
  }
  // The element is attached right after render returns.
  setTimeout(() => void run(), 0)
}
